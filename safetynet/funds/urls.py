"""The standby fund's pages, under /funds/."""

from django.urls import path

from safetynet.funds import views

urlpatterns = [
    path("", views.index, name="funds"),
    path("<str:code>/", views.fund, name="fund"),
    path("<str:code>/statement.xlsx", views.statement_xlsx, name="fund-statement-xlsx"),
    path("<str:code>/allocate/", views.allocate, name="fund-allocate"),
    path("<str:code>/adjust/", views.adjust, name="fund-adjust"),
    path("<str:code>/return/", views.return_to_fund, name="fund-return"),
]
