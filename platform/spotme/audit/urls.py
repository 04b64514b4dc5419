"""The audit trail, on every host: included by both URLconfs under audit/ (the views decide who may
read: the agency's org admin, or JDN operators on the apex)."""

from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.data_changes, name="changes"),
    path("changes.csv", views.data_changes_csv, name="changes_csv"),
    path("auth/", views.auth_events, name="auth"),
    path("auth.csv", views.auth_events_csv, name="auth_csv"),
]
