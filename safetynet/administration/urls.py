from django.urls import path

from safetynet.administration import views

urlpatterns = [
    path("calendar/", views.calendar, name="admin-calendar"),
]
