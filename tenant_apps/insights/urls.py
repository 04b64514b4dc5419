from django.urls import path

from . import api, views

app_name = "insights"
urlpatterns = [
    path("dashboard/team/", views.team, name="team"),
    path("dashboard/agency/", views.agency, name="agency"),
    path("dashboard/monitoring/", views.monitoring, name="monitoring"),
    path("api/v1/dashboard/me/", api.me, name="api-me"),
    path("api/v1/dashboard/team/", api.team, name="api-team"),
    path("api/v1/dashboard/agency/", api.agency, name="api-agency"),
    path("api/v1/dashboard/monitoring/", api.monitoring, name="api-monitoring"),
]
