from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.constants import Role
from accounts.models import (
    ApiToken,
    Membership,
    Organisation,
    ServiceAccount,
    SingleSignOnGroup,
    SingleSignOnIdentity,
    Team,
    TwoFactorEnrolment,
    User,
)
from accounts.selectors import (
    api_token_problem,
    user_two_factor_code_open,
    user_two_factor_device,
)
from accounts.services import (
    SELF_GRANT_REASON_MISSING,
    api_token_revoke,
    membership_reason_required,
    team_add_member,
    team_remove_member,
    two_factor_code_issue,
    two_factor_reset,
    user_set_roles,
    user_sign_out_everywhere,
)
from accounts.services.single_sign_on import (
    single_sign_on_identity_link,
    single_sign_on_identity_link_problems,
)
from audit.admin import AuditedAdminMixin
from core.admin import ServiceAdminMixin

# Only a superuser (the platform's operator) may hand out these; an administrator in the
# municipality manages people through the five roles and cannot widen their own access.
SUPERUSER_ONLY_FIELDS = ["is_superuser", "is_staff", "user_permissions"]


class MembershipAdminForm(forms.ModelForm):
    """One row of a team's or a person's memberships in the admin.

    Saving goes through the accounts services (see `MembershipInlineMixin`); this form only
    tells the person at once what the service would refuse: adding themself without a reason.
    The person and the team of an existing row are fixed: to move someone, remove the row and
    add another, so both changes are recorded.
    """

    # Set per request by MembershipInlineMixin.get_formset.
    actor = None

    class Meta:
        model = Membership
        fields = ["user", "team", "is_lead", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2, "cols": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("user", "team"):
                if name in self.fields:
                    self.fields[name].disabled = True
            # The reason given when the row was made stays as it was (shown under "added
            # by"); a reason written here goes with this change, e.g. making oneself lead.
            self.initial["reason"] = ""

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user") or getattr(self.instance, "user", None)
        if user is None or self.actor is None or cleaned.get("DELETE"):
            return cleaned
        current = self.instance if self.instance.pk else None
        is_lead = bool(cleaned.get("is_lead"))
        reason = (cleaned.get("reason") or "").strip()
        if not reason and membership_reason_required(
            user=user, is_lead=is_lead, actor=self.actor, current=current
        ):
            self.add_error("reason", SELF_GRANT_REASON_MISSING)
        elif reason and current is not None and not (is_lead and not current.is_lead):
            self.add_error(
                "reason",
                _("A reason is kept with an addition or with making someone team lead."),
            )
        return cleaned


class MembershipInlineMixin:
    """Membership rows in the admin: every addition, removal and change of the lead flag goes
    through the accounts services, which record it for the data-protection officer."""

    model = Membership
    form = MembershipAdminForm
    extra = 1
    readonly_fields = ["granted"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("granted_by", "user", "team")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type("MembershipAdminForm", (formset.form,), {"actor": request.user})
        return formset

    @admin.display(description=_("added by"))
    def granted(self, membership):
        if membership is None or membership.pk is None:
            return "–"
        who = str(membership.granted_by) if membership.granted_by_id else _("the system")
        return f"{who}: {membership.reason}" if membership.reason else who


def save_membership_formset(request, formset) -> None:
    """Save the admin's membership rows through the services, and tell the admin's change
    message what happened (it reads the formset's new, changed and deleted objects)."""
    actor = request.user
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.initial_forms:
        if form in formset.deleted_forms and form.instance.pk:
            team_remove_member(
                team=form.instance.team, user=form.instance.user, actor=actor, request=request
            )
            formset.deleted_objects.append(form.instance)
    for form in formset.forms:
        if form in formset.deleted_forms or not form.has_changed():
            continue
        data = form.cleaned_data
        membership = team_add_member(
            team=data.get("team") or form.instance.team,
            user=data.get("user") or form.instance.user,
            is_lead=bool(data.get("is_lead")),
            reason=data.get("reason", ""),
            actor=actor,
            request=request,
        )
        if form.instance.pk:
            formset.changed_objects.append((membership, form.changed_data))
        else:
            formset.new_objects.append(membership)


class MembershipInline(MembershipInlineMixin, admin.TabularInline):
    fk_name = "user"
    fields = ["team", "is_lead", "reason", "granted"]
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
    actions = ["issue_two_factor_code", "reset_two_factor", "sign_out_everywhere"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("Brobyg"),
            {"fields": ("preferred_language", "phone", "reminder_preference", "reminder_sms")},
        ),
        (
            _("Two-factor sign-in"),
            {"fields": ("two_factor_status", "two_factor_codes", "two_factor_exempt")},
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        readonly += ["two_factor_status", "two_factor_codes"]
        if not request.user.is_superuser:
            readonly += SUPERUSER_ONLY_FIELDS
        return readonly

    @admin.display(description=_("authenticator app"))
    def two_factor_status(self, user):
        if user is None or user.pk is None:
            return "–"
        if user_two_factor_device(user=user) is not None:
            return _("Set up")
        if user.two_factor_exempt:
            return _("Not used: shared tablet account")
        if user_two_factor_code_open(user=user):
            return _("Not set up yet: a set-up code has been issued")
        return _("Not set up yet: issue a set-up code (action in the user list)")

    def _issue_two_factor_codes(self, request, users) -> None:
        """Issue each person a set-up code and show it (and its link) once, here."""
        for user in users:
            try:
                issued = two_factor_code_issue(user=user, actor=request.user, request=request)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                continue
            link = request.build_absolute_uri(
                reverse("accounts:two_factor_code_link", args=[issued.code])
            )
            self.message_user(
                request,
                _(
                    "Set-up code for %(user)s: %(code)s – or the link %(link)s. It works once, "
                    "until %(expires)s, and is not shown again. Give it to the person "
                    "yourself (by phone or in person), not in the same e-mail as the password."
                )
                % {
                    "user": user.username,
                    "code": issued.code,
                    "link": link,
                    "expires": date_format(
                        timezone.localtime(issued.enrolment.expires_at), "SHORT_DATETIME_FORMAT"
                    ),
                },
                messages.SUCCESS,
            )

    @admin.display(description=_("set-up codes issued"))
    def two_factor_codes(self, user):
        """When each set-up code was issued, by whom, and what became of it."""
        if user is None or user.pk is None:
            return "–"
        codes = TwoFactorEnrolment.objects.filter(user=user).select_related("issued_by")[:10]
        if not codes:
            return "–"

        def when(moment):
            return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")

        def state(code):
            if code.used_at:
                return _("used %(when)s") % {"when": when(code.used_at)}
            if code.revoked_at:
                return _("stopped %(when)s") % {"when": when(code.revoked_at)}
            if code.expires_at <= timezone.now():
                return _("expired")
            return _("works until %(when)s") % {"when": when(code.expires_at)}

        return format_html_join(
            mark_safe("<br>"),
            "{} ({}): {}",
            (
                (when(code.created_at), code.issued_by or _("on the server"), state(code))
                for code in codes
            ),
        )

    @admin.action(description=_("Issue a two-factor set-up code"))
    def issue_two_factor_code(self, request, queryset):
        self._issue_two_factor_codes(request, queryset)

    @admin.action(description=_("Reset two-factor sign-in (lost or new phone)"))
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            two_factor_reset(user=user, actor=request.user, request=request)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in was reset for %(count)d user. They need the set-up code "
                "below to set it up again.",
                "Two-factor sign-in was reset for %(count)d users. They need the set-up codes "
                "below to set it up again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
        self._issue_two_factor_codes(request, queryset.filter(two_factor_exempt=False))

    @admin.action(description=_("Sign out on all devices (lost phone or tablet)"))
    def sign_out_everywhere(self, request, queryset):
        users = list(queryset)
        for user in users:
            user_sign_out_everywhere(user=user, actor=request.user, request=request)
        self.message_user(
            request,
            ngettext(
                "%(count)d user is signed out on all devices; their API tokens no longer work.",
                "%(count)d users are signed out on all devices; their API tokens no longer work.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )

    def get_queryset(self, request):
        # Systems' accounts are under Service accounts: no password, role or team to give them.
        users = (
            super()
            .get_queryset(request)
            .filter(is_service_account=False)
            .prefetch_related("groups")
        )
        if not request.user.is_superuser:
            users = users.filter(is_superuser=False)
        return users

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=Role.values)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            save_membership_formset(request, formset)
        else:
            super().save_formset(request, form, formset, change)

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


class TeamMembershipInline(MembershipInlineMixin, admin.TabularInline):
    fields = ["user", "is_lead", "reason", "granted"]
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organisation", "kind"]
    list_filter = ["kind", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "organisation__name"]
    inlines = [TeamMembershipInline]

    def get_actions(self, request):
        # Deleting teams in bulk would remove their members unrecorded; one at a time only.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        # A team with members is emptied first, row by row, so each removal is recorded; a
        # team that ever had members keeps its history (the changes protect it).
        if obj is not None and obj.memberships.exists():
            return False
        return super().has_delete_permission(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            save_membership_formset(request, formset)
        else:
            super().save_formset(request, form, formset, change)


# --- Single sign-on ------------------------------------------------------------------------------


@admin.register(SingleSignOnGroup)
class SingleSignOnGroupAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Which group at the municipality's identity provider gives which role and team. A person
    signing in through the provider gets the roles and teams of their groups, every time."""

    list_display = ["name", "role", "team", "is_lead"]
    list_filter = ["role", "team"]
    list_select_related = ["team__organisation"]
    search_fields = ["name"]
    autocomplete_fields = ["team"]
    fields = ["name", "role", "team", "is_lead"]


class SingleSignOnIdentityLinkForm(forms.ModelForm):
    """An account linked to a person at the identity provider before they sign in. What the
    service would refuse is said on the form (`single_sign_on_identity_link_problems`)."""

    # Set per request by SingleSignOnIdentityAdmin.get_form.
    actor = None

    class Meta:
        model = SingleSignOnIdentity
        fields = ["user", "issuer", "subject"]
        help_texts = {
            "user": _(
                "The account in Brobyg, e.g. an administrator's, which is never taken over by "
                "its e-mail address. Linked, it signs in only through the identity provider."
            ),
            "subject": _("The person's `sub` claim at the identity provider, exactly as sent."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "issuer" in self.fields:
            self.fields["issuer"].initial = settings.BROBYG_OIDC_ISSUER

    def clean(self):
        cleaned = super().clean()
        user, issuer, subject = (cleaned.get(n) for n in ("user", "issuer", "subject"))
        if user is not None and issuer and subject:
            problems = single_sign_on_identity_link_problems(
                user=user, issuer=issuer, subject=subject, actor=self.actor
            )
            for field, messages_ in problems.items():
                for message in messages_:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned


@admin.register(SingleSignOnIdentity)
class SingleSignOnIdentityAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Who signed in through the identity provider, as whom, and how (read only); and linking
    an account to a person there before they first sign in (`single_sign_on_identity_link`)."""

    list_display = ["user", "issuer", "subject", "last_signed_in_at", "mfa", "acr"]
    list_filter = ["mfa", "issuer"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "subject"]
    date_hierarchy = "last_signed_in_at"
    autocomplete_fields = ["user"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "issuer", "subject"]
        return super().get_fields(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = SingleSignOnIdentityLinkForm
        form_class = super().get_form(request, obj, **kwargs)
        if obj is None:
            form_class = type(form_class.__name__, (form_class,), {"actor": request.user})
        return form_class

    def save_model(self, request, obj, form, change):
        identity = single_sign_on_identity_link(
            user=form.cleaned_data["user"],
            issuer=form.cleaned_data["issuer"],
            subject=form.cleaned_data["subject"],
            actor=request.user,
            request=request,
        )
        self.adopt_saved(obj, identity)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- API tokens and service accounts ------------------------------------------------------------


def _token_status(token: ApiToken) -> str:
    problem = api_token_problem(token=token)
    return str(problem.label) if problem is not None else str(_("Works"))


def _token_summary(token: ApiToken) -> str:
    parts = [f"{token.prefix}…", ", ".join(token.scopes) or "–"]
    parts.append(
        _("expires %(date)s")
        % {"date": date_format(timezone.localtime(token.expires_at), "SHORT_DATE_FORMAT")}
    )
    if token.last_used_at:
        parts.append(
            _("last used %(when)s")
            % {"when": date_format(timezone.localtime(token.last_used_at), "SHORT_DATETIME_FORMAT")}
        )
    if token.revoked_at:
        parts.append(str(_("revoked")))
    return " · ".join(str(part) for part in parts)


def _revoke_tokens(model_admin, request, tokens) -> None:
    """Revoke the tokens that still work, each in the audit trail, and say how many."""
    count = 0
    for token in tokens.filter(revoked_at=None):
        api_token_revoke(token=token, actor=request.user, request=request)
        count += 1
    model_admin.message_user(
        request,
        ngettext(
            "%(count)d token revoked. It no longer works.",
            "%(count)d tokens revoked. They no longer work.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )


class ApiTokenDisplayMixin:
    @admin.display(description=_("key"))
    def prefix_shown(self, token):
        return f"{token.prefix}…"

    @admin.display(description=_("scopes"))
    def scopes_shown(self, token):
        return ", ".join(token.scopes) or "–"

    @admin.display(description=_("status"))
    def status(self, token):
        return _token_status(token)


class ServiceAccountTokenInline(ApiTokenDisplayMixin, admin.TabularInline):
    """A system's tokens: only their first characters are known, the keys are not kept."""

    model = ApiToken
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "prefix_shown",
        "scopes_shown",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "status",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ServiceAccount)
class ServiceAccountAdmin(admin.ModelAdmin):
    """The systems that call the API. They are made, and given tokens, with
    `manage.py create_service_account`, which shows a token once; here they are seen and
    their tokens revoked."""

    list_display = ["name", "username", "is_active", "tokens"]
    list_filter = ["is_active"]
    search_fields = ["username", "first_name"]
    fields = readonly_fields = ["name", "username", "is_active", "date_joined"]
    inlines = [ServiceAccountTokenInline]
    actions = ["revoke_tokens"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("api_tokens")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # The audit trail names the account: revoke its tokens (or deactivate it) instead.
        return False

    @admin.display(description=_("name"), ordering="first_name")
    def name(self, account):
        return account.first_name or account.username

    @admin.display(description=_("tokens"))
    def tokens(self, account):
        return "; ".join(_token_summary(token) for token in account.api_tokens.all()) or "–"

    @admin.action(description=_("Revoke their tokens"), permissions=["change"])
    def revoke_tokens(self, request, queryset):
        _revoke_tokens(self, request, ApiToken.objects.filter(user__in=queryset))


@admin.register(ApiToken)
class ApiTokenAdmin(ApiTokenDisplayMixin, admin.ModelAdmin):
    """Every API token, a person's or a system's: when it expires, when it was last used, and
    revoking it. The keys themselves are not kept."""

    list_display = [
        "prefix_shown",
        "user",
        "kind",
        "scopes_shown",
        "created_at",
        "expires_at",
        "last_used_at",
        "status",
    ]
    list_filter = ["kind", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["prefix", "user__username", "user__first_name", "user__last_name"]
    fields = readonly_fields = [
        "prefix_shown",
        "user",
        "kind",
        "scopes_shown",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "status",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        _revoke_tokens(self, request, queryset)
