"""The support mode is part of the tekun decision (issue 11, point 1): the approval records it
(集中供养 with an institution that has a free bed, or 分散供养), refused without one, beside the
field; the placement is written from the decision; a later change (admission, transfer, return
home) is its own decision step, asked first and audited; the figures read the decisions as of a day
and count the same persons as the dashboard."""

from __future__ import annotations

from datetime import date

import pytest

from safetynet.care import selectors, services
from safetynet.care.models import Placement
from safetynet.cases import services as cases
from safetynet.cases.models import CaseEvent
from safetynet.policy.errors import InputError
from safetynet.supervision.models import AuditEvent
from tests.office.test_care import _alone, _investigated, client_for

APPROVED_ON, CLOSED_ON = date(2024, 3, 6), date(2024, 3, 14)


@pytest.fixture
def home(city):
    return services.register_institution(city["county"], name="唐口街道敬老院", county="370811", capacity=1,
                                         township="370811001")  # fmt: skip


@pytest.fixture
def second(city):
    return services.register_institution(city["county"], name="二十里铺街道敬老院", county="370811", capacity=5)


def _decided(city, seed: int, mode: str, institution=None, *, adl: int = 0, village: str = "370811001001"):
    """A tekun case approved with its support mode on 2024-03-06 and its notice closed on 03-14."""
    household, _ = _alone(city, seed, village, adl=adl)
    c = _investigated(city, household)
    approver = city["wenshang_approver"] if village.startswith("370830") else city["approver"]
    c = services.approve_tekun(approver, c, on=APPROVED_ON, opinion="符合条件", support_mode=mode,
                               institution=institution.pk if institution else None)  # fmt: skip
    return cases.close_notice(approver, c, version=c.version, on=CLOSED_ON)


def _change(city, case, mode: str, institution=None, on: date = date(2024, 4, 2), reason: str = "转院", **more):
    case.refresh_from_db()
    return services.change_support(city["approver"], case, version=case.version, on=on, support_mode=mode,
                                   institution=institution.pk if institution else None, reason=reason,
                                   **more)  # fmt: skip


# ---- the approval carries the mode ----------------------------------------------------------------------


def test_an_approval_without_a_mode_is_refused_beside_the_field_and_nothing_typed_is_lost(city, home):
    household, _ = _alone(city, 41)
    case = _investigated(city, household)
    c = client_for(city["approver"])
    page = c.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="approve-support_mode"' in page and "唐口街道敬老院（床位 1 张，在住 0 人，空余 1 张）" in page
    r = c.post(f"/cases/{case.pk}/steps/approve/", {"version": case.version, "on": "2024-03-06",
                                                    "opinion": "符合特困条件，同意"})  # fmt: skip
    body = r.content.decode()
    assert r.status_code == 422
    assert "请选择供养方式：集中供养（并选择有空余床位的供养服务机构）或分散供养" in body
    # beside the field: the message follows the mode's select, before the institution's label
    field = body.index('id="approve-support_mode"')
    assert field < body.index("请选择供养方式：集中供养", field) < body.index('for="approve-institution"')
    assert "符合特困条件，同意" in body  # the opinion typed is kept
    case.refresh_from_db()
    assert case.state == "investigated" and not Placement.objects.filter(case=case).exists()
    # concentrated without an institution: said beside the institution
    r = c.post(f"/cases/{case.pk}/steps/approve/", {"version": case.version, "on": "2024-03-06", "opinion": "同意",
                                                    "support_mode": "concentrated"})  # fmt: skip
    assert r.status_code == 422 and "集中供养须选择供养服务机构" in r.content.decode()
    chosen = {"support_mode": "concentrated", "institution": home.pk}
    r = c.post(f"/cases/{case.pk}/steps/approve/", {"version": case.version, "on": "2024-03-06", "opinion": "同意",
                                                    **chosen})  # fmt: skip
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == "notice" and Placement.objects.get(case=case).institution == home


def test_an_approval_into_a_full_institution_is_refused_and_nothing_written(city, home):
    _decided(city, 42, "concentrated", home)
    household, _ = _alone(city, 43)
    other = _investigated(city, household)
    with pytest.raises(InputError) as exc:
        cases.approve(city["approver"], other, version=other.version, on=APPROVED_ON, opinion="同意",
                      part={"support_mode": "concentrated", "institution": home.pk})  # fmt: skip
    assert exc.value.errors[0].path == "institution"
    assert "唐口街道敬老院床位已满（床位 1 张，在住 1 人），不能再入住" in exc.value.message("zh")
    other.refresh_from_db()
    assert other.state == "investigated" and not other.events.filter(transition="approve").exists()
    assert not Placement.objects.filter(case=other).exists()
    # the API says it on the field too
    api = client_for(city["approver"]).post(
        f"/api/v1/cases/{other.pk}/steps/approve", {"version": other.version, "on": "2024-03-06", "opinion": "同意",
                                                    "support_mode": "concentrated", "institution": home.pk},
        content_type="application/json")  # fmt: skip
    assert api.status_code == 422 and "床位已满" in str(api.json()) and "institution" in str(api.json())
    # and without a mode at all
    api = client_for(city["approver"]).post(
        f"/api/v1/cases/{other.pk}/steps/approve", {"version": other.version, "on": "2024-03-06", "opinion": "同意"},
        content_type="application/json")  # fmt: skip
    assert api.status_code == 422 and "support_mode" in str(api.json()) and "请选择供养方式" in str(api.json())


def test_a_dibao_approval_has_no_mode(city, poor_household):
    case = _investigated(city, poor_household, "dibao")
    page = client_for(city["approver"]).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="approve-support_mode"' not in page
    api = client_for(city["approver"]).post(
        f"/api/v1/cases/{case.pk}/steps/approve", {"version": case.version, "on": "2024-03-06", "opinion": "同意",
                                                   "support_mode": "dispersed"}, content_type="application/json")
    assert api.status_code == 422 and "最低生活保障的案件没有此项" in str(api.json())


def test_the_mode_is_on_the_decision_its_audit_record_and_the_approval_letter(city, home):
    from safetynet.notices.letters import letter_content

    case = _decided(city, 44, "concentrated", home)
    approval = case.events.get(transition="approve")
    support = {"mode": "concentrated", "institution": home.pk, "institution_name": "唐口街道敬老院"}
    assert approval.data["support"] == support
    placement = Placement.objects.get(case=case)
    assert (placement.decision, placement.started_on, placement.kind) == (approval, APPROVED_ON, "admission")
    audit = AuditEvent.objects.filter(action="case.approve", object_id=str(case.pk)).last()
    assert audit.details["support"] == support  # the decision's own audit record, written with the step
    letter = letter_content(case, case.events.get(transition="close_notice"))
    assert "供养方式：集中供养（唐口街道敬老院）。" in letter["body"]
    # the case page's care panel says which decision set it
    page = client_for(city["clerk"]).get(f"/cases/{case.pk}/").content.decode()
    assert "集中供养（唐口街道敬老院），自 2024-03-06（审核确认时决定）" in page


# ---- a later change is a decision step ---------------------------------------------------------------


def test_a_transfer_is_a_decision_on_the_case_asked_first_and_audited(city, home, second):
    case = _decided(city, 45, "concentrated", home)
    c = client_for(city["approver"])
    page = c.get(f"/cases/{case.pk}/").content.decode()
    at = page.index('id="change_support-form"')
    form = page[page.rindex("<form", 0, at):page.index(">", at)]  # the form's own tag
    assert 'data-confirm="变更供养方式是对本案的决定' in form
    # a clerk is not offered the step, and the service refuses them
    assert 'id="change_support-form"' not in client_for(city["clerk"]).get(f"/cases/{case.pk}/").content.decode()
    with pytest.raises(Exception):  # noqa: B017 - the role check's refusal (Forbidden)
        services.change_support(city["clerk"], case, version=case.version, on=date(2024, 4, 2),
                                support_mode="dispersed", reason="回家")  # fmt: skip
    # the reason and the institution are asked for, beside their fields
    r = c.post(f"/cases/{case.pk}/steps/change_support/", {"version": case.version, "on": "2024-04-02",
                                                           "support_mode": "concentrated"})  # fmt: skip
    body = r.content.decode()
    assert r.status_code == 422 and "集中供养须选择供养服务机构" in body
    r = c.post(f"/cases/{case.pk}/steps/change_support/", {"version": case.version, "on": "2024-04-02",
                                                           "support_mode": "concentrated", "institution": second.pk,
                                                           "reason": "原机构维修，转院"})  # fmt: skip
    assert r.status_code == 302
    event = CaseEvent.objects.get(case=case, transition="change_support")
    assert event.note == "原机构维修，转院" and event.on == date(2024, 4, 2)
    assert event.data["support"]["institution_name"] == "二十里铺街道敬老院"
    assert event.data["previous_support"]["institution_name"] == "唐口街道敬老院"
    assert [(p.kind, p.decision.transition) for p in case.placements.all()] == [
        ("admission", "approve"), ("transfer", "change_support")]
    assert services.residents(home, date(2024, 4, 2)) == 0 and services.residents(second, date(2024, 4, 2)) == 1
    assert AuditEvent.objects.filter(action="case.change_support", object_id=str(case.pk)).exists()
    # the same placement again is refused, beside the mode
    with pytest.raises(InputError) as exc:
        _change(city, case, "concentrated", second, on=date(2024, 4, 3))
    assert exc.value.errors[0].path == "support_mode"


def test_a_transfer_into_a_full_institution_is_refused_and_the_case_unchanged(city, home, second):
    _decided(city, 46, "concentrated", home)
    moving = _decided(city, 47, "dispersed")
    version = moving.version
    with pytest.raises(InputError) as exc:
        _change(city, moving, "concentrated", home, reason="入住")
    assert exc.value.errors[0].path == "institution" and "床位已满" in exc.value.message("zh")
    moving.refresh_from_db()
    assert moving.version == version and not moving.events.filter(transition="change_support").exists()
    assert [p.mode for p in moving.placements.all()] == ["dispersed"]


# ---- the figures read the decisions as of a day -------------------------------------------------------


def test_figures_as_of_a_day_before_and_after_a_transfer_and_a_return_home(city, home, second):
    second.capacity = 5
    second.save()
    unable = _decided(city, 48, "concentrated", home, adl=5)
    _decided(city, 49, "dispersed", adl=6)
    _decided(city, 50, "dispersed", adl=1)
    _change(city, unable, "concentrated", second, on=date(2024, 4, 2))
    _change(city, unable, "dispersed", on=date(2024, 5, 6), reason="本人要求回家，由侄子照料", care_acknowledged=True)

    def figures(day):
        f = selectors.support_modes("370811", day)
        return f["by_mode"], [(h["name"], h["persons"]) for h in f["by_institution"]], f["concentration_rate"]

    assert figures(date(2024, 3, 5)) == ({"concentrated": 0, "dispersed": 0, "not_recorded": 0}, [], None)
    assert figures(date(2024, 3, 20)) == ({"concentrated": 1, "dispersed": 2, "not_recorded": 0},
                                          [("唐口街道敬老院", 1)], 50)
    assert figures(date(2024, 4, 1)) == figures(date(2024, 3, 20))  # the day before the transfer
    assert figures(date(2024, 4, 2))[1] == [("二十里铺街道敬老院", 1)]  # the day of the transfer
    assert figures(date(2024, 5, 6)) == ({"concentrated": 0, "dispersed": 3, "not_recorded": 0}, [], 0)
    f = selectors.support_modes("370811", date(2024, 4, 2))
    assert f["by_level"] == {"self_care": 0, "partial": 1, "complete": 2} and f["complete_concentrated"] == 1


def test_the_figures_count_the_dashboards_persons_a_suspended_case_not_covered(city):
    from safetynet.reports.coverage import covered_cases

    kept = _decided(city, 51, "dispersed")
    paused = _decided(city, 52, "dispersed")
    cases.suspend(city["approver"], paused, version=paused.version, on=date(2024, 4, 2), reason="本人外出务工")
    day = date(2024, 4, 10)
    f = selectors.support_modes("370811", day)
    covered = set(covered_cases("370811", day).filter(programme="tekun").values_list("pk", flat=True))
    assert covered == {kept.pk} and f["persons"] == 1 == sum(f["by_mode"].values())
    assert selectors.support_modes("370811", date(2024, 3, 20))["persons"] == 2


# ---- what a newcomer found on the care pages ------------------------------------------------------------


def test_the_citys_lists_name_county_and_township_and_the_panel_says_an_overdue_visit(city, settings):
    settings.SAFETYNET_TODAY = date(2024, 6, 3)
    here = _decided(city, 53, "dispersed", village="370811001001")
    there = _decided(city, 53, "dispersed", village="370830001001")  # the same name, in 汶上县
    page = client_for(city["city_admin"]).get("/care/").content.decode()
    table = page[page.index('id="home-care"'):page.index('id="reassessments"')]
    for case, county in ((here, "任城区"), (there, "汶上县")):
        row = table[table.index(f'data-case="{case.pk}"'):]
        row = row[:row.index("</tr>")]
        assert f"#{case.pk}" in row and county in row and "逾期" in row
    assert table.count(f">{here.applicant.name}<") == 2 and table.count("<tr data-case") == 2  # two persons, once each
    panel = client_for(city["clerk"]).get(f"/cases/{here.pk}/").content.decode()
    visit = panel[panel.index('id="care-panel-visit"'):]
    visit = visit[:visit.index("</dd>")]
    assert "探访逾期" in visit and "2024-04-05" in visit  # 30 days after support at home began (03-06)


def test_a_change_of_mode_has_its_own_letter_which_is_then_the_case_s_latest(city, home):
    from safetynet.notices.letters import latest_decision
    from safetynet.notices.services import issue_letter

    case = _decided(city, 45, "concentrated", home)
    first = issue_letter(city["approver"], case)
    assert first.event.transition == "close_notice"
    case = _change(city, case, "dispersed", reason="本人要求回家居住")
    assert latest_decision(case).transition == "change_support" != first.event.transition
    printed = issue_letter(city["approver"], case)
    assert printed.pk != first.pk and printed.event.transition == "change_support"
    page = client_for(city["approver"]).get(f"/letters/{printed.pk}/").content.decode()
    assert "供养方式变更决定书" in page and "救助金额变更决定书" not in page
    assert ("因本人要求回家居住，经审核，决定自2024年4月2日起你的供养方式由集中供养（唐口街道敬老院）"
            "变更为分散供养。") in page
    assert "变更起始日期" in page and "行政复议" in page  # the day it applies from, the appeal route
    assert "月救助金额" not in page  # the amount is not what this decision decides
    # the public check page no longer calls the approval's letter the decision in force
    from safetynet.documents.models import Document
    from safetynet.documents.selectors import standing

    old = standing(Document.objects.get(letter=first))
    assert not old.current and old.by_number == Document.objects.get(letter=printed).number


def test_home_for_a_person_who_cannot_care_for_themselves_needs_the_caregiver_acknowledged(city, home, second):
    case = _decided(city, 46, "concentrated", home, adl=6)  # 完全丧失生活自理能力, no caregiver
    c = client_for(city["approver"])
    typed = {"version": case.version, "on": "2024-04-02", "support_mode": "dispersed", "reason": "本人要求回家"}
    r = c.post(f"/cases/{case.pk}/steps/change_support/", typed)
    body = r.content.decode()
    assert r.status_code == 422
    field = body.index('id="change_support-support_mode"')
    said = body.index("该对象经评估完全丧失生活自理能力，应优先集中供养", field)
    assert said < body.index('for="change_support-institution"')  # beside the mode, before the next field
    assert "本人要求回家" in body  # the reason typed is kept
    assert not case.events.filter(transition="change_support").exists()
    r = c.post(f"/cases/{case.pk}/steps/change_support/", {**typed, "care_acknowledged": "on"})
    assert r.status_code == 302
    event = case.events.get(transition="change_support")
    assert event.data["support"]["mode"] == "dispersed" and event.data["care_acknowledged"] is True
    # the API asks the same of the acknowledgement
    other = _decided(city, 48, "concentrated", second, adl=6)
    url = f"/api/v1/cases/{other.pk}/steps/change_support"
    body = {"version": other.version, "on": "2024-04-02", "support_mode": "dispersed", "reason": "回家"}
    r = c.post(url, body, content_type="application/json")
    assert r.status_code == 422 and "应优先集中供养" in str(r.json())
    r = c.post(url, {**body, "care_acknowledged": True}, content_type="application/json")
    assert r.status_code == 200, r.content
    # a person who can care for themselves goes home without it
    able = _decided(city, 47, "concentrated", second)  # the second home has beds left
    assert _change(city, able, "dispersed").events.filter(transition="change_support").exists()
