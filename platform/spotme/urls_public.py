"""The apex domain (public schema): landing, agency applications, the JDN operator console, API."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from shared_apps.onboarding import views as onboarding_views
from shared_apps.onboarding.api import ApplicationViewSet
from shared_apps.operators import api as operators_api
from shared_apps.operators.api import AgencyViewSet
from spotme.web.views import healthz

from .urls_common import urlpatterns as common

router = DefaultRouter()
router.register("applications", ApplicationViewSet, basename="application")
router.register("agencies", AgencyViewSet, basename="agency")

urlpatterns = [
    path("", onboarding_views.landing, name="home"),
    path("", include("shared_apps.onboarding.urls")),
    path("console/", include("shared_apps.operators.urls")),
    path("audit/", include("spotme.audit.urls")),
    path("api/v1/platform-stats/", operators_api.platform_stats, name="api-platform-stats"),
    path("api/v1/", include(router.urls)),
    path("healthz", healthz, name="healthz"),
    *common,
]

handler404 = "spotme.web.views.not_found"
handler500 = "spotme.web.views.server_error"
