from django.urls import path

from screening import views

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
    path("tavle/", views.board, name="board"),
    path("tavle/tildel/", views.board_assign, name="board_assign"),
]
