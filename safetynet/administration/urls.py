from django.urls import path

from safetynet.administration import views

urlpatterns = [
    path("calendar/", views.calendar, name="admin-calendar"),
    path("parameters/", views.parameters, name="admin-parameters"),
    path("parameters/<str:name>/new/", views.parameter_new, name="admin-parameter-new"),
    path("parameters/values/<int:value_id>/", views.parameter_review, name="admin-parameter-review"),
]
