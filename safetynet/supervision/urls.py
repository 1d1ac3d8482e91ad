from django.urls import path

from safetynet.supervision import views

urlpatterns = [
    path("", views.trail, name="audit-trail"),
    path("access/", views.access, name="audit-access"),
    path("verify/", views.verify_now, name="audit-verify"),
]
