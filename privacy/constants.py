from django.db import models
from django.utils.translation import gettext_lazy as _


class AnonymisationKind(models.TextChoices):
    ERASURE = "erasure", _("Erased on the citizen's request")
    RETENTION = "retention", _("Retention period ended")
