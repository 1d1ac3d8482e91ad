"""The papers' addresses: issuing from the case, household and notice pages, each paper's PDF for
the office, and the public verification page (under /public/: open to anyone, and to a
department's liaison, site.middleware.LIAISON_PATHS)."""

from django.urls import path

from safetynet.documents import views

urlpatterns = [
    path("cases/<int:case_id>/documents/<str:kind>/", views.issue_for_case, name="case-document"),
    path("households/<int:household_id>/documents/authorization/", views.issue_for_household,
         name="household-document"),
    path("documents/notices/<str:code>/", views.issue_notice, name="notice-document"),
    path("documents/<int:document_id>.pdf", views.document_pdf, name="document-pdf"),
    path("public/documents/", views.verify, name="document-verify"),
]
