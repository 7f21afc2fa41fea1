from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.constants import Role
from accounts.models import Membership, Organisation, Team, User
from accounts.selectors import user_two_factor_device
from accounts.services import two_factor_reset, user_set_roles
from core.admin import AuditedAdminMixin

# Only a superuser (the platform's operator) may hand out these; an administrator in the
# municipality manages people through the five roles and cannot widen their own access.
SUPERUSER_ONLY_FIELDS = ["is_superuser", "is_staff", "user_permissions"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["team"]


class BrobygUserChangeForm(UserChangeForm):
    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups")
        is_admin = (
            any(g.name == Role.ADMIN for g in groups)
            if groups is not None
            else self.instance.has_role(Role.ADMIN)
        )
        if cleaned.get("two_factor_exempt") and is_admin:
            self.add_error(
                "two_factor_exempt", _("An administrator always signs in with two factors.")
            )
        return cleaned


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    form = BrobygUserChangeForm
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "is_active",
        "role_list",
        "two_factor_exempt",
    ]
    list_filter = ["groups", "is_active", "is_staff", "two_factor_exempt"]
    inlines = [MembershipInline]
    actions = ["reset_two_factor"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("Brobyg"),
            {"fields": ("preferred_language", "phone", "reminder_preference", "reminder_sms")},
        ),
        (
            _("Two-factor sign-in"),
            {"fields": ("two_factor_status", "two_factor_exempt")},
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        readonly.append("two_factor_status")
        if not request.user.is_superuser:
            readonly += SUPERUSER_ONLY_FIELDS
        return readonly

    @admin.display(description=_("authenticator app"))
    def two_factor_status(self, user):
        if user is None or user.pk is None:
            return "–"
        if user_two_factor_device(user=user) is not None:
            return _("Set up")
        return _("Not set up yet: asked for at the next sign-in")

    @admin.action(description=_("Reset two-factor sign-in (lost or new phone)"))
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            two_factor_reset(user=user, actor=request.user, request=request)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in was reset for %(count)d user. They set it up again at "
                "their next sign-in.",
                "Two-factor sign-in was reset for %(count)d users. They set it up again at "
                "their next sign-in.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def get_queryset(self, request):
        users = super().get_queryset(request).prefetch_related("groups")
        if not request.user.is_superuser:
            users = users.filter(is_superuser=False)
        return users

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=Role.values)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Roles go through the service, which keeps admin access (is_staff) in step with them.
        user = form.instance
        roles = [g.name for g in user.groups.all() if g.name in Role.values]
        user_set_roles(user=user, roles=roles, actor=request.user)

    @admin.display(description=_("roles"))
    def role_list(self, user):
        labels = dict(Role.choices)
        return ", ".join(sorted(str(labels.get(g.name, g.name)) for g in user.groups.all()))


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0
    fields = ["name", "kind", "email"]
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "municipality_code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    inlines = [TeamInline]


class TeamMembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organisation", "kind"]
    list_filter = ["kind", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "organisation__name"]
    inlines = [TeamMembershipInline]
