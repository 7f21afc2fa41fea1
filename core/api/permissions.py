from rest_framework.permissions import BasePermission


def require_perms(*perms: str) -> type[BasePermission]:
    """A DRF permission class: signed in and holding every one of `perms`."""

    class HasPerms(BasePermission):
        def has_permission(self, request, view) -> bool:
            user = request.user
            return bool(user and user.is_authenticated and user.has_perms(perms))

    HasPerms.__name__ = f"HasPerms[{','.join(perms)}]"
    return HasPerms
