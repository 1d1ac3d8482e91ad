"""The payroll's lines are written as columns in one go; what is stored is what was computed."""

from __future__ import annotations

from datetime import date

import polars as pl
from django.db import transaction

from safetynet.payments import services
from safetynet.payments.models import Payment
from tests.office.test_payroll import approved_case, run, township  # noqa: F401 - township is a fixture


def test_text_with_tabs_newlines_and_backslashes_is_stored_as_written(city, poor_household, township):  # noqa: F811
    case = approved_case(city, poor_household)
    april = run(city, township, date(2024, 4, 1), approve=False)
    reason = "价格补贴\t(CPI)\\2024\n第二行\r"
    rows = pl.DataFrame(
        [(april.pk, case.pk, case.applicant_id, "dibao", date(2024, 4, 1), date(2024, 3, 1), "back_pay", 123, None,
          reason, "pending", "")],
        schema=dict.fromkeys(services.PAYMENT_COLUMNS), orient="row",
    ).cast({"month": pl.Date, "for_month": pl.Date, "decision_id": pl.Int64})
    with transaction.atomic():
        services._write_lines(rows)
    line = Payment.objects.get(run=april, kind="back_pay")
    assert (line.reason, line.bank_note, line.decision_id, line.amount_fen) == (reason, "", None, 123)
    assert (line.month, line.for_month) == (date(2024, 4, 1), date(2024, 3, 1))


def test_every_line_names_its_recipient_decision_and_reason(city, poor_household, township):  # noqa: F811
    case = approved_case(city, poor_household)
    april = run(city, township, date(2024, 4, 1))
    regular = april.payments.get(kind="regular", for_month=date(2024, 4, 1))
    assert regular.recipient_id == case.applicant_id
    assert regular.decision_id == case.events.get(transition="close_notice").pk
    assert regular.reason == "当月保障金（2024-04）"
    assert (regular.month, regular.bank_status, regular.bank_note, regular.cancelled) == (
        date(2024, 4, 1), "pending", "", False)
