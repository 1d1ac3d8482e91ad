"""The approver decides on the file (issue 9, points 4 and 5): the department data on the case,
the household, the queue and the problem ledger; the opinion (审核意见) in the decision; an
approval against a "not eligible" check only on a written opinion, seen and counted by the
county; separation of duties; acts dated more than 5 working days back (补录) need a reason and a
second approver's confirmation."""

from __future__ import annotations

import json
from datetime import date, timedelta

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from safetynet.batch.feeds import write_item
from safetynet.cases import services
from safetynet.cases.backdating import replaying
from safetynet.cases.models import BackdatedAct, Case, CaseEvent
from safetynet.payments import services as payroll
from safetynet.policy import idnumber
from safetynet.policy.errors import InputError
from safetynet.registry.models import Area, Household
from safetynet.site import demo
from safetynet.supervision.models import AuditEvent, LedgerItem

from .conftest import TODAY
from .test_precheck_verification import deliver_wage


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def visited(city, household, *, visitor=None, on=TODAY) -> Case:
    """A case accepted and visited (by the clerk unless said), ready for the township's decision."""
    head = household.members.get(relation="head")
    case = services.start_precheck(city["clerk"], household=household, programme="dibao", applicant=head, on=on)
    case = services.accept(city["clerk"], case, version=case.version, on=on)
    return services.record_home_visit(visitor or city["clerk"], case, version=case.version, on=on,
                                      investigators=["张调查", "李调查"], family_signed=True,
                                      findings="家中无劳动力，收入与申报一致。")  # fmt: skip


@pytest.fixture
def not_eligible_case(city, poor_household, feed_store):
    """The tax bureau reports a 3000 yuan wage the household did not declare: the pre-check says
    the household no longer qualifies, while its declaration does."""
    deliver_wage(feed_store, poor_household.members.get(relation="head").id_number, 300000)
    return visited(city, poor_household)


# ---- point 4: department data reaches the decision -------------------------------------------


def test_the_check_is_on_the_case_the_household_and_the_approvers_queue(city, poor_household, not_eligible_case):
    case, head = not_eligible_case, poor_household.members.get(relation="head")
    approver = client_for(city["approver"])
    page = approver.get(f"/cases/{case.pk}/").content.decode()
    checks = page[page.index('id="checks"'):page.index('id="visits"')]
    assert "不再符合条件" in checks and "当日申请核对" not in checks
    assert "工资收入（月）" in checks and "3000.00" in checks and "税务局" in checks and head.name in checks
    assert head.id_number not in checks  # members named, not numbered
    household = approver.get(f"/households/{poor_household.pk}/").content.decode()
    assert 'id="checks"' in household and "不再符合条件" in household and "税务局" in household
    desk = approver.get("/desk/").content.decode()
    row = desk[desk.index(f'href="/cases/{case.pk}/"'):]
    row = row[:row.index("</tr>")]
    assert "不再符合条件" in row and "badge overdue" in row
    assert "城关" not in row or "370811001" not in row  # the village is shown with its township's name
    api = approver.get(f"/api/v1/cases/{case.pk}").json()
    assert api["latest_check"] == "no_longer_eligible"


def test_approving_against_the_check_needs_an_opinion_the_county_sees_and_counts(city, not_eligible_case):
    case = not_eligible_case
    with pytest.raises(InputError) as refused:
        services.approve(city["approver"], case, version=case.version, on=TODAY)
    (error,) = refused.value.errors
    assert error.path == "opinion" and error.code == "override_opinion_required"
    run = case.assessment["verification"]["run"]
    assert "不再符合条件" in error.message("zh") and f"批次 #{run}" in error.message()

    # The page: the warning above the form; a blank opinion is a field error, nothing typed is lost.
    approver = client_for(city["approver"])
    page = approver.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="override-warning"' in page
    r = approver.post(f"/cases/{case.pk}/steps/approve/", {"version": case.version, "on": TODAY.isoformat(),
                                                           "opinion": "  "})  # fmt: skip
    assert r.status_code == 422
    form = r.content.decode()
    assert "请填写审核意见" in form and 'class="error-summary"' in form
    assert Case.objects.get(pk=case.pk).state == "investigated"
    # The API names the field.
    api = approver.post(f"/api/v1/cases/{case.pk}/steps/approve", json.dumps(
        {"version": case.version, "on": TODAY.isoformat()}), content_type="application/json")  # fmt: skip
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == "opinion"

    opinion = "工资为 2023 年末已终止的临时务工收入，入户核实现无收入，不采纳核对结论。"
    r = approver.post(f"/cases/{case.pk}/steps/approve/", {"version": case.version, "on": TODAY.isoformat(),
                                                           "opinion": opinion})  # fmt: skip
    assert r.status_code == 302
    case = Case.objects.get(pk=case.pk)
    event = case.events.get(transition="approve")
    assert case.state == "notice" and event.overrides_check and event.data["opinion"] == opinion
    assert event.data["override"]["impact"] == "no_longer_eligible"
    assert case.latest_decision_opinion == opinion
    assert AuditEvent.objects.filter(action="case.approve", details__override__impact="no_longer_eligible").exists()

    # The county's deadline board lists it with the opinion; the figures count it.
    county = client_for(city["county"])
    board = county.get("/deadlines/").content.decode()
    listed = board[board.index('id="override-list"'):]
    assert f'href="/cases/{case.pk}/"' in listed and opinion in listed and "不再符合条件" in listed
    assert 'id="override-count">1<' in board
    figures = county.get(f"/reports/?from={TODAY:%Y-%m}&to={TODAY:%Y-%m}").content.decode()
    oversight = figures[figures.index('id="oversight"'):]
    assert "任城区" in oversight and '<td class="num override-count">1</td>' in oversight
    # Another township's approver does not see it.
    assert f'href="/cases/{case.pk}/"' not in client_for(city["other_approver"]).get("/deadlines/").content.decode()


def test_an_approval_the_check_confirms_needs_no_override(city, poor_household, feed_store):
    deliver_wage(feed_store, poor_household.members.exclude(relation="head").first().id_number, 0)
    case = visited(city, poor_household)
    case = services.approve(city["approver"], case, version=case.version, on=TODAY, opinion="同意。")
    event = case.events.get(transition="approve")
    assert not event.overrides_check and "override" not in event.data and case.latest_decision_opinion == "同意。"


@pytest.fixture
def register(feed_store):
    """The population register delivers a household not yet in the office's registry."""
    people = [("王老汉", "head", date(1945, 3, 1)), ("王大妈", "spouse", date(1947, 6, 1))]
    ids = [idnumber.generate("370811", born, n + 1, "male" if n == 0 else "female")
           for n, (_, _, born) in enumerate(people)]  # fmt: skip
    write_item(feed_store, "household_registration", date(2024, 2, 1), pl.DataFrame({
        "person_key": [int(i[:17]) for i in ids], "id_number": ids, "name": [p[0] for p in people],
        "household_no": ["370811001002-0099"] * 2, "area_code": ["370811001002"] * 2, "hukou": ["rural"] * 2,
        "relation": [p[1] for p in people], "father_id": [None, None], "mother_id": [None, None],
    }, schema_overrides={"father_id": pl.String, "mother_id": pl.String}))  # fmt: skip
    return ids


def test_a_ledger_item_names_the_person_where_they_live_and_starts_the_application(city, poor_household, register):
    Household.objects.filter(pk=poor_household.pk).update(household_no="370811001001-0001")
    head = poor_household.members.get(relation="head")
    case = visited(city, poor_household)
    village, new_village = Area.objects.get(code="370811001001"), Area.objects.get(code="370811001002")
    in_registry = LedgerItem.objects.create(
        kind="missed_dibao", area=village, household_no="370811001001-0001", programme="dibao",
        month=date(2024, 2, 1), evidence="核实家庭月收入 0.00元：符合低保条件", sources="income_tax")
    newcomer = LedgerItem.objects.create(
        kind="missed_tekun", area=new_village, household_no="370811001002-0099", id_number=register[0],
        programme="tekun", month=date(2024, 2, 1), evidence="本人核实月收入 0.00元：符合特困条件", sources="income_tax")
    clerk = client_for(city["clerk"])
    page = clerk.get("/verification/ledger/").content.decode()
    row = page[page.index(f'id="item-{in_registry.pk}"'):]
    row = row[:row.index("</tr>")]
    assert head.name in row and village.parent.name in row and village.name in row
    assert f'href="/households/{poor_household.pk}/"' in row and f'href="/cases/{case.pk}/"' in row
    assert f'href="/households/{poor_household.pk}/?programme=dibao#apply"' in row
    row = page[page.index(f'id="item-{newcomer.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "王老汉" in row and new_village.name in row and new_village.parent.name in row
    assert f'href="/households/new/?ledger={newcomer.pk}"' in row

    # Found by the household register number.
    found = clerk.get("/verification/ledger/?q=0099").content.decode()
    assert f'id="item-{newcomer.pk}"' in found and f'id="item-{in_registry.pk}"' not in found

    # One step: the intake form filled in with what the register knows.
    intake = clerk.get(f"/households/new/?ledger={newcomer.pk}").content.decode()
    assert 'value="王老汉"' in intake and f'value="{register[0]}"' in intake and 'value="王大妈"' in intake
    assert 'value="370811001002-0099"' in intake and 'value="370811001002" selected' in intake
    household = clerk.get(f"/households/{poor_household.pk}/?programme=dibao#apply").content.decode()
    assert 'id="apply"' in household

    # The county reads the ledger (masked numbers), without the button.
    county = client_for(city["county"]).get("/verification/ledger/").content.decode()
    assert "王老汉" in county and register[0] not in county and "data-apply" not in county


@pytest.mark.django_db
def test_no_missed_item_says_not_covered_of_someone_already_covered(tmp_path):
    from safetynet.batch import screen
    from safetynet.batch.facts import person_facts
    from safetynet.batch.generate import generate_city

    month = date(2026, 11, 1)
    generate_city(3000, tmp_path, month=month, seed=11, townships=3, villages=3)
    planted = pl.read_parquet(tmp_path / "planted.parquet")
    persons = screen.in_households(screen.with_links(person_facts(tmp_path, month), month).collect())
    persons = persons.drop("household_id")
    before = screen.screen_persons(persons, month)
    tekun = planted.filter(pl.col("kind") == "missed_tekun").row(0, named=True)
    dibao = planted.filter(pl.col("kind") == "missed_dibao").row(0, named=True)
    assert ("missed_tekun", tekun["id_number"]) in set(before.select("kind", "id_number").iter_rows())
    assert ("missed_dibao", dibao["household_no"]) in set(before.select("kind", "household_no").iter_rows())
    # The tekun-eligible person is on dibao; a member of the dibao-eligible household is on tekun.
    key = int(tekun["id_number"][:17])
    one = persons.filter(pl.col("household_no") == dibao["household_no"])["person_key"][0]
    covered = persons.with_columns(
        (pl.col("covered_dibao") | (pl.col("person_key") == key)).alias("covered_dibao"),
        (pl.col("covered_tekun") | (pl.col("person_key") == one)).alias("covered_tekun"),
    )
    after = screen.screen_persons(covered, month)
    missed = after.filter(pl.col("kind").is_in(["missed_dibao", "missed_tekun"]))
    assert tekun["id_number"] not in set(missed["id_number"].drop_nulls())
    assert dibao["household_no"] not in set(missed["household_no"])
    # everything else is still found
    others = before.filter(~pl.col("household_no").is_in([tekun["household_no"], dibao["household_no"]]))
    still = set(after.select("kind", "household_no").iter_rows())
    assert set(others.select("kind", "household_no").iter_rows()) <= still


# ---- point 5: the approver decides on the file -----------------------------------------------


def test_the_approval_page_shows_the_home_visit_and_the_opinion_goes_into_the_decision(city, poor_household):
    case = visited(city, poor_household)
    approver = client_for(city["approver"])
    page = approver.get(f"/cases/{case.pk}/").content.decode()
    visit = page[page.index('id="visits"'):page.index("下一步")]
    assert TODAY.isoformat() in visit and "张调查、李调查" in visit and "家中无劳动力" in visit
    assert "已签字" in visit and "窗口经办人员" in visit  # entered by the window clerk (named, never by login)
    assert "clerk" not in visit
    assert 'id="approve-opinion"' in page and 'id="refuse-opinion"' in page

    # Refusing without an opinion: the error beside the field, the reasons typed still there.
    r = approver.post(f"/cases/{case.pk}/steps/refuse/", {"version": case.version, "on": TODAY.isoformat(),
                                                          "reasons": "隐瞒工资收入", "opinion": ""})  # fmt: skip
    body = r.content.decode()
    assert r.status_code == 422 and "请填写审核意见" in body and "隐瞒工资收入</textarea>" in body
    r = approver.post(f"/cases/{case.pk}/steps/refuse/", {"version": case.version, "on": TODAY.isoformat(),
                                                          "reasons": "隐瞒工资收入", "opinion": "不同意，理由如上。"})
    assert r.status_code == 302
    case = Case.objects.get(pk=case.pk)
    event = CaseEvent.objects.get(case=case, transition="refuse")
    assert case.state == "refused" and event.data["opinion"] == "不同意，理由如上。" and event.note == "隐瞒工资收入"
    assert case.latest_decision_opinion == "不同意，理由如上。"
    assert 'id="decision-opinion">不同意，理由如上。<' in approver.get(f"/cases/{case.pk}/").content.decode()


def test_whoever_recorded_the_home_visit_does_not_decide_the_case(city, poor_household):
    case = visited(city, poor_household, visitor=city["approver"])
    with pytest.raises(PermissionDenied, match="入户调查"):
        services.approve(city["approver"], case, version=case.version, on=TODAY, opinion="同意")
    with pytest.raises(PermissionDenied):
        services.refuse(city["approver"], case, version=case.version, on=TODAY, reasons="不符合", opinion="不同意")
    page = client_for(city["approver"]).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="visitor-note"' in page
    api = client_for(city["approver"]).post(f"/api/v1/cases/{case.pk}/steps/approve", json.dumps(
        {"version": case.version, "on": TODAY.isoformat(), "opinion": "同意"}), content_type="application/json")
    assert api.status_code == 403 and "入户调查" in api.json()["detail"][0]["msg"]
    second = demo.make_staff("approver2", "approver", "370811001")
    case = services.approve(second, case, version=case.version, on=TODAY, opinion="同意")
    assert case.state == "notice"


def test_whoever_computed_a_payroll_does_not_approve_it(city, poor_household):
    case = visited(city, poor_household)
    case = services.approve(city["approver"], case, version=case.version, on=TODAY, opinion="同意")
    services.close_notice(city["approver"], case, version=case.version, on=TODAY + timedelta(days=8))
    township = Area.objects.get(code="370811001")
    run = payroll.run_payroll(city["approver"], month=date(2024, 4, 1), township=township, programme="dibao")
    assert run.computed_by == city["approver"]
    with pytest.raises(InputError) as refused:
        payroll.approve_payroll(city["approver"], run)
    assert refused.value.errors[0].code == "payroll_same_person"
    assert "编制发放名册的人员不能审核" in refused.value.errors[0].message("zh")
    run = payroll.run_payroll(city["city_admin"], month=date(2024, 4, 1), township=township, programme="dibao")
    assert payroll.approve_payroll(city["approver"], run).status == "approved"


# ---- backdated acts (补录): the office's own today --------------------------------------------

NOW = date(2026, 11, 30)  # a Monday; the office's clock in these tests
LONG_AGO = date(2026, 10, 12)  # well over 5 working days before NOW


@pytest.fixture
def office_today(monkeypatch):
    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: real(*a, **k) if a or k else NOW)
    return NOW


@pytest.fixture
def in_notice(city, poor_household, office_today):
    """A case approved on LONG_AGO, its history entered as it happened (a replay)."""
    with replaying():
        case = visited(city, poor_household, on=LONG_AGO)
        return services.approve(city["approver"], case, version=case.version, on=LONG_AGO, opinion="同意")


@pytest.mark.backdating
def test_an_act_dated_long_ago_waits_for_a_second_approver(city, in_notice):
    case = in_notice
    long_ago = case.notice_ends_on + timedelta(days=1)
    with pytest.raises(InputError) as refused:
        services.close_notice(city["approver"], case, version=case.version, on=long_ago)
    assert refused.value.errors[0].path == "on" and "补录原因" in refused.value.errors[0].message("zh")
    with pytest.raises(InputError):  # a reason alone does not make the step: it goes through take_step
        services.take_step(city["approver"], case, "close_notice", version=case.version, on=long_ago)

    act = services.take_step(city["approver"], case, "close_notice", version=case.version, on=long_ago,
                             backdate_reason="公示期满时系统故障，纸质台账已记录")  # fmt: skip
    assert isinstance(act, BackdatedAct) and act.status == "pending"
    case.refresh_from_db()
    assert case.state == "notice" and not case.events.filter(transition="close_notice").exists()
    with pytest.raises(services.TransitionError) as waiting:  # the case waits for the confirmation
        services.take_step(city["clerk"], case, "object", version=case.version, on=NOW, text="有异议")
    assert waiting.value.code == "backdate_pending"
    with pytest.raises(PermissionDenied, match="不能确认自己的补录"):
        services.confirm_backdated(city["approver"], act)
    with pytest.raises(PermissionDenied):  # another township's approver
        services.confirm_backdated(city["other_approver"], act)

    second = demo.make_staff("approver2", "approver", "370811001")
    case = services.confirm_backdated(second, act, note="核对纸质台账属实")
    assert case.state == "approved" and case.approved_on == long_ago
    event = case.events.get(transition="close_notice")
    assert event.on == long_ago and event.actor == city["approver"]
    assert event.data["backdated"] == {"act": act.pk, "reason": "公示期满时系统故障，纸质台账已记录",
                                       "requested_by": city["approver"].pk, "confirmed_by": second.pk}
    assert BackdatedAct.objects.get(pk=act.pk).status == "confirmed"
    audited = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk))
    actions = set(audited.values_list("action", flat=True))
    assert {"case.backdate_request", "case.backdate_confirm", "case.close_notice"} <= actions


@pytest.mark.backdating
def test_within_five_working_days_an_act_is_taken_at_once_and_a_check_starts_on_the_day(city, poor_household,
                                                                                         other_household,
                                                                                         office_today):
    head = poor_household.members.get(relation="head")
    five_back = date(2026, 11, 23)  # Monday a week before: 5 working days
    case = services.start_precheck(city["clerk"], household=poor_household, programme="dibao", applicant=head,
                                   on=five_back)  # fmt: skip
    result = services.take_step(city["clerk"], case, "accept", version=case.version, on=five_back)
    assert isinstance(result, Case) and result.state == "accepted"
    other = other_household.members.get(relation="head")
    with pytest.raises(InputError) as refused:
        services.start_precheck(city["other_clerk"], household=other_household, programme="dibao", applicant=other,
                                on=date(2026, 11, 20))  # fmt: skip
    assert refused.value.errors[0].code == "backdated_start"


@pytest.mark.backdating
def test_the_page_and_the_api_file_a_backdated_act_and_a_second_approver_confirms_or_refuses(city, in_notice):
    case = in_notice
    on = (case.notice_ends_on + timedelta(days=1)).isoformat()
    approver = client_for(city["approver"])
    page = approver.post(f"/cases/{case.pk}/steps/close_notice/", {"version": case.version, "on": on},
                         follow=True).content.decode()  # fmt: skip
    assert "补录原因" in page and Case.objects.get(pk=case.pk).state == "notice"
    page = approver.post(f"/cases/{case.pk}/steps/close_notice/", {"version": case.version, "on": on,
                                                                   "backdate_reason": "补录纸质记录"},
                         follow=True).content.decode()  # fmt: skip
    assert "已登记补录" in page and 'id="backdated-pending"' in page and 'data-backdated="confirm"' not in page
    act = BackdatedAct.objects.get()
    second_user = demo.make_staff("approver2", "approver", "370811001")
    second_user.first_name, second_user.last_name = "芳", "王"
    second_user.save(update_fields=["first_name", "last_name"])
    second = client_for(second_user)
    assert f'href="/cases/{case.pk}/#backdated-pending"' in second.get("/desk/").content.decode()
    refused = second.post(f"/api/v1/cases/{case.pk}/backdated/{act.pk}/refuse", json.dumps({"note": ""}),
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == "note"
    r = second.post(f"/api/v1/cases/{case.pk}/backdated/{act.pk}/refuse", json.dumps({"note": "无纸质记录佐证"}),
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "refused"
    assert Case.objects.get(pk=case.pk).state == "notice"

    # Through the API: 202 with the act; confirmed on the page by the second approver.
    api = approver.post(f"/api/v1/cases/{case.pk}/steps/close_notice", json.dumps(
        {"version": case.version, "on": on, "backdate_reason": "补录纸质记录（已找到）"}),
        content_type="application/json")  # fmt: skip
    assert api.status_code == 202 and api.json()["status"] == "pending"
    act = BackdatedAct.objects.get(pk=api.json()["id"])
    assert 'data-backdated="confirm"' in second.get(f"/cases/{case.pk}/").content.decode()
    done = second.post(f"/cases/{case.pk}/backdated/{act.pk}/confirm/", {"note": ""}, follow=True).content.decode()
    assert "补录已确认并生效" in done and Case.objects.get(pk=case.pk).state == "approved"
    assert "补录纸质记录（已找到）（经 王芳 确认）" in done  # named, never by login
