from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    # Catatan Tugasan Harian
    path("tasks/log/", views.log_day, name="log"),
    path("tasks/log/<int:pk>/edit/", views.log_edit, name="log_edit"),
    path("tasks/log/<int:pk>/delete/", views.log_delete, name="log_delete"),
    path("tasks/log/team/", views.log_team, name="log_team"),
    path("tasks/log/team/review/", views.log_review, name="log_review"),
    path("tasks/log/<int:pk>/return/", views.log_return, name="log_return"),
    # Papan Tugasan
    path("tasks/", views.board, name="board"),
    path("tasks/new/", views.task_create, name="create"),
    path("tasks/<int:pk>/", views.task_detail, name="detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="edit"),
    path("tasks/<int:pk>/status/", views.task_status, name="status"),
    path("tasks/<int:pk>/comments/", views.task_comment, name="comment"),
    path("tasks/<int:pk>/attachments/", views.task_attach, name="attach"),
    path("tasks/attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
