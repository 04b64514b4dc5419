"""An agency's subdomain (its own schema)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from spotme.web import pwa
from spotme.web.views import healthz
from tenant_apps.attendance import api as attendance_api
from tenant_apps.attendance import config_api as attendance_config_api
from tenant_apps.attendance import decisions_api
from tenant_apps.devices import api as devices_api
from tenant_apps.insights import views as insights_views
from tenant_apps.movements import api as movements_api
from tenant_apps.notifications import api as notifications_api
from tenant_apps.opendata import api as opendata_api
from tenant_apps.organisation import api as organisation_api
from tenant_apps.people import api as people_api
from tenant_apps.reports import api as reports_api
from tenant_apps.tasks import api as tasks_api

from .urls_common import urlpatterns as common

router = DefaultRouter()
router.register("org-units", people_api.OrgUnitViewSet, basename="org-unit")
router.register("officers", people_api.OfficerViewSet, basename="officer")
# Pengurusan Waktu Kerja (attendance configuration, leave, arrangements, pattern requests).
router.register("attendance/sites", attendance_config_api.OfficeSiteViewSet, basename="attendance-site")
router.register(
    "attendance/patterns", attendance_config_api.WorkingPatternViewSet, basename="attendance-pattern"
)
router.register(
    "attendance/policy-versions", attendance_config_api.PolicyVersionViewSet, basename="attendance-policy"
)
router.register(
    "attendance/holiday-overrides",
    attendance_config_api.HolidayOverrideViewSet,
    basename="attendance-holiday",
)
router.register("attendance/leave", attendance_config_api.LeaveViewSet, basename="attendance-leave")
router.register(
    "attendance/arrangements", attendance_config_api.ArrangementViewSet, basename="attendance-arrangement"
)
router.register(
    "attendance/officer-patterns",
    attendance_config_api.OfficerPatternViewSet,
    basename="attendance-officer-pattern",
)
router.register(
    "attendance/pattern-requests",
    attendance_config_api.PatternRequestViewSet,
    basename="attendance-pattern-request",
)
# Pergerakan (movements).
router.register("movements", movements_api.MovementViewSet, basename="movement")
# Tugasan: daily task log (entries, reviews) and the task board.
router.register("task-log/entries", tasks_api.LogEntryViewSet, basename="task-log-entry")
router.register("task-log/reviews", tasks_api.ReviewViewSet, basename="task-log-review")
router.register("tasks", tasks_api.TaskViewSet, basename="task")
# Integrasi Peranti (device data in).
router.register("devices/batches", devices_api.DeviceBatchViewSet, basename="device-batch")
router.register("devices", devices_api.DeviceIntegrationViewSet, basename="devices")
# Data Terbuka: the org admin's API tokens, webhooks and delivery log (open data itself: opendata.urls).
router.register("api-tokens", opendata_api.ApiTokenViewSet, basename="api-token")
router.register("webhooks", opendata_api.WebhookViewSet, basename="webhook")
router.register("webhook-deliveries", opendata_api.WebhookDeliveryViewSet, basename="webhook-delivery")

urlpatterns = [
    path("", insights_views.home, name="home"),
    path("", include("tenant_apps.insights.urls")),
    path("", include("tenant_apps.reports.urls")),
    path("api/v1/reports/", reports_api.kinds, name="api-reports"),
    path("api/v1/reports/<slug:kind>/", reports_api.report, name="api-report"),
    path("api/v1/reports/<slug:kind>/download/<slug:fmt>/", reports_api.download, name="api-report-download"),
    path("", include("tenant_apps.attendance.urls")),
    path("", include("tenant_apps.notifications.urls")),
    path("", include("tenant_apps.tasks.urls")),
    path("", include("tenant_apps.movements.urls")),
    path("", include("tenant_apps.devices.urls")),
    path("", include("tenant_apps.opendata.urls")),
    path("api/v1/notifications/", notifications_api.notifications, name="api-notifications"),
    path("api/v1/notifications/read/", notifications_api.mark_read, name="api-notifications-read"),
    path("", include("tenant_apps.organisation.urls")),
    path("", include("tenant_apps.people.urls")),
    path("audit/", include("spotme.audit.urls")),
    path("api/v1/me/", organisation_api.me, name="api-me"),
    path("api/v1/roles/", people_api.roles, name="api-roles"),
    path("api/v1/attendance/clock/", attendance_api.clock, name="api-clock"),
    path("api/v1/attendance/today/", attendance_api.today, name="api-today"),
    path("api/v1/attendance/days/", attendance_api.days, name="api-days"),
    path("api/v1/attendance/issues/", attendance_api.issues, name="api-issues"),
    path("api/v1/attendance/issues/<int:pk>/answer/", attendance_api.answer, name="api-issue-answer"),
    path("api/v1/attendance/issues/<int:pk>/decide/", attendance_api.decide, name="api-issue-decide"),
    path("api/v1/attendance/issues/to-decide/", decisions_api.issues_to_decide, name="api-issues-to-decide"),
    path("api/v1/attendance/issues/decide/", decisions_api.decide_many, name="api-issues-decide"),
    path("api/v1/attendance/policies/", attendance_api.policies, name="api-policies"),
    path("api/v1/attendance/calendar/", attendance_api.calendar_view, name="api-calendar"),
    path("api/v1/", include(router.urls)),
    path("healthz", healthz, name="healthz"),
    # The installable app: manifest, service worker (from the root: its scope is the whole host).
    path("manifest.webmanifest", pwa.manifest, name="pwa-manifest"),
    path("sw.js", pwa.service_worker, name="pwa-service-worker"),
    path("offline/", pwa.offline, name="pwa-offline"),
    *common,
]

handler404 = "spotme.web.views.not_found"
handler500 = "spotme.web.views.server_error"
