from django.urls import path

from . import views

app_name = "onboarding"
urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/submitted/", views.submitted, name="submitted"),
]
