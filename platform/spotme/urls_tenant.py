"""An agency's subdomain (its own schema)."""

from django.urls import include, path

from spotme.web.views import healthz
from tenant_apps.organisation import api as organisation_api
from tenant_apps.organisation import views as organisation_views

from .urls_common import urlpatterns as common

urlpatterns = [
    path("", organisation_views.home, name="home"),
    path("", include("tenant_apps.organisation.urls")),
    path("", include("tenant_apps.people.urls")),
    path("api/v1/me/", organisation_api.me, name="api-me"),
    path("healthz", healthz, name="healthz"),
    *common,
]

handler404 = "spotme.web.views.not_found"
handler500 = "spotme.web.views.server_error"
