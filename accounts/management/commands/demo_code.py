from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from accounts.demo import DEMO_TOTP_KEY_HEX


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of the demo users (they share one published key). "
        "For trying Brobyg only."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("DEBUG is off: demo codes are for a developer's machine only.")
        totp = TOTP(bytes.fromhex(DEMO_TOTP_KEY_HEX))
        self.stdout.write(f"{totp.token():06d}")
