"""The care pages, under /care/."""

from django.urls import path

from safetynet.care import views

urlpatterns = [
    path("", views.index, name="care-index"),
    path("lists.xlsx", views.lists_xlsx, name="care-xlsx"),
    path("institutions/", views.institutions, name="care-institutions"),
    path("cases/<int:case_id>/", views.case_page, name="care-case"),
    path("singles/<int:case_id>/", views.single_page, name="care-single"),
    path("moves/<int:move_id>/complete/", views.complete_move, name="care-move-complete"),
]
