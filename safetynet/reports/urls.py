"""The dashboard's exports and the list behind its figures (the page itself and the temporary
figures are routed in ``site.urls``)."""

from django.urls import path

from safetynet.reports import views

urlpatterns = [
    path("dashboard.xlsx", views.dashboard_xlsx, name="reports-dashboard-xlsx"),
    path("figures/<slug:key>.xlsx", views.table_xlsx, name="reports-table-xlsx"),
    path("cases/", views.cases, name="reports-cases"),
]
