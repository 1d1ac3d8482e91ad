"""Tekun in practice (issue 11, points 1-4 and their figures): where a person is supported (集中 /
分散; institutions with beds and residents), care at home (caregiver, agreement, visits; the
township's lists), the self-care assessment as a record (a changed level re-prices the case from
the next month: the payroll pays it), and single-person dibao households meeting the tekun
conditions (moved by one decision, or kept on dibao by signed choice)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from safetynet.care import selectors, services
from safetynet.care.models import Placement
from safetynet.cases import services as cases
from safetynet.cases.models import Case
from safetynet.payments import services as payroll
from safetynet.policy import idnumber
from safetynet.policy.errors import InputError
from safetynet.registry import services as registry
from safetynet.registry.cards import with_check_digit
from safetynet.registry.models import Area
from safetynet.supervision.models import AuditEvent
from tests.office.conftest import TODAY

ALL = {k: True for k in ("eating", "dressing", "bed", "toilet", "walking", "bathing")}


def _clerk(city, village: str):
    return city["wenshang_clerk"] if village.startswith("370830") else city["clerk"]


def _alone(city, seed: int, village: str = "370811001001", *, adl: int = 0):
    """A person alone, born 1943 (past the elderly age), no income, no obligor able to support:
    tekun (and dibao) eligible; ``adl`` daily activities not achieved."""
    number = idnumber.generate(village[:6], date(1943, 5, 1), seed, "male")
    household = registry.create_household(_clerk(city, village), village=Area.objects.get(code=village), hukou="rural",
                                          address=f"张庄村{seed}号", members=[{
                                              "id_number": number, "name": f"张老{seed}", "relation": "head",
                                              "able_obligor": False, "adl_unmet": adl,
                                              "bank_card": with_check_digit(f"622848{seed:012d}"),
                                          }])  # fmt: skip
    head = household.members.get()
    cases.record_authorization(_clerk(city, village), id_number=number, signed_on=TODAY, document=f"SQ{seed}",
                               person=head)  # fmt: skip
    return household, head


def _investigated(city, household, programme: str = "tekun", on: date = TODAY) -> Case:
    head = household.members.get(relation="head")
    clerk = _clerk(city, household.village_id)
    c = cases.start_precheck(clerk, household=household, programme=programme, applicant=head, on=on)
    c = cases.accept(clerk, c, version=c.version, on=on)
    return cases.record_home_visit(clerk, c, version=c.version, on=on + timedelta(days=1),
                                   investigators=["甲", "乙"], family_signed=True, findings="属实")


def _approved(city, household, programme: str = "tekun") -> Case:
    """Approved on 2024-03-14, paid from April; by a script that gives no support mode (the mode
    "not recorded" until a decision records it: ``_mode``)."""
    c = _investigated(city, household, programme)
    c = cases.approve(city["approver"], c, version=c.version, on=date(2024, 3, 6))
    return cases.close_notice(city["approver"], c, version=c.version, on=date(2024, 3, 14))


def _mode(city, case, mode: str, institution=None, on: date = date(2024, 3, 20)):
    """The support mode recorded by a decision on the approved case (``change_support``)."""
    case.refresh_from_db()
    return services.change_support(city["approver"], case, version=case.version, on=on, support_mode=mode,
                                   institution=institution.pk if institution else None,
                                   reason="登记供养方式", care_acknowledged=True)  # fmt: skip


@pytest.fixture
def tekun(city):
    household, _head = _alone(city, 1, "370811001002")
    case = _approved(city, household)
    assert case.state == "approved" and case.monthly_amount_fen > 0
    return case


@pytest.fixture
def home(city):
    return services.register_institution(city["county"], name="唐口街道敬老院", county="370811", capacity=1,
                                         township="370811001")  # fmt: skip


# ---- 1. where a tekun person is supported --------------------------------------------------


def test_a_case_approved_without_a_mode_is_listed_until_a_decision_records_it(city, tekun, home):
    prefix = "370811"
    assert selectors.not_recorded(prefix, date(2024, 3, 20)) == [tekun]
    figures = selectors.support_modes(prefix, date(2024, 3, 20))
    assert figures["by_mode"]["not_recorded"] == 1 and figures["concentration_rate"] is None
    _mode(city, tekun, "concentrated", home)
    assert services.residents(home, date(2024, 3, 20)) == 1
    assert selectors.not_recorded(prefix, date(2024, 3, 21)) == []
    assert selectors.not_recorded(prefix, date(2024, 3, 19)) == [tekun]  # as of the day before the decision


def test_support_modes_counts_by_mode_institution_level_and_the_concentration_rate(city, home):
    home.capacity = 5
    home.save()
    made = []
    rows = ((11, 4, "concentrated"), (12, 6, "concentrated"), (13, 5, "dispersed"), (14, 0, "dispersed"), (15, 2, None))
    for seed, adl, mode in rows:
        household, _ = _alone(city, seed, adl=adl)
        case = _approved(city, household)
        if mode:
            _mode(city, case, mode, home if mode == "concentrated" else None)
        made.append(case)
    figures = selectors.support_modes("370811", date(2024, 3, 25))
    assert figures["persons"] == 5
    assert figures["by_mode"] == {"concentrated": 2, "dispersed": 2, "not_recorded": 1}
    assert figures["by_level"] == {"self_care": 1, "partial": 1, "complete": 3}
    assert figures["by_institution"] == [{"id": home.pk, "name": "唐口街道敬老院", "county": "任城区", "capacity": 5,
                                         "persons": 2}]
    assert (figures["complete"], figures["complete_concentrated"]) == (3, 2)
    assert str(figures["concentration_rate"]) == "66.7"
    # scoped: 汶上 sees none of 任城's
    assert selectors.support_modes("370830", date(2024, 3, 25))["persons"] == 0
    assert selectors.support_modes(None)["persons"] == 0


# ---- 2. care at home ------------------------------------------------------------------------


def test_home_care_lists_caregiver_agreement_expiring_and_overdue_visit(city, tekun):
    on = date(2024, 3, 20)
    _mode(city, tekun, "dispersed", on=on)
    row = selectors.home_care("370811001", on)[0]
    assert row["no_caregiver"] and row["no_agreement"] and not row["visit_overdue"]
    with pytest.raises(InputError) as exc:
        services.add_caregiver(city["clerk"], tekun, name="王小二", id_number="370811198001010010", relation="侄子",
                               phone="13800000000", since=on)
    assert exc.value.errors[0].path == "id_number" and "校验码" in exc.value.message("zh")
    number = idnumber.generate("370811", date(1980, 1, 1), 7, "male")
    carer = services.add_caregiver(city["clerk"], tekun, name="王小二", id_number=number, relation="侄子",
                                   phone="13800000000", since=on)
    services.record_agreement(city["clerk"], tekun, caregiver=carer, number="WT-2024-001",
                              parties="唐口街道办事处、供养对象、王小二", starts_on=on, ends_on=date(2024, 12, 31),
                              duties="日常起居照料、代购生活用品、就医陪护", allowance_to="caregiver")  # fmt: skip
    row = selectors.home_care("370811001", date(2024, 4, 1), expiring_days=30)[0]
    assert not (row["no_caregiver"] or row["no_agreement"] or row["expiring"])
    # the agreement ends within 30 days of 2024-12-10; the interval (30 days) passed with no visit
    row = selectors.home_care("370811001", date(2024, 12, 10), expiring_days=30)[0]
    assert row["expiring"] and row["visit_overdue"] and row["visit_due"] == on + timedelta(days=30)
    services.record_visit(city["clerk"], tekun, visited_on=date(2024, 12, 1), visitor="网格员李", findings="生活正常")
    assert not selectors.home_care("370811001", date(2024, 12, 10))[0]["visit_overdue"]
    assert selectors.home_care("370811002", date(2024, 12, 10)) == []  # another township's list


def test_caregiver_and_agreement_only_for_a_dispersed_person(city, tekun, home):
    _mode(city, tekun, "concentrated", home)
    with pytest.raises(InputError) as exc:
        services.record_visit(city["clerk"], tekun, visited_on=date(2024, 3, 21), visitor="甲", findings="好")
    assert exc.value.errors[0].code == "care_not_dispersed"


# ---- 3. self-care assessment ----------------------------------------------------------------


def test_an_assessment_that_changes_the_level_changes_next_months_payment(city, tekun, settings):
    settings.SAFETYNET_TODAY = date(2024, 4, 15)
    township = Area.objects.get(code="370811001")
    april = payroll.approve_payroll(city["approver"], payroll.run_payroll(city["city_admin"], month=date(2024, 4, 1),
                                                                          township=township, programme="tekun"))
    old = tekun.monthly_amount_fen
    assert [p.amount_fen for p in april.payments.filter(case=tekun)] == [old]

    owed = services.report_change(city["clerk"], tekun, reason="change", reported_on=date(2024, 4, 8))
    assert owed.due_on == date(2024, 4, 22)  # 10 working days (tekun_reassessment_limit)
    achieved = ALL | {"bathing": False, "walking": False, "toilet": False, "bed": False}
    a = services.record_assessment(city["approver"], tekun, achieved=achieved, assessor_kind="third_party",
                                   assessor="济宁康养评估中心", assessed_on=date(2024, 4, 12))  # fmt: skip
    assert (a.unmet, a.level, a.previous_level) == (4, "complete", "self_care")
    tekun.refresh_from_db()
    assert tekun.applicant.adl_unmet == 4 and tekun.monthly_amount_fen > old
    assert a.decision is not None and a.decision.data["effective"] == "2024-05-01"
    assert selectors.reassessments_due("370811").count() == 0

    settings.SAFETYNET_TODAY = date(2024, 5, 6)
    page = client_for(city["approver"]).get(f"/care/cases/{tekun.pk}/").content.decode()
    assert 'data-from="2024-05"' in page and "已重新核定" in page
    may = payroll.run_payroll(city["city_admin"], month=date(2024, 5, 1), township=township, programme="tekun")
    assert [p.amount_fen for p in may.payments.filter(case=tekun)] == [tekun.monthly_amount_fen]
    assert may.payments.get(case=tekun).for_month == date(2024, 5, 1)


def test_an_assessment_at_the_same_level_records_without_a_decision(city, tekun):
    a = services.record_assessment(city["clerk"], tekun, achieved=ALL, assessor_kind="township",
                                   assessor="唐口街道办事处", assessed_on=date(2024, 3, 20))  # fmt: skip
    assert a.level == "self_care" and a.decision is None
    with pytest.raises(InputError) as exc:
        services.record_assessment(city["clerk"], tekun, achieved={"eating": True}, assessor_kind="township",
                                   assessor="唐口", assessed_on=date(2024, 3, 20))  # fmt: skip
    assert "自主穿衣" in exc.value.message("zh")


def test_the_level_is_the_policy_floors(city):
    from safetynet.care.levels import care_level

    assert [care_level(n) for n in range(7)] == ["self_care"] + ["partial"] * 3 + ["complete"] * 3


# ---- 4. single-person dibao households -------------------------------------------------------


def _single_dibao(city, seed: int) -> Case:
    household, _ = _alone(city, seed)
    return _approved(city, household, programme="dibao")


def test_a_single_person_dibao_household_meeting_tekun_is_moved_by_one_decision(city):
    dibao = _single_dibao(city, 21)
    assert dibao in selectors.singles("370811001")
    assert selectors.singles("370811002") == []
    tekun = _investigated(city, dibao.household, on=date(2024, 4, 1))
    with pytest.raises(InputError) as exc:  # the approval in the move carries the support mode too
        services.move_to_tekun(city["approver"], dibao, tekun=tekun, on=date(2024, 4, 3))
    assert exc.value.errors[0].path == "support_mode"
    move = services.move_to_tekun(city["approver"], dibao, tekun=tekun, on=date(2024, 4, 3), support_mode="dispersed")
    assert tekun.events.get(transition="approve").data["support"]["mode"] == "dispersed"
    assert selectors.singles("370811001") == []
    move = services.complete_move(city["approver"], move, on=date(2024, 4, 10))
    dibao.refresh_from_db()
    tekun.refresh_from_db()
    assert (dibao.state, tekun.state) == ("terminated", "approved")
    assert dibao.entitlement_until == tekun.entitlement_from == date(2024, 5, 1)
    township = Area.objects.get(code="370811001")
    for programme, case in (("dibao", dibao), ("tekun", tekun)):
        run = payroll.run_payroll(city["city_admin"], month=date(2024, 5, 1), township=township, programme=programme)
        paid = list(run.payments.filter(case=case, for_month=date(2024, 5, 1)).values_list("amount_fen", flat=True))
        assert paid == ([] if programme == "dibao" else [tekun.monthly_amount_fen])
    assert AuditEvent.objects.filter(action__in=("care.move", "care.complete_move")).count() == 2


def test_staying_on_dibao_by_signed_choice_leaves_the_list(city):
    dibao = _single_dibao(city, 22)
    with pytest.raises(InputError) as exc:
        services.record_dibao_choice(city["clerk"], dibao, signed_on=date(2024, 3, 20), document=" ")
    assert exc.value.errors[0].path == "document"
    services.record_dibao_choice(city["clerk"], dibao, signed_on=date(2024, 3, 20), document="ZY-2024-003")
    assert selectors.singles("370811") == []
    with pytest.raises(InputError) as exc:
        services.record_dibao_choice(city["clerk"], dibao, signed_on=date(2024, 3, 21), document="ZY-2024-004")
    assert exc.value.errors[0].code == "care_already_decided"


def test_a_family_of_two_is_not_on_the_singles_list(city, poor_household):
    _approved(city, poor_household, programme="dibao")
    assert selectors.singles("370811") == []


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# ---- pages, API, Excel ----------------------------------------------------------------------


def test_the_care_page_records_a_placement_and_keeps_what_was_typed_on_an_error(city, tekun, home):
    c = client_for(city["clerk"])
    page = c.get(f"/cases/{tekun.pk}/")
    assert "供养方式未登记" in page.content.decode()
    r = c.post(f"/care/cases/{tekun.pk}/", {"kind": "caregiver", "caregiver-name": "王小二",
                                            "caregiver-id_number": "370811198001010010", "caregiver-relation": "侄子",
                                            "caregiver-phone": "138", "caregiver-since": "2024-03-20"})  # fmt: skip
    body = r.content.decode()
    assert r.status_code == 200 and "error-summary" in body and "王小二" in body
    assert "只有分散供养的对象" in body
    _mode(city, tekun, "dispersed")
    r = c.post(f"/care/cases/{tekun.pk}/", {"kind": "caregiver", "caregiver-name": "王小二",
                                            "caregiver-id_number": "370811198001010010", "caregiver-relation": "侄子",
                                            "caregiver-phone": "138", "caregiver-since": "2024-03-20"})  # fmt: skip
    body = r.content.decode()
    assert 'id="id_caregiver-id_number-error"' in body and "校验码" in body
    # a change of mode is a decision on the case page (asked first there), not a record here
    care_page = c.get(f"/care/cases/{tekun.pk}/").content.decode()
    assert "kind\" value=\"place" not in care_page and "在案件页作出决定" in care_page
    # another township's clerk: the case does not exist for them
    assert client_for(city["other_clerk"]).get(f"/care/cases/{tekun.pk}/").status_code == 404


def test_lists_page_excel_and_api_are_scoped(city, tekun, settings):
    settings.SAFETYNET_TODAY = date(2024, 6, 3)
    _mode(city, tekun, "dispersed")
    page = client_for(city["clerk"]).get("/care/").content.decode()
    assert tekun.applicant.name in page and "逾期" in page
    assert tekun.applicant.name not in client_for(city["other_clerk"]).get("/care/").content.decode()
    x = client_for(city["county"]).get("/care/lists.xlsx")
    assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxmlformats")
    api = client_for(city["county"]).get("/api/v1/care/lists").json()
    row = api["home_care"][0]
    assert row["case"] == tekun.pk and row["no_caregiver"] and row["visit_overdue"]
    assert client_for(city["wenshang_clerk"]).get("/api/v1/care/lists").json()["home_care"] == []
    f = client_for(city["county"]).get("/api/v1/care/figures").json()
    assert f["by_mode"]["dispersed"] == 1 and f["concentration_rate"] is None  # no one complete yet
    bad = client_for(city["clerk"]).post(f"/api/v1/care/cases/{tekun.pk}/visits", {"visitor": "甲"},
                                         content_type="application/json")  # fmt: skip
    assert bad.status_code == 422


def test_the_demo_has_a_home_with_residents_carers_an_overdue_visit_and_a_level_change(db):
    from safetynet.care import demo as care_demo
    from safetynet.care.models import Assessment, Institution
    from safetynet.site import demo as site_demo
    from safetynet.web import clock

    site_demo.seed(households=14)
    today = clock.today()
    care_demo.seed(today)
    assert Institution.objects.count() >= 2
    assert Placement.objects.filter(mode="concentrated").exists() or selectors.support_modes("3708")["complete"] == 0
    rows = selectors.home_care("3708", today)
    assert any(r["visit_overdue"] for r in rows) and any(not r["no_agreement"] for r in rows)
    assert Assessment.objects.filter(decision__isnull=False).exists()
    assert selectors.not_recorded("3708", today - timedelta(days=60)) == []
    # the demo's township approver (汶上县城关街道) has a tekun case awaiting the approval with its mode
    waiting = Case.objects.filter(programme="tekun", area_code__startswith="370830001", state="investigated")
    assert waiting.exists()
    case = waiting.get(applicant__name="孤老001待批")
    from django.contrib.auth import get_user_model

    approver = get_user_model().objects.get(username="approver_370830")
    page = client_for(approver).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="approve-support_mode"' in page  # the approval's form, the mode beside the opinion


def test_the_care_pages_in_english(city, tekun):
    c = client_for(city["clerk"])
    c.cookies["django_language"] = "en"
    body = c.get(f"/care/cases/{tekun.pk}/").content.decode()
    assert "Support mode not recorded" in body and "Record a change of self-care" in body
    r = c.post(f"/care/cases/{tekun.pk}/", {"kind": "visit", "visit-visited_on": "2024-03-20", "visit-visitor": "甲",
                                            "visit-findings": "好"})  # fmt: skip
    assert "supported at home only" in r.content.decode()
    assert "Tekun persons" in c.get("/care/").content.decode()


def test_a_clerks_assessment_that_changes_the_level_is_refused_and_nothing_written(city, tekun):
    from safetynet.care.models import Assessment

    c = client_for(city["clerk"])
    data = {"kind": "assess", "assess-assessor_kind": "township", "assess-assessor": "唐口街道",
            "assess-assessed_on": "2024-03-20", **{f"assess-item_{k}": "no" for k in ALL}}  # fmt: skip
    r = c.post(f"/care/cases/{tekun.pk}/", data)
    assert "须重新核定保障金：请由乡镇审核确认人员登记" in r.content.decode()
    assert 'value="唐口街道"' in r.content.decode()  # nothing typed lost
    tekun.refresh_from_db()
    assert tekun.applicant.adl_unmet == 0 and tekun.state == "approved" and not Assessment.objects.exists()


def test_the_singles_page_records_the_choice_and_the_move_asks_first(city):
    dibao = _single_dibao(city, 23)
    c = client_for(city["approver"])
    assert f"/care/singles/{dibao.pk}/" in c.get("/care/").content.decode()
    page = c.get(f"/care/singles/{dibao.pk}/").content.decode()
    assert page.count("data-confirm") == 1  # the move asks first; the signed choice is a record
    r = c.post(f"/care/singles/{dibao.pk}/", {"kind": "choice", "choice-signed_on": "2024-03-20",
                                              "choice-document": ""})  # fmt: skip
    assert "error-summary" in r.content.decode()
    r = c.post(f"/care/singles/{dibao.pk}/", {"kind": "choice", "choice-signed_on": "2024-03-20",
                                              "choice-document": "ZY-2024-009"})  # fmt: skip
    assert r.status_code == 302
    assert f"/care/singles/{dibao.pk}/" not in c.get("/care/").content.decode()
    assert "ZY-2024-009" in c.get(f"/care/singles/{dibao.pk}/").content.decode()
    assert client_for(city["other_approver"]).get(f"/care/singles/{dibao.pk}/").status_code == 404


def test_the_api_refuses_an_admission_beyond_the_beds_naming_the_field(city, tekun, home):
    household, _ = _alone(city, 31)
    other = _approved(city, household)
    c = client_for(city["approver"])

    def change(case, body):
        case.refresh_from_db()
        return c.post(f"/api/v1/cases/{case.pk}/steps/change_support", {"version": case.version, "on": "2024-03-20",
                                                                          "reason": "入住", **body},
                      content_type="application/json")  # fmt: skip

    ok = change(tekun, {"support_mode": "concentrated", "institution": home.pk})
    assert ok.status_code == 200 and Placement.objects.get(case=tekun).kind == "admission"
    full = change(other, {"support_mode": "concentrated", "institution": home.pk})
    assert full.status_code == 422
    assert "床位已满" in str(full.json()) and "institution" in str(full.json())
    assert client_for(city["wenshang_approver"]).post(
        f"/api/v1/cases/{other.pk}/steps/change_support",
        {"version": other.version, "on": "2024-03-20", "support_mode": "dispersed", "reason": "回家"},
        content_type="application/json").status_code == 404
    homes = client_for(city["county"]).get("/api/v1/care/institutions").json()
    assert homes == [{"id": home.pk, "name": "唐口街道敬老院", "county": "370811", "capacity": 1, "residents": 1}]
