"""The office never stops at a year the calendar does not know: deadlines on the provisional
calendar are marked 暂定, and the city administrator's entry of the year moves them."""

from __future__ import annotations

import random
from datetime import date

import pytest
from django.utils import timezone

from safetynet.administration import selectors as admin_selectors
from safetynet.cases import services
from safetynet.policy import working_days
from safetynet.registry.models import Area
from safetynet.site import demo
from safetynet.supervision.models import AuditEvent

TODAY = date(2026, 12, 18)  # a Friday: 20 working days from here reach into 2027


@pytest.fixture
def december_2026(monkeypatch):
    """The office's clock on 18 December 2026, with 2027 not yet known to the calendar library
    (true of chinesecalendar 1.11; a later release will know it)."""
    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: real(*a, **k) if a or k else TODAY)
    monkeypatch.setattr(working_days, "_library_knows", lambda year: year <= 2026)
    admin_selectors.clear_cache()
    yield
    admin_selectors.clear_cache()


@pytest.fixture
def accepted_case(city, december_2026):
    household = demo.make_household(city["clerk"], Area.objects.get(code="370811001001"), random.Random(3),
                                    date(2026, 12, 10), size=2, wage_fen=0)
    head = household.members.get(relation="head")
    case = services.start_precheck(city["clerk"], household=household, programme="dibao", applicant=head, on=TODAY)
    return services.accept(city["clerk"], case, version=case.version, on=TODAY)


def post_2027(client, **changes):
    data = {"year": "2027", "notice_title": "国务院办公厅关于2027年部分节假日安排的通知",
            "notice_number": "国办发明电〔2026〕9号",
            # A made-up arrangement for the test: 1-3 January off, Sunday 10 January worked.
            "holidays": "2027-01-01..2027-01-03\n2027-02-05..2027-02-11", "workdays": "2027-01-10"}
    data.update(changes)
    return client.post("/administration/calendar/", data)


def test_an_application_is_accepted_with_a_provisional_deadline_that_moves_when_the_year_is_entered(
        client, city, accepted_case):
    provisional = accepted_case.decision_due_on
    assert provisional == date(2027, 1, 18)  # 20 working days, 1 January off, no make-up day known
    client.force_login(city["clerk"])
    page = client.get(f"/cases/{accepted_case.pk}/").content.decode()
    assert "2027-01-18" in page and "暂定" in page

    client.force_login(city["city_admin"])
    answer = post_2027(client)
    assert answer.status_code == 200
    text = answer.content.decode()
    accepted_case.refresh_from_db()
    assert accepted_case.decision_due_on == date(2027, 1, 15)  # the Sunday worked brings it earlier
    assert "2027-01-18" in text and "2027-01-15" in text  # the page shows what moved
    assert "已录入" in text

    event = AuditEvent.objects.filter(action="calendar.enter_year").get()
    assert event.details["moved"][0]["case"] == accepted_case.pk
    assert "国办发明电〔2026〕9号" in event.details["notice"]

    client.force_login(city["clerk"])
    page = client.get(f"/cases/{accepted_case.pk}/").content.decode()
    assert "2027-01-15" in page and "暂定" not in page


def test_a_wrong_line_is_named_and_nothing_typed_is_lost(client, city, december_2026):
    client.force_login(city["city_admin"])
    answer = post_2027(client, holidays="2027-01-01\n2027-02-30", workdays="2027-01-11")
    text = answer.content.decode()
    assert "第 2 行" in text and "2027-02-30" in text  # the bad date, by its line
    assert "是工作日" in text  # 11 January 2027 is a Monday: not a make-up day
    assert "国办发明电〔2026〕9号" in text  # what was typed is still there
    assert "error-summary" in text
    assert not admin_selectors.entered_years()


def test_only_the_city_enters_a_year_and_the_city_desk_warns_from_november(client, city, december_2026):
    client.force_login(city["clerk"])
    assert client.get("/administration/calendar/").status_code == 403
    assert "calendar-warning" not in client.get("/desk/").content.decode()
    client.force_login(city["city_admin"])
    desk = client.get("/desk/").content.decode()
    assert "calendar-warning" in desk and "2027 年的放假安排尚未录入" in desk
    post_2027(client)
    assert "calendar-warning" not in client.get("/desk/").content.decode()
