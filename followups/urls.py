from django.urls import path

from followups import views

app_name = "followups"

urlpatterns = [
    path("", views.my_tasks, name="my_tasks"),
    path("ny/", views.task_add, name="task_add"),
    path("paamindelser/", views.preferences, name="preferences"),
    path("beskeder/", views.notification_log, name="notification_log"),
    path("beskeder/send-igen/", views.notifications_send_again, name="notifications_send_again"),
    path("plan/<uuid:case_id>/", views.plan_create, name="plan_create"),
    path("<uuid:task_id>/", views.task_detail, name="task_detail"),
    path("<uuid:task_id>/udfoert/", views.task_done, name="task_done"),
    path("<uuid:task_id>/tag/", views.task_take, name="task_take"),
]
