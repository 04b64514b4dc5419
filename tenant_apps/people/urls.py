from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("people/", views.officer_list, name="list"),
    path("people/new/", views.officer_create, name="create"),
    path("people/<int:pk>/", views.officer_detail, name="detail"),
    path("people/<int:pk>/edit/", views.officer_edit, name="edit"),
    path("people/<int:pk>/active/", views.officer_set_active, name="set_active"),
    path("people/<int:pk>/temporary-password/", views.officer_temporary_password, name="temporary_password"),
    path("profile/", views.profile, name="profile"),
]
