"""The pages of children's allowances and education aid, under /children/ (requests-children.md)."""

from django.urls import path

from safetynet.children import views

urlpatterns = [
    path("", views.index, name="children-list"),
    path("cases.xlsx", views.cases_xlsx, name="children-xlsx"),
    path("households/<int:household_id>/child/", views.apply_child, name="children-apply"),
    path("households/<int:household_id>/aid/", views.apply_aid, name="children-aid-apply"),
    path("figures/", views.figures, name="children-figures"),
    path("figures.xlsx", views.figures_xlsx, name="children-figures-xlsx"),
]
