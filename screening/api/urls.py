from rest_framework.routers import SimpleRouter

from screening.api.views import ScreeningViewSet

router = SimpleRouter(trailing_slash=True)
router.register("screenings", ScreeningViewSet, basename="screening")

urlpatterns = router.urls
