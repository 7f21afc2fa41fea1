from django.conf import settings
from django.db import models


class TestPerson(models.Model):
    """What the provider says about a person, as the test gave it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    claims = models.JSONField(default=dict)

    def __str__(self) -> str:
        return str(self.user)
