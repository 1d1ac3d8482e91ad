"""Local parameters set in the office: a new value from a date, with the document that set it,
in force only once a second city administrator confirms it; a new standard re-prices the cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from safetynet.administration import services
from safetynet.administration.models import ParameterValue
from safetynet.policy.errors import PolicyError
from safetynet.policy.parameters import in_force, value
from safetynet.site import demo
from safetynet.supervision.models import AuditEvent
from tests.office.test_payroll import approved_case

RAISED = {"A": {"urban": "650.00", "rural": "495.00"}, "B": {"urban": "590.00", "rural": "445.00"},
          "C": {"urban": "580.00", "rural": "435.00"}}
DOCUMENT = {"document_title": "济宁市民政局 济宁市财政局关于提高城乡低保标准的通知",
            "document_number": "济民发〔2024〕8号"}


@pytest.fixture
def second_admin(city):
    return demo.make_staff("city_admin_2", "city", "3708")


def form_data(**changes):
    data = {"effective": "2024-05-01", "document_date": "2024-04-20", "note": "",
            # the leaves in the order of the value in force: A urban, A rural, B ..., C ...
            "leaf_0": "650.00", "leaf_1": "495.00", "leaf_2": "590.00", "leaf_3": "445.00",
            "leaf_4": "580.00", "leaf_5": "435.00", **DOCUMENT}
    data.update(changes)
    return data


def test_a_new_standard_waits_for_a_second_administrator_then_reprices(client, city, poor_household, second_admin):
    case = approved_case(city, poor_household)
    old_amount = case.monthly_amount_fen
    client.force_login(city["city_admin"])
    answer = client.post("/administration/parameters/dibao_standard/new/", form_data())
    assert answer.status_code == 302
    row = ParameterValue.objects.get()
    assert row.status == "pending" and row.value["A"] == {"urban": "650.00", "rural": "495.00"}
    assert value("dibao_standard", "370811", date(2024, 5, 1), hukou="urban") == Decimal("630.00")  # not yet

    # The one who entered it cannot confirm it.
    page = client.get(f"/administration/parameters/values/{row.pk}/").content.decode()
    assert "录入人不能复核" in page and "confirm-form" not in page
    with pytest.raises(PolicyError) as exc:
        services.confirm_parameter_value(city["city_admin"], row)
    assert exc.value.code == "parameter_same_administrator"

    client.force_login(second_admin)
    page = client.get(f"/administration/parameters/values/{row.pk}/").content.decode()
    assert "630.00" in page and "650.00" in page  # old and new side by side
    answer = client.post(f"/administration/parameters/values/{row.pk}/", {"action": "confirm"})
    assert answer.status_code == 302
    assert value("dibao_standard", "370811", date(2024, 5, 1), hukou="urban") == Decimal("650.00")
    assert value("dibao_standard", "370811", date(2024, 4, 30), hukou="urban") == Decimal("630.00")
    shown = {r["name"]: r for r in in_force("370811", date(2024, 6, 1))}["dibao_standard"]
    assert shown["effective"] == date(2024, 5, 1) and "济民发〔2024〕8号" in shown["reference"] and shown["entered"]

    case.refresh_from_db()
    assert case.monthly_amount_fen == old_amount + 2 * 2000  # re-priced from May: two members, 20 yuan each
    assert case.events.get(transition="reprice").data["effective"] == "2024-05-01"
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="parameter.")] == [
        "parameter.enter", "parameter.confirm"]

    # The home page says since when and by which document.
    home = client.get("/").content.decode()
    assert "650.00" in home and "2024-05-01" in home and "济民发〔2024〕8号" in home


def test_a_bad_value_is_a_field_error_and_keeps_what_was_typed(client, city):
    client.force_login(city["city_admin"])
    answer = client.post("/administration/parameters/dibao_standard/new/",
                         form_data(leaf_1="495.005", effective="2024-05-02", document_number="济民发〔2024〕9号"))
    text = answer.content.decode()
    assert answer.status_code == 200 and "error-summary" in text
    assert "A" in text or "一档" in text
    assert "应为某月 1 日" in text  # a standard from the 2nd of a month
    assert "495.005" in text and "济民发〔2024〕9号" in text  # kept as typed
    assert not ParameterValue.objects.exists()


def test_a_rejected_value_never_takes_effect_and_only_the_city_enters(client, city, second_admin):
    row = services.enter_parameter_value(city["city_admin"], name="decision_time_limit", effective=date(2024, 5, 1),
                                         value={"default": 15, "370830": 2}, document_date=date(2024, 4, 1),
                                         **DOCUMENT)
    services.reject_parameter_value(second_admin, row, reason="文号有误")
    assert value("decision_time_limit", "370811", date(2024, 6, 1)) == 20
    with pytest.raises(PolicyError):
        services.confirm_parameter_value(second_admin, row)
    with pytest.raises(PermissionDenied):
        services.enter_parameter_value(city["county"], name="decision_time_limit", effective=date(2024, 5, 1),
                                       value={"default": 15}, document_date=date(2024, 4, 1), **DOCUMENT)
    client.force_login(city["clerk"])
    assert client.get("/administration/parameters/").status_code == 403


def test_a_case_terminated_while_repricing_runs_is_not_repriced(city, poor_household, monkeypatch):
    """Re-pricing assesses the city in one batch, then writes; a case someone ended in between
    is checked again inside its lock and listed for review, not re-priced on what was read."""
    from safetynet.cases import services as cases
    from safetynet.cases.models import Case

    case = approved_case(city, poor_household)
    real = cases.assess_households

    def assess_then_someone_terminates(households):
        results = real(households)
        c = Case.objects.get(pk=case.pk)
        c = cases.give_termination_notice(city["approver"], c, version=c.version, on=date(2024, 6, 3), reason="迁出")
        return results

    monkeypatch.setattr(cases, "assess_households", assess_then_someone_terminates)
    monkeypatch.setattr(cases, "_amount_fen", lambda c, result: (True, c.monthly_amount_fen + 100, []))
    report = cases.reprice_for_standard(city["city_admin"], area_code="370811", effective=date(2024, 5, 1),
                                        on=date(2024, 6, 3))
    assert report["repriced"] == 0 and report["to_review"] == [case.pk]
    assert not Case.objects.get(pk=case.pk).events.filter(transition="reprice").exists()
