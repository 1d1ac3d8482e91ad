"""Entitlements follow decisions; the payroll pays owed less paid, once, whatever happens."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from safetynet.cases import services as cases
from safetynet.payments import services
from safetynet.payments.models import Entitlement, Payment, PayrollRun
from safetynet.policy.errors import InputError, PolicyError
from safetynet.policy.money import fmt
from safetynet.registry.models import Area


@pytest.fixture
def township(city):
    return Area.objects.get(code="370811001")


def approved_case(city, household, approved_on=date(2024, 3, 14)):
    head = household.members.get(relation="head")
    c = cases.start_precheck(city["clerk"], household=household, programme="dibao", applicant=head,
                             on=date(2024, 3, 4))
    c = cases.accept(city["clerk"], c, version=c.version, on=date(2024, 3, 4))
    c = cases.record_home_visit(city["clerk"], c, version=c.version, on=date(2024, 3, 5), investigators=["甲", "乙"],
                                family_signed=True, findings="属实")
    c = cases.approve(city["approver"], c, version=c.version, on=date(2024, 3, 6))
    return cases.close_notice(city["approver"], c, version=c.version, on=approved_on)


def run(city, township, month, approve=True):
    r = services.run_payroll(city["city_admin"], month=month, township=township, programme="dibao")
    return services.approve_payroll(city["approver"], r) if approve else r


def lines(r):
    return sorted((p.for_month, p.kind, p.amount_fen) for p in r.payments.all())


def test_approval_gives_an_entitlement_from_the_next_month(city, poor_household):
    case = approved_case(city, poor_household)
    (e,) = Entitlement.objects.filter(case=case)
    assert (e.starts, e.ends, e.monthly_amount_fen) == (date(2024, 4, 1), None, case.monthly_amount_fen)
    assert e.set_by.transition == "close_notice"


def test_one_payment_per_month_and_a_rerun_changes_nothing(city, poor_household, township):
    case = approved_case(city, poor_household)
    draft = run(city, township, date(2024, 4, 1), approve=False)
    first = lines(draft)
    again = run(city, township, date(2024, 4, 1), approve=False)
    assert again.pk == draft.pk and lines(again) == first == [(date(2024, 4, 1), "regular", case.monthly_amount_fen)]
    services.approve_payroll(city["approver"], again)
    with pytest.raises(PolicyError) as exc:
        run(city, township, date(2024, 4, 1))
    assert exc.value.code == "payroll_locked"
    may = run(city, township, date(2024, 5, 1))
    assert lines(may) == [(date(2024, 5, 1), "regular", case.monthly_amount_fen)]


def test_the_database_refuses_a_second_payment_for_the_same_month(city, poor_household, township):
    approved_case(city, poor_household)
    r = run(city, township, date(2024, 4, 1))
    p = r.payments.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(run=r, case=p.case, recipient=p.recipient, programme="dibao", month=p.month,
                               for_month=p.for_month, kind="regular", amount_fen=1, reason="x")


def test_a_crash_halfway_leaves_nothing_and_the_rerun_is_whole(city, poor_household, township, monkeypatch):
    approved_case(city, poor_household)

    def crash(*args, **kwargs):  # after the lines are written, before the run is recorded
        raise RuntimeError("power cut")

    monkeypatch.setattr(services, "record", crash)
    with pytest.raises(RuntimeError):
        run(city, township, date(2024, 4, 1), approve=False)
    assert not Payment.objects.exists() and not PayrollRun.objects.exists()
    monkeypatch.undo()
    assert len(lines(run(city, township, date(2024, 4, 1), approve=False))) == 1


def test_a_late_decision_is_paid_back_in_the_next_run(city, poor_household, township):
    run(city, township, date(2024, 4, 1))  # April's payroll approved before the case was
    case = approved_case(city, poor_household, approved_on=date(2024, 3, 28))
    may = run(city, township, date(2024, 5, 1))
    amount = case.monthly_amount_fen
    assert lines(may) == [(date(2024, 4, 1), "back_pay", amount), (date(2024, 5, 1), "regular", amount)]
    assert "补发（2024-04）" in may.payments.get(kind="back_pay").reason


def test_an_overpayment_is_recovered(city, poor_household, township):
    case = approved_case(city, poor_household)
    for month in (4, 5, 6):
        run(city, township, date(2024, month, 1))  # paid ahead through June
    case = cases.give_termination_notice(city["approver"], case, version=case.version, on=date(2024, 4, 20),
                                         reason="死亡")
    cases.terminate(city["approver"], case, version=case.version, on=date(2024, 4, 29))  # owed until April
    july = run(city, township, date(2024, 7, 1))
    amount = case.monthly_amount_fen
    assert lines(july) == [(date(2024, 5, 1), "recovery", -amount), (date(2024, 6, 1), "recovery", -amount)]
    assert {p.decision.transition for p in july.payments.all()} == {"terminate"}  # the decision behind it


def test_suspended_months_are_withheld_and_payment_resumes(city, poor_household, township):
    case = approved_case(city, poor_household)
    case = cases.suspend(city["approver"], case, version=case.version, on=date(2024, 4, 10), reason="外出务工待核实")
    assert lines(run(city, township, date(2024, 4, 1))) == [(date(2024, 4, 1), "regular", case.monthly_amount_fen)]
    assert lines(run(city, township, date(2024, 5, 1))) == []
    case = cases.resume(city["approver"], case, version=case.version, on=date(2024, 5, 20))
    assert lines(run(city, township, date(2024, 6, 1))) == [(date(2024, 6, 1), "regular", case.monthly_amount_fen)]


def test_only_the_township_approver_runs_its_payroll(city, township):
    from django.core.exceptions import PermissionDenied

    for who in ("clerk", "other_approver", "county", "auditor", "verifier"):
        with pytest.raises(PermissionDenied):
            services.run_payroll(city[who], month=date(2024, 4, 1), township=township, programme="dibao")


def test_bank_file_sheet_return_and_a_failed_payment_paid_once_next_month(city, poor_household, other_household,
                                                                          township):
    import csv
    import hashlib
    import io

    from openpyxl import load_workbook

    from safetynet.payments import bank

    case = approved_case(city, poor_household)
    head = poor_household.members.get(relation="head")
    draft = run(city, township, date(2024, 4, 1), approve=False)
    with pytest.raises(Exception):  # noqa: B017 - not approved: no bank file
        bank.bank_csv(city["approver"], draft)
    april = services.approve_payroll(city["approver"], draft)
    data = bank.bank_csv(city["approver"], april).decode("utf-8-sig")
    body, checksum = data.rsplit("校验,", 1)
    assert hashlib.sha256(body.encode()).hexdigest() == checksum.strip()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["流水号", "姓名", "公民身份号码"]
    assert rows[1][2] == head.id_number and rows[1][3] == head.bank_card
    assert rows[-1][0] == "合计" and rows[-1][4] == f"{case.monthly_amount_fen // 100}.00"
    sheet = load_workbook(io.BytesIO(bank.payroll_sheet(april))).active
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert head.id_number not in cells and f"{head.id_number[:6]}********{head.id_number[-4:]}" in cells

    payment = april.payments.get()
    bad = f"流水号,金额,结果,原因\n{payment.pk},1.00,成功,\n999999,5.00,成功,\n".encode()
    with pytest.raises(Exception) as exc:
        bank.import_bank_return(city["approver"], april, bad)
    assert "第 2 行" in exc.value.message("zh") and "第 3 行" in exc.value.message("zh")
    assert Payment.objects.get(pk=payment.pk).bank_status == "pending"  # nothing half-written
    amount = f"{payment.amount_fen // 100}.{payment.amount_fen % 100:02d}"
    report = bank.import_bank_return(city["approver"], april,
                                     f"流水号,金额,结果,原因\n{payment.pk},{amount},失败,账户已销户\n".encode())
    assert (report.failed, report.pending) == (1, 0) and report.failures[0][3] == "账户已销户"
    assert PayrollRun.objects.get(pk=april.pk).status == "locked"

    may = run(city, township, date(2024, 5, 1))
    assert lines(may) == [(date(2024, 4, 1), "back_pay", payment.amount_fen),
                          (date(2024, 5, 1), "regular", payment.amount_fen)]
    june = run(city, township, date(2024, 6, 1))
    assert lines(june) == [(date(2024, 6, 1), "regular", payment.amount_fen)]  # April is now paid: once


def test_the_payroll_commands(city, poor_household, township, tmp_path, capsys):
    from safetynet.cli import main

    case = approved_case(city, poor_household)
    args = ["--month", "2024-04", "--user", "approver", "--township", "370811001"]
    assert main(["payroll", "run", "--month", "2024-04", "--user", "city_admin", "--township", "370811001"]) == 0
    assert "合计 1 行" in capsys.readouterr().out
    assert main(["payroll", "approve", *args]) == 0
    assert main(["payroll", "export", *args, "--out", str(tmp_path)]) == 0
    bank_file = tmp_path / "370811001-dibao-2024-04-bank.csv"
    assert bank_file.exists() and (tmp_path / "370811001-dibao-2024-04-roster.xlsx").exists()
    payment = Payment.objects.get()
    amount = f"{case.monthly_amount_fen // 100}.{case.monthly_amount_fen % 100:02d}"
    (tmp_path / "return.csv").write_text(f"流水号,金额,结果,原因\n{payment.pk},{amount},成功,\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["payroll", "reconcile", *args, "--file", str(tmp_path / "return.csv")]) == 0
    assert "到账 1 笔" in capsys.readouterr().out
    assert main(["payroll", "run", "--month", "2024-04", "--user", "other_approver", "--township", "370811001"]) == 2
    assert "辖区" in capsys.readouterr().err


def test_the_payroll_pages(city, poor_household, township):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    approved_case(city, poor_household)
    c = Client()
    c.force_login(city["approver"])
    response = c.post("/payroll/compute/", {"township": "370811001", "month": "2024-04", "programme": "dibao"})
    run_ = PayrollRun.objects.get()
    assert response["Location"] == f"/payroll/{run_.pk}/"
    page = c.get(f"/payroll/{run_.pk}/").content.decode()
    assert 'id="run-total"' in page and "当月保障金" in page
    c.post(f"/payroll/{run_.pk}/approve")  # who computed it cannot approve it
    assert PayrollRun.objects.get().status == "draft"
    c.force_login(city["city_admin"])
    c.post("/payroll/compute/", {"township": "370811001", "month": "2024-04", "programme": "dibao"})
    c.force_login(city["approver"])
    c.post(f"/payroll/{run_.pk}/approve")
    assert PayrollRun.objects.get().status == "approved"
    csv_bytes = c.get(f"/payroll/{run_.pk}/bank.csv").content
    assert "校验," in csv_bytes.decode("utf-8-sig")
    assert c.get(f"/payroll/{run_.pk}/roster.xlsx")["Content-Type"].startswith("application/vnd.openxml")
    payment = Payment.objects.get()
    amount = f"{payment.amount_fen // 100}.{payment.amount_fen % 100:02d}"
    upload = SimpleUploadedFile("r.csv", f"流水号,金额,结果,原因\n{payment.pk},{amount},成功,\n".encode())
    c.post(f"/payroll/{run_.pk}/return", {"file": upload})
    assert PayrollRun.objects.get().status == "locked"
    index = c.get("/payroll/").content.decode()
    assert "2024-04" in index and 'id="chart"' in index

    outsider = Client()
    outsider.force_login(city["other_approver"])
    assert outsider.get(f"/payroll/{run_.pk}/").status_code == 404
    assert outsider.get(f"/payroll/{run_.pk}/bank.csv").status_code == 404
    assert "2024-04" not in outsider.get("/payroll/").content.decode()
    clerk = Client()
    clerk.force_login(city["clerk"])
    assert clerk.get(f"/payroll/{run_.pk}/").status_code == 200
    page = clerk.get(f"/payroll/{run_.pk}/bank.csv", follow=True).content.decode()
    assert "窗口经办人员" in page  # the clerk may look, not export the bank file


def test_the_price_subsidy_is_added_when_the_cpi_triggers_it(city, poor_household, township):
    from decimal import Decimal

    from django.core.exceptions import PermissionDenied

    case = approved_case(city, poor_household)
    with pytest.raises(PermissionDenied):  # the city enters the indices
        services.enter_price_index(city["approver"], month=date(2024, 4, 1), cpi_yoy=Decimal("3.8"),
                                   food_cpi_yoy=Decimal("2"))
    services.enter_price_index(city["city_admin"], month=date(2024, 4, 1), cpi_yoy=Decimal("3.8"),
                               food_cpi_yoy=Decimal("2.1"))
    april = run(city, township, date(2024, 4, 1))
    per_person = {"urban": 2400, "rural": 1800}[poor_household.hukou]  # 630 × 3.8 % = 23.94; 475 × 3.8 % = 18.05
    subsidy = april.payments.get(kind="price_subsidy")
    assert subsidy.amount_fen == 2 * per_person
    assert "同比上涨 3.8%" in subsidy.reason and "价格-2016" in subsidy.reason
    assert lines(april)[0] == (date(2024, 4, 1), "price_subsidy", 2 * per_person)
    services.enter_price_index(city["city_admin"], month=date(2024, 5, 1), cpi_yoy=Decimal("3.4"),
                               food_cpi_yoy=Decimal("5.9"))
    assert lines(run(city, township, date(2024, 5, 1))) == [(date(2024, 5, 1), "regular", case.monthly_amount_fen)]


def test_the_bureaus_figures_and_their_excel(city, poor_household, other_household, township):
    import io

    from django.test import Client
    from openpyxl import load_workbook

    case = approved_case(city, poor_household)
    run(city, township, date(2024, 4, 1))
    c = Client()
    c.force_login(city["county"])
    page = c.get("/reports/", {"from": "2024-01", "to": "2024-12"}).content.decode()
    assert "任城区" in page and f"{case.monthly_amount_fen // 100}.00" in page
    book = load_workbook(io.BytesIO(c.get("/reports/funds.xlsx", {"from": "2024-01", "to": "2024-12"}).content))
    funds = list(book["资金发放"].iter_rows(values_only=True))
    assert funds[1][:5] == ("2024-04", "最低生活保障", "370811001", "任城区城关街道", 1)
    assert funds[1][5] == case.monthly_amount_fen / 100
    cover = list(book["保障对象"].iter_rows(values_only=True))
    assert cover[1][3:] == (1, 2)  # one household of two persons
    outsider = Client()
    outsider.force_login(city["wenshang_clerk"])
    assert len(list(load_workbook(io.BytesIO(outsider.get("/reports/funds.xlsx").content))["资金发放"].rows)) == 1


def test_the_payroll_api(city, poor_household, township):
    import json

    from django.test import Client

    case = approved_case(city, poor_household)
    c = Client()
    c.force_login(city["approver"])
    r = c.post("/api/v1/payrolls", json.dumps({"township": "370811001", "month": "2024-04"}),
               content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "draft"
    run_id = r.json()["id"]
    (line,) = c.get(f"/api/v1/payrolls/{run_id}/lines").json()
    assert line["amount"] == f"{case.monthly_amount_fen // 100}.00"
    assert line["decision_event"] == case.events.get(transition="close_notice").pk  # the decision behind it
    refused = c.post(f"/api/v1/payrolls/{run_id}/approve")  # who computed it does not approve it
    assert refused.status_code == 422 and refused.json()["detail"][0]["type"] == "payroll_same_person"
    c.force_login(city["city_admin"])
    c.post("/api/v1/payrolls", json.dumps({"township": "370811001", "month": "2024-04"}),
           content_type="application/json")
    c.force_login(city["approver"])
    assert c.post(f"/api/v1/payrolls/{run_id}/approve").json()["status"] == "approved"
    again = c.post("/api/v1/payrolls", json.dumps({"township": "370811001", "month": "2024-04"}),
                   content_type="application/json")
    assert again.status_code == 422 and again.json()["detail"][0]["type"] == "payroll_locked"
    outsider = Client()
    outsider.force_login(city["other_approver"])
    assert outsider.get(f"/api/v1/payrolls/{run_id}").status_code == 404
    assert outsider.get("/api/v1/payrolls").json() == []
    r = outsider.post("/api/v1/payrolls", json.dumps({"township": "370811001", "month": "2024-05"}),
                      content_type="application/json")
    assert r.status_code == 404


@pytest.fixture
def standard_rise_in_may():
    """Tier A standards 20 yuan higher from 2024-05-01, as if the city had raised them."""
    from dataclasses import replace
    from decimal import Decimal

    from safetynet.policy import frames
    from safetynet.policy.parameters import Entry, parameters

    table = parameters()
    original = table["dibao_standard"]
    first = original.entries[0]
    raised = {"A": {"urban": Decimal("650.00"), "rural": Decimal("495.00")}, "B": first.value["B"]}
    table["dibao_standard"] = replace(original, entries=(*original.entries, Entry(date(2024, 5, 1), raised,
                                                                                   "test: standard raised", True)))
    frames._parameter_row.cache_clear()
    frames._parameter_frame.cache_clear()
    yield
    table["dibao_standard"] = original
    frames._parameter_row.cache_clear()
    frames._parameter_frame.cache_clear()


def test_a_standard_rise_reprices_and_the_months_already_paid_get_back_pay(city, poor_household, township,
                                                                           standard_rise_in_may):
    from django.core.exceptions import PermissionDenied

    case = approved_case(city, poor_household)
    old = case.monthly_amount_fen
    run(city, township, date(2024, 4, 1))
    run(city, township, date(2024, 5, 1))  # May paid at the old standard
    with pytest.raises(PermissionDenied):
        cases.reprice_for_standard(city["approver"], area_code="370811", effective=date(2024, 5, 1),
                                   on=date(2024, 6, 3))
    report = cases.reprice_for_standard(city["city_admin"], area_code="370811", effective=date(2024, 5, 1),
                                        on=date(2024, 6, 3))
    assert report == {"repriced": 1, "unchanged": 0, "to_review": []}
    case.refresh_from_db()
    assert case.monthly_amount_fen == old + 2 * 2000  # two members, 20 yuan each
    event = case.events.get(transition="reprice")
    assert event.data == {"old_amount_fen": old, "new_amount_fen": old + 4000, "effective": "2024-05-01"}
    from safetynet.supervision.models import AuditEvent

    audit = AuditEvent.objects.get(action="case.reprice")
    assert audit.details["cases"] == [[case.pk, old, old + 4000]] and audit.actor_name == "city_admin"
    june = run(city, township, date(2024, 6, 1))
    assert lines(june) == [(date(2024, 5, 1), "back_pay", 4000), (date(2024, 6, 1), "regular", old + 4000)]
    assert cases.reprice_for_standard(city["city_admin"], area_code="370811", effective=date(2024, 5, 1),
                                      on=date(2024, 6, 4))["repriced"] == 0  # nothing changes twice


# Issue 14: nobody is paid twice, whatever order payrolls are computed, approved and cancelled in.

def paid(case, for_month):
    """What the case has been paid for a month: every line not cancelled, the bank's failures aside."""
    return sum(Payment.objects.filter(case=case, for_month=for_month, cancelled=False)
               .exclude(bank_status="failed").exclude(kind="price_subsidy").values_list("amount_fen", flat=True))


def test_a_draft_month_is_not_carried_again_by_the_next_payroll(city, poor_household, township):
    case = approved_case(city, poor_household)
    amount = case.monthly_amount_fen
    april = run(city, township, date(2024, 4, 1), approve=False)
    may = run(city, township, date(2024, 5, 1), approve=False)
    assert lines(may) == [(date(2024, 5, 1), "regular", amount)]  # April is in April's draft: no back pay
    services.approve_payroll(city["approver"], april)
    services.approve_payroll(city["approver"], may)
    assert [paid(case, date(2024, m, 1)) for m in (4, 5)] == [amount, amount]


def test_months_computed_out_of_order_are_each_paid_once(city, poor_household, township):
    case = approved_case(city, poor_household)
    amount = case.monthly_amount_fen
    may = run(city, township, date(2024, 5, 1), approve=False)
    assert lines(may) == [(date(2024, 4, 1), "back_pay", amount), (date(2024, 5, 1), "regular", amount)]
    april = run(city, township, date(2024, 4, 1), approve=False)
    assert lines(april) == [(date(2024, 4, 1), "regular", 0)]  # already carried by May's draft
    services.approve_payroll(city["approver"], may)
    services.approve_payroll(city["approver"], april)
    assert [paid(case, date(2024, m, 1)) for m in (4, 5)] == [amount, amount]


def test_approval_refuses_a_payroll_that_changed_since_it_was_computed_and_writes_nothing(city, poor_household,
                                                                                          township):
    from safetynet.supervision.models import AuditEvent

    case = approved_case(city, poor_household)
    amount = case.monthly_amount_fen
    april = run(city, township, date(2024, 4, 1), approve=False)
    may = run(city, township, date(2024, 5, 1), approve=False)
    services.cancel_payroll(city["approver"], april, "金额有误")  # April is no longer paid by anyone
    with pytest.raises(InputError) as exc:
        services.approve_payroll(city["approver"], may)
    text = exc.value.message("zh")
    assert "1 行" in text and "重新编制" in text
    name = poor_household.members.get(relation="head").name
    assert f"案件 #{case.pk}（{name}）2024-04 补发：名册中 0.00 元，现应为 {fmt(amount)} 元" in text
    assert PayrollRun.objects.get(pk=may.pk).status == "draft"
    assert not AuditEvent.objects.filter(action="payroll.approve").exists()
    may = run(city, township, date(2024, 5, 1), approve=False)  # recomputed: April is back pay now
    assert lines(may) == [(date(2024, 4, 1), "back_pay", amount), (date(2024, 5, 1), "regular", amount)]
    services.approve_payroll(city["approver"], may)
    assert [paid(case, date(2024, m, 1)) for m in (4, 5)] == [amount, amount]


def test_approval_sees_a_decision_and_a_bank_failure_since_the_draft(city, poor_household, township):
    case = approved_case(city, poor_household)
    amount = case.monthly_amount_fen
    april = run(city, township, date(2024, 4, 1), approve=False)
    cases.suspend(city["approver"], case, version=case.version, on=date(2024, 3, 20), reason="待核实")  # from April
    with pytest.raises(InputError) as exc:
        services.approve_payroll(city["approver"], april)
    assert f"2024-04 当月：名册中 {fmt(amount)} 元，现应为 0.00 元" in exc.value.message("zh")
    assert lines(run(city, township, date(2024, 4, 1))) == []  # recomputed, then approved

    from safetynet.payments import bank

    case.refresh_from_db()
    case = cases.resume(city["approver"], case, version=case.version, on=date(2024, 3, 25))  # from April again
    may = run(city, township, date(2024, 5, 1))
    assert lines(may) == [(date(2024, 4, 1), "back_pay", amount), (date(2024, 5, 1), "regular", amount)]
    june = run(city, township, date(2024, 6, 1), approve=False)
    assert lines(june) == [(date(2024, 6, 1), "regular", amount)]
    csv_lines = bank.bank_csv(city["approver"], may).decode("utf-8-sig").splitlines()
    rows = [line.split(",") for line in csv_lines[1:-2]]
    back_pay = next(r for r in rows if r[7] == "补发")
    report = "流水号,金额,结果,原因\n" + "".join(
        f"{r[0]},{r[4]},{'失败' if r is back_pay else '成功'},{'账户冻结' if r is back_pay else ''}\n" for r in rows)
    bank.import_bank_return(city["approver"], may, report.encode())
    with pytest.raises(InputError) as exc:  # April's back pay failed at the bank: June must carry it
        services.approve_payroll(city["approver"], june)
    assert f"2024-04 补发：名册中 0.00 元，现应为 {fmt(amount)} 元" in exc.value.message("zh")


def test_a_payroll_is_cancelled_until_it_goes_to_the_bank_and_its_month_computed_again(city, poor_household,
                                                                                         township):
    from django.core.exceptions import PermissionDenied

    from safetynet.payments import bank
    from safetynet.supervision.models import AuditEvent

    case = approved_case(city, poor_household)
    amount = case.monthly_amount_fen
    april = run(city, township, date(2024, 4, 1))
    for who in ("clerk", "other_approver", "county"):
        with pytest.raises(PermissionDenied):
            services.cancel_payroll(city[who], april, "错误")
    with pytest.raises(InputError) as exc:
        services.cancel_payroll(city["approver"], april, "  ")
    assert exc.value.errors[0].path == "reason"
    cancelled = services.cancel_payroll(city["city_admin"], april, "银行账号批量有误")  # approved, not exported
    assert cancelled.status == "cancelled" and cancelled.get_status_display() == "已作废"
    assert list(april.payments.values_list("cancelled", flat=True)) == [True]  # kept on file, counted as unpaid
    audit = AuditEvent.objects.get(action="payroll.cancel")
    assert audit.details["reason"] == "银行账号批量有误" and audit.details["was"] == "approved"
    with pytest.raises(InputError):  # a cancelled run goes to no bank
        bank.bank_csv(city["approver"], cancelled)
    with pytest.raises(InputError) as exc:
        services.cancel_payroll(city["approver"], cancelled, "再次")
    assert "已作废" in exc.value.message("zh")

    again = run(city, township, date(2024, 4, 1))  # a new run of the month; the old one stays cancelled
    assert again.pk != april.pk and lines(again) == [(date(2024, 4, 1), "regular", amount)]
    assert paid(case, date(2024, 4, 1)) == amount
    bank.bank_csv(city["approver"], again)
    with pytest.raises(InputError) as exc:  # the bank file has left the office: money may be on its way
        services.cancel_payroll(city["approver"], again, "错误")
    assert "银行发放文件已于" in exc.value.message("zh")
    assert PayrollRun.objects.get(pk=again.pk).status == "approved"


def test_the_payroll_page_asks_before_cancelling_and_says_why_a_run_cannot_be(city, poor_household, township,
                                                                              client):
    from safetynet.payments import bank

    approved_case(city, poor_household)
    april = run(city, township, date(2024, 4, 1))
    client.force_login(city["approver"])
    page = client.get(f"/payroll/{april.pk}/").content.decode()
    form = page.split('id="cancel"')[1].split(">")[0]
    assert "data-confirm=" in form and "不能恢复" in form
    bank.bank_csv(city["approver"], april)
    page = client.get(f"/payroll/{april.pk}/").content.decode()
    assert 'id="cancel"' not in page and 'id="not-cancellable"' in page and "银行发放文件已于" in page
    client.force_login(city["clerk"])  # who may not cancel is not told about cancelling
    assert "不能作废" not in client.get(f"/payroll/{april.pk}/").content.decode()


def test_a_payroll_a_later_one_counted_is_cancelled_after_it(city, poor_household, township):
    case = approved_case(city, poor_household)
    amount = case.monthly_amount_fen
    may = run(city, township, date(2024, 5, 1))  # April's back pay with May's
    april = run(city, township, date(2024, 4, 1))  # nothing left to pay for April: a line of 0
    with pytest.raises(InputError) as exc:
        services.cancel_payroll(city["approver"], may, "错误")
    assert f"之后编制的 2024-04 发放名册已计入本名册的款项（案件 #{case.pk}，2024-04）" in exc.value.message("zh")
    services.cancel_payroll(city["approver"], april, "错误")
    services.cancel_payroll(city["approver"], may, "错误")
    june = run(city, township, date(2024, 6, 1))
    assert lines(june) == [(date(2024, 4, 1), "back_pay", amount), (date(2024, 5, 1), "back_pay", amount),
                           (date(2024, 6, 1), "regular", amount)]


def test_no_payroll_for_a_month_that_has_not_begun(city, poor_household, township, capsys):
    import json

    from django.test import Client
    from django.utils import timezone

    from safetynet.cli import main
    from safetynet.policy.months import first_of_next_month

    approved_case(city, poor_household)
    this_month = timezone.localdate().replace(day=1)
    next_month = first_of_next_month(this_month)
    with pytest.raises(InputError) as exc:
        services.run_payroll(city["city_admin"], month=next_month, township=township, programme="dibao")
    assert exc.value.errors[0].path == "month" and "尚未开始" in exc.value.message("zh")
    assert services.run_payroll(city["city_admin"], month=this_month, township=township, programme="dibao").pk
    c = Client()
    c.force_login(city["approver"])
    r = c.post("/api/v1/payrolls", json.dumps({"township": "370811001", "month": f"{next_month:%Y-%m}"}),
               content_type="application/json")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == "month"
    page = c.post("/payroll/compute/", {"township": "370811001", "month": f"{next_month:%Y-%m}", "programme": "dibao"},
                  follow=True).content.decode()
    assert "尚未开始" in page
    page = c.post("/payroll/compute/", {"township": "all", "month": f"{next_month:%Y-%m}", "programme": "dibao"},
                  follow=True).content.decode()
    assert "尚未开始" in page  # refused on the page, not queued for the worker
    assert main(["payroll", "run", "--month", f"{next_month:%Y-%m}", "--user", "approver",
                 "--township", "370811001"]) == 2
    assert "尚未开始" in capsys.readouterr().err
    assert PayrollRun.objects.filter(month=next_month).count() == 0


def test_an_unknown_programme_or_a_bad_month_is_a_field_error(city, township, capsys):
    import json

    from django.test import Client

    from safetynet.cli import main

    c = Client()
    c.force_login(city["approver"])
    for body, field in (({"month": "2024-04", "programme": "nonsense"}, "programme"),
                        ({"month": "2024-13"}, "month"), ({"month": "0001-01"}, "month"), ({"month": ""}, "month")):
        r = c.post("/api/v1/payrolls", json.dumps({"township": "370811001", **body}), content_type="application/json")
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == field, (body, r.content)
    assert c.get("/api/v1/payrolls", {"month": "0001-01-01"}).status_code == 422
    page = c.post("/payroll/compute/", {"township": "370811001", "month": "2024-04", "programme": "nonsense"},
                  follow=True).content.decode()
    assert "未知的救助项目 nonsense" in page
    page = c.post("/payroll/compute/", {"township": "all", "month": "2024-04", "programme": "nonsense"},
                  follow=True).content.decode()
    assert "未知的救助项目 nonsense" in page
    page = c.post("/payroll/compute/", {"township": "370811001", "month": "2024-4x"}, follow=True).content.decode()
    assert "月份格式错误" in page
    assert not PayrollRun.objects.exists()
    assert main(["payroll", "run", "--month", "2024-13", "--user", "approver", "--township", "370811001"]) == 2
    assert "月份格式错误" in capsys.readouterr().err
    assert main(["payroll", "run", "--month", "2024-04", "--user", "approver", "--programme", "nonsense"]) == 2
    assert "未知的救助项目 nonsense" in capsys.readouterr().err
    admin = Client()
    admin.force_login(city["city_admin"])
    body = {"month": "2024-04", "cpi_yoy": "99999999", "food_cpi_yoy": "1"}
    r = admin.post("/api/v1/price-indices", json.dumps(body), content_type="application/json")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == "cpi_yoy"


def test_cancelling_from_the_page_the_api_and_the_command(city, poor_household, township, capsys):
    import json

    from django.test import Client

    from safetynet.cli import main

    approved_case(city, poor_household)
    c = Client()
    c.force_login(city["approver"])
    april = run(city, township, date(2024, 4, 1), approve=False)
    assert 'id="cancel"' in c.get(f"/payroll/{april.pk}/").content.decode()
    page = c.post(f"/payroll/{april.pk}/cancel", {"reason": "重复编制"}, follow=True).content.decode()
    assert "已作废" in page and "重复编制" in page and 'id="cancel"' not in page
    may = run(city, township, date(2024, 5, 1), approve=False)
    r = c.post(f"/api/v1/payrolls/{may.pk}/cancel", json.dumps({"reason": ""}), content_type="application/json")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == "reason"
    r = c.post(f"/api/v1/payrolls/{may.pk}/cancel", json.dumps({"reason": "错误"}), content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["cancel_reason"] == "错误"
    args = ["--month", "2024-04", "--user", "approver", "--township", "370811001"]
    assert main(["payroll", "run", *args]) == 0
    capsys.readouterr()
    assert main(["payroll", "cancel", *args, "--reason", "测试"]) == 0
    assert "已作废" in capsys.readouterr().out
    assert main(["payroll", "cancel", *args, "--reason", "测试"]) == 2  # nothing live left to cancel
    assert PayrollRun.objects.filter(status="cancelled").count() == 3


def test_a_recovery_a_later_payroll_relied_on_is_not_cancelled(city, poor_household, township):
    case = approved_case(city, poor_household)
    amount = case.monthly_amount_fen
    run(city, township, date(2024, 4, 1))
    case = cases.suspend(city["approver"], case, version=case.version, on=date(2024, 3, 18), reason="待核实")
    may = run(city, township, date(2024, 5, 1))
    assert lines(may) == [(date(2024, 4, 1), "recovery", -amount)]
    cases.resume(city["approver"], case, version=case.version, on=date(2024, 3, 22))  # owed from April again
    june = run(city, township, date(2024, 6, 1))
    assert (date(2024, 4, 1), "back_pay", amount) in lines(june)  # counting May's recovery
    with pytest.raises(InputError) as exc:  # else April would be paid twice, its recovery gone
        services.cancel_payroll(city["approver"], may, "错误")
    assert "2024-06 发放名册已计入本名册的款项" in exc.value.message("zh")
    assert paid(case, date(2024, 4, 1)) == amount


def test_a_recovery_recomputed_after_a_later_payroll_relied_on_it_is_not_cancelled(city, poor_household, township):
    case = approved_case(city, poor_household)
    amount = case.monthly_amount_fen
    run(city, township, date(2024, 4, 1))
    case = cases.suspend(city["approver"], case, version=case.version, on=date(2024, 3, 18), reason="待核实")
    run(city, township, date(2024, 5, 1), approve=False)  # April recovered
    cases.resume(city["approver"], case, version=case.version, on=date(2024, 3, 22))
    assert (date(2024, 4, 1), "back_pay", amount) in lines(run(city, township, date(2024, 6, 1)))
    may = run(city, township, date(2024, 5, 1), approve=False)  # recomputed after June: the recovery again
    assert (date(2024, 4, 1), "recovery", -amount) in lines(may)
    with pytest.raises(InputError):  # June's back pay was computed against May's recovery
        services.cancel_payroll(city["approver"], may, "错误")
    assert paid(case, date(2024, 4, 1)) == amount
