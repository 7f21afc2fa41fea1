from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.constants import ApiScope
from accounts.models import User
from accounts.services import (
    service_account_create,
    service_account_username,
    service_token_issue,
)


class Command(BaseCommand):
    help = (
        "Create an account for a system (a GP system, a MedCom gateway, a report job) and print "
        "its API token, once. Run it again with the same name for another token (to replace a "
        "lost one), and revoke the old token in the admin under Service accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help='The system, as people call it: "Lægesystem Nord".')
        parser.add_argument(
            "--scope",
            dest="scopes",
            nargs="+",
            action="extend",
            required=True,
            metavar="SCOPE",
            help=f"What the token may do: {', '.join(ApiScope.values)}.",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=365,
            help="How many days the token works (default 365).",
        )

    def handle(self, *args, name, scopes, days, **options):
        try:
            with transaction.atomic():
                account = User.objects.filter(
                    username__iexact=service_account_username(name)
                ).first()
                created = account is None
                if created:
                    account = service_account_create(name=name)
                elif not account.is_service_account:
                    raise CommandError(
                        f"{account.username} is a person's account, not a service account."
                    )
                issued = service_token_issue(account=account, scopes=scopes, days=days)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        token = issued.token
        expires = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
        if created:
            self.stderr.write(f"Service account {account.username} created.")
        else:
            self.stderr.write(
                f"Service account {account.username} exists: this is another token for it. "
                "Revoke the one it replaces in the admin."
            )
        self.stderr.write(
            f"Scopes: {', '.join(token.scopes)}. Expires {expires}. The token is shown only "
            f"now; the admin knows it by its first characters, {token.prefix}…\n"
            "Send it as 'Authorization: Token <token>'."
        )
        # The token alone on stdout, so a script can capture it.
        self.stdout.write(issued.key)
