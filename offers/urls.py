from django.urls import path

from offers.views import coordination, unmet_needs

app_name = "offers"

urlpatterns = [
    path("forloeb/<uuid:case_id>/behov/", unmet_needs.record, name="unmet_need_record"),
    path(
        "forloeb/<uuid:case_id>/behov/<uuid:need_id>/opfyldt/",
        unmet_needs.mark_met,
        name="unmet_need_met",
    ),
    path("behov/", unmet_needs.unmet_needs, name="unmet_needs"),
    path("koordinering/tilbud/", coordination.offer_list, name="offer_list"),
    path("koordinering/tilbud/nyt/", coordination.offer_create, name="offer_create"),
    path("koordinering/tilbud/<uuid:offer_id>/", coordination.offer_edit, name="offer_edit"),
    path(
        "koordinering/tilbud/<uuid:offer_id>/status/",
        coordination.offer_status,
        name="offer_status",
    ),
]
