from django.urls import path

from . import views

app_name = "operators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/approve/", views.approve, name="approve"),
    path("applications/<int:pk>/reject/", views.reject, name="reject"),
    path("applications/<int:pk>/retry/", views.retry, name="retry"),
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/<int:pk>/status/", views.agency_status, name="agency_status"),
    path("stats/", views.platform_stats, name="stats"),
]
