from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.demo import seed_demo


class Command(BaseCommand):
    help = (
        "Load the demo municipality: teams, the five demo users, citizens, offers and "
        "volunteers. Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (the demo users have a published password).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a real installation, and the demo users have a "
                "published password. Run with --force if you really want the demo data here."
            )
        seed_demo()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data is in place. Password: brobyg-demo; two-factor code: "
                "python manage.py demo_code"
            )
        )
