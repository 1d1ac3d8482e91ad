"""A screening finding of missed coverage (漏保) for a household that is not missed: it already
has a live case (an application running, or a case on the rolls). Of the programme concerned: no
task, the ledger item closed naming the case. Of another programme: the task names the live case
and offers what can still be done; a lead for a household with a live case may close naming it."""

from __future__ import annotations

from datetime import date

from django.test import Client
from django.utils import timezone

from safetynet.cases.models import Case
from safetynet.discovery import services
from safetynet.discovery.models import DiscoveryTask
from safetynet.registry.models import Area
from safetynet.supervision.models import AuditEvent, LedgerItem
from safetynet.verification.models import CheckRun


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _case(household, programme: str, state: str, applicant=None) -> Case:
    applicant = applicant or household.members.order_by("id").first()
    return Case.objects.create(programme=programme, household=household, applicant=applicant, state=state,
                               area_code=household.village_id, opened_on=date(2024, 2, 1))  # fmt: skip


def _finding(household, kind: str, person=None) -> LedgerItem:
    person = person or household.members.order_by("id").first()
    run = CheckRun.objects.create(kind="screening", area=Area.objects.get(code="370811"), month=date(2024, 3, 1),
                                  status="done", finished_at=timezone.now())  # fmt: skip
    return LedgerItem.objects.create(kind=kind, area=Area.objects.get(code=household.village_id),
                                     household_no=household.household_no or "H1", id_number=person.id_number,
                                     programme=kind.removeprefix("missed_"), month=date(2024, 3, 1),
                                     evidence="收入低于标准，未纳入", sources="户籍、社保", found_by=run)  # fmt: skip


def test_a_household_with_a_running_dibao_application_gets_no_missed_dibao_task(city, poor_household):
    case = _case(poor_household, "dibao", "accepted")
    item = _finding(poor_household, "missed_dibao")
    assert services.from_ledger(None) == 0
    assert not DiscoveryTask.objects.exists()
    item.refresh_from_db()
    # closed in the ledger, saying which case answers it, in words (no state code)
    assert item.status == "closed" and f"#{case.pk}" in item.outcome and "已受理" in item.outcome
    assert "accepted" not in item.outcome
    audit = AuditEvent.objects.get(action="ledger.close", object_id=str(item.pk))
    assert audit.details["case"] == case.pk
    assert services.from_ledger(None) == 0  # and it stays so


def test_a_person_on_the_tekun_rolls_gets_no_missed_tekun_task(city, poor_household):
    person = poor_household.members.order_by("id").last()
    _case(poor_household, "tekun", "approved", applicant=person)
    _finding(poor_household, "missed_tekun", person=person)
    assert services.from_ledger(None) == 0 and not DiscoveryTask.objects.exists()


def test_a_missed_tekun_finding_in_a_dibao_household_names_the_dibao_case(city, poor_household):
    dibao = _case(poor_household, "dibao", "approved")
    person = poor_household.members.order_by("id").last()
    _finding(poor_household, "missed_tekun", person=person)
    assert services.from_ledger(None) == 1
    task = DiscoveryTask.objects.get()
    page = client_for(city["clerk"]).get(f"/discovery/{task.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'href="/cases/{dibao.pk}/"' in html and 'id="task-live-cases"' in html and "保障中" in html
    assert 'id="tekun-in-dibao"' in html
    # the dibao case is the household's one: only tekun may be applied for, for the person found
    form = page.context["apply_form"]
    assert [c for c, _label in form.fields["programme"].choices] == ["tekun"]
    assert form.initial["applicant"] == person.pk and form.initial["programme"] == "tekun"
    # the dibao case does not answer a tekun finding: nothing to close it with
    assert 'id="link-form"' not in html


def test_a_missed_dibao_finding_with_only_a_temporary_case_is_a_task_that_names_it(city, poor_household):
    temporary = _case(poor_household, "temporary", "reported")
    _finding(poor_household, "missed_dibao")
    assert services.from_ledger(None) == 1
    task = DiscoveryTask.objects.get()
    html = client_for(city["clerk"]).get(f"/discovery/{task.pk}/").content.decode()
    assert f'href="/cases/{temporary.pk}/"' in html and 'id="apply-form"' in html and 'id="link-form"' not in html


def test_a_lead_for_a_household_with_a_live_case_closes_naming_it(city, poor_household):
    case = _case(poor_household, "dibao", "investigated")
    task = services.record_lead(city["county"], source="hotline", area_code="370811001", situation="生活困难",
                                reported_at=timezone.now(), id_number=poor_household.members.first().id_number)
    clerk = client_for(city["clerk"])
    page = clerk.get(f"/discovery/{task.pk}/")
    html = page.content.decode()
    assert 'id="link-form"' in html and "data-confirm" in html[html.index('id="link-form"') - 300:]
    assert "dibao" not in [c for c, _label in page.context["apply_form"].fields["programme"].choices]
    other = _case(poor_household, "temporary", "withdrawn")  # a closed case is not offered
    refused = clerk.post(f"/discovery/{task.pk}/link/", {"case": other.pk})
    assert refused.status_code == 422 and 'id="link-form"' in refused.content.decode()
    response = clerk.post(f"/discovery/{task.pk}/link/", {"case": case.pk, "note": "已在审核中"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.state, task.outcome, task.case_id) == ("closed", "live_case", case.pk)
    html = clerk.get(f"/discovery/{task.pk}/").content.decode()
    assert "已有在办案件" in html and f'href="/cases/{case.pk}/"' in html
    assert AuditEvent.objects.filter(action="discovery.close", object_id=str(task.pk)).exists()


def test_the_api_closes_a_task_naming_a_live_case(city, poor_household):
    case = _case(poor_household, "dibao", "accepted")
    task = services.record_lead(city["county"], source="hotline", area_code="370811001", situation="生活困难",
                                reported_at=timezone.now(), id_number=poor_household.members.first().id_number)
    clerk = client_for(city["clerk"])
    url = f"/api/v1/discovery/{task.pk}/link"
    refused = clerk.post(url, {"case": case.pk + 99}, content_type="application/json")
    assert refused.status_code == 422 and "case" in refused.content.decode()
    ok = clerk.post(url, {"case": case.pk, "note": "已受理"}, content_type="application/json")
    assert ok.status_code == 200 and (ok.json()["outcome"], ok.json()["case"]) == ("live_case", case.pk)
    again = clerk.post(url, {"case": case.pk}, content_type="application/json")
    assert again.status_code == 409  # closed already
