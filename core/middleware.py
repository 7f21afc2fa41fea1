from django.conf import settings
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers


class LanguageMiddleware:
    """Danish unless the person chose another language with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language; municipal PCs and
    tablets often run an English browser, and Brobyg is Danish first.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


class PermissionsPolicyMiddleware:
    """Tell the browser that Brobyg never uses the camera, microphone, location or payment.

    A page that is somehow made to ask for them (an injected script) is refused by the browser.
    """

    POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        return response


class NoStoreMiddleware:
    """Keep what a signed-in person sees, and every answer with citizen data, out of all caches.

    Home-care tablets are shared: after one worker signs out, the next must find none of the
    citizens' pages in the browser's cache, its back button or the service worker. So every
    response to a signed-in request (pages and API answers alike), every API answer except the
    public offer directory's, and every answer to a form sent, is `no-store`. Public pages
    (/tilbud/, the self-referral form) and static files stay cacheable.
    """

    API_PREFIX = "/api/"
    # Public offers only, for anyone: a person signed in is caught by the first rule.
    PUBLIC_API_PREFIXES = ("/api/v1/offers/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._private(request):
            add_never_cache_headers(response)
        return response

    def _private(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        # A system's call with a token: the answer is for that caller only.
        if "HTTP_AUTHORIZATION" in request.META:
            return True
        # The answer to a form sent echoes what was typed: a citizen's own details on a
        # library's PC (the self-referral), kept by no back button.
        if request.method not in ("GET", "HEAD"):
            return True
        path = request.path_info
        return path.startswith(self.API_PREFIX) and not path.startswith(self.PUBLIC_API_PREFIXES)
