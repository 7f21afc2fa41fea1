from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.admin import AuditedAdminMixin
from followups.models import Notification, Task, TeamFollowupSettings
from followups.reminders import notification_retry


@admin.register(TeamFollowupSettings)
class TeamFollowupSettingsAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Each team's follow-up plan after a first meeting: the days to each check."""

    list_display = ["team", "first_check_days", "second_check_days", "rescreen_days"]
    list_select_related = ["team__organisation"]
    autocomplete_fields = ["team"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    """For the platform's operator: the tasks are worked with in Brobyg itself."""

    list_display = ["what_to_do", "kind", "due", "assignee", "team", "done_at"]
    list_filter = ["kind", "done_at"]
    list_select_related = ["assignee", "team__organisation"]
    date_hierarchy = "due"
    readonly_fields = [f.name for f in Task._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("what to do"))
    def what_to_do(self, task):
        return task.heading


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The log of reminders: what went out, what failed and why, how many attempts it took."""

    list_display = [
        "created_at",
        "recipient",
        "kind",
        "channel",
        "due_on",
        "status",
        "attempts",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "kind", "channel"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "recipient__email", "address"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("last error"))
    def short_error(self, notification):
        return notification.last_error[:80]

    @admin.action(description=_("Send the failed reminders again"))
    def send_again(self, request, queryset):
        count = sum(notification_retry(notification=n, actor=request.user) for n in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d reminder will be sent again.",
                "%(count)d reminders will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
