from django.urls import path

from . import import_views, views

app_name = "people"
urlpatterns = [
    path("people/", views.officer_list, name="list"),
    path("people/new/", views.officer_create, name="create"),
    path("people/<int:pk>/", views.officer_detail, name="detail"),
    path("people/<int:pk>/edit/", views.officer_edit, name="edit"),
    path("people/<int:pk>/active/", views.officer_set_active, name="set_active"),
    path("people/<int:pk>/temporary-password/", views.officer_temporary_password, name="temporary_password"),
    path("people/<int:pk>/unlock/", views.officer_unlock, name="unlock"),
    path("profile/", views.profile, name="profile"),
    path("people/import/", import_views.import_officers, name="import"),
    path("people/import/<int:pk>/", import_views.import_batch, name="import_batch"),
    path("people/import/template.csv", import_views.import_template_file, {"file_format": "csv"},
         name="import_template_csv"),
    path("people/import/template.xlsx", import_views.import_template_file, {"file_format": "xlsx"},
         name="import_template_xlsx"),
    path("people/activate/<uidb64>/<token>/", import_views.ActivateAccountView.as_view(), name="activate"),
]
