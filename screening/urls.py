from django.urls import path

from screening import views, views_home_help, views_quality, views_triage

app_name = "screening"

urlpatterns = [
    path("", views.citizen_list, name="citizen_list"),
    path("borgere/ny/", views.citizen_add, name="citizen_add"),
    path("borgere/<uuid:citizen_id>/", views.citizen_detail, name="citizen_detail"),
    path("borgere/<uuid:citizen_id>/screen/", views.screen, name="screen"),
    path(
        "borgere/<uuid:citizen_id>/screeninger/<uuid:screening_id>/henvis/",
        views.refer,
        name="refer",
    ),
    path(
        "borgere/<uuid:citizen_id>/kladder/<uuid:screening_id>/kasser/",
        views.draft_discard,
        name="draft_discard",
    ),
    path(
        "borgere/<uuid:citizen_id>/opgaver/<uuid:task_id>/udfoert/",
        views.task_done,
        name="task_done",
    ),
    path("borgere/<uuid:citizen_id>/farve/flyt/", views_triage.triage_move, name="triage_move"),
    path(
        "borgere/<uuid:citizen_id>/farve/haand/",
        views_triage.triage_set_by_hand,
        name="triage_set_by_hand",
    ),
    path("tavle/", views.board, name="board"),
    path("tavle/tildel/", views.board_assign, name="board_assign"),
    path(
        "borgere/<uuid:citizen_id>/hjemmehjaelp/",
        views_home_help.home_help_hours,
        name="home_help_hours",
    ),
    path("hjemmehjaelp/import/", views_home_help.home_help_import, name="home_help_import"),
    path(
        "hjemmehjaelp/import/godkend/",
        views_home_help.home_help_import_confirm,
        name="home_help_import_confirm",
    ),
    path("kvalitet/", views_quality.quality_queue, name="quality_queue"),
    path("kvalitet/<uuid:check_id>/", views_quality.quality_mark, name="quality_mark"),
]
