"""Every list of the office: 25 rows a page, filters that narrow and keep their values, the one
search (name, whole ID number, its last four, household register number), a bad filter value is
a field error in Chinese, a village is shown with its township, and scoping still holds."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from safetynet.cases.models import Case
from safetynet.policy import idnumber
from safetynet.registry.models import Area, Household, Person

FAR = timedelta(days=60)


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def make(village: str, n: int, *, programme: str = "dibao", state: str = "accepted", due: date | None = None,
         name: str = "王", start: int = 0) -> list[Case]:
    """``n`` households of one member with a case each, straight into the tables (the lists are
    under test, not the intake)."""
    area = Area.objects.get(code=village)
    due = due or timezone.localdate() + FAR
    cases = []
    for i in range(start, start + n):
        h = Household.objects.create(village=area, hukou="rural", address=f"{area.name}{i}号",
                                     household_no=f"{village[:6]}{i:010d}")
        p = Person.objects.create(household=h, name=f"{name}{i:03d}", relation="head", sex="male",
                                  id_number=idnumber.generate(village[:6], date(1960, 1, 1) + timedelta(days=i), i + 1),
                                  birth_date=date(1960, 1, 1) + timedelta(days=i))
        cases.append(Case.objects.create(programme=programme, household=h, applicant=p, area_code=village,
                                         state=state, opened_on=timezone.localdate(), due_on=due))
    return cases


def case_ids(html: str, section_start: str = "", section_end: str = "") -> set[int]:
    if section_start:
        html = html.split(section_start, 1)[1]
    if section_end:
        html = html.split(section_end, 1)[0]
    return {int(n) for n in re.findall(r'href="/cases/(\d+)/"', html)}


def household_ids(html: str) -> set[int]:
    table = html.split('id="household-list"', 1)[1].split("</table>", 1)[0]
    return {int(n) for n in re.findall(r'href="/households/(\d+)/"', table)}


OPEN = ('id="open-cases"', "</table>")


# ---- households ----------------------------------------------------------------------------


def test_households_page_by_25_and_the_pager_keeps_the_filters(city):
    made = make("370811001001", 26)
    c = client_for(city["clerk"])
    first = c.get("/households/", {"village": "370811001001"}).content.decode()
    second = c.get("/households/", {"village": "370811001001", "page": 2}).content.decode()
    assert len(household_ids(first)) == 25 and len(household_ids(second)) == 1
    assert household_ids(first) | household_ids(second) == {x.household_id for x in made}
    assert "village=370811001001&amp;page=2" in first  # the next page keeps the filter
    assert "共 26 条" in first
    assert 'value="370811001001" selected' in first  # the form keeps its value


def test_households_search_by_name_whole_id_last_four_and_register_number(city):
    cases = make("370811001001", 3)
    target = cases[1].applicant
    c = client_for(city["clerk"])
    for q in (target.name, target.id_number, target.id_number[-4:], target.household.household_no):
        assert household_ids(c.get("/households/", {"q": q}).content.decode()) == {target.household_id}, q


def test_a_village_is_shown_with_its_township(city):
    make("370811001001", 1)
    page = client_for(city["clerk"]).get("/households/").content.decode()
    assert "任城区城关街道 · 李屯村" in page


def test_households_of_another_township_never_appear(city):
    mine = make("370811001001", 2)
    theirs = make("370811002001", 2, start=100)
    c = client_for(city["clerk"])
    assert household_ids(c.get("/households/").content.decode()) == {x.household_id for x in mine}
    # Their name, their number, their township as a filter: nothing of theirs, and a field error.
    assert not household_ids(c.get("/households/", {"q": theirs[0].applicant.name}).content.decode())
    assert not household_ids(c.get("/households/", {"q": theirs[0].applicant.id_number}).content.decode())
    page = c.get("/households/", {"village": "370811002001"}).content.decode()
    assert 'id="village-error"' in page and household_ids(page) == {x.household_id for x in mine}


# ---- the desk and the deadline board ---------------------------------------------------------


def test_the_desk_pages_by_25(city):
    made = make("370811001001", 26)
    c = client_for(city["clerk"])
    first = case_ids(c.get("/desk/").content.decode(), *OPEN)
    second = case_ids(c.get("/desk/", {"page": 2}).content.decode(), *OPEN)
    assert len(first) == 25 and len(second) == 1 and first | second == {x.pk for x in made}


def test_desk_filters_narrow(city):
    dibao = make("370811001001", 2)
    tekun = make("370811001002", 2, programme="tekun", state="investigated", start=10)
    elsewhere = make("370811002001", 2, start=20)
    c = client_for(city["county"])
    assert case_ids(c.get("/desk/", {"programme": "tekun"}).content.decode(), *OPEN) == {x.pk for x in tekun}
    assert case_ids(c.get("/desk/", {"state": "accepted"}).content.decode(), *OPEN) == {
        x.pk for x in dibao + elsewhere}
    assert case_ids(c.get("/desk/", {"village": "370811001002"}).content.decode(), *OPEN) == {x.pk for x in tekun}
    assert case_ids(c.get("/desk/", {"township": "370811002"}).content.decode(), *OPEN) == {
        x.pk for x in elsewhere}
    page = c.get("/desk/", {"township": "370811001", "programme": "dibao"}).content.decode()
    assert case_ids(page, *OPEN) == {x.pk for x in dibao}
    assert 'value="370811001" selected' in page and 'value="dibao" selected' in page


def test_desk_search(city):
    made = make("370811001001", 3)
    target = made[2]
    c = client_for(city["approver"])
    for q in (target.applicant.name, target.applicant.id_number, target.applicant.id_number[-4:],
              target.household.household_no):
        assert case_ids(c.get("/desk/", {"q": q}).content.decode(), *OPEN) == {target.pk}, q


@pytest.mark.parametrize("params", [{"state": "nonsense"}, {"programme": "x" * 500}, {"village": "3708"},
                                    {"township": "370830001"}, {"page": "abc"}, {"q": "'; drop table"}])
def test_a_bad_filter_value_is_a_field_error_in_chinese(city, params):
    mine = make("370811001001", 2)
    make("370830001001", 2, start=50)  # 汶上县: outside the county's area
    response = client_for(city["county"]).get("/desk/", params)
    assert response.status_code == 200
    page = response.content.decode()
    field = next(iter(params))
    if field not in ("page", "q"):
        assert f'id="{field}-error"' in page and ("选择一个有效的选项" in page or "有效" in page), page
    # The bad condition is ignored, and the user's own rows are still all there is.
    assert case_ids(page, *OPEN) <= {x.pk for x in mine}


def test_the_deadline_board_pages_and_filters(city):
    late = timezone.localdate() - timedelta(days=30)
    made = make("370811001001", 26, due=late)
    other = make("370811001002", 1, due=late, programme="tekun", start=40)
    c = client_for(city["approver"])
    end = "三个工作日内到期"
    first = case_ids(c.get("/deadlines/").content.decode(), 'id="deadline-lists"', end)
    second = case_ids(c.get("/deadlines/", {"page": 2}).content.decode(), 'id="deadline-lists"', end)
    assert len(first) == 25 and len(second) == 2 and first | second == {x.pk for x in made + other}
    narrowed = c.get("/deadlines/", {"programme": "tekun"}).content.decode()
    assert case_ids(narrowed, 'id="deadline-lists"', end) == {other[0].pk}


# ---- the problem ledger ----------------------------------------------------------------------


def ledger(village: str, n: int, *, kind: str = "owns_car", month: date = date(2024, 2, 1), programme: str = "dibao",
           start: int = 0, persons: list[Person] | None = None):
    from safetynet.supervision.models import LedgerItem

    return [LedgerItem.objects.create(
        kind=kind, area=Area.objects.get(code=village), household_no=f"{village[:6]}{i:010d}",
        id_number=persons[i - start].id_number if persons else idnumber.generate(village[:6], date(1970, 1, 1), i),
        programme=programme, month=month, evidence="登记机动车 1 辆", sources="vehicles")
        for i in range(start, start + n)]  # fmt: skip


def item_ids(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'<tr id="item-(\d+)"', html)}


def test_the_ledger_pages_filters_searches_and_stays_in_its_township(city):
    from safetynet.batch.screen import FINDING_KINDS

    other_kind = next(k for k in FINDING_KINDS if k != "owns_car")
    items = ledger("370811001001", 26)
    march = ledger("370811001002", 1, kind=other_kind, month=date(2024, 3, 1), programme="tekun", start=50)
    theirs = ledger("370811002001", 1, start=80)
    c = client_for(city["clerk"])
    first, second = (item_ids(c.get("/verification/ledger/", {"page": n}).content.decode()) for n in (1, 2))
    assert len(first) == 25 and len(second) == 2 and first | second == {i.pk for i in items + march}
    for params in ({"kind": other_kind}, {"month": "2024-03"}, {"programme": "tekun"}, {"village": "370811001002"}):
        assert item_ids(c.get("/verification/ledger/", params).content.decode()) == {march[0].pk}, params
    target = items[7]
    for q in (target.id_number, target.id_number[-4:], target.household_no):
        assert item_ids(c.get("/verification/ledger/", {"q": q}).content.decode()) == {target.pk}, q
    assert not item_ids(c.get("/verification/ledger/", {"q": theirs[0].household_no}).content.decode())
    bad = c.get("/verification/ledger/", {"month": "2024-13"})
    assert bad.status_code == 200 and 'id="month-error"' in bad.content.decode()
    assert "月份格式应为" in bad.content.decode()


def test_the_ledger_search_by_name_and_its_excel_takes_the_same_filters(city):
    import io

    from openpyxl import load_workbook

    cases = make("370811001001", 3, name="赵")
    items = ledger("370811001001", 3, persons=[c.applicant for c in cases])
    c = client_for(city["approver"])
    assert item_ids(c.get("/verification/ledger/", {"q": "赵001"}).content.decode()) == {items[1].pk}
    book = load_workbook(io.BytesIO(c.get("/verification/ledger.xlsx", {"q": "赵001"}).content)).active
    assert book.max_row == 2 and book["C2"].value == items[1].household_no


# ---- payroll lines and payrolls --------------------------------------------------------------


def payroll(city, cases, *, month=date(2024, 4, 1), programme="dibao"):
    from safetynet.cases.models import CaseEvent
    from safetynet.payments.models import Payment, PayrollRun

    run = PayrollRun.objects.create(month=month, township_id=cases[0].area_code[:9], programme=programme,
                                    lines=len(cases))
    lines = []
    for n, case in enumerate(cases):
        event = CaseEvent.objects.create(case=case, on=month, transition="close_notice", to_state="approved")
        lines.append(Payment.objects.create(
            run=run, case=case, recipient=case.applicant, programme=programme, month=month,
            for_month=month if n else (month - timedelta(days=1)).replace(day=1), kind="regular" if n else "back_pay",
            amount_fen=39000, decision=event, reason="测试"))  # fmt: skip
    return run, lines


def line_ids(html: str) -> set[int]:
    table = html.split('id="lines"', 1)[1].split("</table>", 1)[0]
    return {int(n) for n in re.findall(r"<tr><td>(\d+)</td>", table)}


def test_payroll_lines_page_filter_and_search(city):
    cases = make("370811001001", 20, state="approved") + make("370811001002", 6, state="approved", start=30)
    run, lines = payroll(city, cases)
    c = client_for(city["approver"])
    url = f"/payroll/{run.pk}/"
    first, second = (line_ids(c.get(url, {"page": n}).content.decode()) for n in (1, 2))
    assert len(first) == 25 and len(second) == 1 and first | second == {p.pk for p in lines}
    assert line_ids(c.get(url, {"kind": "back_pay"}).content.decode()) == {lines[0].pk}
    assert line_ids(c.get(url, {"month": "2024-03"}).content.decode()) == {lines[0].pk}
    assert line_ids(c.get(url, {"village": "370811001002"}).content.decode()) == {p.pk for p in lines[20:]}
    target = cases[3].applicant
    for q in (target.name, target.id_number, target.id_number[-4:], target.household.household_no):
        assert line_ids(c.get(url, {"q": q}).content.decode()) == {lines[3].pk}, q
    page = c.get(url, {"kind": "nonsense"}).content.decode()
    assert 'id="kind-error"' in page and len(line_ids(page)) == 25
    assert "任城区城关街道 · 李屯村" in page


def test_payrolls_list_filters_and_another_townships_never_appear(city):
    mine = payroll(city, make("370811001001", 1, state="approved"))[0]
    theirs = payroll(city, make("370811002001", 1, state="approved", start=10), programme="tekun")[0]
    county, clerk = client_for(city["county"]), client_for(city["clerk"])

    def runs(client, **params):
        return {int(n) for n in re.findall(r'href="/payroll/(\d+)/"', client.get("/payroll/", params).content.decode())}

    assert runs(county) == {mine.pk, theirs.pk}
    assert runs(county, township="370811002") == {theirs.pk}
    assert runs(county, programme="tekun") == {theirs.pk}
    assert runs(county, month="2024-05") == set()
    assert runs(clerk) == {mine.pk}
    assert runs(clerk, township="370811002") == {mine.pk}  # not a choice for a township's clerk
    assert client_for(city["clerk"]).get(f"/payroll/{theirs.pk}/").status_code == 404


# ---- deliveries and figures ------------------------------------------------------------------


def test_deliveries_page_and_filter(city):
    from safetynet.batch.feed_items import ITEMS
    from safetynet.verification.models import FeedDelivery

    first_item, other_item = list(ITEMS)[:2]
    for n in range(26):
        FeedDelivery.objects.create(item=first_item, delivered_on=date(2024, 1, 1) + timedelta(days=n), file_name="a",
                                    sha256=f"{n:064d}", rows_loaded=1, rows_rejected=0)
    FeedDelivery.objects.create(item=other_item, delivered_on=date(2024, 3, 5), file_name="b", sha256="f" * 64,
                                rows_loaded=1, rows_rejected=0)
    c = client_for(city["city_admin"])

    def rows(**params):
        html = c.get("/verification/deliveries/", params).content.decode()
        return html.split('id="deliveries"', 1)[1].split("</table>", 1)[0].count("<tr><td>")

    assert rows() == 25 and rows(page=2) == 2
    assert rows(item=other_item) == 1 and rows(month="2024-03") == 1 and rows(month="2024-01", page=2) == 1
    bad = c.get("/verification/deliveries/", {"item": "nonsense", "month": "24"}).content.decode()
    assert 'id="item-error"' in bad and 'id="month-error"' in bad


def test_figures_page_by_25_with_township_and_programme_filters(city):
    from safetynet.payments.models import PayrollRun

    cases = make("370811001001", 1, state="approved")
    other = make("370811002001", 1, state="approved", start=10)
    for m in range(26):  # one row a month
        run = payroll(city, cases, month=date(2022 + m // 12, m % 12 + 1, 1))[0]
        PayrollRun.objects.filter(pk=run.pk).update(status="approved")
    run = payroll(city, other, month=date(2022, 1, 1))[0]
    PayrollRun.objects.filter(pk=run.pk).update(status="approved", programme="dibao")
    c = client_for(city["county"])

    def rows(**params):
        html = c.get("/reports/", {"from": "2022-01", "to": "2024-12", **params}).content.decode()
        return html.split('id="funds"', 1)[1].split("</table>", 1)[0].count('<tr><td>20')

    assert rows() == 25 and rows(page=2) == 2
    assert rows(township="370811002") == 1 and rows(programme="tekun") == 0
    bad = c.get("/reports/", {"to": "9999-12"})
    assert bad.status_code == 200 and 'id="to-error"' in bad.content.decode()


def test_my_tasks_page_and_filter(city):
    made = make("370811001001", 20) + make("370811001002", 6, programme="tekun", start=30)
    c = client_for(city["clerk"])

    def tasks(**params):
        html = c.get("/tasks/", params).content.decode()
        return case_ids(html, 'id="my-tasks"', "</table>")

    assert len(tasks()) == 25 and tasks() | tasks(page=2) == {x.pk for x in made}
    assert tasks(programme="tekun") == {x.pk for x in made[20:]}
    assert tasks(q=made[4].applicant.id_number[-4:]) == {made[4].pk}
