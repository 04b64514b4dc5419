from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.centre, name="centre"),
    path("notifications/read/", views.read, name="read"),
    path("notifications/preferences/", views.preferences, name="preferences"),
]
