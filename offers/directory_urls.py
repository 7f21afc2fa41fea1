from django.urls import path

from offers.views import directory

app_name = "directory"

urlpatterns = [
    path("", directory.directory_list, name="list"),
    path("<uuid:offer_id>/", directory.directory_offer, name="offer"),
]
