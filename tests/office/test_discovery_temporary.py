"""The temporary-assistance report opened from a discovery task: the task's person (or, for a
finding of a household, its head) chosen, no cause chosen for the clerk, a question before the
task is closed with the report, and the 2020 one-off's questions only for an event in its period."""

from __future__ import annotations

import re
from datetime import date

from django.test import Client
from django.utils import timezone

from safetynet.discovery import services
from safetynet.discovery.models import DiscoveryTask
from safetynet.registry.models import Area
from safetynet.supervision.models import LedgerItem
from safetynet.temporary.forms import ReportForm


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', select)


def test_the_form_from_a_task_chooses_the_person_and_no_cause_and_asks_first(city, poor_household):
    person = poor_household.members.order_by("id").last()
    task = services.record_lead(city["county"], source="hotline", area_code="370811001", situation="家中失火",
                                reported_at=timezone.now(), emergency=True, id_number=person.id_number)
    page = client_for(city["clerk"]).get(f"/discovery/{task.pk}/temporary/")
    html = page.content.decode()
    assert page.status_code == 200
    assert _selected(html, "applicant") == [str(person.pk)]
    assert _selected(html, "cause") == [""]  # not 火灾 for the clerk: the first line is empty
    form = re.search(r'<form[^>]*id="temporary-report"[^>]*>', html).group(0)
    assert 'data-confirm="' in form and "确定登记临时救助吗" in form
    assert f'href="/households/{poor_household.pk}/"' in html


def test_a_finding_of_a_household_chooses_its_head(city, poor_household):
    head = poor_household.members.get(relation="head")
    poor_household.household_no = poor_household.household_no or "370811001001-0001"
    poor_household.save(update_fields=["household_no"])
    item = LedgerItem.objects.create(kind="missed_dibao", area=Area.objects.get(code=poor_household.village_id),
                                     household_no=poor_household.household_no, id_number="", programme="dibao",
                                     month=date(2024, 3, 1), evidence="收入低于标准", sources="社保")  # fmt: skip
    assert services.from_ledger(None, [item]) == 1
    task = DiscoveryTask.objects.get()
    assert task.person_id is None and task.household_id == poor_household.pk
    clerk = client_for(city["clerk"])
    assert _selected(clerk.get(f"/discovery/{task.pk}/temporary/").content.decode(), "applicant") == [str(head.pk)]
    assert clerk.get(f"/discovery/{task.pk}/").context["apply_form"].initial["applicant"] == head.pk


def test_the_2020_one_off_is_offered_only_for_an_event_in_its_period(city, poor_household):
    task = services.record_lead(city["county"], source="hotline", area_code="370811001", situation="失业无收入",
                                reported_at=timezone.now(),
                                id_number=poor_household.members.first().id_number)  # fmt: skip
    html = client_for(city["clerk"]).get(f"/discovery/{task.pk}/temporary/").content.decode()
    # today is outside 2020-07-01..2020-12-31: the cause and its two questions hidden
    assert re.search(r'<option value="unemployed"[^>]*\bhidden\b', html)
    assert re.search(r'<div class="inline" data-unemployed hidden>', html)
    assert 'data-unemployed-periods="[[&quot;2020-07-01&quot;, &quot;2020-12-31&quot;]]"' in html
    data = {"applicant": poor_household.members.first().pk, "kind": "emergency", "cause": "unemployed",
            "reported_at": "2021-03-04T10:00", "months_without_income": "4", "unemployment_insurance": "no"}
    inside = ReportForm({**data, "occurred_on": "2020-09-01"}, household=poor_household)
    assert inside.unemployed_shown and inside.is_valid(), inside.errors
    outside = ReportForm({**data, "occurred_on": "2021-03-01"}, household=poor_household)
    assert not outside.unemployed_shown and not outside.is_valid()
    assert "2020-07-01 至 2020-12-31" in outside.errors["cause"][0]
    # another cause: the one-off's answers are not kept
    fire = ReportForm({**data, "cause": "fire", "occurred_on": "2020-09-01"}, household=poor_household)
    assert fire.is_valid() and fire.cleaned_data["months_without_income"] is None
