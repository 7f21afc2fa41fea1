from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from audit.services import audit_read_many
from core.api.permissions import require_perms
from core.api.schema import error_response
from followups.selectors import tasks_visible_to
from referrals.selectors import citizens_visible_to
from screening import services
from screening.api.serializers import ScreeningInputSerializer, ScreeningSerializer
from screening.models import Screening


class ScreeningViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """UCLA-3 screenings of the citizens the caller may see."""

    serializer_class = ScreeningSerializer
    permission_classes = [require_perms("screening.view_screening")]

    def get_permissions(self):
        if self.action == "create":
            return [require_perms("screening.add_screening")()]
        return super().get_permissions()

    def get_queryset(self):
        screenings = Screening.objects.filter(
            citizen__in=citizens_visible_to(user=self.request.user)
        ).select_related("instrument")
        citizen = self.request.query_params.get("citizen")
        if citizen:
            try:
                citizen = serializers.UUIDField().run_validation(citizen)
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"citizen": exc.detail}) from None
            screenings = screenings.filter(citizen_id=citizen)
        return screenings.order_by("-screened_at", "id")

    @extend_schema(
        parameters=[
            OpenApiParameter("citizen", OpenApiTypes.UUID, description="Only this citizen's.")
        ]
    )
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        audit_read_many(actor=request.user, objs=page, request=request)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        # The answers are an object, which only JSON can say (the tablet sends JSON).
        request={"application/json": ScreeningInputSerializer},
        responses={
            201: ScreeningSerializer,
            200: OpenApiResponse(
                ScreeningSerializer,
                description="Sent again with the same idempotency key: the screening saved first.",
            ),
            409: error_response(
                "No questionnaire version is in use (`no_instrument`), or no triage scheme "
                "applies (`no_triage_scheme`): an administrator must set one up."
            ),
        },
    )
    def create(self, request, *args, **kwargs):
        serializer = ScreeningInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # With the home-care team, whose triage scheme gives the colour.
        citizen = (
            citizens_visible_to(user=request.user)
            .select_related("home_care_team")
            .filter(pk=data["citizen"])
            .first()
        )
        if citizen is None:
            return Response(
                {"citizen": [_("No citizen you may screen has this id.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        draft_of = None
        if data["draft_id"]:
            draft_of = Screening.objects.filter(pk=data["draft_id"], citizen=citizen).first()
            if draft_of is None:
                raise Http404
        task = None
        if data["task"]:
            task = tasks_visible_to(user=request.user).filter(pk=data["task"]).first()
            if task is None:
                return Response(
                    {"task": [_("No task you may see has this id.")]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        instrument = None
        if data["instrument"] and draft_of is None:
            instrument = services.instrument_for_screening(reference=data["instrument"])
        result = services.screening_record(
            citizen=citizen,
            answers=data["answers"],
            screened_by=request.user,
            direct_question=data["direct_question"],
            setting=data["setting"],
            observations=data["observations"],
            wants_help=data["wants_help"],
            triage=data["triage"],
            triage_reason=data["triage_reason"],
            draft=data["draft"],
            draft_of=draft_of,
            idempotency_key=data["idempotency_key"],
            screened_at=data["screened_at"],
            instrument=instrument,
            task=task,
        )
        output = ScreeningSerializer(result.screening, context={"task": result.task})
        return Response(
            output.data, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )
