from django.urls import path

from offers.views import coordination, matching, unmet_needs

app_name = "offers"

urlpatterns = [
    path("forloeb/<uuid:case_id>/match/", matching.case_matching, name="case_matching"),
    path("forloeb/<uuid:case_id>/match/oensker/", matching.profile_save, name="profile_save"),
    path("forloeb/<uuid:case_id>/match/foreslaa/", matching.propose, name="propose"),
    path("forloeb/<uuid:case_id>/match/venteliste/", matching.request_add, name="request_add"),
    path(
        "forloeb/<uuid:case_id>/match/venteliste/<uuid:request_id>/fjern/",
        matching.request_remove,
        name="request_remove",
    ),
    path(
        "forloeb/<uuid:case_id>/match/<uuid:match_id>/<slug:action>/",
        matching.match_action,
        name="match_action",
    ),
    path("forloeb/<uuid:case_id>/behov/", unmet_needs.record, name="unmet_need_record"),
    path(
        "forloeb/<uuid:case_id>/behov/<uuid:need_id>/opfyldt/",
        unmet_needs.mark_met,
        name="unmet_need_met",
    ),
    path("behov/", unmet_needs.unmet_needs, name="unmet_needs"),
    path("bekraeft/<str:token>/", matching.confirm_first_meeting, name="confirm"),
    path("koordinering/", coordination.requests, name="requests"),
    path("koordinering/match/<uuid:match_id>/svar/", coordination.respond, name="respond"),
    path(
        "koordinering/match/<uuid:match_id>/foerste-moede/",
        coordination.first_meeting_outcome,
        name="first_meeting_outcome",
    ),
    path("koordinering/tilbud/", coordination.offer_list, name="offer_list"),
    path("koordinering/tilbud/nyt/", coordination.offer_create, name="offer_create"),
    path("koordinering/tilbud/<uuid:offer_id>/", coordination.offer_edit, name="offer_edit"),
    path(
        "koordinering/tilbud/<uuid:offer_id>/status/",
        coordination.offer_status,
        name="offer_status",
    ),
    path(
        "koordinering/tilbud/<uuid:offer_id>/fremmoede/",
        coordination.offer_attendance,
        name="offer_attendance",
    ),
]
