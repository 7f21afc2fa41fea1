from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MedcomConfig(AppConfig):
    name = "medcom"
    verbose_name = _("MedCom")

    def ready(self):
        # Imported here, once the models are loaded. A case matched or closed is answered to
        # the GP's system too, where the referral came by MedCom (referrals knows no MedCom).
        from medcom.services import medcom_replies_schedule
        from referrals.services.feedback import referrer_feedback_channel_add

        referrer_feedback_channel_add(medcom_replies_schedule)
