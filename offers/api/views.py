from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from offers import hsds, selectors
from offers.api.serializers import DirectoryFilterSerializer, OfferSerializer

HSDS_MAX_PER_PAGE = 200


class HSDSPageSerializer(serializers.Serializer):
    page = serializers.IntegerField(required=False, min_value=1, default=1)
    per_page = serializers.IntegerField(
        required=False, min_value=1, max_value=HSDS_MAX_PER_PAGE, default=50
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[DirectoryFilterSerializer],
        description="The public offer directory. Without sign-in: public, active offers.",
    ),
    retrieve=extend_schema(description="One offer of the directory, with its contact persons."),
)
class OfferViewSet(viewsets.ReadOnlyModelViewSet):
    """The offer directory: what a citizen can join, searchable without signing in."""

    serializer_class = OfferSerializer
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "directory"
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        return selectors.directory_offers(user=self.request.user)

    def list(self, request, *args, **kwargs):
        filters = DirectoryFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        area = selectors.directory_area(text=data["postcode"]) if data["postcode"] else None
        try:
            offers = selectors.directory_search(
                user=request.user,
                q=data["q"],
                category=data["category"],
                area=area,
                km=data.get("km"),
                weekday=data.get("weekday"),
                sort=data["sort"],
            )
        except DjangoValidationError as exc:
            # The web form calls the place "area"; here it is the postcode parameter.
            raise ValidationError(
                {
                    ("postcode" if name == "area" else name): messages
                    for name, messages in exc.message_dict.items()
                }
            ) from exc
        page = self.paginate_queryset(offers)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        offer = selectors.directory_offer_get(user=request.user, offer_id=kwargs["pk"])
        context = {**self.get_serializer_context(), "with_contacts": True}
        return Response(OfferSerializer(offer, context=context).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("page", int, description="The page, from 1."),
            OpenApiParameter(
                "per_page", int, description=f"Services per page (at most {HSDS_MAX_PER_PAGE})."
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
        description=(
            "Every public, active offer as an Open Referral HSDS 3.0 service record (the "
            "compiled service.json), paged like the HSDS API's /services: total_items, "
            "total_pages, page_number, size, first_page, last_page, empty and contents. Taxonomy "
            "terms: brobyg-strategy, brobyg-activity, brobyg-interest, brobyg-target-group and "
            "brobyg-feature."
        ),
    )
    @action(detail=False, url_path="hsds", pagination_class=None)
    def hsds(self, request):
        params = HSDSPageSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page_number, per_page = params.validated_data["page"], params.validated_data["per_page"]
        paginator = Paginator(hsds.hsds_offers(), per_page)
        if page_number > max(paginator.num_pages, 1):
            raise ValidationError(
                {
                    "page": [
                        _("There is no page {page}; the last is {last}.").format(
                            page=page_number, last=paginator.num_pages
                        )
                    ]
                }
            )
        offers = paginator.page(page_number) if paginator.count else []
        # Links point at BROBYG_BASE_URL: the records are meant to be kept elsewhere.
        contents = [hsds.offer_to_hsds(offer) for offer in offers]
        return Response(
            hsds.hsds_page(
                contents=contents,
                total=paginator.count,
                page_number=page_number,
                per_page=per_page,
            )
        )
