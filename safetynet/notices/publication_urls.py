"""The addresses of long-term publication: the roster and the standing list for staff, the
standing list and the policy explainer for the public (``/public/``: no login), and the public's
way to a village's notice (``/public/notices/``: by county, township and village, or by name)."""

from django.urls import path
from django.views.generic import RedirectView

from safetynet.notices import publication_views as views

urlpatterns = [
    path("notices/roster/", views.roster, name="notice-roster"),
    path("notices/roster.xlsx", views.roster_xlsx, name="notice-roster-xlsx"),
    path("notices/roster.pdf", views.roster_pdf, name="notice-roster-pdf"),
    path("notices/standing/<str:code>/", views.standing, name="notice-standing"),
    path("notices/standing/<str:code>.pdf", views.standing_pdf, name="notice-standing-pdf"),
    path("public/", RedirectView.as_view(pattern_name="public-notice-finder")),
    path("public/notices/", views.notice_finder, name="public-notice-finder"),
    path("public/standing/<str:code>/", views.public_standing, name="public-standing"),
    path("public/explainer/", views.explainer_index, name="public-explainers"),
    path("public/explainer/<str:county>/", views.explainer, name="public-explainer"),
    path("public/explainer/<str:county>.pdf", views.explainer_pdf, name="public-explainer-pdf"),
]
