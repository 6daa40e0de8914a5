"""URL map: pages per app, the API under /api/, auth, admin, language switch."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from safecity.core import import_job_views, notification_views, pickers
from safecity.core.api import router
from safecity.core.home import home
from safecity.core.reveal import reveal

urlpatterns = [
    path("", home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("notifications/", notification_views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/open/", notification_views.notification_open, name="notification_open"),
    path("notifications/read-all/", notification_views.notification_read_all, name="notification_read_all"),
    path("imports/<int:pk>/", import_job_views.import_job_detail, name="import_job"),
    path("imports/<int:pk>/confirm/", import_job_views.import_job_confirm, name="import_job_confirm"),
    path("pick/<str:source>/", pickers.pick, name="pick"),
    path("reveal/<int:content_type_id>/<int:pk>/<str:field>/", reveal, name="reveal"),
    path("geo/", include("safecity.geo.urls")),
    path("orgs/", include("safecity.orgs.urls")),
    path("accounts/", include("safecity.accounts.urls")),
    path("duty/", include("safecity.duty.urls")),
    path("incidents/", include("safecity.incidents.urls")),
    path("hazards/", include("safecity.hazards.urls")),
    path("briefing/", include("safecity.briefing.urls")),
    path("resources/", include("safecity.resources.urls")),
    path("volunteers/", include("safecity.volunteers.urls")),
    path("training/", include("safecity.training.urls")),
    path("tasks/", include("safecity.tasks.urls")),
    path("plans/", include("safecity.plans.urls")),
    path("quarantine/", include("safecity.quarantine.urls")),
    path("surveillance/", include("safecity.surveillance.urls")),
    path("followup/", include("safecity.followup.urls")),
    path("epidemic/", include("safecity.epidemic.urls")),
    path("alerts/", include("safecity.alerts.urls")),
    path("typhoon/", include("safecity.typhoon.urls")),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("admin/", admin.site.urls),
]
