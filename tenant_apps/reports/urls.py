from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/jobs/<int:pk>/", views.job, name="job"),
    path("reports/jobs/<int:pk>/status/", views.job_status, name="job-status"),
    path("reports/jobs/<int:pk>/download/", views.job_download, name="job-download"),
    path("reports/<slug:kind>/", views.report, name="report"),
    path("reports/<slug:kind>/prepare/", views.prepare, name="prepare"),
]
