"""Words the admin shows from apps that ship no Danish (django-axes, django-celery-beat), so that
`makemessages` keeps them in Brobyg's own catalogue, which Django reads first. Never imported."""

from django.utils.translation import gettext_noop

ADMIN_STRINGS = [
    # django-axes: sign-in attempts and lockouts
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    # django-celery-beat: the scheduled jobs
    gettext_noop("Periodic Tasks"),
    gettext_noop("periodic task"),
    gettext_noop("periodic tasks"),
    gettext_noop("periodic task track"),
    gettext_noop("periodic task tracks"),
    gettext_noop("interval"),
    gettext_noop("intervals"),
    gettext_noop("crontab"),
    gettext_noop("crontabs"),
    gettext_noop("clocked"),
    gettext_noop("solar event"),
    gettext_noop("solar events"),
]
