"""The charity's pages, under /charity/."""

from django.urls import path

from safetynet.charity.views import desk, donations, organisations, rounds, supermarkets

urlpatterns = [
    path("", desk.desk, name="charity"),
    path("figures/", desk.figures_page, name="charity-figures"),
    path("figures.xlsx", desk.figures_xlsx, name="charity-figures-xlsx"),
    path("organisations/new/", organisations.organisation_new, name="charity-organisation-new"),
    path("organisations/<int:org_id>/", organisations.organisation, name="charity-organisation"),
    path("organisations/<int:org_id>/projects/new/", organisations.project_new, name="charity-project-new"),
    path("organisations/<int:org_id>/receive/", donations.receive, name="charity-receive"),
    path("organisations/<int:org_id>/spend/", donations.spend, name="charity-spend"),
    path("organisations/<int:org_id>/entries/<int:entry_id>/reverse/", donations.reverse_entry,
         name="charity-reverse"),
    path("organisations/<int:org_id>/statement/", donations.statement, name="charity-statement"),
    path("organisations/<int:org_id>/statement.xlsx", donations.statement_xlsx, name="charity-statement-xlsx"),
    path("projects/<int:project_id>/", organisations.project, name="charity-project"),
    path("projects/<int:project_id>/deliveries/new/", organisations.delivery_new, name="charity-delivery-new"),
    path("rounds/", organisations.rounds, name="charity-rounds"),
    path("rounds/new/", rounds.round_new, name="charity-round-new"),
    path("rounds/<int:round_id>/apply/", rounds.apply, name="charity-apply"),
    path("applications/<int:application_id>/score/", rounds.score, name="charity-score"),
    path("applications/<int:application_id>/decide/", rounds.decide, name="charity-decide"),
    path("bases/new/", rounds.base_new, name="charity-base-new"),
    path("supermarkets/new/", supermarkets.supermarket_new, name="charity-supermarket-new"),
    path("supermarkets/<int:market_id>/", supermarkets.supermarket, name="charity-supermarket"),
    path("supermarkets/<int:market_id>/statement.xlsx", supermarkets.supermarket_xlsx,
         name="charity-supermarket-xlsx"),
    path("supermarkets/<int:market_id>/enrol/", supermarkets.enrol, name="charity-enrol"),
    path("supermarkets/<int:market_id>/stock/", supermarkets.stock_in, name="charity-stock-in"),
    path("supermarkets/<int:market_id>/give/", supermarkets.give, name="charity-give"),
    path("supermarkets/<int:market_id>/entries/<int:entry_id>/reverse/", supermarkets.stock_reverse,
         name="charity-stock-reverse"),
]
