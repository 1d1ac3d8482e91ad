"""Finding people early (主动发现, POLICY.md §12; issue 12 point 1): a hotline call, a village's
report, a department's notice or a screening finding of missed coverage becomes a task in the
township's one queue, with a visit due in working days (24 hours for an emergency); the county
sees open and overdue tasks per township; a task turns into an application or temporary help
with the case linked; every write is audited."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from safetynet.discovery import services
from safetynet.discovery.models import DiscoveryTask
from safetynet.policy.errors import InputError
from safetynet.policy.working_days import add_working_days
from safetynet.registry.models import Area
from safetynet.supervision.models import AuditEvent, LedgerItem
from safetynet.verification.models import CheckRun


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def at(day: date, hour: int = 9):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def hotline(city, *, area="370811001", reported_at=None, emergency=False, **who):
    who = who or {"name": "王某", "address": "一村 3 号"}
    return services.record_lead(city["county"], source="hotline", area_code=area, situation="独居老人，生病无人照料",
                                reported_at=reported_at or timezone.now() - timedelta(hours=1),
                                emergency=emergency, reporter="来电群众", **who)  # fmt: skip


def test_a_hotline_call_is_due_in_working_days_and_overdue_on_the_countys_list(city):
    monday = date(2024, 3, 4)
    old = hotline(city, reported_at=at(monday))
    # discovery_visit_limit: 5 working days from the day of the report, to the end of that day
    assert timezone.localtime(old.due_at).date() == add_working_days(monday, 5) == date(2024, 3, 11)
    fresh = hotline(city, area="370811002", name="李某")
    late_emergency = hotline(city, area="370811002", name="赵某", emergency=True,
                             reported_at=timezone.now() - timedelta(hours=25))  # fmt: skip
    in_hours = hotline(city, name="孙某", emergency=True, reported_at=timezone.now() - timedelta(hours=23))
    assert late_emergency.due_at == late_emergency.reported_at + timedelta(hours=24)
    assert old.overdue_at(timezone.now()) and late_emergency.overdue_at(timezone.now())
    assert not fresh.overdue_at(timezone.now()) and not in_hours.overdue_at(timezone.now())

    page = client_for(city["county"]).get("/discovery/")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="by-township"' in html
    rows = {r["township"].code: (r["open"], r["overdue"]) for r in page.context["by_township"]}
    assert rows == {"370811001": (2, 1), "370811002": (2, 1)}
    overdue = client_for(city["county"]).get("/discovery/?overdue=1")
    assert {t.pk for t in overdue.context["page"].object_list} == {old.pk, late_emergency.pk}
    # the township's own queue has only its tasks; another township's task is a 404
    mine = client_for(city["clerk"]).get("/discovery/")
    assert {t.pk for t in mine.context["page"].object_list} == {old.pk, in_hours.pk}
    assert client_for(city["clerk"]).get(f"/discovery/{fresh.pk}/").status_code == 404
    # visited: no longer overdue; the visit came after the limit
    services.visit(city["clerk"], old, on=date.today(), note="已入户，老人需要照料")
    old.refresh_from_db()
    assert old.state == "visited" and not old.overdue_at(timezone.now()) and old.in_time is False
    # every write in the audit trail, each task's own
    assert [e.action for e in AuditEvent.objects.filter(object_type="discovery_task", object_id=str(old.pk))
            .order_by("id")] == ["discovery.record", "discovery.visit"]  # fmt: skip
    assert AuditEvent.objects.filter(action="discovery.record").count() == 4
    book = load_workbook(io.BytesIO(client_for(city["county"]).get("/discovery/tasks.xlsx").content))
    assert book.active.max_row == 5 and book.active["B2"].value == "热线求助"


def test_a_hotline_report_turned_into_an_application(city, poor_household):
    member = poor_household.members.order_by("id").first()
    task = hotline(city, id_number=member.id_number)
    assert (task.household_id, task.person_id, task.area_code) == (poor_household.pk, member.pk,
                                                                   poor_household.village_id)  # fmt: skip
    clerk = client_for(city["clerk"])
    page = clerk.get(f"/discovery/{task.pk}/")
    assert 'id="apply-form"' in page.content.decode() and 'id="task-temporary"' in page.content.decode()
    from safetynet.cases.models import Case

    before = Case.objects.count()
    response = clerk.post(f"/discovery/{task.pk}/apply/", {"programme": "dibao", "applicant": member.pk,
                                                           "on": date.today().isoformat()})  # fmt: skip
    if response.status_code == 422:  # the household signed no authorisation: said beside the form
        assert Case.objects.count() == before
        task.refresh_from_db()
        assert task.state == "open"
        from safetynet.registry import services as registry_services

        for p in poor_household.members.all():
            registry_services.record_authorization(city["clerk"], person=p, programme="dibao", on=date.today())
        response = clerk.post(f"/discovery/{task.pk}/apply/", {"programme": "dibao", "applicant": member.pk,
                                                               "on": date.today().isoformat()})  # fmt: skip
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.state, task.outcome) == ("closed", "application")
    assert task.case.household_id == poor_household.pk and response["Location"] == f"/cases/{task.case_id}/"
    assert "已受理申请" in clerk.get(f"/discovery/{task.pk}/").content.decode()
    actions = list(AuditEvent.objects.filter(object_type="discovery_task", object_id=str(task.pk))
                   .values_list("action", flat=True))  # fmt: skip
    assert actions == ["discovery.record", "discovery.close"]


def test_an_unknown_person_needs_a_name_and_a_valid_id_number(city):
    with pytest.raises(InputError) as exc:
        services.record_lead(city["county"], source="hotline", area_code="370811001", situation="困难",
                             reported_at=timezone.now(), id_number="370811199001011235")  # fmt: skip
    assert [e.path for e in exc.value.errors] == ["id_number"]
    with pytest.raises(InputError) as exc:
        services.record_lead(city["county"], source="hotline", area_code="370811001", situation="困难",
                             reported_at=timezone.now())  # fmt: skip
    assert [(e.path, e.code) for e in exc.value.errors] == [("name", "discovery_who")]
    # a village's report is the township's to record, not the county's
    response = client_for(city["county"]).post("/discovery/new/", {
        "source": "village", "area": "370811001", "situation": "困难", "name": "王某",
        "reported_at": "2024-03-04T09:00"})
    assert response.status_code == 422 and "王某" in response.content.decode()  # nothing typed lost
    assert not DiscoveryTask.objects.exists()


def _missed(city, household, run=None, kind="missed_dibao"):
    member = household.members.order_by("id").first()
    return LedgerItem.objects.create(kind=kind, area=Area.objects.get(code=household.village_id),
                                     household_no=household.household_no or "H1", id_number=member.id_number,
                                     programme="dibao", month=date(2024, 3, 1), evidence="家庭收入低于低保标准，未纳入",
                                     sources="户籍、社保", found_by=run)  # fmt: skip


def test_screening_findings_become_tasks_once(city, poor_household, django_capture_on_commit_callbacks):
    run = CheckRun.objects.create(kind="screening", area=Area.objects.get(code="370811"), month=date(2024, 3, 1))
    item = _missed(city, poor_household, run)
    LedgerItem.objects.create(kind="deceased_beneficiary", area=item.area, household_no="X", month=item.month,
                              evidence="死亡", sources="公安", found_by=run)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        run.status, run.finished_at = "done", timezone.now()
        run.save()
    task = DiscoveryTask.objects.get()
    assert (task.source, task.ledger_item_id, task.household_id) == ("screening", item.pk, poor_household.pk)
    assert services.from_ledger(None) == 0  # never twice for one finding
    with django_capture_on_commit_callbacks(execute=True):
        run.save()
    assert DiscoveryTask.objects.count() == 1
    queue = client_for(city["clerk"]).get("/discovery/?source=screening")
    assert [t.pk for t in queue.context["page"].object_list] == [task.pk]
    (audit,) = AuditEvent.objects.filter(action="discovery.screening")  # one per township, naming its tasks
    assert (audit.area_code, audit.details["tasks"], audit.details["ledger_items"]) == ("370811001", [task.pk],
                                                                                         [item.pk])  # fmt: skip


def test_closed_as_referred_needs_the_households_referral(city, poor_household):
    from safetynet.referrals import services as referrals

    task = hotline(city, id_number=poor_household.members.first().id_number)
    with pytest.raises(InputError):
        services.close(city["clerk"], task, outcome="referred", note="转住建")
    referral = referrals.refer(city["clerk"], household=poor_household, department="housing", category="rental",
                               need="房屋漏雨", on=date.today())  # fmt: skip
    response = client_for(city["clerk"]).post(f"/discovery/{task.pk}/close/", {
        "outcome": "referred", "referral": referral.pk, "note": "已转住建部门"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.state, task.outcome, task.referral_id) == ("closed", "referred", referral.pk)
    # the figures: one hotline task closed as referred
    fig = client_for(city["county"]).get("/discovery/figures/")
    assert fig.status_code == 200 and fig.context["total"].outcomes == {"referred": 1}
    api = client_for(city["county"]).get("/api/v1/discovery/figures").json()
    assert api["sources"]["hotline"]["outcomes"]["referred"] == 1


JUNK = {"page": "-1", "q": "'\"<>", "month": "0000-00", "township": "999", "village": "1", "source": "x",
        "state": "?", "overdue": "2", "outcome": "x", "status": "x", "area": "1", "id_number": "abc",
        "reported_at": "yesterday", "on": "2024-02-30", "note": "", "referral": "x", "programme": "x",
        "applicant": "x", "kind": "x", "cause": "x", "case": "x", "home": "x", "code": "", "county": "9"}


@pytest.mark.parametrize("who", ["clerk", "county", "auditor", "funeral_home"])
def test_garbage_in_discovery_and_funeral_pages_is_never_a_server_error(city, poor_household, who):
    task = hotline(city, id_number=poor_household.members.first().id_number)
    c = client_for(city[who])
    gets = ["/discovery/", "/discovery/tasks.xlsx", "/discovery/figures/", "/discovery/figures.xlsx",
            f"/discovery/{task.pk}/", f"/discovery/{task.pk}/temporary/", "/funerals/", "/funerals/claims.xlsx",
            "/funerals/homes/", "/funerals/statements/", "/funerals/figures/", "/funerals/figures.xlsx",
            "/api/v1/discovery", "/api/v1/funerals/claims", "/funerals/new/"]  # fmt: skip
    posts = ["/discovery/new/", f"/discovery/{task.pk}/visit/", f"/discovery/{task.pk}/close/",
             f"/discovery/{task.pk}/apply/", f"/discovery/{task.pk}/identify/", f"/discovery/{task.pk}/temporary/",
             f"/discovery/{task.pk}/nonsense/", f"/discovery/{task.pk}/link/", "/funerals/new/", "/funerals/homes/",
             "/funerals/statements/"]
    for url in gets:
        assert c.get(url, JUNK).status_code < 500, url
    for url in posts:
        assert c.post(url, JUNK).status_code < 500, url
