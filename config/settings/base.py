"""Settings shared by every environment. Environment-specific files import from here."""

import ipaddress
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, EMBEDDED_DATABASE_URL, database_config, env

VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
# Encrypts CPR numbers at rest and keys their lookup hash. Kept apart from SECRET_KEY so that
# rotating the one never makes the other's data unreadable. Never change it once data exists.
BROBYG_ENCRYPTION_KEY = env.str("BROBYG_ENCRYPTION_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

# --- Applications -------------------------------------------------------------------------------

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    # django-axes and django-otp's TOTP with Danish names in the admin (core/third_party_apps.py).
    "core.third_party_apps.AxesConfig",
    "django_otp",
    "core.third_party_apps.TOTPConfig",
]
LOCAL_APPS = [
    "core",
    "accounts",
    "audit",
    "referrals",
    "screening",
    "places",
    "offers",
    "volunteers",
    "matching",
    "followups",
    # MedCom CareCommunication messages from GP systems (FHIR, /fhir/).
    "medcom",
    "privacy",
    "stats",
    # The benchmark harness: its seed_bench command loads every app's tables.
    "bench",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# The demo municipality (`manage.py seed_demo`, core/demo.py): each app's part, in the order they
# build on each other. Listed here, where every app is known, as core sits below them all.
BROBYG_DEMO_STEPS = [
    "accounts.demo.seed_accounts",
    "offers.demo.seed_offers",
    "referrals.demo.seed_referrals",
    "screening.demo.seed_screening",
    "volunteers.demo.seed_volunteers",
    "matching.demo.seed_matches",
    "referrals.demo.seed_identity",
    "offers.demo.seed_unmet_needs",
    "stats.demo.seed_history",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after the user is known, so it also sees the answers of the sign-in rules below.
    "core.middleware.NoStoreMiddleware",
    # The reads a page logs are written together, in one insert, when its answer is ready.
    "audit.middleware.AccessLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionLimitMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After (inside) the CSP: lets a single sign-on session's sign-out go on to the provider.
    "accounts.middleware.SingleSignOnMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Data ---------------------------------------------------------------------------------------

# PostgreSQL everywhere. Without DATABASE_URL: the embedded PostgreSQL that `make run` starts
# (data in var/postgres); anything but PostgreSQL is refused here.
DATABASES = {"default": database_config(default=EMBEDDED_DATABASE_URL)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# Redis answers in a millisecond. One that has not connected or answered within this many
# seconds is taken as down, and whatever asked goes on without it instead of holding a request,
# and a gunicorn worker, until the operating system gives up
# (docs/decisions/0009-when-redis-is-down.md).
BROBYG_REDIS_TIMEOUT_SECONDS = env.float("BROBYG_REDIS_TIMEOUT_SECONDS", default=1.0)
REDIS_CACHE_OPTIONS = {
    "socket_connect_timeout": BROBYG_REDIS_TIMEOUT_SECONDS,
    "socket_timeout": BROBYG_REDIS_TIMEOUT_SECONDS,
}
# The broker's connections: the same for connecting; reads wait longer, since a worker's blocking
# pop for new tasks is answered only after a second without any.
REDIS_BROKER_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": BROBYG_REDIS_TIMEOUT_SECONDS,
    "socket_timeout": max(5.0, BROBYG_REDIS_TIMEOUT_SECONDS),
}

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "brobyg",
            "TIMEOUT": 300,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Accounts and sessions ----------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Refuses a sign-in while the user name is locked out from that address, before the
    # password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # User name and password; while single sign-on is on, for the break-glass admin only.
    "accounts.backends.PasswordBackend",
    # Single sign-on with the municipality's identity provider (OpenID Connect, accounts.oidc).
    "accounts.oidc.SingleSignOnBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Tablets in home care are shared between workers: a session ends after this many idle minutes.
# Every request renews the expiry, so the timeout counts from the last click, not from sign-in.
BROBYG_IDLE_TIMEOUT_MINUTES = env.int("BROBYG_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_COOKIE_AGE = BROBYG_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
# In the database, as Django keeps them; the write that only renews the expiry does not wait for
# the disk (accounts.sessions).
SESSION_ENGINE = "accounts.sessions"
# However active, a session ends this many hours after the sign-in (a long working day).
BROBYG_SESSION_MAX_HOURS = env.int("BROBYG_SESSION_MAX_HOURS", default=10)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Lockout after repeated failed sign-ins (django-axes, counted in the database), on the web
# sign-in, the Django admin and the API's token endpoint alike. A user name is locked after
# BROBYG_SIGN_IN_FAILURE_LIMIT failures from any mix of addresses: changing address does not buy
# more guesses. An address is locked after BROBYG_SIGN_IN_ADDRESS_FAILURE_LIMIT failures across
# any user names: far more, as a whole municipality's staff may share one address, so colleagues'
# typos never lock each other out (core.lockout).
AXES_FAILURE_LIMIT = env.int("BROBYG_SIGN_IN_FAILURE_LIMIT", default=5)
BROBYG_SIGN_IN_ADDRESS_FAILURE_LIMIT = env.int("BROBYG_SIGN_IN_ADDRESS_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("BROBYG_SIGN_IN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = "core.lockout.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.http.client_bucket"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Sign-ins are in the audit trail already; axes keeps only the failed attempts.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Two-factor authentication (TOTP) on the web sign-in for every user, except shared tablet
# accounts an administrator has exempted. Systems use the API's tokens and are not affected.
BROBYG_REQUIRE_2FA = env.bool("BROBYG_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = env.str("BROBYG_2FA_ISSUER", default="Brobyg")
# A person sets up their authenticator only with a one-time code an administrator issues
# (`manage.py two_factor_code`, or the user admin); it works this many hours.
BROBYG_TWO_FACTOR_CODE_HOURS = env.int("BROBYG_TWO_FACTOR_CODE_HOURS", default=72)

# --- Single sign-on (OpenID Connect) -------------------------------------------------------------

# The municipality's identity provider: its issuer (discovery at ISSUER/.well-known/openid-
# configuration), and Brobyg's client id and secret there. With an issuer set, staff sign in
# through it and passwords are for the break-glass admins below only (accounts.oidc,
# docs/decisions/0016-single-sign-on.md).
BROBYG_OIDC_ISSUER = env.str("BROBYG_OIDC_ISSUER", default="").rstrip("/")
BROBYG_OIDC_CLIENT_ID = env.str("BROBYG_OIDC_CLIENT_ID", default="")
BROBYG_OIDC_CLIENT_SECRET = env.str("BROBYG_OIDC_CLIENT_SECRET", default="")
if BROBYG_OIDC_ISSUER and not (BROBYG_OIDC_CLIENT_ID and BROBYG_OIDC_CLIENT_SECRET):
    raise ImproperlyConfigured(
        "BROBYG_OIDC_ISSUER is set: set BROBYG_OIDC_CLIENT_ID and BROBYG_OIDC_CLIENT_SECRET too "
        "(Brobyg's client at the identity provider)"
    )
BROBYG_OIDC_SCOPES = env.str("BROBYG_OIDC_SCOPES", default="openid profile email")
# The claim with the person's groups, mapped to roles and teams in the admin ("Single sign-on
# groups"). A dotted name reaches into an object (Keycloak: realm_access.roles).
BROBYG_OIDC_GROUPS_CLAIM = env.str("BROBYG_OIDC_GROUPS_CLAIM", default="groups")
# Refuse a sign-in the provider did not confirm with two factors. Off, such a person confirms
# the sign-in with Brobyg's own code instead (BROBYG_REQUIRE_2FA).
BROBYG_OIDC_REQUIRE_MFA = env.bool("BROBYG_OIDC_REQUIRE_MFA", default=True)
# What counts as two factors: `amr` (RFC 8176) with one of these values, each of which says
# by itself that the provider used several factors, or with two different methods (`pwd` and
# `otp`); or one of these levels in `acr` (by default NSIS substantial and high, as from MitID
# Erhverv). A single method (`otp`, `sms`, `hwk`, ...) is one factor: do not list one here.
BROBYG_OIDC_MFA_AMR = env.list("BROBYG_OIDC_MFA_AMR", default=["mfa"])
BROBYG_OIDC_MFA_ACR = env.list(
    "BROBYG_OIDC_MFA_ACR",
    default=[
        "https://data.gov.dk/concept/core/nsis/Substantial",
        "https://data.gov.dk/concept/core/nsis/High",
    ],
)
# Sent to the provider as acr_values when set, to ask it for two factors.
BROBYG_OIDC_ACR_VALUES = env.str("BROBYG_OIDC_ACR_VALUES", default="")
# User names that may still sign in with a password (and Brobyg's own code) while single sign-on
# is on: administrators only, for when the identity provider is down.
BROBYG_OIDC_BREAK_GLASS_USERS = env.list("BROBYG_OIDC_BREAK_GLASS_USERS", default=[])
BROBYG_OIDC_SIGN_ALGORITHM = env.str("BROBYG_OIDC_SIGN_ALGORITHM", default="RS256")
BROBYG_OIDC_TIMEOUT_SECONDS = env.float("BROBYG_OIDC_TIMEOUT_SECONDS", default=10.0)
# Clocks differ a little: an ID token is accepted this many seconds either side of its times.
BROBYG_OIDC_CLOCK_SKEW_SECONDS = env.int("BROBYG_OIDC_CLOCK_SKEW_SECONDS", default=60)

# --- Language and time --------------------------------------------------------------------------

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
# How dates are typed in forms, in either language: day first (config/formats).
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------

STATIC_URL = "/static/"
# Where `collectstatic` puts the static files and the web app serves them from (WhiteNoise).
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -------------------------------------------------------------------------------------

# EMAIL_URL sets EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, the credentials and TLS in one value.
globals().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Brobyg <brobyg@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- API ----------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # `Authorization: Token …`: Brobyg's own tokens (accounts.models.ApiToken).
        "accounts.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON that can be read and kept, or a 400 (core.api.parsers); forms as DRF reads them.
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("BROBYG_TOKEN_THROTTLE", default="20/min"),
        # The public offer directory's API, per client address (or per user when signed in).
        "directory": env.str("BROBYG_DIRECTORY_THROTTLE", default="120/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Brobyg API",
    "DESCRIPTION": (
        "Referrals, screenings, offers, matching and follow-up for citizens who are unwillingly "
        "alone. Authenticate with `POST /api/v1/auth/token/` and send `Authorization: Token …`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several serializers have a field called "kind"; each choice set gets a name of its own.
    "ENUM_NAME_OVERRIDES": {
        "SuggestionKindEnum": "offers.constants.SuggestionKind",
        "TaskKindEnum": "followups.constants.TaskKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.add_error_responses",
    ],
}

# --- Celery -------------------------------------------------------------------------------------

if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_OPTIONS
else:
    # Celery's file-system transport: no broker to install for `make run`.
    CELERY_BROKER_URL = "filesystem://localhost//"
    for _folder in ("queue", "processed", "control"):
        (VAR_DIR / "celery" / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="brobyg")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Installed into django-celery-beat's tables when beat starts; admins can change times there.
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "accounts.tasks.sessions_clear_expired",
        "schedule": timedelta(hours=1),
    },
    "send-unsent-referrer-feedback": {
        "task": "referrals.tasks.referral_feedback_sweep",
        "schedule": timedelta(minutes=10),
    },
    # Inserts the reminders that are due (once each, whatever runs at the same time) and queues
    # them; also picks up any left unsent by a worker that died.
    "send-reminders": {
        "task": "followups.tasks.reminders_scan",
        "schedule": timedelta(minutes=5),
    },
    # After a first meeting, asks the offer or volunteer (by a link, no account) whether the
    # citizen came.
    "ask-about-first-meetings": {
        "task": "matching.tasks.first_meeting_confirmations_sweep",
        "schedule": timedelta(minutes=15),
    },
    "anonymise-after-retention": {
        "task": "privacy.tasks.retention_anonymise",
        "schedule": crontab(hour=2, minute=30),
    },
    # Asks coordinators to renew volunteers' certificates in time, and tells the bridge-builders
    # of the matches that need one once it has run out (once each, however often it runs).
    "remind-vetting-renewals": {
        "task": "volunteers.tasks.vetting_reminders_daily",
        "schedule": crontab(hour=6, minute=15),
    },
    # "Kommer du i morgen?": a call to each citizen expected at a coming session of a group
    # offer that asks for it (once each, however often it runs), before the day's reminders.
    "call-before-sessions": {
        "task": "matching.tasks.session_calls_daily",
        "schedule": crontab(hour=6, minute=30),
    },
    # Agreed contacts nobody logged count as missed after two days: a run of them makes a task
    # for the bridge-builder (once per run, however often it runs).
    "check-missed-contacts": {
        "task": "matching.tasks.contact_missed_sweep",
        "schedule": crontab(hour=6, minute=30),
    },
}

# --- Content-Security-Policy ---------------------------------------------------------------------

# Scripts come from Brobyg's own static files only: no inline script, no CDN. Inline *styles*
# are allowed because Bootstrap's and the Django admin's markup use style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Logging: everything to stdout, the platform collects it ------------------------------------

LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO")
# One format and one clock (TIME_ZONE, with its offset) for every line: the web app's, runserver's
# request lines, and the Celery worker's and beat's (config/celery.py hands them this too).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "core.logging.LocalTimeFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "time_zone": TIME_ZONE,
        },
    },
    "filters": {
        "refused_in_one_line": {"()": "core.logging.RefusedRequestsInOneLine"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own console handler would print its messages a second time, in another format.
        "django": {"handlers": [], "level": LOG_LEVEL},
        "django.server": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        # A 403 or 404 is one line; a 500 keeps its traceback.
        "django.request": {"filters": ["refused_in_one_line"]},
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": LOG_LEVEL},
        # Lockouts are logged as warnings; every successful sign-in is not news.
        "axes": {"level": "WARNING"},
    },
}

# --- Brobyg -------------------------------------------------------------------------------------

# Our own proxies in front of Brobyg: addresses or networks (comma-separated: `10.0.0.5`,
# `172.30.57.0/24`). X-Forwarded-For is believed only from these, read from the right up to the
# first address that is not one of them (core.http.client_ip: the audit trail, the sign-in
# lockout and every throttle). Empty: REMOTE_ADDR is the client, whatever a header says.
BROBYG_TRUSTED_PROXIES = env.list("BROBYG_TRUSTED_PROXIES", default=[])
for _proxy in BROBYG_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError:
        # A host name or a typo would trust nobody, or the wrong machine: stop the start.
        raise ImproperlyConfigured(
            f"BROBYG_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network "
            "(write e.g. 10.0.0.5 or 10.0.0.0/24; host names are not accepted)"
        ) from None

# Per-address limits of the public pages that need no sign-in (counted in Redis; while Redis is
# down they let everything through, see docs/decisions/0009-when-redis-is-down.md).
BROBYG_DIRECTORY_PAGE_THROTTLE = env.str("BROBYG_DIRECTORY_PAGE_THROTTLE", default="120/min")
BROBYG_HEALTH_THROTTLE = env.str("BROBYG_HEALTH_THROTTLE", default="60/min")
BROBYG_SELF_REFERRAL_THROTTLE = env.str("BROBYG_SELF_REFERRAL_THROTTLE", default="5/hour")

# Closed cases are anonymised this many months after they closed (privacy.retention).
BROBYG_RETENTION_MONTHS = env.int("BROBYG_RETENTION_MONTHS", default=12)

# The address people reach Brobyg on, for links in e-mails.
BROBYG_BASE_URL = env.str("BROBYG_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Offers, volunteers and matching --------------------------------------------------------------

# An offer nobody has confirmed for this many months is flagged to its coordinator.
BROBYG_OFFER_STALE_MONTHS = env.int("BROBYG_OFFER_STALE_MONTHS", default=6)
# A volunteer's certificate must be renewed this many years after it was seen.
BROBYG_VETTING_RENEWAL_YEARS = env.int("BROBYG_VETTING_RENEWAL_YEARS", default=2)
# Coordinators are warned this many days before a certificate must be renewed.
BROBYG_VETTING_WARN_DAYS = env.int("BROBYG_VETTING_WARN_DAYS", default=60)
# How much each part counts when suggestions are ranked (the sum need not be 1). Each part is a
# value from -1 to 1 times its weight: a part that does not fit can take points away (an offer
# for a target group the citizen is not in, an age far outside the offer's, a full offer), so the
# mismatches a bridge-builder would never suggest sink instead of merely missing points.
BROBYG_MATCH_WEIGHTS = {
    # The citizen's own words (their wishes and the referral's) found in the offer.
    "wish": env.float("BROBYG_MATCH_WEIGHT_WISH", default=4.0),
    "interests": env.float("BROBYG_MATCH_WEIGHT_INTERESTS", default=3.0),
    "activity": env.float("BROBYG_MATCH_WEIGHT_ACTIVITY", default=2.0),
    "distance": env.float("BROBYG_MATCH_WEIGHT_DISTANCE", default=3.0),
    "schedule": env.float("BROBYG_MATCH_WEIGHT_SCHEDULE", default=2.0),
    "age": env.float("BROBYG_MATCH_WEIGHT_AGE", default=3.0),
    "target_group": env.float("BROBYG_MATCH_WEIGHT_TARGET_GROUP", default=4.0),
    "places": env.float("BROBYG_MATCH_WEIGHT_PLACES", default=1.0),
    # Transport and someone to go along: what the offer solves and what is still to arrange.
    "practical": env.float("BROBYG_MATCH_WEIGHT_PRACTICAL", default=2.0),
    # For someone hard of hearing: a hearing loop helps, contact by phone speaks against.
    "hearing": env.float("BROBYG_MATCH_WEIGHT_HEARING", default=3.0),
    # For a citizen who needs language help: the offer in their language, or an interpreter.
    "language": env.float("BROBYG_MATCH_WEIGHT_LANGUAGE", default=2.0),
    "load": env.float("BROBYG_MATCH_WEIGHT_LOAD", default=1.0),
}
# How long the e-mailed "did the citizen come?" link works.
BROBYG_CONFIRM_LINK_DAYS = env.int("BROBYG_CONFIRM_LINK_DAYS", default=14)
# Recurring contact on a match (matching/contact.py): how long a volunteer's link to log contacts
# works, how many requests an address may make with such links, and how many agreed contacts
# missed in a row make a task for the bridge-builder.
BROBYG_CONTACT_LINK_DAYS = env.int("BROBYG_CONTACT_LINK_DAYS", default=183)
BROBYG_CONTACT_LINK_THROTTLE = env.str("BROBYG_CONTACT_LINK_THROTTLE", default="30/hour")
BROBYG_CONTACT_MISSED_IN_A_ROW = env.int("BROBYG_CONTACT_MISSED_IN_A_ROW", default=2)
# How many suggestions of each kind the case page and the API show.
BROBYG_SUGGESTIONS_PER_KIND = env.int("BROBYG_SUGGESTIONS_PER_KIND", default=5)
# Geocoding of addresses: empty uses the postcode's centre; "dawa" asks the Danish address
# register (needs internet) at BROBYG_GEOCODER_URL.
BROBYG_GEOCODER = env.str("BROBYG_GEOCODER", default="")
BROBYG_GEOCODER_URL = env.str(
    "BROBYG_GEOCODER_URL", default="https://api.dataforsyningen.dk/adresser"
)
# The public directory's map: tiles from this server (empty: the list without a map).
BROBYG_MAP_TILE_URL = env.str(
    "BROBYG_MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
BROBYG_MAP_ATTRIBUTION = env.str("BROBYG_MAP_ATTRIBUTION", default="© OpenStreetMap contributors")
# The municipality's page on how it handles personal data, linked from the public pages (the offer
# directory); empty: no link.
BROBYG_PRIVACY_URL = env.str("BROBYG_PRIVACY_URL", default="")

# --- Follow-up reminders -------------------------------------------------------------------------

# Local times of day (HH:MM) after which each kind of reminder goes out: the day before a task is
# due, on the day, and the daily digest for those who chose one instead.
BROBYG_REMINDER_DAY_BEFORE_AT = env.str("BROBYG_REMINDER_DAY_BEFORE_AT", default="14:00")
BROBYG_REMINDER_DUE_AT = env.str("BROBYG_REMINDER_DUE_AT", default="07:00")
BROBYG_REMINDER_DIGEST_AT = env.str("BROBYG_REMINDER_DIGEST_AT", default="07:00")
# A task this many days overdue is escalated to the leads of its team.
BROBYG_ESCALATE_AFTER_DAYS = env.int("BROBYG_ESCALATE_AFTER_DAYS", default=3)
# Sending: attempts before a reminder is marked failed, the unit of the waits between them
# (followups.reminders.RETRY_STEPS: 1, 5, 15, 30 units, then 1 to 12 hours; ten attempts span
# more than a day), and how long a reminder may stay claimed by a sender before another takes it.
BROBYG_REMINDER_MAX_ATTEMPTS = env.int("BROBYG_REMINDER_MAX_ATTEMPTS", default=10)
BROBYG_REMINDER_RETRY_SECONDS = env.int("BROBYG_REMINDER_RETRY_SECONDS", default=60)
BROBYG_REMINDER_CLAIM_TIMEOUT_SECONDS = env.int(
    "BROBYG_REMINDER_CLAIM_TIMEOUT_SECONDS", default=15 * 60
)
# SMS: a dotted path to a backend class. The console backend writes to the log; the file backend
# (with BROBYG_SMS_FILE_PATH) appends one JSON line per message. A gateway is another class.
BROBYG_SMS_BACKEND = env.str("BROBYG_SMS_BACKEND", default="followups.sms.ConsoleSMSBackend")
BROBYG_SMS_FILE_PATH = env.str("BROBYG_SMS_FILE_PATH", default=str(VAR_DIR / "sms.jsonl"))

# Statistics: every count is published as a multiple of this, a count below it as 0 (cell-key
# perturbation, docs/statistics.md), and means and medians only over a count of at least this.
BROBYG_STATS_MIN_COUNT = env.int("BROBYG_STATS_MIN_COUNT", default=5)
# The gap analysis: how far from home (km, between postcode centres) an offer counts as near.
BROBYG_STATS_GAP_KM = env.int("BROBYG_STATS_GAP_KM", default=5)
# The statistics' largest statements run at once on this many database connections (each a
# core's worth of work for PostgreSQL), all reading the same snapshot. 1: one after the other.
BROBYG_STATS_CONNECTIONS = env.int("BROBYG_STATS_CONNECTIONS", default=2)

# --- API tokens ---------------------------------------------------------------------------------

# A person's API token (POST /api/v1/auth/token/) stops working this many hours after it was
# issued; a new password or signing out on all devices ends it sooner. Systems' tokens are
# issued for longer (`manage.py create_service_account --days`).
BROBYG_API_TOKEN_HOURS = env.int("BROBYG_API_TOKEN_HOURS", default=8)

# --- MedCom -------------------------------------------------------------------------------------

# The SOR codes MedCom messages may be addressed to (comma-separated): a message to any other
# receiver is refused. Empty: any receiver.
BROBYG_MEDCOM_SOR = env.list("BROBYG_MEDCOM_SOR", default=[])
