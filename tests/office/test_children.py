"""Children's allowances (孤儿、事实无人抚养儿童) and education aid (助学) on the programme frame:
applied for at the township window, the county approves a child's allowance, the payroll pays
the allowance monthly and a student's aid once per school year."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from safetynet.cases import programmes
from safetynet.cases import services as cases
from safetynet.children import services
from safetynet.children.models import AidApplication, ParentState
from safetynet.payments import services as payments
from safetynet.policy.children import PARENT_STATES
from safetynet.policy.errors import InputError
from safetynet.registry.models import Area
from safetynet.supervision.models import AuditEvent

TOWNSHIP = "370811001"


def step(actor, case, name, on, **fields):
    return cases.take_step(actor, case, name, version=case.version, on=on, **fields)


def codes(exc) -> list[str]:
    return [e.code for e in exc.value.errors]


def member_born(household, born: date):
    person = household.members.order_by("pk").last()
    person.birth_date = born
    person.save()
    return person


@pytest.fixture
def township(city):
    return Area.objects.get(code=TOWNSHIP)


def test_the_programmes_are_declared_on_the_frame():
    orphan, unsupported, aid = (programmes.get(c) for c in ("orphan", "unsupported_child", "education_aid"))
    assert (orphan.unit, orphan.schedule, orphan.opens_with) == ("person", "monthly", ("apply_child",))
    assert unsupported.steps == orphan.steps and "county_approve_child" in orphan.steps
    assert orphan.deciders(None, 0, date(2024, 3, 1)) == ("county_approver",)
    assert (aid.unit, aid.schedule, aid.opens_with) == ("person", "one_off", ("apply_aid",))
    assert programmes.opened_by("apply_aid") == [aid]
    assert set(ParentState.values) == set(PARENT_STATES)


def _child_case(city, household, *, father="dead", mother="imprisoned", born=date(2014, 5, 1)):
    child = member_born(household, born)
    return services.apply_child(city["clerk"], household=household, applicant=child, father=father, mother=mother,
                                documents="父亲死亡证明；母亲刑事判决书", on=date(2024, 3, 4))


def test_a_child_applies_at_the_township_and_the_county_approves(city, poor_household):
    case = _child_case(city, poor_household)
    assert (case.programme, case.state) == ("unsupported_child", "accepted")
    case = cases.record_home_visit(city["clerk"], case, version=case.version, on=date(2024, 3, 5),
                                   investigators=["张调查", "李调查"], family_signed=True, findings="由祖母照料")
    with pytest.raises(PermissionDenied):  # the township does not approve a child's allowance
        step(city["approver"], case, "county_approve_child", date(2024, 3, 6))
    case = step(city["approver"], case, "submit_child", date(2024, 3, 6), opinion="情况属实")
    assert case.state == "county"
    case = step(city["county_approver"], case, "county_approve_child", date(2024, 3, 7), opinion="同意")
    assert (case.state, case.monthly_amount_fen) == ("approved", 110_000)
    assert (case.entitlement_from, case.entitlement_until) == (date(2024, 4, 1), date(2032, 5, 1))
    assert AuditEvent.objects.filter(action="children.apply", object_id=str(case.pk)).exists()


def test_a_child_with_a_parent_able_to_support_is_refused_at_the_window(city, poor_household):
    with pytest.raises(InputError) as exc:
        _child_case(city, poor_household, father="imprisoned", mother="present")
    assert codes(exc) == ["child_not_eligible"]


def test_an_orphan_of_17_is_paid_until_the_month_of_18(city, poor_household):
    case = _child_case(city, poor_household, father="dead", mother="dead", born=date(2006, 9, 2))
    assert case.programme == "orphan"
    case = cases.record_home_visit(city["clerk"], case, version=case.version, on=date(2024, 3, 5),
                                   investigators=["张调查", "李调查"], family_signed=True, findings="父母双亡")
    case = step(city["approver"], case, "submit_child", date(2024, 3, 6), opinion="属实")
    case = step(city["county_approver"], case, "county_approve_child", date(2024, 3, 7))
    assert case.entitlement_until == date(2024, 10, 1)  # 17 on 2024-09-01, 18 on 2024-10-01


def _aid(city, student, *, on=date(2024, 3, 4), **fields):
    data = {"level": "bachelor", "admission_year": 2022, "family": "dibao", "school": "济宁学院",
            "proof": "在校证明 2024-001"} | fields  # fmt: skip
    return services.apply_aid(city["clerk"], student=student, on=on, **data)


def test_a_students_aid_is_paid_once_and_a_second_application_for_the_school_year_is_refused(
    city, poor_household, township
):
    student = member_born(poor_household, date(2005, 3, 1))
    case = _aid(city, student)
    assert (case.programme, case.state, case.assessment["kind"]) == ("education_aid", "accepted", "enrolled")
    case = step(city["approver"], case, "grant_aid", date(2024, 3, 5), opinion="同意")
    assert (case.state, case.monthly_amount_fen) == ("granted", 100_000)
    with pytest.raises(InputError) as exc:
        _aid(city, student, on=date(2024, 3, 6))
    assert codes(exc) == ["aid_once_per_school_year"]
    run = payments.approve_payroll(city["approver"], payments.run_payroll(
        city["city_admin"], month=date(2024, 3, 1), township=township, programme="education_aid"))
    assert [(p.recipient_id, p.amount_fen) for p in run.payments.all()] == [(student.pk, 100_000)]
    april = payments.run_payroll(city["city_admin"], month=date(2024, 4, 1), township=township,
                                 programme="education_aid")
    assert not april.payments.filter(case=case).exists()


def test_a_refused_aid_frees_the_school_year(city, poor_household):
    student = member_born(poor_household, date(2005, 3, 1))
    case = _aid(city, student)
    step(city["approver"], case, "refuse_aid", date(2024, 3, 5), reasons="非在校生")
    assert not AidApplication.objects.get(case=case).live
    again = _aid(city, student, on=date(2024, 3, 6))
    assert again.aid.school_year == 2023


def test_an_entrant_before_term_applies_for_the_year_of_admission(city, poor_household):
    student = member_born(poor_household, date(2005, 3, 1))
    case = _aid(city, student, admission_year=2024, proof="录取通知书 0001", on=date(2024, 3, 4))
    assert (case.aid.school_year, case.assessment["kind"], case.assessment["amount"]) == (2024, "entrant_bachelor",
                                                                                        "5000.00")


def test_the_payroll_pays_a_childs_allowance_monthly(city, poor_household, township):
    case = _child_case(city, poor_household, father="dead", mother="dead", born=date(2014, 5, 1))
    case = cases.record_home_visit(city["clerk"], case, version=case.version, on=date(2024, 3, 5),
                                   investigators=["张调查", "李调查"], family_signed=True, findings="父母双亡")
    case = step(city["approver"], case, "submit_child", date(2024, 3, 6), opinion="属实")
    case = step(city["county_approver"], case, "county_approve_child", date(2024, 3, 7))
    march = payments.run_payroll(city["city_admin"], month=date(2024, 3, 1), township=township, programme="orphan")
    assert not march.payments.filter(case=case).exists()  # from the month after the approval
    april = payments.run_payroll(city["city_admin"], month=date(2024, 4, 1), township=township, programme="orphan")
    assert [(p.recipient_id, p.amount_fen) for p in april.payments.filter(case=case)] == [
        (case.applicant_id, 110_000)]


def test_the_figures_count_students_and_aid_paid_by_kind_in_the_users_area(city, poor_household, township, client):
    student = member_born(poor_household, date(2005, 3, 1))
    case = step(city["approver"], _aid(city, student), "grant_aid", date(2024, 3, 5))
    payments.approve_payroll(city["approver"], payments.run_payroll(
        city["city_admin"], month=date(2024, 3, 1), township=township, programme="education_aid"))
    child = poor_household.members.order_by("pk").first()
    child.birth_date = date(2014, 5, 1)
    child.save()
    child_case = services.apply_child(city["clerk"], household=poor_household, applicant=child, father="dead",
                                      mother="dead", placement="concentrated", documents="死亡证明",
                                      on=date(2024, 3, 4))
    child_case = cases.record_home_visit(city["clerk"], child_case, version=child_case.version, on=date(2024, 3, 5),
                                         investigators=["张调查", "李调查"], family_signed=True, findings="父母双亡")
    child_case = step(city["approver"], child_case, "submit_child", date(2024, 3, 6), opinion="属实")
    step(city["county_approver"], child_case, "county_approve_child", date(2024, 3, 7))
    client.force_login(city["county"])
    body = client.get("/api/v1/children/figures?year=2024").json()
    enrolled = next(r for r in body["aid"] if r["kind"] == "enrolled")
    assert (enrolled["granted_students"], enrolled["paid_students"], enrolled["paid"]) == (1, 1, "1000.00")
    assert case.aid.kind == "enrolled"
    orphans = next(r for r in body["children"] if r["programme"] == "orphan")
    assert (orphans["supported"], orphans["concentrated"], orphans["dispersed"]) == (1, 1, 0)
    town = next(r for r in body["townships"] if r["code"] == TOWNSHIP)
    assert (town["children"], town["students"], town["aid_paid"]) == (1, 1, "1000.00")
    client.force_login(city["other_approver"])  # another township sees none of it
    other = client.get("/api/v1/children/figures?year=2024").json()
    assert all(r["paid_students"] == 0 for r in other["aid"])
    assert all(r["supported"] == 0 for r in other["children"])
    assert client.get("/api/v1/children/figures?year=1999").status_code == 422


def test_the_window_applies_through_the_api_and_a_second_aid_for_the_year_is_a_422(city, poor_household, client):
    student = member_born(poor_household, date(2005, 3, 1))
    client.force_login(city["clerk"])
    body = {"student_id": student.pk, "level": "bachelor", "admission_year": 2022, "family": "dibao",
            "school": "济宁学院", "proof": "在校证明 2024-001", "on": "2024-03-04"}  # fmt: skip
    first = client.post("/api/v1/children/aid", body, content_type="application/json")
    assert first.status_code == 201 and first.json()["assessment"]["amount"] == "1000.00"
    again = client.post("/api/v1/children/aid", body, content_type="application/json")
    assert again.status_code == 422
    assert [(e["loc"], e["type"]) for e in again.json()["detail"]] == [("school_year", "aid_once_per_school_year")]
    client.force_login(city["approver"])
    case = first.json()
    step_ = client.post(f"/api/v1/cases/{case['id']}/steps/grant_aid", {"version": case["version"], "on": "2024-03-05"},
                        content_type="application/json")
    assert step_.status_code == 200, step_.content
    assert step_.json()["state"] == "granted"
    client.force_login(city["other_clerk"])  # another township's window cannot reach this student
    assert client.post("/api/v1/children/aid", body, content_type="application/json").status_code == 404
    child = {"household_id": poor_household.pk, "applicant_id": student.pk, "father": "dead", "mother": "dead",
             "documents": "死亡证明", "on": "2024-03-04"}  # fmt: skip
    client.force_login(city["clerk"])
    bad = client.post("/api/v1/children/applications", child | {"father": "gone"}, content_type="application/json")
    # the student is 19: no new child's application, and the father's state is unknown
    assert bad.status_code == 422 and [e["loc"] for e in bad.json()["detail"]] == ["applicant", "father"]


def test_the_steps_and_fields_read_in_english_from_the_apps_catalogue():
    from django.utils import translation

    from safetynet.children.models import AidApplication as Aid

    with translation.override("en"):
        assert str(services.ACTION_NAMES["county_approve_child"]) == "County approves the child's allowance"
        assert str(Aid._meta.get_field("proof").verbose_name) == "Admission notice or proof of enrolment"
        assert str(ParentState("imprisoned").label) == "serving a prison sentence"


def test_the_demo_shows_children_approved_by_the_county_and_students_aided_once(db):
    from safetynet.cases.models import Case
    from safetynet.children import demo as children_demo
    from safetynet.site import demo

    for county in ("370830", "370811"):
        demo.build_areas(counties=[county], townships=1, villages=1)
        demo.make_staff(f"county_approver_{county}", "county_approver", county)
    for code in demo.DEMO_TOWNSHIPS:
        demo.make_staff(f"clerk_{code}", "clerk", code)
        demo.make_staff(f"approver_{code}", "approver", code)
    demo.make_staff("city", "city", "3708")
    assert children_demo.seed(date(2024, 3, 4)) == 10
    states = {(c.programme, c.state) for c in Case.objects.all()}
    assert states == {("orphan", "approved"), ("unsupported_child", "approved"), ("education_aid", "granted")}
    assert AidApplication.objects.filter(live=True).count() == 4  # the second applications were refused
    # The payrolls up to last month (February) are approved: the children's February allowance
    # (from the month after the county's approval in January), and the students' grants of
    # February, the orphan's September and December parts as back pay in the grant's month.
    from safetynet.payments.models import Payment

    paid = Payment.objects.filter(run__status="approved")
    assert set(paid.values_list("programme", flat=True)) == {"orphan", "unsupported_child", "education_aid"}
    orphan_aid = paid.filter(case__aid__kind="orphan")
    assert sorted(set(orphan_aid.values_list("for_month", "amount_fen"))) == [(date(2023, 9, 1), 250_000),
                                                                               (date(2023, 12, 1), 250_000)]


def test_a_childs_name_is_never_on_a_public_roster():
    from safetynet.notices import publication

    published = publication.monthly_programmes()
    assert "dibao" in published and "tekun" in published
    assert "orphan" not in published and "unsupported_child" not in published


def test_an_orphans_aid_is_paid_in_four_quarterly_parts_summing_to_the_years_10000(city, poor_household, township):
    """Confirmed by the county in November: the September part is back pay in November's payroll, then December,
    March and June; nothing in the months between; 10,000.00 in all, to the student's own card."""
    student = member_born(poor_household, date(2004, 3, 1))
    case = _aid(city, student, family="none", orphan=True, admission_year=2023, proof="在校证明 2024-77",
                on=date(2024, 10, 10))  # fmt: skip
    assert [(p["month"], p["amount"]) for p in case.assessment["instalments"]] == [
        ("2024-09", "2500.00"), ("2024-12", "2500.00"), ("2025-03", "2500.00"), ("2025-06", "2500.00")]
    case = _county_confirms(city, case, date(2024, 11, 5))
    assert case.monthly_amount_fen == 1_000_000
    paid = {}
    for month in (date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1),
                  date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1), date(2025, 7, 1)):
        run = payments.approve_payroll(city["approver"], payments.run_payroll(
            city["city_admin"], month=month, township=township, programme="education_aid"))
        lines = [(p.for_month, p.kind, p.amount_fen, p.recipient_id) for p in run.payments.filter(case=case)]
        if lines:
            paid[f"{month:%Y-%m}"] = lines
    assert paid == {
        "2024-11": [(date(2024, 9, 1), "back_pay", 250_000, student.pk)],
        "2024-12": [(date(2024, 12, 1), "regular", 250_000, student.pk)],
        "2025-03": [(date(2025, 3, 1), "regular", 250_000, student.pk)],
        "2025-06": [(date(2025, 6, 1), "regular", 250_000, student.pk)],
    }
    assert sum(line[2] for lines in paid.values() for line in lines) == 1_000_000


def test_a_students_one_off_aid_stays_one_payment(city, poor_household, township):
    student = member_born(poor_household, date(2005, 3, 1))
    case = _aid(city, student, admission_year=2024, proof="录取通知书 0001", on=date(2024, 8, 20))
    assert case.assessment["instalments"] == []
    step(city["approver"], case, "grant_aid", date(2024, 8, 21))
    run = payments.run_payroll(city["city_admin"], month=date(2024, 8, 1), township=township,
                               programme="education_aid")
    assert [(p.for_month, p.amount_fen) for p in run.payments.filter(case=case)] == [(date(2024, 8, 1), 500_000)]


def _orphan_aid(city, household, on=date(2024, 10, 10)):
    student = member_born(household, date(2004, 3, 1))
    return _aid(city, student, family="none", orphan=True, admission_year=2023, proof="在校证明 2024-77", on=on)


def _county_confirms(city, case, on):
    case = step(city["approver"], case, "submit_aid", on - timedelta(days=1), opinion="学籍属实，报县级确认")
    assert case.state == "county"
    return step(city["county_approver"], case, "county_grant_aid", on, opinion="确认孤儿身份")


def test_the_township_cannot_grant_an_orphans_aid_it_reports_it_to_the_county(city, poor_household):
    """Seed: 乡镇人民政府(街道办事处)及时报县民政部门确认孤儿身份，对学籍等进行核实."""
    from safetynet.cases.selectors import allowed_transitions

    case = _orphan_aid(city, poor_household)
    offered = allowed_transitions(city["approver"], case)
    assert "submit_aid" in offered and "grant_aid" not in offered
    with pytest.raises(InputError) as exc:
        step(city["approver"], case, "grant_aid", date(2024, 10, 12), opinion="同意")
    assert codes(exc) == ["aid_county_confirms"]
    with pytest.raises(InputError) as exc:  # the report carries the township's opinion
        step(city["approver"], case, "submit_aid", date(2024, 10, 12), opinion=" ")
    assert codes(exc) == ["required"]
    with pytest.raises(PermissionDenied):  # the county's step is not the township's
        step(city["approver"], case, "county_grant_aid", date(2024, 10, 12))
    case = step(city["approver"], case, "submit_aid", date(2024, 10, 12), opinion="学籍属实，报县级确认")
    assert allowed_transitions(city["county_approver"], case) == ["county_grant_aid", "county_refuse_aid"]
    assert AuditEvent.objects.filter(action="case.submit_aid", object_id=str(case.pk)).exists()


def test_the_countys_confirmation_starts_the_parts_and_its_letter_is_the_countys(city, poor_household, township):
    from safetynet.notices.letters import latest_decision, letter_content

    case = _county_confirms(city, _orphan_aid(city, poor_household), date(2024, 11, 5))
    assert (case.state, case.entitlement_from) == ("granted", date(2024, 11, 1))
    run = payments.run_payroll(city["city_admin"], month=date(2024, 11, 1), township=township,
                               programme="education_aid")
    assert [(p.for_month, p.amount_fen) for p in run.payments.filter(case=case)] == [(date(2024, 9, 1), 250_000)]
    content = letter_content(case, latest_decision(case))
    county = case.household.village.parent.parent.name
    assert content["issuer"] == f"{county}民政局" and content["seal"] == f"{county}民政局（盖章）"
    assert "报县级民政部门确认孤儿身份" in content["body"] and "分 4 期按季度发放" in content["body"]
    assert "seed" not in content["basis"] and "民政领域困难家庭学生助学项目" in content["basis"]
    assert AuditEvent.objects.filter(action="case.county_grant_aid", object_id=str(case.pk)).exists()


def test_the_countys_refusal_ends_the_orphans_aid_and_frees_the_school_year(city, poor_household, township):
    from safetynet.notices.letters import latest_decision, letter_content

    case = _orphan_aid(city, poor_household)
    case = step(city["approver"], case, "submit_aid", date(2024, 10, 12), opinion="报县级确认")
    with pytest.raises(InputError) as exc:
        step(city["county_approver"], case, "county_refuse_aid", date(2024, 10, 14), reasons="")
    assert codes(exc) == ["required"]
    case = step(city["county_approver"], case, "county_refuse_aid", date(2024, 10, 14), reasons="学籍核实不符")
    assert (case.state, case.refusal_reasons) == ("refused", "学籍核实不符")
    assert not AidApplication.objects.get(case=case).live
    run = payments.run_payroll(city["city_admin"], month=date(2024, 11, 1), township=township,
                               programme="education_aid")
    assert not run.payments.filter(case=case).exists()
    content = letter_content(case, latest_decision(case))
    assert content["kind"] == "refusal" and content["issuer"].endswith("民政局")
    assert "不予助学" in content["body"]


def test_a_non_orphan_students_aid_is_still_the_townships(city, poor_household):
    from safetynet.cases.selectors import allowed_transitions

    student = member_born(poor_household, date(2005, 3, 1))
    case = _aid(city, student)
    offered = allowed_transitions(city["approver"], case)
    assert "grant_aid" in offered and "submit_aid" not in offered
    with pytest.raises(InputError) as exc:
        step(city["approver"], case, "submit_aid", date(2024, 3, 5), opinion="报县级")
    assert codes(exc) == ["aid_township_grants"]
    case = step(city["approver"], case, "grant_aid", date(2024, 3, 5), opinion="同意")
    assert case.state == "granted"


def test_refusals_ask_first():
    from safetynet.site.templatetags.frame import step_confirmation

    for name in ("county_refuse_aid", "refuse_aid", "county_refuse_child"):
        assert "确定不予" in step_confirmation(name)


def test_a_childs_allowance_ends_for_a_childs_grounds_not_dibaos(city, poor_household):
    """儿童-2019: adopted, 18 and out of study, a parent's condition ended … (never 'income rose')."""
    from safetynet.cases.steps import STEPS
    from safetynet.notices.letters import latest_decision, letter_content

    case = _child_case(city, poor_household)
    case = cases.record_home_visit(city["clerk"], case, version=case.version, on=date(2024, 3, 5),
                                   investigators=["张调查", "李调查"], family_signed=True, findings="由祖母照料")
    case = step(city["approver"], case, "submit_child", date(2024, 3, 6), opinion="情况属实")
    case = step(city["county_approver"], case, "county_approve_child", date(2024, 3, 7))
    offered = dict(STEPS["give_termination_notice"].form(case).fields["cause"].choices)
    assert offered["adopted"] == "儿童被依法收养" and "study_ended" in offered and "parent_condition_ended" in offered
    assert "income_rose" not in offered and "fraud" not in offered
    for cause, code in (("", "required"), ("income_rose", "exit_cause")):
        with pytest.raises(InputError) as exc:
            step(city["approver"], case, "give_termination_notice", date(2024, 6, 3), reason="收养登记", cause=cause)
        assert codes(exc) == [code]
    case = step(city["approver"], case, "give_termination_notice", date(2024, 6, 3), reason="已办理收养登记",
                cause="adopted")
    case = step(city["approver"], case, "terminate", date(2024, 6, 20))
    content = letter_content(case, latest_decision(case))
    assert content["grounds"] == "儿童被依法收养：已办理收养登记"
    assert "民发〔2019〕62号" in content["basis"] and "关于动态管理的规定" in content["basis"]


def test_a_dibao_termination_still_offers_dibaos_grounds(city, poor_household):
    from safetynet.cases.models import Case
    from safetynet.cases.steps import STEPS

    case = Case(programme="dibao", household=poor_household, area_code=poor_household.village_id, state="approved")
    offered = dict(STEPS["give_termination_notice"].form(case).fields["cause"].choices)
    assert "income_rose" in offered and "adopted" not in offered


def test_an_entrant_with_the_notice_before_september_may_name_the_year_of_admission(city, poor_household):
    student = member_born(poor_household, date(2006, 3, 1))
    case = _aid(city, student, on=date(2024, 8, 20), admission_year=2024, school_year=2024)
    assert (case.aid.school_year, case.assessment["amount"]) == (2024, "5000.00")


def test_a_new_childs_application_for_an_adult_is_refused_beside_the_child(city, poor_household):
    with pytest.raises(InputError) as exc:
        _child_case(city, poor_household, born=date(2006, 3, 3))  # 18 on 2024-03-03, the day before
    assert codes(exc) == ["child_adult"] and exc.value.errors[0].path == "applicant"
    assert "已满 18 周岁" in exc.value.errors[0].message()
    assert _child_case(city, poor_household, born=date(2006, 3, 5)).state == "accepted"  # 17 until tomorrow
