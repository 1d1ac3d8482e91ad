"""The pages of temporary assistance (the case page and its steps are the frame's)."""

from django.urls import path

from safetynet.temporary import views

urlpatterns = [
    path("temporary/", views.index, name="temporary-list"),
    path("households/<int:household_id>/temporary/", views.report, name="temporary-report"),
    path("cases/<int:case_id>/temporary/application/", views.open_application, name="temporary-open-application"),
]
