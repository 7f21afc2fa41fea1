from rest_framework.routers import SimpleRouter

from offers.api.views import OfferViewSet

router = SimpleRouter(trailing_slash=True)
router.register("offers", OfferViewSet, basename="offer")

urlpatterns = router.urls
