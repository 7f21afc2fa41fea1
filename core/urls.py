from django.urls import path

from core import views

# Included by config/urls.py in the "core" namespace, with the start page (config/views.py).

urlpatterns = [
    path("health/", views.health, name="health"),
]
