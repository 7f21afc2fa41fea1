"""Signing in with a user name and password."""

from django.contrib.auth.backends import ModelBackend

from accounts.selectors import password_sign_in_allowed


class PasswordBackend(ModelBackend):
    """Django's user name and password, for everyone until single sign-on is on; then for the
    break-glass admins only (BROBYG_OIDC_BREAK_GLASS_USERS), on the web, in the Django admin and
    at the API's token endpoint alike. Everyone else signs in through the identity provider.

    The answer to anyone else is the same as to a wrong password: the form does not tell a
    guesser that the password was right.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not password_sign_in_allowed(user=user):
            return None
        return user
