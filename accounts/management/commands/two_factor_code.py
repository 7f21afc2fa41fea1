from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from accounts.models import User
from accounts.services import two_factor_code_issue, two_factor_reset


class Command(BaseCommand):
    help = (
        "Issue a one-time code (and link) with which a person sets up their authenticator app, "
        "e.g. the first administrator. Any earlier unused code of theirs stops working."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Remove the person's authenticator first (a lost or new phone).",
        )

    def handle(self, *args, username, reset, **options):
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        if reset:
            two_factor_reset(user=user, actor=None)
        try:
            issued = two_factor_code_issue(user=user, actor=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        link = settings.BROBYG_BASE_URL + reverse(
            "accounts:two_factor_code_link", args=[issued.code]
        )
        expires = issued.enrolment.expires_at.strftime("%Y-%m-%d %H:%M %Z")
        self.stdout.write(f"Set-up code for {user.username}: {issued.code}")
        self.stdout.write(f"Link: {link}")
        self.stdout.write(f"Works once, until {expires}. It is not shown again.")
