"""The verification centre's pages, under /verification/."""

from django.urls import path

from safetynet.verification import views

urlpatterns = [
    path("deliveries/", views.deliveries, name="verification-deliveries"),
    path("deliveries/<int:delivery_id>/rejections/", views.rejections, name="verification-rejections"),
    path(
        "deliveries/<int:delivery_id>/rejections.<str:fmt>",
        views.rejections_file,
        name="verification-rejections-file",
    ),
    path("runs/", views.runs, name="verification-runs"),
    path("runs/start/", views.start, name="verification-start"),
    path("runs/<int:run_id>/", views.run_detail, name="verification-run"),
    path("runs/<int:run_id>/progress/", views.run_progress, name="verification-run-progress"),
    path("ledger/", views.ledger, name="verification-ledger"),
    path("ledger.xlsx", views.ledger_xlsx, name="verification-ledger-xlsx"),
    path("ledger/<int:item_id>/close/", views.close_item, name="verification-ledger-close"),
    path("reports/", views.reports, name="verification-reports"),
]
