from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("henvis/", views.self_referral, name="self_referral"),
    path("henvis/tak/", views.self_referral_thanks, name="self_referral_thanks"),
    path("henvisninger/", views.referral_list, name="referral_list"),
    path("henvisninger/ny/", views.referral_create, name="referral_create"),
    path("henvisninger/<uuid:referral_id>/", views.referral_detail, name="referral_detail"),
    path("afklaring/", views.identity_queue, name="identity_queue"),
    path(
        "afklaring/anmodning/<uuid:request_id>/",
        views.access_request_answer,
        name="access_request_answer",
    ),
    path("afklaring/dublet/<uuid:duplicate_id>/", views.duplicate_judge, name="duplicate_judge"),
    path("forloeb/", views.caseload, name="caseload"),
    path("forloeb/team/", views.team_board, name="team_board"),
    path("forloeb/<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("forloeb/<uuid:case_id>/status/", views.case_status, name="case_status"),
    path("forloeb/<uuid:case_id>/luk/", views.case_close, name="case_close"),
    path("forloeb/<uuid:case_id>/tildel/", views.case_assign, name="case_assign"),
    path("forloeb/<uuid:case_id>/tag/", views.case_take, name="case_take"),
    path("forloeb/<uuid:case_id>/kontakt/", views.case_contact, name="case_contact"),
    path("forloeb/<uuid:case_id>/notat/", views.case_note, name="case_note"),
    path("forloeb/<uuid:case_id>/borger/", views.case_citizen_edit, name="case_citizen_edit"),
    path("forloeb/<uuid:case_id>/samtykke/", views.case_consent_add, name="case_consent_add"),
    path("forloeb/<uuid:case_id>/netvaerk/", views.case_network_add, name="case_network_add"),
    path(
        "forloeb/<uuid:case_id>/netvaerkskort/",
        views.case_network_map,
        name="case_network_map",
    ),
    path(
        "forloeb/<uuid:case_id>/netvaerk/<uuid:person_id>/fjern/",
        views.case_network_remove,
        name="case_network_remove",
    ),
    path("forloeb/<uuid:case_id>/plan/", views.case_plan_add, name="case_plan_add"),
    path(
        "forloeb/<uuid:case_id>/plan/<uuid:step_id>/udfoert/",
        views.case_plan_done,
        name="case_plan_done",
    ),
    path(
        "forloeb/<uuid:case_id>/afslutningskriterier/",
        views.case_exit_criterion,
        name="case_exit_criterion",
    ),
    path(
        "forloeb/<uuid:case_id>/henvisning/<uuid:referral_id>/brug/",
        views.case_referral_details_use,
        name="case_referral_details_use",
    ),
    path(
        "forloeb/<uuid:case_id>/samtykke/<uuid:consent_id>/tilbagekald/",
        views.case_consent_withdraw,
        name="case_consent_withdraw",
    ),
]
