from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_defaults(sender, **kwargs):
    from screening.defaults import install_defaults, install_other_instruments
    from screening.models import Instrument, TriageColour, TriageScheme, TriageTransition

    install_defaults(Instrument, TriageScheme, TriageColour, TriageTransition)
    install_other_instruments(Instrument)


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = _("Screening")

    def ready(self):
        post_migrate.connect(_install_defaults, sender=self, dispatch_uid="screening_defaults")
        # Imported here, once the models are loaded (selectors import them).
        from screening.selectors import caseload_columns_register

        caseload_columns_register()
        from referrals.services.referrals import referral_hook_add
        from screening.services import referral_steps_done

        # A referral, made anywhere, is the colour's next step "refer to a bridge-builder" done.
        referral_hook_add("screening_referral_steps", referral_steps_done)
