"""The discovery pages, under /discovery/."""

from django.urls import path

from safetynet.discovery import views

urlpatterns = [
    path("", views.task_list, name="discovery-list"),
    path("tasks.xlsx", views.task_xlsx, name="discovery-xlsx"),
    path("new/", views.new_task, name="discovery-new"),
    path("figures/", views.figures, name="discovery-figures"),
    path("figures.xlsx", views.figures_xlsx, name="discovery-figures-xlsx"),
    path("<int:task_id>/", views.task_page, name="discovery-task"),
    path("<int:task_id>/temporary/", views.task_temporary, name="discovery-temporary"),
    path("<int:task_id>/<str:name>/", views.task_step, name="discovery-step"),
]
