from django.urls import path

from . import views

app_name = "program_cycle"

urlpatterns = [
    path("program-cycle/", views.cycle_list, name="cycle-list"),
    path("program-cycle/cycles/<int:pk>/", views.cycle_detail, name="cycle-detail"),
    path("program-cycle/cycles/<int:pk>/generate/", views.cycle_generate, name="cycle-generate"),
    path("program-cycle/queue/", views.queue, name="queue"),
    path("program-cycle/tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("program-cycle/tasks/<int:pk>/edit/", views.task_edit, name="task-edit"),
    path("program-cycle/tasks/<int:pk>/transition/", views.task_transition, name="task-transition"),
    path("program-cycle/tasks/<int:pk>/compare/", views.task_compare, name="task-compare"),
    path(
        "program-cycle/attachments/<int:pk>/download/",
        views.attachment_download,
        name="attachment-download",
    ),
]
