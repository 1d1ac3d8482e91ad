"""The letters' addresses (the notice pages are mounted in the site's URL conf)."""

from django.urls import path

from safetynet.notices import views

urlpatterns = [
    path("cases/<int:case_id>/letters/", views.case_letters, name="case-letters"),
    path("letters/<int:letter_id>/", views.letter_page, name="letter"),
    path("letters/<int:letter_id>.pdf", views.letter_pdf, name="letter-pdf"),
]
