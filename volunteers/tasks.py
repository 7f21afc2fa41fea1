from celery import shared_task

from volunteers.services import vetting_reminders_make


@shared_task(soft_time_limit=240, time_limit=300)
def vetting_reminders_daily() -> int:
    """Beat's job, once a day: ask the coordinator to renew a certificate that is about to run
    out, and tell the bridge-builder of each match that needs it once it has (volunteers/
    vetting.py); returns how many tasks were made.

    Safe to run twice, also at the same moment: each task is made once per certificate and
    match, and the volunteers are locked before the tasks made earlier are looked up, so a second
    run waits for the first and then finds its tasks."""
    return vetting_reminders_make()
