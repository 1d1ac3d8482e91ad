"""The dashboard's figures (issue 13 §1; POLICY.md §10), on a small city made through the
services: who is covered as of a day (from the decision history, not today's state), persons
against households, the registered-poor share both ways, a member covered alone counting one,
funds, decisions, findings and the enrolments after them; each user sees their own area; the
page, its Excel files and the API answer the same numbers."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from safetynet.cases import services
from safetynet.payments import services as payments
from safetynet.registry.models import Area
from safetynet.reports import coverage, figures, flows
from safetynet.reports.dashboard import dashboard
from safetynet.site import demo
from safetynet.supervision.models import LedgerItem

RENCHENG, WENSHANG = "370811", "370830"
A, B, W = "370811001", "370811002", "370830001"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def approved(city, household, *, on: date, clerk="clerk", approver="approver", programme="dibao"):
    """Through the steps, from the pre-check on ``on`` to the approval 9 days later (the notice ran 7)."""
    head = household.members.get(relation="head")
    c = services.start_precheck(city[clerk], household=household, programme=programme, applicant=head, on=on)
    c = services.accept(city[clerk], c, version=c.version, on=on)
    c = services.record_home_visit(city[clerk], c, version=c.version, on=on + timedelta(days=1),
                                   investigators=["甲", "乙"], family_signed=True, findings="属实")  # fmt: skip
    c = services.approve(city[approver], c, version=c.version, on=on + timedelta(days=2))
    return services.close_notice(city[approver], c, version=c.version, on=on + timedelta(days=9))


def terminated(city, case, *, notice_on: date, on: date, approver="approver"):
    case = services.give_termination_notice(city[approver], case, version=case.version, on=notice_on,
                                            reason="家庭收入超过保障标准", cause="income_rose")  # fmt: skip
    return services.terminate(city[approver], case, version=case.version, on=on)


def household(city, village: str, seed: int, *, size: int, hukou: str = "rural", poor: bool = False, wage=0,
              clerk="clerk"):  # fmt: skip
    h = demo.make_household(city[clerk], Area.objects.get(code=village), random.Random(seed), date(2024, 1, 10),
                            size=size, wage_fen=wage, poor=poor)  # fmt: skip
    h.hukou = hukou
    h.save(update_fields=["hukou"])
    h.members.update(disability_grade=None, disability_kind="")
    return h


def single_person_route(city, village: str):
    """Urban 任城区, standard 630: the family's 750 a head is not below it, and the son has a
    grade-1 physical disability: he alone is covered (单人户), for 630.00 (test_persons_covered)."""
    h = household(city, village, 7, size=2, hukou="urban", wage=150000)
    son = h.members.exclude(relation="head").get()
    son.disability_grade, son.disability_kind = 1, "physical"
    son.save(update_fields=["disability_grade", "disability_kind"])
    return h


def tekun_person(city, village: str, clerk="clerk"):
    h = demo.make_household(city[clerk], Area.objects.get(code=village), random.Random(1), date(2024, 1, 10),
                            size=1, wage_fen=0)  # fmt: skip
    h.members.update(able_obligor=False, disability_grade=None, disability_kind="")
    return h


@pytest.fixture
def town(city):
    """任城区: in township A a family of two approved in March 2024 and terminated in June, a
    registered-poor family of three approved in February, a member covered alone (of two) approved
    in March; in township B a tekun person approved in April. 汶上县: a family of two in March."""
    ended = approved(city, household(city, A + "001", 11, size=2), on=date(2024, 3, 4))
    ended = terminated(city, ended, notice_on=date(2024, 6, 3), on=date(2024, 6, 12))
    poor = approved(city, household(city, A + "002", 12, size=3, poor=True), on=date(2024, 2, 1))
    single = approved(city, single_person_route(city, A + "001"), on=date(2024, 3, 4))
    tekun = approved(city, tekun_person(city, B + "001", clerk="other_clerk"), on=date(2024, 4, 1),
                     clerk="other_clerk", approver="other_approver", programme="tekun")  # fmt: skip
    wenshang = approved(city, household(city, W + "001", 13, size=2, clerk="wenshang_clerk"), on=date(2024, 3, 4),
                        clerk="wenshang_clerk", approver="wenshang_approver")  # fmt: skip
    return {"ended": ended, "poor": poor, "single": single, "tekun": tekun, "wenshang": wenshang}


def cell(table, code: str, column: str):
    return next(line for line in table.lines if line.code == code).values[column]


def test_a_case_approved_in_march_and_ended_in_june_counts_in_april_not_in_july(city, town):
    assert town["ended"].persons_covered == 2
    for day, counted in ((date(2024, 3, 12), False), (date(2024, 4, 15), True), (date(2024, 6, 5), True),
                         (date(2024, 6, 12), False), (date(2024, 7, 1), False)):  # fmt: skip
        scope = figures.scope_of(A, day)
        cov = figures.coverage(scope)
        village = cov.total(area=A + "001", programme="dibao")
        expected_households = 1 + counted if day >= date(2024, 3, 13) else 0
        assert village.households == expected_households, day
        # the list behind the figure says the same
        listed = figures.listed_cases(figures.ListScope(Area.objects.get(code=A + "001"), day, "dibao"))
        assert (town["ended"].pk in {c.pk for c in listed}) is counted, day
    # today's state has the case terminated: read from the history, not from it
    assert town["ended"].state == "terminated"


def test_persons_are_the_persons_covered_a_member_alone_counts_one(city, town):
    single = town["single"]
    assert single.household.members.count() == 2 and single.persons_covered == 1
    cov = figures.coverage(figures.scope_of(RENCHENG, date(2024, 5, 31)))
    urban = cov.total(programme="dibao", hukou="urban")
    assert (urban.households, urban.persons) == (1, 1)
    rural = cov.total(programme="dibao", hukou="rural")
    assert (rural.households, rural.persons) == (2, 5)  # the family of two (until June) and the poor family of three
    tekun = cov.total(programme="tekun")
    assert (tekun.households, tekun.persons) == (1, 1)


def test_the_registered_poor_share_by_persons_and_by_households(city, town):
    table = figures.registered_poor(figures.coverage(figures.scope_of(RENCHENG, date(2024, 5, 31))))
    line = next(x for x in table.lines if x.code == "dibao:rural")
    assert (line.values["households"], line.values["poor_households"], line.values["household_share"]) == (
        2, 1, pytest.approx(50))
    assert (line.values["persons"], line.values["poor_persons"], str(line.values["person_share"])) == (5, 3, "60.00")
    html = client_for(city["county"]).get("/reports/", {"as_of": "2024-05-31"}).content.decode()
    section = html[html.index('id="table-registered-poor"'):]
    assert "按户计占比（%）" in section and "按人计占比（%）" in section and "60.00%" in section and "50.00%" in section


def test_averages_standard_and_benefit_per_person(city, town):
    scope = figures.scope_of("3708", date(2024, 5, 31))
    table = figures.averages(figures.coverage(scope))
    # the mean of the 14 counties' standards: 7 of tier A (630 / 475), 7 of tier B (590 / 445)
    assert str(cell(table, "dibao:urban", "standard")) == "610.00"
    assert str(cell(table, "dibao:rural", "standard")) == "460.00"
    # the benefit: the monthly amounts in force over the persons covered
    covered = [town["poor"], town["single"], town["wenshang"], town["ended"]]
    rural = [c for c in covered if c.household.hukou == "rural"]
    amount = sum(c.monthly_amount_fen for c in rural)
    persons = sum(c.persons_covered for c in rural)
    assert cell(table, "dibao:rural", "benefit") == (Decimal(amount) / 100 / persons).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert str(cell(table, "dibao:urban", "benefit")) == "630.00"  # the son alone: 630 for one person


def test_every_county_is_a_line_and_a_county_drills_down_to_a_township_and_its_list(city, town):
    c = client_for(city["city_admin"])
    page = c.get("/reports/", {"as_of": "2024-05-31"})
    assert page.status_code == 200
    html = page.content.decode()
    table = html[html.index('id="table-coverage-area"'):].split("</table>", 1)[0]
    assert table.count("<tr data-code=") == 14 and "济宁经济技术开发区" in table and "任城区" in table
    # the county's line leads to its dashboard, the township's line to the villages, then the list
    county = c.get("/reports/", {"area": RENCHENG, "as_of": "2024-05-31"}).content.decode()
    assert "任城区" in county and f'data-code="{A}"' in county
    township = c.get("/reports/", {"area": A, "as_of": "2024-05-31"}).content.decode()
    village_table = township[township.index('id="table-coverage-area"'):].split("</table>", 1)[0]
    assert "/reports/cases/?area=370811001001" in village_table
    listing = c.get("/reports/cases/", {"area": A + "001", "as_of": "2024-05-31"}).content.decode()
    listed = listing[listing.index('id="covered-cases"'):]
    assert f'data-case="{town["ended"].pk}"' in listed and f'data-case="{town["single"].pk}"' in listed
    assert f'data-case="{town["poor"].pk}"' not in listed  # another village


def test_the_list_and_the_grouped_figures_agree_on_every_day(city, town):
    for day in (date(2024, 2, 10), date(2024, 3, 13), date(2024, 4, 30), date(2024, 6, 11), date(2024, 6, 12),
                date(2024, 12, 31)):  # fmt: skip
        cov = figures.coverage(figures.scope_of("3708", day))
        listed = list(coverage.covered_cases("3708", day))
        assert cov.total().households == len(listed), day
        assert cov.total().persons == sum(c.persons_then for c in listed), day


def test_the_trend_reads_each_month_end(city, town):
    scope = figures.scope_of(RENCHENG, date(2024, 7, 15), start=date(2024, 1, 1), end=date(2024, 7, 1))
    trend = figures.coverage_trend(figures.coverage(scope))
    households = [line.values["dibao_households"] for line in trend.lines]
    # Jan none; Feb the poor family; Mar + the family of two and the member alone; Jun the family ended
    assert households == [0, 1, 3, 3, 3, 2, 2]
    assert [line.values["tekun_persons"] for line in trend.lines] == [0, 0, 0, 1, 1, 1, 1]


def test_funds_by_month_and_area_and_the_excel_totals_row_is_the_sum(city, town):
    township = Area.objects.get(code=A)
    run = payments.run_payroll(city["city_admin"], month=date(2024, 4, 1), township=township, programme="dibao")
    payments.approve_payroll(city["approver"], run)
    scope = figures.scope_of(RENCHENG, date(2024, 4, 30))
    month, area = flows.funds(scope)
    paid = sum(p.amount_fen for p in run.payments.all())
    assert paid > 0
    assert cell(month, "2024-04", "total") == paid == cell(area, A, "total") == area.total.values["total"]
    c = client_for(city["county"])
    book = load_workbook(io.BytesIO(c.get("/reports/figures/funds-area.xlsx", {"as_of": "2024-04-30"}).content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header, lines, total = rows[0], rows[1:-1], rows[-1]
    assert total[0] == "合计" and len(lines) == 2  # both townships of 任城区
    for i in range(1, len(header)):
        assert total[i] == pytest.approx(sum(x[i] or 0 for x in lines)), header[i]
    assert total[header.index("合计（元）")] == pytest.approx(paid / 100)
    coverage_book = load_workbook(io.BytesIO(c.get("/reports/figures/coverage-area.xlsx",
                                                   {"as_of": "2024-04-30"}).content))  # fmt: skip
    rows = list(coverage_book.worksheets[0].iter_rows(values_only=True))
    sums = tuple(sum(x[i] for x in rows[1:-1]) for i in range(1, len(rows[0])))
    assert rows[-1][0] == "合计" and rows[-1][1:] == sums and sums[-1] > 0
    whole = load_workbook(io.BytesIO(c.get("/reports/dashboard.xlsx", {"as_of": "2024-04-30"}).content))
    assert "说明" in whole.sheetnames and len(whole.sheetnames) > 15


def test_concentrated_support_shows_an_empty_state_until_the_support_mode_is_recorded(city, town):
    assert not figures.support_mode_recorded("3708")
    assert figures.concentration(figures.scope_of("3708", date(2024, 5, 31))).available is False
    page = client_for(city["city_admin"]).get("/reports/")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="empty-concentration"' in html and "供养方式" in html


def test_a_township_clerk_sees_only_their_township(city, town):
    clerk = client_for(city["clerk"])
    own = clerk.get("/reports/", {"as_of": "2024-05-31"})
    assert own.status_code == 200
    html = own.content.decode()
    assert 'data-code="370811001001"' in html and 'data-code="370830' not in html and 'data-code="370811002' not in html
    for params in ({"area": WENSHANG}, {"area": W}, {"area": B}, {"area": "3708"}, {"area": "37'--"}):
        assert clerk.get("/reports/", params).status_code == 404, params
        assert clerk.get("/reports/figures/coverage-area.xlsx", params).status_code == 404, params
    assert clerk.get("/reports/cases/", {"area": W + "001"}).status_code == 404
    assert clerk.get("/reports/cases/", {"area": B + "001"}).status_code == 404
    api = clerk.get("/api/v1/reports/dashboard", {"area": WENSHANG})
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == "area"
    # a department's liaison reads no figures
    assert client_for(city["medical"]).get("/reports/").status_code == 403


def test_bad_input_is_named_by_its_field(city, town):
    c = client_for(city["county"])
    for params, field in (({"as_of": "2024-13-01"}, "as_of"), ({"as_of": "2999-01-01"}, "as_of"),
                          ({"from": "2024-99"}, "from"), ({"from": "2024-06", "to": "2024-01"}, "to"),
                          ({"as_of": "2024-03-31", "from": "2024-05"}, "from")):  # fmt: skip
        api = c.get("/api/v1/reports/dashboard", params)
        assert api.status_code == 422 and api.json()["detail"][0]["loc"] == field, params
        page = c.get("/reports/", params)
        assert page.status_code == 200 and f'id="{field}-error"' in page.content.decode(), params
    assert c.get("/reports/cases/", {"as_of": "nonsense"}).status_code == 422
    assert c.get("/reports/figures/nothing.xlsx").status_code == 404


def test_the_api_answers_the_pages_numbers(city, town):
    c = client_for(city["county"])
    body = c.get("/api/v1/reports/dashboard", {"as_of": "2024-05-31"}).json()
    assert body["area"] == RENCHENG and body["as_of"] == "2024-05-31"
    tables = {t["key"]: t for s in body["sections"] for t in s["tables"]}
    poor = next(x for x in tables["registered-poor"]["lines"] if x["code"] == "dibao:rural")
    assert poor["values"]["person_share"] == "60.00" and poor["values"]["poor_persons"] == 3
    assert tables["coverage-area"]["total"]["values"]["persons"] == 1 + 5 + 1  # tekun, rural dibao, the member alone
    concentration = next(s for s in body["sections"] if s["key"] == "concentration")
    assert concentration["tables"] == [] and "供养方式" in concentration["empty"]


def test_decisions_within_the_time_limit(city, town):
    table = flows.decisions(figures.scope_of(RENCHENG, date(2024, 5, 31), start=date(2024, 1, 1)))
    assert table.total.values["decided"] == 4  # three approvals in A, one in B
    assert table.total.values["on_time"] == 4 and str(table.total.values["rate"]) == "100.00"


def findings_and_enrolment(city, town):
    """A finding in January the February approval of 'poor' followed; one after the other's."""
    poor = town["poor"]
    household = poor.household
    household.household_no = "370811001002-0007"
    household.save(update_fields=["household_no"])
    LedgerItem.objects.create(kind="missed_dibao", area_id=A + "002", household_no=household.household_no,
                              programme="dibao", month=date(2024, 1, 1), evidence="收入低于标准", sources="人社")
    # a finding after the approval is not what the approval followed
    other = town["single"].household
    other.household_no = "370811001001-0009"
    other.save(update_fields=["household_no"])
    LedgerItem.objects.create(kind="missed_dibao", area_id=A + "001", household_no=other.household_no,
                              programme="dibao", month=date(2024, 4, 1), evidence="x", sources="y",
                              closed_on=date(2024, 4, 20), status="closed")  # fmt: skip
    return poor, figures.scope_of(RENCHENG, date(2024, 5, 31), start=date(2024, 1, 1))


def test_enrolments_that_followed_a_missed_coverage_finding(city, town):
    _poor, scope = findings_and_enrolment(city, town)
    table = flows.enrolments_after_finding(scope)
    assert (table.total.values["households"], table.total.values["persons"]) == (1, 3)
    by_kind, by_area = flows.findings(scope)
    assert (by_kind.total.values["found"], by_kind.total.values["closed"], by_kind.total.values["open"]) == (2, 1, 1)
    # the closure counts only from its day
    early = flows.findings(figures.scope_of(RENCHENG, date(2024, 4, 19), start=date(2024, 1, 1)))[0]
    assert early.total.values["closed"] == 0


def test_a_finding_that_was_no_missed_coverage_is_not_what_the_approval_followed(city, town):
    """An application already running when the screening found the household: discovery closes
    the finding as 非漏保 naming the case, and the approval is not counted as following it."""
    from safetynet.discovery.services import settled_outcome

    poor, scope = findings_and_enrolment(city, town)
    item = LedgerItem.objects.get(household_no=poor.household.household_no)
    LedgerItem.objects.filter(pk=item.pk).update(status="closed", closed_on=date(2024, 1, 20),
                                                 outcome=settled_outcome(poor))  # fmt: skip
    table = flows.enrolments_after_finding(scope)
    assert (table.total.values["households"], table.total.values["persons"]) == (0, 0)
    # closed for another reason (the household was enrolled), it still counts
    LedgerItem.objects.filter(pk=item.pk).update(outcome="已纳入低保")
    assert flows.enrolments_after_finding(scope).total.values["households"] == 1


def test_the_number_of_queries_does_not_grow_with_the_cases(city, town):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            dashboard(figures.scope_of("3708", date(2024, 5, 31)))
        return len(ctx.captured_queries)

    before = queries()
    for seed in range(3):
        approved(city, household(city, A + "002", 40 + seed, size=2), on=date(2024, 4, 1))
    assert queries() == before


def test_the_dashboard_in_english(city, town):
    c = client_for(city["county"])
    c.cookies["django_language"] = "en"
    html = c.get("/reports/", {"as_of": "2024-05-31"}).content.decode()
    for text in ("Beneficiaries by area (households, persons)", "Share by persons (%)", "Share by households (%)",
                 "Average standard (yuan per person a month)", "No data yet: no support mode of tekun persons",
                 "Export to Excel", "Funds paid by month", "Enrolled after a missed-coverage finding"):
        assert text in html, text
    assert "按人计占比" not in html and "尚无数据" not in html
    body = c.get("/api/v1/reports/dashboard", {"as_of": "2024-05-31"}).json()
    assert body["sections"][0]["title"] == "Beneficiaries"


def test_a_graduated_exit_covers_while_its_paid_months_last(city, town):
    from safetynet.registry import services as registry

    case = town["poor"]
    head = case.household.members.get(relation="head")
    registry.add_income(city["clerk"], head, kind="wage", monthly_fen=500000, since=date(2024, 5, 1),
                        source="务工收入申报")  # fmt: skip
    case = services.start_graduated_exit(city["approver"], case, version=case.version, on=date(2024, 5, 10), months=3)
    assert case.entitlement_until == date(2024, 9, 1)  # June, July, August paid

    def covered(day: date) -> bool:
        cov = figures.coverage(figures.scope_of(A, day))
        listed = {c.pk for c in coverage.covered_cases(A, day)}
        assert (case.pk in listed) is bool(cov.total(area=A + "002").households), day
        return case.pk in listed

    assert covered(date(2024, 5, 31)) and covered(date(2024, 8, 31))
    assert not covered(date(2024, 9, 1))  # still in graduated exit: its paid months are over
    services.end_graduated_exit(city["approver"], case, version=case.version, on=date(2024, 9, 5))
    assert not covered(date(2024, 9, 10)) and covered(date(2024, 8, 31))
    trend = figures.coverage_trend(figures.coverage(figures.scope_of(A, date(2024, 10, 1), start=date(2024, 5, 1))))
    assert [line.values["dibao_households"] for line in trend.lines] == [3, 2, 2, 2, 1, 1]


def test_concentrated_support_from_the_placements_in_force_on_the_day(city, town):
    from safetynet.care import services as care

    tekun = town["tekun"]
    tekun.applicant.adl_unmet = 5  # complete loss of self-care
    tekun.applicant.save(update_fields=["adl_unmet"])
    home = care.register_institution(city["city_admin"], name="任城区第二敬老院", county=RENCHENG, capacity=20)
    # the support mode is a decision on the approved case (care: 变更供养方式), the approver's
    tekun = care.change_support(city["other_approver"], tekun, version=tekun.version, on=date(2024, 4, 20),
                                support_mode="concentrated", institution=home.pk,
                                reason="生活不能自理，入住敬老院")  # fmt: skip
    care.change_support(city["other_approver"], tekun, version=tekun.version, on=date(2024, 5, 10),
                        support_mode="dispersed", reason="本人申请回家分散供养", care_acknowledged=True)  # fmt: skip

    def line(day: date) -> dict | None:
        result = figures.concentration(figures.scope_of(RENCHENG, day))
        if not result.available:
            return None
        return next(x for x in result.table.lines if x.code == B).values

    assert line(date(2024, 4, 15)) is None  # nothing recorded yet by that day: the empty state
    assert (line(date(2024, 4, 30))["concentrated"], str(line(date(2024, 4, 30))["rate"])) == (1, "100.00")
    may = line(date(2024, 5, 31))
    assert (may["unable"], may["concentrated"], may["dispersed"], str(may["rate"])) == (1, 0, 1, "0.00")
    html = client_for(city["county"]).get("/reports/", {"as_of": "2024-04-30"}).content.decode()
    assert 'id="table-concentration"' in html and 'id="empty-concentration"' not in html


def test_a_past_day_counts_the_self_care_level_assessed_as_of_that_day(city, town, settings):
    from safetynet.care import services as care
    from safetynet.care.models import Assessment

    tekun = town["tekun"]
    home = care.register_institution(city["city_admin"], name="任城区第三敬老院", county=RENCHENG, capacity=20)
    tekun = care.change_support(city["other_approver"], tekun, version=tekun.version, on=date(2024, 4, 20),
                                support_mode="concentrated", institution=home.pk, reason="入住敬老院")  # fmt: skip
    # Assessed on 20 May: complete loss of self-care, partial before; today's count is the new one.
    Assessment.objects.create(case=tekun, person=tekun.applicant, area_code=tekun.area_code,
                              assessed_on=date(2024, 5, 20), assessor_kind="third_party", assessor="评估机构",
                              achieved={}, unmet=5, level="complete", previous_level="partial")  # fmt: skip
    tekun.applicant.adl_unmet = 5
    tekun.applicant.save(update_fields=["adl_unmet"])
    settings.SAFETYNET_TODAY = date(2024, 7, 1)  # both days below are past

    def unable(day: date) -> tuple[int, int]:
        values = next(x for x in figures.concentration(figures.scope_of(RENCHENG, day)).table.lines
                      if x.code == B).values  # fmt: skip
        return values["unable"], values["concentrated"]

    assert unable(date(2024, 4, 30)) == (0, 0)  # partial on that day, whatever the count says now
    assert unable(date(2024, 5, 31)) == (1, 1)
    # today's figures read the count now (one query), as before
    settings.SAFETYNET_TODAY = date(2024, 4, 30)
    assert unable(date(2024, 4, 30)) == (1, 1)


def test_the_export_of_every_chart_downloads_a_workbook(city):
    c = Client()
    c.force_login(city["county"])
    page = c.get("/reports/").content.decode()
    href = page.split('id="export" href="')[1].split('"')[0].replace("&amp;", "&")
    assert href.startswith("/reports/dashboard.xlsx")
    answer = c.get(href)
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(answer.content)).sheetnames
