from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.api.permissions import service_scopes
from accounts.constants import ApiScope, TeamKind
from accounts.models import Team
from audit.services import audit_read, audit_read_many
from core.api.permissions import require_perms
from referrals import selectors, services
from referrals.api.serializers import (
    CitizenSerializer,
    ReferralCreatedSerializer,
    ReferralInputSerializer,
    ReferralOutputSerializer,
    SuggestionSerializer,
)
from referrals.constants import OPEN_STATUSES, SuggestionKind


class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Referrals: send one with the citizen's consent, and follow its status."""

    serializer_class = ReferralOutputSerializer
    # A system (a GP system) sends referrals and reads the status of those it sent.
    permission_classes = [
        service_scopes(create=ApiScope.REFERRALS_CREATE, retrieve=ApiScope.REFERRALS_CREATE),
        IsAuthenticated,
    ]

    def get_queryset(self):
        return (
            selectors.referrals_visible_to(user=self.request.user)
            .select_related("case")
            .order_by("-created_at")
        )

    def _context(self, referrals) -> dict:
        ids = {r.citizen_id for r in referrals}
        visible = selectors.citizens_visible_to(user=self.request.user).filter(pk__in=ids)
        visible_ids = set(visible.values_list("pk", flat=True))
        return {**self.get_serializer_context(), "visible_citizens": visible_ids}

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        audit_read_many(actor=request.user, objs=page, request=request)
        serializer = ReferralOutputSerializer(page, many=True, context=self._context(page))
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        referral = self.get_object()
        audit_read(actor=request.user, obj=referral, request=request)
        return Response(ReferralOutputSerializer(referral, context=self._context([referral])).data)

    # The citizen and the consent are objects, which only JSON can say.
    @extend_schema(
        request={"application/json": ReferralInputSerializer},
        responses={201: ReferralCreatedSerializer},
    )
    def create(self, request, *args, **kwargs):
        if not request.user.has_perm("referrals.add_referral"):
            raise PermissionDenied
        serializer = ReferralInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        team = None
        if data.get("team"):
            team = Team.objects.filter(pk=data["team"], kind=TeamKind.BRIDGE_BUILDERS).first()
            if team is None:
                return Response(
                    {"team": [_("No bridge-builders' team has this id.")]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        result = services.referral_create(
            citizen=data["citizen"],
            source=data["source"],
            reason=data["reason"],
            life_transitions=data["life_transitions"],
            citizen_wishes=data["citizen_wishes"],
            urgency=data["urgency"],
            consent_given=data["consent"]["given"],
            consent_method=data["consent"]["method"],
            consent_given_at=data["consent"].get("given_at"),
            feedback_consent=data["feedback_consent"],
            referrer=request.user,
            team=team,
        )
        referral = self.get_queryset().get(pk=result.referral.pk)
        output = ReferralCreatedSerializer(referral, context=self._context([referral]))
        return Response(output.data, status=status.HTTP_201_CREATED)


@extend_schema(
    parameters=[OpenApiParameter("q", str, description="Search by name, phone or postcode.")]
)
class CitizenViewSet(viewsets.ReadOnlyModelViewSet):
    """The citizens the caller may see: a bridge-builder's teams' citizens, home care's own."""

    serializer_class = CitizenSerializer
    permission_classes = [require_perms("referrals.view_citizen")]

    def get_queryset(self):
        citizens = selectors.citizens_visible_to(user=self.request.user)
        citizens = selectors.citizen_search(citizens, q=self.request.query_params.get("q", ""))
        return citizens.prefetch_related(
            # Only a case the caller may open: another team's course is not theirs to know of.
            Prefetch(
                "cases",
                queryset=selectors.cases_visible_to(user=self.request.user).filter(
                    status__in=OPEN_STATUSES
                ),
                to_attr="open_case_list",
            )
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        audit_read_many(actor=request.user, objs=page, request=request)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        citizen = self.get_object()
        audit_read(actor=request.user, obj=citizen, request=request)
        return Response(self.get_serializer(citizen).data)

    @extend_schema(
        responses={200: SuggestionSerializer(many=True)},
        parameters=[
            OpenApiParameter(
                "kind", str, enum=["offer", "volunteer", "citizen"], description="Only this kind."
            )
        ],
    )
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[require_perms("referrals.view_citizen", "matching.add_match")],
    )
    def suggestions(self, request, pk=None):
        """Offers, volunteers and like-minded citizens for this citizen, best first, each with
        the reasons a person reads."""
        citizen = self.get_object()
        kind = request.query_params.get("kind", "")
        if kind and kind not in SuggestionKind.values:
            raise ValidationError({"kind": [_("Choose offer, volunteer or citizen.")]})
        ranked = selectors.suggestions_for_citizen(user=request.user, citizen=citizen, kind=kind)
        audit_read(actor=request.user, obj=citizen, request=request)
        page = self.paginate_queryset(ranked)
        selectors.suggestions_read(actor=request.user, suggestions=page, request=request)
        return self.get_paginated_response(SuggestionSerializer(page, many=True).data)
