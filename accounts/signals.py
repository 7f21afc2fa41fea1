"""Sign-ins and sign-outs go into the audit trail. Django's auth sends these signals."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.constants import AuditAction
from audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def _audit_sign_in(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditAction.SIGN_IN, obj=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def _audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditAction.SIGN_OUT, obj=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _audit_sign_in_failed(sender, credentials, request=None, **kwargs):
    # The attempted user name is not stored: it may be a mistyped password.
    audit_record(actor=None, action=AuditAction.SIGN_IN_FAILED, request=request)


@receiver(user_logged_in, dispatch_uid="session_signed_in_at")
def _remember_sign_in_time(sender, request, user, **kwargs):
    # The absolute session limit counts from here (accounts.middleware.SessionLimitMiddleware).
    if request is not None and hasattr(request, "session"):
        from django.utils import timezone

        from accounts.middleware import SIGNED_IN_AT_SESSION_KEY

        request.session[SIGNED_IN_AT_SESSION_KEY] = timezone.now().timestamp()
