"""The MedCom message on the case, for the bridge-builders who may see the case."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import run_service
from medcom import selectors, services
from medcom.building import fhir_ordered
from medcom.constants import ATTACHMENT_TYPES
from medcom.forms import ConsentConfirmForm
from medcom.parsing import MessageInvalid, attachment_content, parse_care_communication

FHIR_JSON = "application/fhir+json"


def _render(request, message, form=None, status=200):
    referral = message.referral
    context = {
        "medcom_message": message,
        "referral": referral,
        "case": referral.case,
        "texts": _texts(message),
        "attachments": message.attachments,
        "replies": selectors.medcom_message_replies(message=message),
        "form": form
        if form is not None
        else (ConsentConfirmForm() if message.consent_confirmed_at is None else None),
    }
    return render(request, "medcom/message_detail.html", context, status=status)


def _texts(message) -> list[str]:
    try:
        return parse_care_communication(message.bundle, accepted_receivers=[]).texts
    except MessageInvalid:
        # Emptied after erasure or retention: the referral's reason is what is left.
        return []


@login_required
@permission_required("referrals.view_case", raise_exception=True)
def message_detail(request, referral_id):
    message = selectors.medcom_message_get(
        user=request.user, referral_id=referral_id, request=request
    )
    return _render(request, message)


@login_required
@permission_required("referrals.add_consentrecord", raise_exception=True)
@require_POST
def consent_confirm(request, referral_id):
    message = selectors.medcom_message_get(
        user=request.user, referral_id=referral_id, log_read=False
    )
    form = ConsentConfirmForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda data: services.medcom_consent_confirm(
            message=message, method=data["method"], feedback=data["feedback"], actor=request.user
        ),
    ):
        messages.success(request, _("The citizen's consent has been recorded."))
        return redirect("medcom:message_detail", referral_id=referral_id)
    return _render(request, message, form=form, status=400)


@login_required
@permission_required("referrals.view_case", raise_exception=True)
def attachment(request, referral_id):
    """The `nr`th attachment (from 1) as the GP sent it: always a download, never shown inline,
    and a type MedCom does not allow only as bytes."""
    message = selectors.medcom_message_get(
        user=request.user, referral_id=referral_id, request=request
    )
    try:
        number = int(request.GET.get("nr", ""))
    except ValueError:
        raise Http404 from None
    found = attachment_content(message.bundle, number)
    if found is None:
        raise Http404
    title, content_type, content = found
    if content_type not in ATTACHMENT_TYPES:
        content_type = "application/octet-stream"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = _disposition(title or _("attachment"), content_type)
    return response


def _disposition(title: str, content_type: str) -> str:
    extension = {
        "application/pdf": ".pdf",
        "image/png": ".png",
        "image/jpeg": ".jpg",
        "image/gif": ".gif",
    }.get(content_type, "")
    name = "".join(c for c in title if c.isalnum() or c in " -_.()").strip() or "bilag"
    ascii_name = name.encode("ascii", "ignore").decode() or "bilag"
    return (
        f'attachment; filename="{ascii_name}{extension}"; '
        f"filename*=UTF-8''{quote(name + extension)}"
    )


@login_required
@permission_required("referrals.view_case", raise_exception=True)
def reply_download(request, pk):
    """A reply to the GP as FHIR JSON, e.g. to send it by another way."""
    reply = selectors.medcom_reply_get(user=request.user, reply_id=pk, request=request)
    response = JsonResponse(
        fhir_ordered(reply.bundle),
        content_type=FHIR_JSON,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = f'attachment; filename="medcom-svar-{reply.pk}.json"'
    return response
