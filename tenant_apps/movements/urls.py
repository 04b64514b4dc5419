from django.urls import path

from . import views

app_name = "movements"
urlpatterns = [
    path("movements/", views.my_movements, name="list"),
    path("movements/new/", views.create, name="create"),
    path("movements/<int:pk>/", views.detail, name="detail"),
    path("movements/<int:pk>/edit/", views.edit, name="edit"),
    path("movements/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("movements/<int:pk>/attachment/", views.attachment, name="attachment"),
    path("movements/team/", views.team, name="team"),
    path("movements/approvals/", views.approvals, name="approvals"),
    path("movements/<int:pk>/decide/", views.decide, name="decide"),
    path("movements/ical/regenerate/", views.feed_regenerate, name="feed_regenerate"),
    path("movements/ical/revoke/", views.feed_revoke, name="feed_revoke"),
    # The secret calendar address: no session, the token is the credential.
    path("movements/ical/<str:token>.ics", views.feed, name="feed"),
]
