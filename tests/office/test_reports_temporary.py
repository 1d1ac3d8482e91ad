"""The figures of temporary assistance, the standby funds and the referrals (issue 10 §4;
POLICY.md §10: "temporary assistance person-times and amount"), computed from a small real
dataset made through the services: reports, help first from the fund, papers, grants, the
payroll, a return to the fund, referrals answered, open and overdue. The page, its Excel file
and the API answer the same numbers; each user sees the figures of their own area only."""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from safetynet.cases import services as cases
from safetynet.funds import services as funds
from safetynet.payments import services as payments
from safetynet.referrals import services as referrals
from safetynet.registry.models import DEPARTMENTS, Area, Staff
from safetynet.reports import temporary as figures
from safetynet.site import demo
from safetynet.temporary import services as temporary

TODAY = date(2024, 4, 15)  # the office's clock while the figures are read
A, B, W = "370811001", "370811002", "370830001"  # two townships of 任城区, one of 汶上县
PERIOD = "from=2024-03&to=2024-04"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def household(clerk, village: str, size: int, seed: int):
    return demo.make_household(clerk, Area.objects.get(code=village), random.Random(seed), date(2024, 3, 1),
                               size=size, wage_fen=0)  # fmt: skip


def report(clerk, hh, *, cause="fire", kind="emergency", occurred=date(2024, 3, 3), reported=None, **fields):
    return temporary.report(clerk, household=hh, applicant=hh.members.get(relation="head"), kind=kind, cause=cause,
                            occurred_on=occurred, reported_at=reported or at(date(2024, 3, 4), 10), **fields)


def step(actor, case, name, on, **fields):
    return cases.take_step(actor, case, name, version=case.version, on=on, **fields)


def help_first(clerk, case, amount, day, hour, receipt="SJ"):
    return step(clerk, case, "help_first", day, amount=amount, method="cash", time=f"{hour:02d}:00",
                receipt=f"{receipt}{case.pk}")


def papers(clerk, case, day):
    case = cases.accept(clerk, case, version=case.version, on=day)
    return cases.record_home_visit(clerk, case, version=case.version, on=day, investigators=["张调查", "李调查"],
                                   family_signed=True, findings="情况属实")  # fmt: skip


def payroll(city, township: str, month: date, approver="approver"):
    run = payments.run_payroll(city["city_admin"], month=month, township=Area.objects.get(code=township),
                               programme="temporary")  # fmt: skip
    return payments.approve_payroll(city[approver], run)


def liaison(username: str, department: str, area: str):
    user = demo.make_staff(username, "department", area)
    Staff.objects.filter(user=user).update(department=department)
    user.refresh_from_db()
    return user


@pytest.fixture
def data(city, settings):
    """任城区: township A helps three emergencies (one within 24 hours, one after 25, one not at
    all) and grants one spending case; township B helps one emergency and its fund runs low;
    汶上县 helps one. Paid by the fund and by two approved payrolls; 100.00 comes back."""
    settings.SAFETYNET_TODAY = TODAY
    clerk, approver = city["clerk"], city["approver"]
    first = date(2024, 3, 1)
    funds.allocate(city["county"], township_code=A, amount_fen=1_000_000, on=first, document="任民〔2024〕1号")
    funds.allocate(city["county"], township_code=B, amount_fen=50_000, on=first, document="任民〔2024〕2号")
    wenshang_county = demo.make_staff("wenshang_county", "county", "370830")
    funds.allocate(wenshang_county, township_code=W, amount_fen=500_000, on=first, document="汶民〔2024〕1号")

    h1, h2, h3 = household(clerk, "370811001001", 2, 11), household(clerk, "370811001002", 3, 12), \
        household(clerk, "370811001001", 1, 13)  # fmt: skip
    h4 = household(clerk, "370811001002", 4, 14)
    hb = household(city["other_clerk"], "370811002001", 1, 15)
    hw = household(city["wenshang_clerk"], "370830001001", 2, 16)

    # 1: fire, helped 23 hours after the report, papers in time, granted 2500.00: 1000.00 from the
    # fund, the rest (1500.00) in March's payroll.
    c1 = help_first(clerk, report(clerk, h1), "1000.00", date(2024, 3, 5), 9)
    c1 = papers(clerk, c1, date(2024, 3, 6))
    c1 = step(approver, c1, "grant", date(2024, 3, 7), amount="2500.00", opinion="符合急难型临时救助条件")
    # 2: traffic accident, helped after 25 hours, papers never completed; 100.00 returned in April.
    c2 = help_first(clerk, report(clerk, h2, cause="traffic"), "500.00", date(2024, 3, 5), 11)
    funds.return_to_fund(clerk, township_code=A, amount_fen=10_000, on=date(2024, 4, 10), reason="多支部分退回",
                         case=c2)  # fmt: skip
    # 3: reported, never helped: its 24 hours ran out on 11 March.
    c3 = report(clerk, h3, cause="accident", occurred=date(2024, 3, 10), reported=at(date(2024, 3, 10), 10))
    # 4: medical spending, the check first, granted 2000.00 on 3 April, paid by April's payroll.
    c4 = report(clerk, h4, kind="spending", cause="medical", spending="20000.00", reimbursed="5000.00",
                reported=at(date(2024, 4, 1), 9))  # fmt: skip
    assert Decimal(c4.assessment["amount"]) >= Decimal("2000.00")
    c4 = papers(clerk, c4, date(2024, 4, 2))
    c4 = step(approver, c4, "grant", date(2024, 4, 3), amount="2000.00", opinion="符合支出型临时救助条件")
    march = payroll(city, A, date(2024, 3, 1))
    april = payroll(city, A, date(2024, 4, 1))
    # B: illness, helped within 12 hours; its fund keeps 50.00 of 500.00 (under a fifth).
    cb = report(city["other_clerk"], hb, cause="illness", reported=at(date(2024, 3, 5), 8))
    cb = help_first(city["other_clerk"], cb, "450.00", date(2024, 3, 5), 20)
    # 汶上县: a fire, helped the same day.
    cw = report(city["wenshang_clerk"], hw, reported=at(date(2024, 3, 4), 10))
    cw = help_first(city["wenshang_clerk"], cw, "600.00", date(2024, 3, 4), 15)

    # Referrals: housing answered in 8 and 2 days; medical open past its due day (20 working days:
    # 1 April); education answered on paper the same day; employment open, not yet due.
    housing, medical = liaison("housing", "housing", "370811"), liaison("medical", "medical", "370811")
    r1 = referrals.refer(clerk, household=h1, department="housing", category="rental", need="房屋失火，需租房过渡",
                         on=date(2024, 3, 4))  # fmt: skip
    referrals.receive(housing, r1, on=date(2024, 3, 5))
    r1.refresh_from_db()
    referrals.answer(housing, r1, outcome="granted", amount="3000.00", text="发放租赁补贴", on=date(2024, 3, 12))
    r2 = referrals.refer(city["other_clerk"], household=hb, department="housing", category="dilapidated",
                         need="房屋漏雨", on=date(2024, 3, 4))  # fmt: skip
    referrals.answer(housing, r2, outcome="not_eligible", text="不属危房", on=date(2024, 3, 6))
    r3 = referrals.refer(clerk, household=h1, department="medical", category="inpatient", need="烧伤住院",
                         on=date(2024, 3, 4))  # fmt: skip
    r4 = referrals.refer(clerk, household=h2, department="education", category="grant", need="子女上学",
                         on=date(2024, 4, 10))  # fmt: skip
    referrals.answer(clerk, r4, outcome="service", text="教育局书面答复：已资助", on=date(2024, 4, 10))
    r5 = referrals.refer(clerk, household=h2, department="employment", category="job", need="需要就业岗位",
                         on=date(2024, 4, 12))  # fmt: skip
    referrals.refer(city["wenshang_clerk"], household=hw, department="housing", category="rental", need="租房",
                    on=date(2024, 3, 5))  # fmt: skip
    return {"c1": c1, "c2": c2, "c3": c3, "c4": c4, "cb": cb, "cw": cw, "march": march, "april": april,
            "r3": r3, "r5": r5, "medical": medical}  # fmt: skip


def county_figures(city, **kw):
    s = figures.scope(city["county"], start=date(2024, 3, 1), end=date(2024, 4, 1), area=kw.get("area"), today=TODAY)
    return figures.figures(city["county"], s)


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# ---- temporary assistance ----------------------------------------------------------------------------


def test_person_times_households_and_amounts_of_the_county(city, data):
    fig = county_figures(city)
    t = fig.temporary
    total = t.total
    # c1 (2 persons), c2 (3), cb (1) helped in March, c4 (4) in April; c3 was never helped; 汶上县 is not the county's
    assert (total.households, total.persons) == (4, 10)
    # fund: 1000 + 500 − 100 returned + 450; payroll: 1500 (c1's rest, March) + 2000 (c4, April)
    assert (total.fund_fen, total.payroll_fen, total.amount_fen) == (185_000, 350_000, 535_000)
    kinds = {code: r for code, _label, r in t.by_kind()}
    assert (kinds["emergency"].households, kinds["emergency"].persons, kinds["emergency"].amount_fen) == (3, 6, 335_000)
    assert (kinds["spending"].households, kinds["spending"].persons, kinds["spending"].amount_fen) == (1, 4, 200_000)
    causes = {cause: r for _k, _kl, cause, _cl, r in t.by_cause()}
    assert causes["fire"].amount_fen == 250_000 and causes["traffic"].amount_fen == 40_000
    assert causes["medical"].persons == 4 and causes["illness"].amount_fen == 45_000
    assert causes["living"].households == 0  # every cause is a row, nothing helped shows 0
    towns = {code: (r.households, r.persons, r.amount_fen) for code, _name, r, _h in t.by_township()}
    assert towns == {A: (3, 9, 490_000), B: (1, 1, 45_000)}
    months = {m: (both.households, both.persons, both.amount_fen, p.amount_fen) for m, both, _e, p in t.by_month()}
    assert months == {date(2024, 3, 1): (3, 6, 345_000, 0), date(2024, 4, 1): (1, 4, 190_000, 200_000)}
    # the city sees 汶上县 too: one more household of two, 600.00 from its fund
    city_scope = figures.scope(city["city_admin"], start=date(2024, 3, 1), end=date(2024, 4, 1), area=None,
                               today=TODAY)  # fmt: skip
    city_total = figures.temporary_figures(city_scope).total
    assert (city_total.households, city_total.persons, city_total.amount_fen) == (5, 12, 595_000)


def test_a_person_time_counts_the_members_the_rules_counted_when_helped(city, data):
    """人次 (seed: "救助895人次"): a household of three helped once is three person-times."""
    assert data["c2"].assessment["persons"] == 3
    fig = county_figures(city, area=A)
    cause = {c: r for _k, _kl, c, _cl, r in fig.temporary.by_cause()}["traffic"]
    assert (cause.households, cause.persons) == (1, 3)


def test_granted_but_not_yet_paid_is_not_counted(city, data):
    """Only what was paid counts: cancel April's payroll and c4's 2000.00 (and its household) go."""
    payments.cancel_payroll(city["approver"], data["april"], reason="重新编制")
    t = county_figures(city).temporary
    assert (t.total.households, t.total.persons, t.total.payroll_fen) == (3, 6, 150_000)


def test_help_first_within_24_hours_and_papers_after_per_township(city, data):
    t = county_figures(city).temporary
    h = {code: h for code, _n, _r, h in t.by_township()}
    # A: c1 within 23 hours, c2 after 25, c3 never helped and its hours are over: 1 of 3
    assert (h[A].due, h[A].helped, h[A].met, h[A].waiting_late, h[A].rate) == (3, 2, 1, 1, Decimal("33.3"))
    # papers: c1 accepted the day after the help (due 19 March); c2 still missing past its due day
    assert (h[A].papers_done, h[A].papers_in_time, h[A].papers_overdue) == (1, 1, 1)
    assert (h[B].due, h[B].met, h[B].rate) == (1, 1, Decimal("100.0"))
    assert t.help_first_total.rate == Decimal("50.0")


# ---- standby funds ---------------------------------------------------------------------------------------


def test_fund_balances_movements_and_the_low_balance_line(city, data):
    fig = county_figures(city)
    funds_by = {f.code: f for f in fig.funds}
    a, b = funds_by[A], funds_by[B]
    assert (a.opening_fen, a.allocated_fen, a.drawn_fen, a.returned_fen, a.closing_fen, a.balance_fen) == (
        0, 1_000_000, 150_000, 10_000, 860_000, 860_000)
    assert not a.low and a.line_fen == 200_000
    assert (b.closing_fen, b.line_fen, b.low) == (5_000, 10_000, True)
    assert [f.code for f in fig.low_funds] == [B]
    assert W not in funds_by
    months = {m.month: (m.allocated_fen, m.drawn_fen, m.returned_fen) for m in fig.fund_months}
    assert months == {date(2024, 3, 1): (1_050_000, 195_000, 0), date(2024, 4, 1): (0, 0, 10_000)}
    # April alone: A opened the month with 8,500.00
    april = county_figures(city, area=A)
    assert april.funds[0].opening_fen == 0
    s = figures.scope(city["county"], start=date(2024, 4, 1), end=date(2024, 4, 1), area=A, today=TODAY)
    (only,) = figures.fund_figures(city["county"], s)[0]
    assert (only.opening_fen, only.returned_fen, only.closing_fen) == (850_000, 10_000, 860_000)


# ---- referrals ---------------------------------------------------------------------------------------------


def test_referrals_by_department_and_state_open_overdue_and_median_days(city, data):
    rows = {r.department: r for r in county_figures(city).referrals}
    housing, medical, education, employment = rows["housing"], rows["medical"], rows["education"], rows["employment"]
    assert housing.counts == {"answered": 1, "declined": 1}
    assert (housing.answered, housing.median_days) == (2, Decimal("5.0"))  # 8 and 2 days
    assert (medical.counts, medical.open, medical.overdue, medical.median_days) == ({"sent": 1}, 1, 1, None)
    assert (education.counts, education.median_days) == ({"answered": 1}, Decimal("0.0"))
    assert (employment.open, employment.overdue) == (1, 0)
    total = figures.referral_total(list(rows.values()))
    assert (total.total, total.open, total.overdue) == (5, 2, 1)


# ---- scoping -------------------------------------------------------------------------------------------------


def test_a_township_sees_its_own_figures_only(city, data):
    s = figures.scope(city["clerk"], start=date(2024, 3, 1), end=date(2024, 4, 1), area=None, today=TODAY)
    fig = figures.figures(city["clerk"], s)
    assert [code for code, *_rest in fig.temporary.by_township()] == [A]
    assert (fig.temporary.total.households, fig.temporary.total.persons, fig.temporary.total.amount_fen) == (
        3, 9, 490_000)
    assert [f.code for f in fig.funds] == [A]
    housing = {r.department: r for r in fig.referrals}["housing"]
    assert (housing.total, housing.median_days) == (1, Decimal("8.0"))  # B's referral is not A's
    with pytest.raises(figures.InputError) as exc:  # another township: as if it did not exist
        figures.scope(city["clerk"], start=date(2024, 3, 1), end=date(2024, 4, 1), area=B, today=TODAY)
    assert [(e.path, e.code) for e in exc.value.errors] == [("area", "report_area")]
    page = client(city["clerk"]).get(f"/reports/temporary/?{PERIOD}&area={B}").content.decode()
    assert f'data-township="{B}"' not in page and f'data-township="{A}"' in page
    # the county may narrow to one township
    b_only = county_figures(city, area=B)
    assert (b_only.temporary.total.households, b_only.temporary.total.amount_fen) == (1, 45_000)


def test_a_department_liaison_and_a_verifier_do_not_read_the_figures(city, data):
    assert client(data["medical"]).get("/reports/temporary/").status_code == 403
    assert client(city["verifier"]).get("/api/v1/reports/temporary").status_code == 403


# ---- the page, the Excel file, the API -----------------------------------------------------------------------


def test_the_page_shows_the_figures_with_charts_and_its_filters(city, data):
    r = client(city["county"]).get(f"/reports/temporary/?{PERIOD}")
    body = r.content.decode()
    assert r.status_code == 200
    assert "任城区救助 10 人次（4 户次），发放临时救助金 0.54 万元" in body  # the seed's sentence
    row = body.split('id="by-township"')[1].split(f'data-township="{A}"')[1].split("</tr>")[0]
    assert "4900.00" in row and "33.3%" in row
    assert 'data-kind="spending"' in body and "2000.00" in body.split('data-kind="spending"')[1].split("</tr>")[0]
    assert 'badge overdue">低于预警线' in body.split('id="funds"')[1].split(f'data-township="{B}"')[1]
    assert 'data-department="medical"' in body and 'id="chart-months"' in body
    assert f'nonce="{r.wsgi_request.csp_nonce}"' in body  # the charts' script runs under the page's CSP
    assert 'href="/reports/temporary.xlsx?from=2024-03&amp;to=2024-04"' in body
    # a bad month is an error beside its field; the default period stands, nothing breaks
    bad = client(city["county"]).get("/reports/temporary/?from=2024-13&to=2024-04")
    assert bad.status_code == 200 and "月份格式应为" in bad.content.decode()
    backwards = client(city["county"]).get("/reports/temporary/?from=2024-04&to=2024-03").content.decode()
    assert "终止月份早于起始月份" in backwards


def test_the_excel_file_holds_the_same_numbers(city, data):
    r = client(city["county"]).get(f"/reports/temporary.xlsx?{PERIOD}")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(BytesIO(r.content))
    assert wb.sheetnames == ["总计", "按救助类型", "按致困原因", "按乡镇", "按月份", "乡镇月份明细", "备用金",
                             "备用金按月", "转介"]  # fmt: skip
    total = list(wb["总计"].iter_rows(values_only=True))[1]
    assert total[:7] == ("任城区", "2024-03 至 2024-04", 4, 10, 1850, 3500, 5350)
    towns = {row[0]: row for row in wb["按乡镇"].iter_rows(min_row=2, values_only=True)}
    assert towns[A][2:7] == (3, 9, 1400, 3500, 4900) and towns[A][11] == 33.3
    funds_sheet = {row[0]: row for row in wb["备用金"].iter_rows(min_row=2, values_only=True)}
    assert funds_sheet[B][7] == 50 and funds_sheet[B][10] == "是"
    referral_rows = {row[0]: row for row in wb["转介"].iter_rows(min_row=2, values_only=True)}
    labels = dict(DEPARTMENTS)
    assert referral_rows[labels["housing"]][-1] == 5  # the median: 5 days
    assert referral_rows[labels["medical"]][-3] == 1  # one overdue


def test_the_api_answers_the_same_numbers_as_strings(city, data):
    c = client(city["county"])
    body = c.get(f"/api/v1/reports/temporary?{PERIOD}").json()
    assert body["area"] == "370811" and body["period"] == {"from": "2024-03", "to": "2024-04"}
    assert body["total"] == {"households": 4, "persons": 10, "fund": "1850.00", "payroll": "3500.00",
                             "amount": "5350.00"}  # fmt: skip
    kinds = {k["kind"]: k for k in body["by_kind"]}
    assert kinds["spending"]["amount"] == "2000.00" and kinds["emergency"]["persons"] == 6
    towns = {t["township"]: t for t in body["by_township"]}
    assert towns[A]["amount"] == "4900.00" and towns[A]["help_first"]["rate"] == "33.3"
    assert body["low_funds"] == [B]
    assert {f["township"]: f["closing"] for f in body["funds"]} == {A: "8600.00", B: "50.00"}
    referral_rows = {r["department"]: r for r in body["referrals"]}
    assert referral_rows["housing"]["median_days"] == "5.0" and referral_rows["medical"]["overdue"] == 1
    one = c.get(f"/api/v1/reports/temporary?{PERIOD}&area={B}").json()
    assert one["total"]["amount"] == "450.00"
    # bad input: 422 with the field's path
    bad = c.get("/api/v1/reports/temporary?from=2024-13&to=2023-01&area=370830")
    assert bad.status_code == 422
    assert {(e["loc"], e["type"]) for e in bad.json()["detail"]} == {("from", "month_format"),
                                                                    ("area", "report_area")}
    assert c.get("/api/v1/reports/temporary?from=2024-04&to=2024-03").json()["detail"][0]["loc"] == "to"
    # a township's clerk gets its own township, and another township is refused by field
    clerk = client(city["clerk"])
    assert clerk.get(f"/api/v1/reports/temporary?{PERIOD}").json()["total"]["amount"] == "4900.00"
    assert clerk.get(f"/api/v1/reports/temporary?{PERIOD}&area={B}").status_code == 422


def test_the_figures_take_a_fixed_number_of_queries(city, data):
    """Grouped in the database: more cases add no query (a city's cases never travel to Python)."""
    s = figures.scope(city["city_admin"], start=date(2024, 3, 1), end=date(2024, 4, 1), area=None, today=TODAY)
    with CaptureQueriesContext(connection) as before:
        figures.figures(city["city_admin"], s)
    hh = household(city["clerk"], "370811001002", 2, 99)
    more = report(city["clerk"], hh, cause="illness", occurred=date(2024, 4, 11), reported=at(date(2024, 4, 12), 9))
    help_first(city["clerk"], more, "200.00", date(2024, 4, 12), 12)
    with CaptureQueriesContext(connection) as after:
        fig = figures.figures(city["city_admin"], s)
    assert len(after.captured_queries) == len(before.captured_queries) <= 15
    assert fig.temporary.total.households == 6


def test_the_page_speaks_english_too(city, data):
    c = client(city["county"])
    c.cookies["django_language"] = "en"
    page = c.get(f"/reports/temporary/?{PERIOD}").content.decode()
    assert "helped 10 person-times (4 household-times)" in page and "Median days to answer" in page
    side = page.split('id="side-menu"')[1].split("</nav>")[0]
    assert "Temporary assistance and referral figures" in side and "临时救助与转介统计" not in side


@pytest.mark.parametrize("who", ["clerk", "county", "city_admin", "auditor"])
def test_garbage_in_the_filters_is_never_a_server_error(city, who, settings):
    settings.SAFETYNET_TODAY = TODAY
    c = client(city[who])
    junks = ({"from": "2024-13", "to": "xx", "area": "'\"<>\x00"}, {"from": "0000-00", "to": "9999-12", "area": "1"},
             {"from": "1900-01", "to": "2100-12"}, {"area": "3708" * 5})  # fmt: skip
    for junk in junks:
        for url in ("/reports/temporary/", "/reports/temporary.xlsx", "/api/v1/reports/temporary"):
            status = c.get(url, junk).status_code
            # junk is a field error: beside its field on the page (400 for a NUL, refused before the
            # view), 422 naming it in the API
            expected = (200, 422) if "api" in url else (400,) if "\x00" in junk.get("area", "") else (200,)
            assert status in expected, (url, junk, status)
