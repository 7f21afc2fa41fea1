from django.core.management.base import BaseCommand

from followups.reminders import reminders_run


class Command(BaseCommand):
    help = (
        "Send the follow-up reminders that are due now (the job beat runs) and return when they "
        "are sent. Safe to run twice at once: each reminder goes out once."
    )

    def handle(self, *args, **options):
        result = reminders_run()
        self.stdout.write(
            f"Reminders: {result.sent} sent, {result.skipped} no longer needed, "
            f"{result.failed} not sent (tried again later)."
        )
