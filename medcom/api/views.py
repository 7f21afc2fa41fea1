"""The FHIR endpoints the municipality's MedCom gateway calls with its `medcom` token.

- `POST /fhir/$process-message`: a CareCommunication in, its acknowledgement out (409 for a
  different message with the id of one received before).
- `GET /fhir/outbox`: the replies to GPs waiting to be sent, as a Bundle (searchset).
- `POST /fhir/outbox/{id}/$fetched`: the gateway has a reply; it leaves the outbox.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from medcom import selectors, services
from medcom.api.fhir import FhirView, Unavailable
from medcom.building import fhir_ordered, information, operation_outcome
from medcom.constants import IssueType
from medcom.parsing import Issue, MessageInvalid


@extend_schema(exclude=True)
class ProcessMessageView(FhirView):
    """FHIR's $process-message for MedCom CareCommunication messages."""

    service_operations = ("post",)

    def post(self, request):
        try:
            receipt = services.medcom_message_receive(bundle=request.data, actor=request.user)
        except MessageInvalid as invalid:
            return Response(operation_outcome(invalid.issues), status=400)
        except services.MedComIdTaken as taken:
            issue = Issue("Bundle.entry[0].resource.id", taken.message, IssueType.BUSINESS_RULE)
            return Response(operation_outcome([issue]), status=409)
        except services.MedComUnavailable as exc:
            raise Unavailable(exc.message) from exc
        return Response(fhir_ordered(receipt.acknowledgement))


@extend_schema(exclude=True)
class OutboxView(FhirView):
    """The replies to GPs waiting for the gateway, oldest first (`_count`, at most 100)."""

    service_operations = ("get",)

    def get(self, request):
        try:
            count = int(request.query_params.get("_count") or selectors.OUTBOX_PAGE)
        except ValueError:
            count = selectors.OUTBOX_PAGE
        replies, total = selectors.medcom_outbox(gateway=request.user, count=count, request=request)
        base = f"{settings.BROBYG_BASE_URL}/fhir/outbox"
        return Response(
            {
                "resourceType": "Bundle",
                "type": "searchset",
                "total": total,
                "link": [{"relation": "self", "url": request.build_absolute_uri()}],
                "entry": [
                    {
                        "fullUrl": f"{base}/{reply.pk}",
                        "resource": fhir_ordered(reply.bundle),
                        "search": {"mode": "match"},
                    }
                    for reply in replies
                ],
            }
        )


@extend_schema(exclude=True)
class FetchedView(FhirView):
    """The gateway has the reply: it is not offered again."""

    service_operations = ("post",)

    def post(self, request, pk):
        reply = selectors.medcom_outbox_reply(reply_id=pk)
        services.medcom_reply_fetched(reply=reply, actor=request.user)
        return Response(information(_("The reply is marked as fetched.")))
