from django.urls import path

from . import api, views

app_name = "opendata"
urlpatterns = [
    # Open data for other systems (API tokens).
    path("api/v1/open/attendance-days/", api.OpenAttendanceDays.as_view(), name="api_days"),
    path("api/v1/open/officers/", api.OpenOfficers.as_view(), name="api_officers"),
    path("api/v1/open/officers/<int:pk>/", api.OpenOfficer.as_view(), name="api_officer"),
    path("api/v1/open/movements/", api.OpenMovements.as_view(), name="api_movements"),
    # The org admin's pages.
    path("open-data/", views.index, name="index"),
    path("open-data/tokens/new/", views.token_create, name="token_create"),
    path("open-data/tokens/<int:pk>/", views.token_detail, name="token"),
    path("open-data/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("open-data/webhooks/new/", views.webhook_create, name="webhook_create"),
    path("open-data/webhooks/<int:pk>/", views.webhook_detail, name="webhook"),
    path("open-data/webhooks/<int:pk>/edit/", views.webhook_edit, name="webhook_edit"),
    path("open-data/webhooks/<int:pk>/rotate-secret/", views.webhook_rotate, name="webhook_rotate"),
    path("open-data/webhooks/<int:pk>/ping/", views.webhook_ping, name="webhook_ping"),
    path("open-data/deliveries/<int:pk>/", views.delivery_detail, name="delivery"),
    path("open-data/deliveries/<int:pk>/redeliver/", views.delivery_redeliver, name="delivery_redeliver"),
]
