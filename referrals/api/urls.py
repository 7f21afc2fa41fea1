from rest_framework.routers import SimpleRouter

from referrals.api.views import CitizenViewSet, ReferralViewSet

router = SimpleRouter(trailing_slash=True)
router.register("referrals", ReferralViewSet, basename="referral")
router.register("citizens", CitizenViewSet, basename="citizen")

urlpatterns = router.urls
