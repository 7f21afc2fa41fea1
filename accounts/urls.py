from django.urls import path

from accounts import oidc, views

app_name = "accounts"

urlpatterns = [
    path("log-ind/", views.SignInView.as_view(), name="login"),
    path("log-ud/", views.SignOutView.as_view(), name="logout"),
    path("adgangskode/", views.PasswordChangeView.as_view(), name="password_change"),
    path("log-ud-alle-steder/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("to-trin/", views.two_factor_verify, name="two_factor_verify"),
    path("to-trin/opsaet/", views.two_factor_enrol, name="two_factor_enrol"),
    path("to-trin/kode/<str:code>/", views.two_factor_code_link, name="two_factor_code_link"),
    # Single sign-on with the municipality (when BROBYG_OIDC_ISSUER is set; 404 otherwise). The
    # return address is the redirect URI registered at the identity provider.
    path("sso/log-ind/", oidc.SingleSignOnStartView.as_view(), name="sso_start"),
    path("sso/retur/", oidc.SingleSignOnCallbackView.as_view(), name="sso_callback"),
]
