"""The funeral waiver's pages, under /funerals/ (the desk of a funeral home's staff is /funerals/)."""

from django.urls import path

from safetynet.funerals import views

urlpatterns = [
    path("", views.claim_list, name="funeral-list"),
    path("claims.xlsx", views.claim_xlsx, name="funeral-xlsx"),
    path("new/", views.new_claim, name="funeral-new"),
    path("<int:claim_id>/", views.claim_page, name="funeral-claim"),
    path("homes/", views.homes, name="funeral-homes"),
    path("statements/", views.statements, name="funeral-statements"),
    path("statements/<int:statement_id>/", views.statement_page, name="funeral-statement"),
    path("statements/<int:statement_id>.xlsx", views.statement_xlsx, name="funeral-statement-xlsx"),
    path("figures/", views.figures, name="funeral-figures"),
    path("figures.xlsx", views.figures_xlsx, name="funeral-figures-xlsx"),
]
