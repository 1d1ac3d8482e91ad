from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from safetynet.cases import tasks as case_tasks
from safetynet.cases import views as cases
from safetynet.notices import views as notices
from safetynet.payments import views as payments
from safetynet.registry import views as registry
from safetynet.reports import views as reports
from safetynet.site import job_pages, views
from safetynet.web.api import make_api

# The HTTP API: one NinjaAPI (the web layer's handlers and authentication), each app's router
# mounted here, so no app's api.py imports another's.
api = make_api(
    title="safetynet API",
    version="1",
    description="济宁市社会救助平台接口：低保、特困认定测算，政策参数与工作日历。",
    urls_namespace="api-v1",
)
for prefix, router in [
    ("/", "safetynet.site.api.router"),  # the policy floor: public
    ("/", "safetynet.registry.api.router"),
    ("/", "safetynet.cases.api.router"),
    ("/", "safetynet.payments.api.router"),
    ("/verification", "safetynet.verification.api.router"),
    ("/funds", "safetynet.funds.api.router"),
    ("/reports", "safetynet.reports.api.router"),
    ("/", "safetynet.referrals.api.router"),
    ("/", "safetynet.temporary.api.router"),
    ("/charity", "safetynet.charity.api.router"),
    ("/", "safetynet.discovery.api.router"),
    ("/", "safetynet.funerals.api.router"),
    ("/care", "safetynet.care.api.router"),
    ("/children", "safetynet.children.api.router"),
    ("/", "safetynet.site.tokens_api.router"),
]:
    api.add_router(prefix, router)

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/login/otp/", views.login_otp, name="login-otp"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", views.account, name="account"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("accounts/tokens/", views.tokens, name="tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("accounts/otp/", views.otp_setup, name="otp-setup"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("desk/", cases.desk, name="desk"),
    path("tasks/", case_tasks.my_tasks, name="my-tasks"),
    path("deadlines/", cases.deadlines, name="deadlines"),
    path("cases/<int:case_id>/", cases.case_page, name="case"),
    path("cases/<int:case_id>/decision/", cases.decision, name="case-decision"),
    path("cases/<int:case_id>/steps/<str:name>/", cases.take_step, name="case-step"),
    path("cases/<int:case_id>/backdated/<int:act_id>/<str:decision>/", cases.backdated, name="case-backdated"),
    path("households/", registry.search, name="household-search"),
    path("households/new/", registry.new_household, name="household-new"),
    path("households/preview/", registry.preview, name="household-preview"),
    path("households/<int:household_id>/", registry.household, name="household"),
    path("households/<int:household_id>/authorize/", registry.authorize, name="household-authorize"),
    path("households/<int:household_id>/apply/", registry.start_case, name="household-apply"),
    path("households/<int:household_id>/change/", registry.change, name="household-change"),
    path("notices/", notices.index, name="notice-index"),
    path("notices/village/<str:code>/", notices.village_print, name="notice-village"),
    path("public/notices/<str:code>/", notices.public_list, name="notice-public"),
    path("", include("safetynet.notices.urls")),
    path("", include("safetynet.notices.publication_urls")),  # roster, standing list, explainer
    path("", include("safetynet.documents.urls")),
    path("", include("safetynet.temporary.urls")),
    path("payroll/", payments.index, name="payroll-index"),
    path("payroll/compute/", payments.compute, name="payroll-compute"),
    path("payroll/<int:run_id>/", payments.detail, name="payroll"),
    path("payroll/<int:run_id>/<str:action>", payments.act, name="payroll-act"),
    path("reports/", reports.index, name="reports"),
    path("reports/funds.xlsx", reports.funds_xlsx, name="reports-funds-xlsx"),
    path("reports/temporary/", reports.temporary_index, name="reports-temporary"),
    path("reports/temporary.xlsx", reports.temporary_xlsx, name="reports-temporary-xlsx"),
    path("reports/", include("safetynet.reports.urls")),
    path("verification/", include("safetynet.verification.urls")),
    path("audit/", include("safetynet.supervision.urls")),
    path("jobs/<int:job_id>/", job_pages.job, name="job"),
    path("jobs/<int:job_id>/progress/", job_pages.job_progress, name="job-progress"),
    path("administration/", include("safetynet.administration.urls")),
    path("funds/", include("safetynet.funds.urls")),
    path("referrals/", include("safetynet.referrals.urls")),
    path("charity/", include("safetynet.charity.urls")),
    path("discovery/", include("safetynet.discovery.urls")),
    path("funerals/", include("safetynet.funerals.urls")),
    path("care/", include("safetynet.care.urls")),
    path("children/", include("safetynet.children.urls")),
    # One way in: the admin site logs in through the same page (lockout, second factor).
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

# The server's error page in the user's language, with a reference number for the log.
handler500 = "safetynet.site.error_pages.server_error"
