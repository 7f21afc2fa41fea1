from django.urls import path

from medcom import views

app_name = "medcom"

urlpatterns = [
    path("henvisning/<uuid:referral_id>/", views.message_detail, name="message_detail"),
    path("henvisning/<uuid:referral_id>/bekraeft/", views.consent_confirm, name="consent_confirm"),
    path("henvisning/<uuid:referral_id>/bilag/", views.attachment, name="attachment"),
    path("svar/<uuid:pk>/", views.reply_download, name="reply_download"),
]
