from django.urls import path

from . import push_api, views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.centre, name="centre"),
    path("notifications/read/", views.read, name="read"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("notifications/devices/<int:pk>/remove/", views.remove_device, name="remove_device"),
    path("api/v1/notifications/push/", push_api.state, name="api-push"),
    path("api/v1/notifications/push/subscriptions/", push_api.subscribe, name="api-push-subscribe"),
    path("api/v1/notifications/push/subscriptions/<int:pk>/", push_api.remove, name="api-push-remove"),
    path("api/v1/notifications/push/unsubscribe/", push_api.unsubscribe, name="api-push-unsubscribe"),
]
