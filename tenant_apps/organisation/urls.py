from django.urls import path

from . import views

app_name = "organisation"
urlpatterns = [
    path("org-units/", views.org_unit_list, name="units"),
    path("org-units/new/", views.org_unit_edit, name="unit_create"),
    path("org-units/<int:pk>/edit/", views.org_unit_edit, name="unit_edit"),
    path("settings/", views.agency_settings, name="settings"),
    path("logo/", views.logo, name="logo"),
]
