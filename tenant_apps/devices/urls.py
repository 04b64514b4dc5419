from django.urls import path

from . import views

app_name = "devices"
urlpatterns = [
    path("devices/", views.settings_page, name="settings"),
    path("devices/test-connection/", views.test_connection, name="test_connection"),
    path("devices/pull/", views.pull_now, name="pull_now"),
    path("devices/upload/", views.upload, name="upload"),
    path("devices/batches/", views.batches, name="batches"),
    path("devices/batches/<int:pk>/", views.batch_detail, name="batch"),
    path("devices/unmatched/", views.unmatched, name="unmatched"),
]
