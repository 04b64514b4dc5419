from django.urls import path

from . import admin_views, views

app_name = "attendance"
urlpatterns = [
    path("attendance/clock/", views.clock, name="clock"),
    path("attendance/month/", views.month, name="month"),
    path("attendance/transactions/", views.transactions, name="transactions"),
    path("attendance/issues/", views.my_issues, name="issues"),
    path("attendance/issues/<int:pk>/answer/", views.answer, name="answer"),
    path("attendance/team/", views.team, name="team"),
    path("attendance/team/issues/", views.team_issues, name="team_issues"),
    path("attendance/issues/<int:pk>/attachment/", views.issue_attachment, name="issue_attachment"),
    path("attendance/team/issues/decide/", views.decide, name="decide"),
    # Pengurusan Waktu Kerja: the officer's pattern and requests, the supervisor's decisions.
    path("attendance/my-pattern/", admin_views.my_pattern, name="my_pattern"),
    path("attendance/team/pattern-requests/", admin_views.pattern_requests, name="pattern_requests"),
    path(
        "attendance/team/pattern-requests/<int:pk>/decide/",
        admin_views.pattern_request_decide,
        name="pattern_request_decide",
    ),
    # The org admin's attendance settings.
    path("attendance/admin/", admin_views.index, name="admin"),
    path("attendance/admin/sites/", admin_views.site_list, name="admin_sites"),
    path("attendance/admin/sites/new/", admin_views.site_edit, name="admin_site_create"),
    path("attendance/admin/sites/<int:pk>/edit/", admin_views.site_edit, name="admin_site_edit"),
    path("attendance/admin/sites/<int:pk>/active/", admin_views.site_set_active, name="admin_site_active"),
    path("attendance/admin/patterns/", admin_views.pattern_list, name="admin_patterns"),
    path("attendance/admin/patterns/new/", admin_views.pattern_edit, name="admin_pattern_create"),
    path("attendance/admin/patterns/<int:pk>/edit/", admin_views.pattern_edit, name="admin_pattern_edit"),
    path("attendance/admin/policies/", admin_views.policy_list, name="admin_policies"),
    path("attendance/admin/policies/new/", admin_views.policy_edit, name="admin_policy_create"),
    path("attendance/admin/policies/<int:pk>/edit/", admin_views.policy_edit, name="admin_policy_edit"),
    path("attendance/admin/policies/<int:pk>/delete/", admin_views.policy_delete, name="admin_policy_delete"),
    path("attendance/admin/holidays/", admin_views.holidays, name="admin_holidays"),
    path(
        "attendance/admin/holidays/<int:pk>/delete/", admin_views.holiday_delete, name="admin_holiday_delete"
    ),
    path("attendance/admin/officers/<int:pk>/", admin_views.officer_settings, name="admin_officer"),
    path(
        "attendance/admin/officers/<int:pk>/pattern/",
        admin_views.officer_pattern,
        name="admin_officer_pattern",
    ),
    path("attendance/admin/officers/<int:pk>/leave/", admin_views.leave_add, name="admin_leave_add"),
    path("attendance/admin/leave/<int:pk>/delete/", admin_views.leave_delete, name="admin_leave_delete"),
    path(
        "attendance/admin/officers/<int:pk>/arrangements/",
        admin_views.arrangement_add,
        name="admin_arrangement_add",
    ),
    path(
        "attendance/admin/arrangements/<int:pk>/delete/",
        admin_views.arrangement_delete,
        name="admin_arrangement_delete",
    ),
]
