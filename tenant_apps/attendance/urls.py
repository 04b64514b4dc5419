from django.urls import path

from . import views

app_name = "attendance"
urlpatterns = [
    path("attendance/clock/", views.clock, name="clock"),
    path("attendance/month/", views.month, name="month"),
    path("attendance/transactions/", views.transactions, name="transactions"),
    path("attendance/issues/", views.my_issues, name="issues"),
    path("attendance/issues/<int:pk>/answer/", views.answer, name="answer"),
    path("attendance/team/", views.team, name="team"),
    path("attendance/team/issues/", views.team_issues, name="team_issues"),
    path("attendance/team/issues/decide/", views.decide, name="decide"),
]
