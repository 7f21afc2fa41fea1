"""What must be in place before the web app serves a single request in production."""

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages


def require_collected_static_files() -> None:
    """Refuse to start when the static files' manifest is missing.

    Production's storage names each static file by a hash of its contents, looked up in the
    manifest that `collectstatic` writes. Without it every page that links a style sheet fails
    with a 500; better not to start, and say why.
    """
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin) or storage.exists(storage.manifest_name):
        return
    manifest = f"{settings.STATIC_ROOT}/{storage.manifest_name}"
    raise ImproperlyConfigured(
        f"The static files have not been collected ({manifest} is missing), so every page would "
        "fail. Run `python manage.py collectstatic --no-input` with the same settings "
        "(DJANGO_STATIC_ROOT), then start the web server again."
    )
