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
                                  id_number=idnumber.generate(village[:6], date(1960, 1, 1) + timedelta(days=i), 7),
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
