"""The referral pages, under /referrals/."""

from django.urls import path

from safetynet.referrals import views

urlpatterns = [
    path("", views.referral_list, name="referral-list"),
    path("referrals.xlsx", views.referral_xlsx, name="referral-xlsx"),
    path("new/<int:household_id>/", views.new_referral, name="referral-new"),
    path("<int:referral_id>/", views.referral_page, name="referral"),
    path("<int:referral_id>/<str:name>/", views.referral_step, name="referral-step"),
]
