"""Temporary assistance on the pages and in the API: the registration from the household page,
the 24 hours on the case's panel, help first refused by the fund beside its form, the step to a
dibao application, and the same through /api/v1."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from safetynet.cases import services as cases
from safetynet.cases.models import Case
from safetynet.funds import services as funds
from safetynet.policy.errors import InputError
from safetynet.temporary.models import Cause, Kind, TemporaryCase

from .test_temporary import TOWNSHIP, at, helped, report


@pytest.fixture
def fund(city):
    return funds.allocate(city["county"], township_code=TOWNSHIP, amount_fen=1_000_000, on=date(2024, 3, 1),
                          document="任民〔2024〕1号")


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def panel(user, case) -> str:
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("zh-hans"):  # not the language an earlier test left active
        return render_to_string("temporary/_case_panel.html", {"case": Case.objects.get(pk=case.pk)}, request=request)


def form_data(household, **fields) -> dict:
    head = household.members.get(relation="head")
    return {"applicant": head.pk, "kind": "emergency", "cause": "fire", "occurred_on": "2024-03-03",
            "reported_at": "2024-03-04T10:00", "reported_by_name": "王邻居", "reported_by_relation": "邻居",
            "description": "", "requested": "", "spending": "", "reimbursed": "", "other_assistance": "", **fields}


def test_the_registration_page_opens_a_case_and_keeps_what_was_typed_when_refused(city, poor_household):
    clerk = client_for(city["clerk"])
    url = f"/households/{poor_household.pk}/temporary/"
    page = clerk.get(url)
    assert page.status_code == 200 and "临时救助登记" in page.content.decode()
    # spending without the spending: the error beside its field, the rest kept
    r = clerk.post(url, form_data(poor_household, kind="spending", cause="medical", description="住院治疗"))
    body = r.content.decode()
    assert r.status_code == 422 and "请修改以下问题后再提交" in body and "住院治疗</textarea>" in body
    assert "必填" in body and not TemporaryCase.objects.exists()
    r = clerk.post(url, form_data(poor_household))
    case = Case.objects.get(programme="temporary")
    assert r.status_code == 302 and r["Location"] == f"/cases/{case.pk}/"
    assert case.state == "reported" and case.temporary.reported_by_name == "王邻居"
    # the case page: the panel with the hours, and the help-first form
    page = clerk.get(r["Location"]).content.decode()
    assert 'id="temporary-panel"' in page and 'id="help-clock"' in page and 'data-step="help_first"' in page
    # the same event again: refused beside the date, naming the earlier case
    r = clerk.post(url, form_data(poor_household, reported_at="2024-03-04T15:00"))
    assert r.status_code == 422 and f"已由临时救助案件 #{case.pk} 救助" in r.content.decode()
    # outside the clerk's area the household does not exist
    assert client_for(city["other_clerk"]).get(url).status_code == 404


def test_the_panel_shows_the_hours_running_then_met_or_not(city, poor_household, fund):
    now = timezone.now()
    case = report(city, poor_household, reported_at=now - timedelta(hours=2))
    html = panel(city["clerk"], case)
    assert "24 小时时限，剩余 22.0 小时" in html
    late = report(city, poor_household, cause="traffic", reported_at=now - timedelta(hours=30))
    assert "已超过 24 小时时限 6.0 小时" in panel(city["clerk"], late)
    early = report(city, poor_household, cause="illness", occurred_on=date(2024, 3, 3))
    early = helped(city, early, day=date(2024, 3, 5), hour=9)
    assert "已在 24 小时内先行救助（用时 23.0 小时）" in panel(city["clerk"], early)
    slow = report(city, poor_household, cause="accident", occurred_on=date(2024, 3, 3))
    slow = helped(city, slow, day=date(2024, 3, 5), hour=11)
    assert "未在 24 小时内先行救助（用时 25.0 小时）" in panel(city["clerk"], slow)


def test_the_funds_refusal_comes_back_on_the_help_first_form(city, poor_household):
    funds.allocate(city["county"], township_code=TOWNSHIP, amount_fen=50_000, on=date(2024, 3, 1), document="A1")
    case = report(city, poor_household)
    r = client_for(city["clerk"]).post(f"/cases/{case.pk}/steps/help_first/", {
        "version": case.version, "on": "2024-03-04", "amount": "600.00", "method": "cash", "time": "15:00",
        "receipt": "SJ9"})  # fmt: skip
    body = r.content.decode()
    assert r.status_code == 422 and "500.00" in body and 'value="600.00"' in body
    assert Case.objects.get(pk=case.pk).state == "reported"


def test_the_dibao_application_is_opened_from_the_temporary_cases_page(city, poor_household):
    case = report(city, poor_household)
    assert "转为低保、特困申请" in panel(city["clerk"], case)
    r = client_for(city["clerk"]).post(f"/cases/{case.pk}/temporary/application/",
                                       {"programme": "dibao", "on": "2024-03-04"})
    dibao = Case.objects.get(programme="dibao")
    assert r.status_code == 302 and r["Location"] == f"/cases/{dibao.pk}/"
    assert TemporaryCase.objects.get(case=case).dibao_case == dibao
    assert f"案件 #{dibao.pk}" in panel(city["clerk"], case)
    # and from the dibao application's page, temporary help while it runs
    html = panel(city["clerk"], dibao)
    assert "申请期间先行给予临时救助" in html and f"?from_case={dibao.pk}" in html
    r = client_for(city["clerk"]).get(f"/households/{poor_household.pk}/temporary/?from_case={dibao.pk}")
    assert r.status_code == 200 and "视情先给予临时救助" in r.content.decode()


def post(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_api_reports_helps_first_and_names_the_field(city, poor_household):
    funds.allocate(city["county"], township_code=TOWNSHIP, amount_fen=50_000, on=date(2024, 3, 1), document="A1")
    clerk = client_for(city["clerk"])
    head = poor_household.members.get(relation="head")
    r = post(clerk, "/api/v1/temporary/cases", {
        "household": poor_household.pk, "applicant": head.pk, "kind": "emergency", "cause": "fire",
        "occurred_on": "2024-03-03", "reported_at": "2024-03-04T10:00:00+08:00", "reported_by_name": "村主任"})
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["state"] == "reported" and out["temporary"]["help_first_path"] and "help_first" in out["allowed_steps"]
    case_id, version = out["id"], out["version"]
    body = {"version": version, "on": "2024-03-05", "amount": "600.00", "method": "cash", "time": "09:00",
            "receipt": "SJ1"}
    r = post(clerk, f"/api/v1/cases/{case_id}/steps/help_first", body)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == "amount"
    r = post(clerk, f"/api/v1/cases/{case_id}/steps/help_first", body | {"amount": "500.00"})
    assert r.status_code == 200 and r.json()["state"] == "helped"
    got = clerk.get(f"/api/v1/temporary/cases/{case_id}").json()["temporary"]
    assert (got["help_first_amount"], got["within_hours"], got["fund_paid"]) == ("500.00", True, "500.00")
    r = post(clerk, "/api/v1/temporary/cases", {
        "household": poor_household.pk, "applicant": head.pk, "kind": "emergency", "cause": "fire",
        "occurred_on": "2024-03-03", "reported_at": "2024-03-04T11:00:00+08:00"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == "occurred_on"


def test_the_generic_start_of_a_check_cannot_open_a_temporary_case(city, poor_household):
    head = poor_household.members.get(relation="head")
    with pytest.raises(InputError) as exc:
        cases.start_precheck(city["clerk"], household=poor_household, programme="temporary", applicant=head,
                             on=date(2024, 3, 4))
    assert [e.code for e in exc.value.errors] == ["choice"]  # both kinds open from the registration
    assert not Case.objects.exists()


def test_the_panel_names_the_rules_amount_and_the_township_limit(city, poor_household):
    case = report(city, poor_household, reported_at=at(date(2024, 3, 4), 10))
    html = panel(city["clerk"], case)
    assert f"{case.assessment['amount']} 元" in html and "乡镇权限 3000.00 元" in html


def test_the_list_puts_the_cases_waiting_for_help_first_on_top(city, poor_household, fund):
    waiting = report(city, poor_household, reported_at=timezone.now() - timedelta(hours=3))
    done = helped(city, report(city, poor_household, cause="traffic"), day=date(2024, 3, 5), hour=11)
    clerk = client_for(city["clerk"])
    body = clerk.get("/temporary/").content.decode()
    top = body[body.index('id="waiting"'):body.index('id="all"')]
    assert f"#{waiting.pk}" in top and "剩余 21.0 小时" in top and f"#{done.pk}" not in top
    rows = body[body.index('id="temporary-list"'):]
    assert f"#{done.pk}" in rows and "超过 24 小时" in rows and "临时救助" in body
    assert f"#{done.pk}" not in clerk.get("/temporary/?state=reported").content.decode().split('id="all"')[1]
    # another township's clerk sees neither
    other = client_for(city["other_clerk"]).get("/temporary/").content.decode()
    assert f"#{waiting.pk}" not in other and f"#{done.pk}" not in other


def test_the_household_page_leads_the_window_to_the_registration(city, poor_household):
    url = f"/households/{poor_household.pk}/temporary/"
    assert url in client_for(city["clerk"]).get(f"/households/{poor_household.pk}/").content.decode()
    assert url not in client_for(city["approver"]).get(f"/households/{poor_household.pk}/").content.decode()


def test_the_pages_in_english_name_kinds_causes_and_states_in_words(city, poor_household):
    from .test_office_frame import HAN, Html

    report(city, poor_household)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(city["clerk"])
    client.cookies["django_language"] = "en"
    for url in ["/temporary/", f"/households/{poor_household.pk}/temporary/"]:
        page = Html(client.get(url).content.decode())
        # this app's words (the case states' English is the frame's catalogue)
        ours = set(Kind.values) | set(Cause.values) | {"", "dibao", "tekun"}
        chinese = [(v, label) for v, label in page.options if HAN.search(label) and (v or "") in ours]
        assert not chinese, (url, chinese)
    body = client.get("/temporary/").content.decode()
    assert "Waiting for help first" in body and "Fire" in body


def test_the_panel_says_what_comes_next_and_what_the_fund_paid(city, poor_household, fund):
    from .test_temporary import investigated, step

    case = report(city, poor_household, reported_at=timezone.now() - timedelta(hours=2))
    html = panel(city["clerk"], case)
    # waiting for help first: where to give it, and the fund's page for its balance
    assert 'id="help-first-hint"' in html and f'href="/funds/{TOWNSHIP}/"' in html
    # the step to dibao folded away under the event and its hours
    assert html.index('id="help-clock"') < html.index("<details") < html.index('id="open-application"')
    case = investigated(city, helped(city, report(city, poor_household, cause="traffic"), amount="1000.00"))
    assert case.assessment["approval"] == "county"  # the rules allow more than the township's 3000.00
    html = panel(city["approver"], case)
    assert 'id="county-hint"' in html and "报县级审批" in html and 'id="help-first-hint"' not in html
    case = step(city["approver"], case, "grant", date(2024, 3, 7), amount="2500.00", opinion="同意")
    html = panel(city["clerk"], case)
    # the rest: either in cash now or with the payroll, then closed
    assert 'id="pay-hint"' in html and "其余 1500.00 元" in html and "2024-03 发放名册" in html
    case = step(city["clerk"], case, "pay_cash", date(2024, 3, 8), receipt="SJ002")
    html = panel(city["clerk"], case)
    assert "2500.00 元（其中先行救助 1000.00 元；现金发放收据 SJ002）" in html
    assert "无（批准金额已由备用金全部支付）" in html and 'id="pay-hint"' not in html


def test_the_list_tells_the_window_where_to_report_and_the_county_what_waits(city):
    from safetynet.site import demo

    county_approver = demo.make_staff("county_approver", "county_approver", "370811")
    body = client_for(city["clerk"]).get("/temporary/").content.decode()
    assert 'id="how-to-report"' in body and 'href="/households/"' in body
    body = client_for(county_approver).get("/temporary/").content.decode()
    assert 'href="?state=county#all"' in body and 'id="how-to-report"' not in body


def test_the_grant_forms_say_the_amount_includes_help_first(city, poor_household, fund):
    from .test_temporary import investigated

    case = investigated(city, helped(city, report(city, poor_household), amount="1000.00"))
    page = client_for(city["approver"]).get(f"/cases/{case.pk}/").content.decode()
    assert "批准金额（元，含已先行救助金额）" in page


def test_the_county_referral_is_offered_only_above_the_township_limit(city, poor_household, fund):
    import random

    from safetynet.registry.models import Area
    from safetynet.site import demo

    from .test_temporary import investigated, step

    # one person: 3 months of the standard (3 × 630.00) is within the township's 3,000.00
    alone = demo.make_household(city["clerk"], Area.objects.get(code="370811001002"), random.Random(5),
                                date(2024, 3, 4), size=1, wage_fen=0)
    within = investigated(city, helped(city, report(city, alone), amount="500.00"))
    assert within.assessment["approval"] == "township"
    page = client_for(city["approver"]).get(f"/cases/{within.pk}/").content.decode()
    assert 'data-step="grant"' in page and 'data-step="refer_to_county"' not in page
    # refusing ends the application: asked first
    assert 'data-step="refuse"' in page and "确定不予确认吗" in page
    above = investigated(city, helped(city, report(city, poor_household, cause="traffic"), amount="1000.00"))
    assert above.assessment["approval"] == "county"
    page = client_for(city["approver"]).get(f"/cases/{above.pk}/").content.decode()
    assert 'data-step="grant"' in page and 'data-step="refer_to_county"' in page
    # the cash payment names the amount that leaves the fund
    granted = step(city["approver"], above, "grant", date(2024, 3, 7), amount="2500.00", opinion="同意")
    page = client_for(city["clerk"]).get(f"/cases/{granted.pk}/").content.decode()
    assert "以现金支付其余救助金 1500.00 元" in page
    assert re.search(r'id="amount"[^>]*>1500.00', page) and "尚待发放" in page
