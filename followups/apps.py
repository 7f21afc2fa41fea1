from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = _("Follow-up")

    def ready(self):
        # Imported here, once the models are loaded (selectors import them).
        from followups.selectors import caseload_due_dates_register

        caseload_due_dates_register()
        from followups.services import case_closed_followup
        from referrals.services.cases import case_close_hook_add

        # A closed case's tasks end or go to the colleague it is handed over to.
        case_close_hook_add("followup_tasks", case_closed_followup)
