"""Users: made, given roles, their language and reminders, deactivated."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.constants import Language, ReminderPreference, Role
from accounts.models import User
from accounts.roles import STAFF_ROLES
from audit.constants import AuditAction
from audit.services import audit_record


def _validate_roles(roles: Iterable[str]) -> list[str]:
    roles = list(roles)
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        raise ValidationError(
            {"roles": _("Unknown role: %(roles)s") % {"roles": ", ".join(unknown)}}
        )
    return roles


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    roles: Iterable[str] = (),
    preferred_language: str = "da",
    actor: User | None = None,
) -> User:
    roles = _validate_roles(roles)
    # Compared as it will be stored: NFKC, so a look-alike in full-width letters is the same name.
    username = User.normalize_username(username)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("A user with this username already exists.")})
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        preferred_language=preferred_language,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=user)
    user_set_roles(user=user, roles=roles, actor=actor)
    return user


@transaction.atomic
def user_set_roles(*, user: User, roles: Iterable[str], actor: User | None = None) -> User:
    """Give the user exactly these roles. Holders of an admin role may use the Django admin."""
    roles = set(_validate_roles(roles))
    changed = []
    current = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    if current != roles:
        # Groups that are not roles (if an operator made any) are left as they are.
        others = list(user.groups.exclude(name__in=Role.values))
        user.groups.set([*others, *Group.objects.filter(name__in=roles)])
        changed.append("groups")
    is_staff = user.is_superuser or any(role in STAFF_ROLES for role in roles)
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
        changed.append("is_staff")
    user.__dict__.pop("_roles_cache", None)
    if changed:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, fields=changed)
    return user


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Remember the language a person chose, so reminders and e-mails come in it too."""
    if language not in Language.values:
        raise ValidationError({"language": _("Unknown language.")})
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        audit_record(actor=user, action=AuditAction.UPDATE, obj=user, fields=["preferred_language"])
    return user


@transaction.atomic
def user_deactivate(*, user: User, actor: User | None = None) -> User:
    """Stop a person signing in; their history (cases, audit trail) stays theirs."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, fields=["is_active"])
    return user


@transaction.atomic
def user_set_reminder_preferences(
    *, user: User, preference: str, sms: bool, phone: str, actor: User | None = None
) -> User:
    """How the person wants their follow-up reminders: one per task or a daily digest, and
    whether by SMS too."""
    phone = (phone or "").strip()
    errors = {}
    if preference not in ReminderPreference.values:
        errors["reminder_preference"] = [_("Choose how you want your reminders.")]
    if sms and not phone:
        errors["phone"] = [_("Give a mobile phone for reminders by SMS.")]
    if errors:
        raise ValidationError(errors)
    values = {"reminder_preference": preference, "reminder_sms": sms, "phone": phone}
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    if changed:
        for name in changed:
            setattr(user, name, values[name])
        user.save(update_fields=changed)
        audit_record(actor=actor or user, action=AuditAction.UPDATE, obj=user, fields=changed)
    return user
