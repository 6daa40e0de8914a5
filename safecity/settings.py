"""Django settings for SafeCity.

Everything that differs between a laptop and production comes from environment variables:
``DATABASE_URL`` (default: SQLite under ``var/``), ``SECRET_KEY`` (default: generated once and kept
under ``var/``), ``DEBUG``, ``ALLOWED_HOSTS``, ``SAFECITY_VAR_DIR``.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

from safecity.core import jobs as _jobs

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("SAFECITY_VAR_DIR", PROJECT_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """Return ``SECRET_KEY`` from the environment, or one generated once and kept under ``var/``."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tables2",
    "django_htmx",
    "bootstrap",
    "simple_history",
    "safecity.core",
    "safecity.geo",
    "safecity.orgs",
    "safecity.accounts",
    "safecity.duty",
    "safecity.incidents",
    "safecity.hazards",
    "safecity.briefing",
    "safecity.resources",
    "safecity.tasks",
    "safecity.plans",
    "safecity.epidemic",
    "safecity.volunteers",
    "safecity.training",
    "safecity.quarantine",
    "safecity.surveillance",
    "safecity.followup",
    "safecity.alerts",
    "safecity.typhoon",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "safecity.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "safecity.urls"
WSGI_APPLICATION = "safecity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "safecity.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'safecity.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and background workers read while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "transaction_mode": "IMMEDIATE"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Chinese first, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["safecity.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing (before collectstatic)
# Leaflet for the map component, from the xstatic-leaflet package (no CDN, nothing third-party committed).
STATICFILES_DIRS = [BASE_DIR / "static", ("leaflet", __import__("xstatic.pkg.leaflet").pkg.leaflet.BASE_DIR)]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Compressed, served by WhiteNoise from STATIC_ROOT (``safecity collectstatic``) without a separate web server.
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["safecity.core.rest.ScopedModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "safecity.core.rest.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "safecity.core.rest.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "SafeCity API",
    "DESCRIPTION": "SafeCity's API. Every list is scoped to the caller's regions.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "IncidentLevelEnum": "safecity.incidents.choices.Level",
        "IncidentCategoryEnum": "safecity.incidents.choices.Category",
        "NotificationLevelEnum": "safecity.core.models.NotificationLevel",
        "TargetCategoryEnum": "safecity.hazards.choices.TargetCategory",
        "HazardLevelEnum": "safecity.hazards.choices.HazardLevel",
        "HazardStatusEnum": "safecity.hazards.choices.HazardStatus",
        "InspectionItemResultEnum": "safecity.hazards.choices.ItemResult",
        "HazardPhotoStageEnum": "safecity.hazards.models.HazardPhoto.Stage",
        "QuarantineFacilityStatusEnum": "safecity.quarantine.choices.FacilityStatus",
        "QuarantineStayOutcomeEnum": "safecity.quarantine.choices.StayOutcome",
        "VesselPositionEnum": "safecity.typhoon.choices.Position",
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

SAFECITY = {
    # Shown in the header and on the login page.
    "SITE_NAME": os.environ.get("SAFECITY_SITE_NAME", "SafeCity"),
    # The region code of the city this deployment serves (the demo city is Jiangmen).
    "CITY_CODE": os.environ.get("SAFECITY_CITY_CODE", "440700000000"),
    # Largest file accepted by imports, in bytes.
    "IMPORT_MAX_BYTES": int(os.environ.get("SAFECITY_IMPORT_MAX_BYTES", str(20 * 1024 * 1024))),
    # Rows kept in a list export before the user is told to narrow the filter.
    "EXPORT_MAX_ROWS": int(os.environ.get("SAFECITY_EXPORT_MAX_ROWS", "100000")),
    # Files with more rows are checked and imported by the background workers, with a progress page.
    "IMPORT_SYNC_ROWS": int(os.environ.get("SAFECITY_IMPORT_SYNC_ROWS", "2000")),
    # Where the site is reached from outside: links in e-mails and webhooks are made absolute with it.
    "BASE_URL": os.environ.get("SAFECITY_BASE_URL", "http://127.0.0.1:8000"),
    # Notifications by e-mail (Django's EMAIL_* settings below) to users with an address; off in the demo.
    "EMAIL_NOTIFICATIONS": env_bool("SAFECITY_EMAIL_NOTIFICATIONS", False),
    # Notifications POSTed as JSON to each URL (SMS gateway, WeCom / DingTalk robot relay); none by default.
    "WEBHOOKS": env_list("SAFECITY_WEBHOOKS", ""),
    "WEBHOOK_TIMEOUT": float(os.environ.get("SAFECITY_WEBHOOK_TIMEOUT", "10")),
    # The outbox: failed sends are retried after 1, 2, 4 … minutes (at most an hour), then given up.
    "DELIVERY_MAX_ATTEMPTS": int(os.environ.get("SAFECITY_DELIVERY_MAX_ATTEMPTS", "8")),
    "DELIVERY_RETRY_SECONDS": float(os.environ.get("SAFECITY_DELIVERY_RETRY_SECONDS", "60")),
    "DELIVERY_RETRY_MAX_SECONDS": float(os.environ.get("SAFECITY_DELIVERY_RETRY_MAX_SECONDS", "3600")),
    # Map background tiles, e.g. "http://tiles.intranet/{z}/{x}/{y}.png"; empty: no tiles (shapes and points only).
    "MAP_TILE_URL": os.environ.get("SAFECITY_MAP_TILE_URL", ""),
}

# E-mail (used when SAFECITY_EMAIL_NOTIFICATIONS=1): printed to the console unless EMAIL_BACKEND says otherwise.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "SafeCity <safecity@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background jobs: Celery (see docs/design.md, "Background jobs"). Production: CELERY_BROKER_URL=redis://…
# The default is kombu's filesystem transport under var/celery — no broker server to install; web processes
# and the worker on this machine share the folders (messages are written to and read from the same one).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _celery_dir = VAR_DIR / "celery"
    for _folder in ("queue", "processed", "control"):
        (_celery_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_celery_dir / "control"),
    }
# Tasks return nothing worth keeping: their effect is in the database (the outbox rows).
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic sweeps, registered by the apps with safecity.core.jobs.periodic() (the same dict, filled at setup).
CELERY_BEAT_SCHEDULE = _jobs.SCHEDULE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
