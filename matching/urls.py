from django.urls import path

from matching.views import contact, coordination, groups, matching, sessions, waiting_list

app_name = "matching"

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
        "forloeb/<uuid:case_id>/match/tilbud-venteliste/",
        waiting_list.join,
        name="offer_waiting_list_join",
    ),
    path(
        "forloeb/<uuid:case_id>/match/tilbud-venteliste/<uuid:entry_id>/fjern/",
        waiting_list.leave,
        name="offer_waiting_list_leave",
    ),
    path(
        "forloeb/<uuid:case_id>/match/<uuid:match_id>/<slug:action>/",
        matching.match_action,
        name="match_action",
    ),
    # Recurring contact on a running match: from the case, from the coordinator's requests, and
    # the volunteer's own link (no sign-in).
    path(
        "forloeb/<uuid:case_id>/kontaktaftale/<uuid:match_id>/",
        contact.match_contact,
        name="match_contact",
    ),
    path(
        "forloeb/<uuid:case_id>/kontaktaftale/<uuid:match_id>/aftale/",
        contact.match_contact_agreement,
        name="match_contact_agreement",
    ),
    path(
        "forloeb/<uuid:case_id>/kontaktaftale/<uuid:match_id>/log/",
        contact.match_contact_log,
        name="match_contact_log",
    ),
    path(
        "forloeb/<uuid:case_id>/kontaktaftale/<uuid:match_id>/nyt-link/",
        contact.match_contact_new_link,
        name="match_contact_new_link",
    ),
    path(
        "forloeb/<uuid:case_id>/kontaktaftale/<uuid:match_id>/send-link/",
        contact.match_contact_send_link,
        name="match_contact_send_link",
    ),
    path(
        "koordinering/match/<uuid:match_id>/kontakt/",
        contact.provider_contact,
        name="provider_contact",
    ),
    path(
        "koordinering/match/<uuid:match_id>/kontakt/aftale/",
        contact.provider_contact_agreement,
        name="provider_contact_agreement",
    ),
    path(
        "koordinering/match/<uuid:match_id>/kontakt/log/",
        contact.provider_contact_log,
        name="provider_contact_log",
    ),
    path(
        "koordinering/match/<uuid:match_id>/kontakt/nyt-link/",
        contact.provider_contact_new_link,
        name="provider_contact_new_link",
    ),
    path(
        "koordinering/match/<uuid:match_id>/kontakt/send-link/",
        contact.provider_contact_send_link,
        name="provider_contact_send_link",
    ),
    path("kontakt/<uuid:match_id>/<str:token>/", contact.contact_link, name="contact_link"),
    path("bekraeft/<str:token>/", matching.confirm_first_meeting, name="confirm"),
    path("koordinering/", coordination.requests, name="requests"),
    path("koordinering/match/<uuid:match_id>/svar/", coordination.respond, name="respond"),
    path(
        "koordinering/match/<uuid:match_id>/foerste-moede/",
        coordination.first_meeting_outcome,
        name="first_meeting_outcome",
    ),
    path(
        "koordinering/tilbud/<uuid:offer_id>/fremmoede/",
        coordination.offer_attendance,
        name="offer_attendance",
    ),
    path(
        "koordinering/tilbud/<uuid:offer_id>/afhentning/",
        sessions.session_pickup,
        name="session_pickup",
    ),
    # Groups on an offer (hold): made from the offer's page, kept on the group's own.
    path(
        "koordinering/tilbud/<uuid:offer_id>/hold/nyt/",
        groups.group_create,
        name="group_create",
    ),
    path("koordinering/hold/<uuid:group_id>/", groups.group_detail, name="group_detail"),
    path(
        "koordinering/hold/<uuid:group_id>/borgere/",
        groups.group_citizen_add,
        name="group_citizen_add",
    ),
    path(
        "koordinering/hold/<uuid:group_id>/borgere/<uuid:match_id>/fjern/",
        groups.group_citizen_remove,
        name="group_citizen_remove",
    ),
    path(
        "koordinering/hold/<uuid:group_id>/frivillige/",
        groups.group_volunteer_add,
        name="group_volunteer_add",
    ),
    path(
        "koordinering/hold/<uuid:group_id>/frivillige/<uuid:membership_id>/fjern/",
        groups.group_volunteer_remove,
        name="group_volunteer_remove",
    ),
    path("koordinering/hold/<uuid:group_id>/afslut/", groups.group_end, name="group_end"),
]
