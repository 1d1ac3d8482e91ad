"""The township standby fund (备用金; seed: 在镇街建立临时救助备用金制度; 临救-2018): the county
allocates, the township pays help first from it, the balance never goes below zero, and each
month's statement reconciles. Pages, the API, the Excel file and the command as a user meets them."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import Client
from openpyxl import load_workbook

from safetynet import cli
from safetynet.cases.models import Case
from safetynet.funds import selectors, services
from safetynet.funds.models import Fund, FundEntry
from safetynet.policy.errors import InputError
from safetynet.registry.selectors import Forbidden
from safetynet.site import demo
from safetynet.supervision.models import AuditEvent
from tests.office.conftest import TODAY

TOWNSHIP, OTHER = "370811001", "370811002"  # 任城区 (county 370811); 汶上县's township is 370830001


@pytest.fixture
def office(city, settings):
    """The office's city, on a fixed day, with the county's approver too."""
    settings.SAFETYNET_TODAY = TODAY  # 2024-03-04
    city["county_approver"] = demo.make_staff("county_approver", "county_approver", "370811")
    return city


def _case(household, programme: str) -> Case:
    """A case of the household, as the casework leaves it (its steps are tested elsewhere)."""
    head = household.members.first()
    return Case.objects.create(programme=programme, household=household, applicant=head,
                               area_code=household.village_id, opened_on=TODAY, state="helped"
                               if programme == "temporary" else "precheck")  # fmt: skip


def allocate(office, yuan: str, on: date = TODAY, township: str = TOWNSHIP) -> FundEntry:
    return services.allocate(office["county"], township_code=township, amount_fen=services.parse_yuan(yuan), on=on,
                             document="任民发〔2024〕3号")  # fmt: skip


def draw(office, yuan: str, on: date = TODAY, case=None, receipt: str = "", user: str = "clerk") -> FundEntry:
    return services.draw(office[user], township_code=TOWNSHIP, amount_fen=services.parse_yuan(yuan), on=on,
                         case=case, purpose="火灾先行救助", receipt=receipt)  # fmt: skip


def refusal(exc: InputError) -> tuple[str, str, dict]:
    (error,) = exc.errors
    return error.path, error.code, error.params


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# ---- the services -------------------------------------------------------------------------------


def test_the_county_allocates_and_the_township_draws_for_a_case(office, poor_household):
    case = _case(poor_household, "temporary")
    entry = allocate(office, "5000.00", on=date(2024, 3, 1))
    assert (entry.kind, entry.amount_fen, entry.balance_after_fen, entry.document) == ("allocate", 500000, 500000,
                                                                                        "任民发〔2024〕3号")
    paid = draw(office, "1200.00", case=case, receipt="SJ-0001")
    assert (paid.kind, paid.amount_fen, paid.balance_after_fen, paid.case, paid.receipt) == \
        ("draw", -120000, 380000, case, "SJ-0001")  # fmt: skip
    assert selectors.balance(TOWNSHIP) == 380000
    assert selectors.balance(OTHER) == 0  # never allocated
    audit = list(AuditEvent.objects.filter(object_type="fund_entry").order_by("id"))
    assert [(a.action, a.area_code, a.details["amount"], a.details["balance"]) for a in audit] == [
        ("fund.allocate", TOWNSHIP, "5000.00", "5000.00"), ("fund.draw", TOWNSHIP, "-1200.00", "3800.00")]
    assert audit[1].details["case"] == case.pk and audit[1].details["receipt"] == "SJ-0001"
    services.return_to_fund(office["clerk"], township_code=TOWNSHIP, amount_fen=20000, on=TODAY, reason="未用完",
                            case=case)  # fmt: skip
    assert selectors.paid_for_case(case.pk) == 100000  # what the granting step deducts from what it owes


def test_a_draw_one_fen_over_the_balance_is_refused_and_nothing_is_written(office):
    allocate(office, "100.00")
    entries, audit = FundEntry.objects.count(), AuditEvent.objects.count()
    with pytest.raises(InputError) as refused:
        draw(office, "100.01")
    path, code, params = refusal(refused.value)
    assert (path, code, params["balance"], params["amount"]) == ("amount", "fund_insufficient", "100.00", "100.01")
    message = refused.value.errors[0].message("zh")
    assert "100.00" in message and "100.01" in message and "城关街道" in message, message
    assert (FundEntry.objects.count(), AuditEvent.objects.count(), selectors.balance(TOWNSHIP)) == (entries, audit,
                                                                                                     10000)
    assert draw(office, "100.00").balance_after_fen == 0  # the whole balance may be paid, not a fen more
    with pytest.raises(InputError) as refused:
        draw(office, "0.01")
    assert refusal(refused.value)[1] == "fund_insufficient"


def test_a_township_the_county_never_allocated_to_has_nothing_to_draw(office):
    with pytest.raises(InputError) as refused:
        draw(office, "1.00")
    assert refusal(refused.value)[:2] == ("amount", "fund_insufficient")
    assert refusal(refused.value)[2]["balance"] == "0.00"
    assert not Fund.objects.exists()


def test_a_draw_refused_inside_the_callers_transaction_leaves_it_usable_and_a_rollback_takes_the_draw_back(office):
    allocate(office, "300.00")
    with transaction.atomic():  # a case step paying help first: the refusal is the step's to report
        with pytest.raises(InputError):
            draw(office, "500.00")
        draw(office, "200.00")
    assert selectors.balance(TOWNSHIP) == 10000
    with pytest.raises(RuntimeError), transaction.atomic():
        draw(office, "100.00")
        raise RuntimeError("the case step failed after paying")
    assert selectors.balance(TOWNSHIP) == 10000 and FundEntry.objects.filter(kind="draw").count() == 1


def test_who_may_write_to_the_fund(office):
    with pytest.raises(Forbidden):  # the township does not allocate to itself
        services.allocate(office["approver"], township_code=TOWNSHIP, amount_fen=100, on=TODAY, document="x")
    assert allocate(office, "10.00")
    services.allocate(office["county_approver"], township_code=TOWNSHIP, amount_fen=100, on=TODAY, document="x")
    with pytest.raises(Forbidden):  # the county does not pay help first
        draw(office, "1.00", user="county")
    with pytest.raises(Forbidden):  # another township's window
        draw(office, "1.00", user="other_clerk")
    with pytest.raises(Forbidden):  # 汶上县 allocates to its own townships only
        services.allocate(demo.make_staff("ws_county", "county", "370830"), township_code=TOWNSHIP, amount_fen=100,
                          on=TODAY, document="x")  # fmt: skip
    with pytest.raises(Forbidden):  # a correction is the county's
        services.adjust(office["approver"], township_code=TOWNSHIP, amount_fen=-100, on=TODAY, reason="错账")
    assert draw(office, "1.00", user="approver").amount_fen == -100
    assert FundEntry.objects.count() == 3


def test_bad_input_is_refused_field_by_field(office, other_household):
    with pytest.raises(InputError) as refused:
        services.allocate(office["county"], township_code="370811", amount_fen=100, on=TODAY, document="x")
    assert refusal(refused.value)[:2] == ("township_code", "fund_township")  # a county is not a township
    with pytest.raises(InputError) as refused:
        services.allocate(office["county"], township_code=TOWNSHIP, amount_fen=0, on=date(2024, 3, 5), document="")
    assert {(e.path, e.code) for e in refused.value.errors} == {
        ("amount", "fund_amount_positive"), ("on", "date_future"), ("document", "required")}
    allocate(office, "100.00")
    with pytest.raises(InputError) as refused:  # a case of another township is not paid from this fund
        draw(office, "10.00", case=_case(other_household, "temporary"))
    assert refusal(refused.value)[:2] == ("case", "fund_case_township")
    with pytest.raises(InputError) as refused:
        services.draw(office["clerk"], township_code=TOWNSHIP, amount_fen=100, on=TODAY, purpose=" ")
    assert refusal(refused.value)[:2] == ("purpose", "required")
    with pytest.raises(InputError) as refused:
        services.adjust(office["county"], township_code=TOWNSHIP, amount_fen=0, on=TODAY, reason="")
    assert {(e.path, e.code) for e in refused.value.errors} == {("amount", "fund_amount_zero"), ("reason", "required")}
    for text, code in (("12.345", "money_format"), ("-5", "money_negative"), ("", "required"), ("abc", "money_format")):
        with pytest.raises(InputError) as refused:
            services.parse_yuan(text)
        assert refusal(refused.value)[1] == code
    assert services.parse_yuan("1,200.5") == 120050 and services.parse_yuan("-0.01", signed=True) == -1


def test_an_adjustment_is_an_entry_of_its_own_with_its_reason_and_never_takes_the_balance_below_zero(office):
    allocate(office, "100.00")
    with pytest.raises(InputError) as refused:
        services.adjust(office["county"], township_code=TOWNSHIP, amount_fen=-10001, on=TODAY, reason="重复拨付")
    assert refusal(refused.value)[:2] == ("amount", "fund_adjust_below_zero")
    entry = services.adjust(office["county"], township_code=TOWNSHIP, amount_fen=-2000, on=TODAY, reason="重复拨付冲回")
    assert (entry.kind, entry.amount_fen, entry.reason) == ("adjust", -2000, "重复拨付冲回")
    assert entry.balance_after_fen == 8000
    event = AuditEvent.objects.get(action="fund.adjust")
    assert event.details["reason"] == "重复拨付冲回" and event.details["amount"] == "-20.00"


def test_entries_are_never_changed_and_the_balance_never_stored_below_zero(office):
    entry = allocate(office, "100.00")
    entry.amount_fen = 1
    with pytest.raises(Exception, match="只能追加"):
        entry.save()
    with pytest.raises(Exception, match="只能追加"):
        FundEntry.objects.all().delete()
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE funds_fundentry SET amount_fen = 1")  # the database refuses it too
    with pytest.raises(IntegrityError), transaction.atomic():
        Fund.objects.filter(pk=TOWNSHIP).update(balance_fen=-1)
    assert FundEntry.objects.get().amount_fen == 10000


def test_a_month_is_closed_once_the_next_has_entries(office):
    allocate(office, "100.00", on=date(2024, 2, 20))
    draw(office, "10.00", on=date(2024, 2, 10))  # within the month any order of dates
    allocate(office, "50.00", on=date(2024, 3, 1))
    with pytest.raises(InputError) as refused:
        draw(office, "10.00", on=date(2024, 2, 29))
    assert refusal(refused.value)[:2] == ("on", "fund_month_closed")
    assert "2024-02" in refused.value.errors[0].message("zh")


# ---- the statement and its reconciliation ---------------------------------------------------------


@pytest.fixture
def two_months(office, poor_household):
    """February: 1,000.00 in, two draws (one without a case), 30.00 back. March: 500.00 in, a
    correction of -10.00, a draw for a dibao case."""
    temporary, dibao = _case(poor_household, "temporary"), _case(poor_household, "dibao")
    allocate(office, "1000.00", on=date(2024, 2, 1))
    draw(office, "200.00", on=date(2024, 2, 5), case=temporary, receipt="SJ-0001")
    draw(office, "50.00", on=date(2024, 2, 6))
    services.return_to_fund(office["clerk"], township_code=TOWNSHIP, amount_fen=3000, on=date(2024, 2, 20),
                            reason="先行救助款未支出", case=temporary)  # fmt: skip
    allocate(office, "500.00", on=date(2024, 3, 1))
    services.adjust(office["county"], township_code=TOWNSHIP, amount_fen=-1000, on=date(2024, 3, 1), reason="错账更正")
    draw(office, "100.00", on=date(2024, 3, 4), case=dibao, receipt="SJ-0002")
    return {"temporary": temporary, "dibao": dibao}


def test_the_monthly_statements_sum_and_reconcile(two_months):
    from safetynet.registry.models import Area

    township = Area.objects.get(code=TOWNSHIP)
    feb = selectors.statement(township, date(2024, 2, 1))
    assert (feb.opening_fen, feb.allocations_fen, feb.draws_fen, feb.returns_fen, feb.closing_fen) == \
        (0, 100000, 25000, 3000, 78000)  # fmt: skip
    assert feb.reconciled and feb.fund_balance_fen is None  # March has entries: February is closed
    assert [(e.on.day, e.kind) for e in feb.entries] == [(1, "allocate"), (5, "draw"), (6, "draw"), (20, "return")]
    assert [(e.out_fen, why) for e, why in feb.unmatched] == [(5000, "no_case")]
    mar = selectors.statement(township, date(2024, 3, 1))
    assert (mar.opening_fen, mar.allocations_fen, mar.adjust_out_fen, mar.draws_fen, mar.closing_fen) == \
        (78000, 50000, 1000, 10000, 117000)  # fmt: skip
    assert mar.opening_fen + mar.in_fen - mar.out_fen == mar.closing_fen == selectors.balance(TOWNSHIP)
    assert mar.reconciled and mar.fund_balance_fen == 117000
    assert [(e.case_id, why) for e, why in mar.unmatched] == [(two_months["dibao"].pk, "not_temporary")]
    jan = selectors.statement(township, date(2024, 1, 1))
    assert (jan.opening_fen, jan.closing_fen, jan.entries, jan.reconciled) == (0, 0, [], True)


def test_a_removed_entry_breaks_the_reconciliation(two_months):
    from safetynet.registry.models import Area

    draw_id = FundEntry.objects.get(kind="draw", amount_fen=-5000).pk
    with connection.cursor() as cursor:  # behind the application's back (the model refuses it)
        cursor.execute("DELETE FROM funds_fundentry WHERE id = %s", [draw_id])
    feb = selectors.statement(Area.objects.get(code=TOWNSHIP), date(2024, 2, 1))
    assert not feb.reconciled and [e.kind for e in feb.breaks] == ["return"]
    mar = selectors.statement(Area.objects.get(code=TOWNSHIP), date(2024, 3, 1))
    assert not mar.reconciled  # the opening balance of the book and of the amounts differ


# ---- pages ---------------------------------------------------------------------------------------


def test_the_county_sees_its_townships_funds_with_the_low_balance_warning(two_months, office):
    allocate(office, "100.00", on=date(2024, 3, 1), township=OTHER)
    services.draw(office["other_clerk"], township_code=OTHER, amount_fen=9000, on=TODAY, purpose="急难救助")
    rows = {r.township.code: r for r in selectors.fund_rows(office["county"], TODAY)}
    assert set(rows) == {TOWNSHIP, OTHER}  # not 汶上县's
    assert (rows[TOWNSHIP].balance_fen, rows[TOWNSHIP].allocated_fen, rows[TOWNSHIP].low) == (117000, 150000, False)
    assert (rows[OTHER].balance_fen, rows[OTHER].low, rows[OTHER].last_draw.out_fen) == (1000, True, 9000)
    page = client_for(office["county"]).get("/funds/")
    html = page.content.decode()
    assert page.status_code == 200 and "城关街道" in html and "1170.00" in html and "余额不足" in html
    assert "汶上" not in html.split('id="funds"')[1]
    assert set(r.township.code for r in selectors.fund_rows(office["city_admin"], TODAY)) == {TOWNSHIP, OTHER,
                                                                                                "370830001"}
    assert [r.township.code for r in selectors.fund_rows(office["clerk"], TODAY)] == [TOWNSHIP]
    assert selectors.fund_rows(office["verifier"], TODAY) == []


def test_another_townships_fund_is_not_found(two_months, office):
    assert client_for(office["clerk"]).get(f"/funds/{TOWNSHIP}/").status_code == 200
    assert client_for(office["other_clerk"]).get(f"/funds/{TOWNSHIP}/").status_code == 404
    assert client_for(office["other_clerk"]).get(f"/funds/{TOWNSHIP}/statement.xlsx?month=2024-02").status_code == 404
    assert client_for(office["other_clerk"]).get(f"/api/v1/funds/{TOWNSHIP}/statement").status_code == 404
    assert client_for(office["wenshang_approver"]).get(f"/funds/{TOWNSHIP}/").status_code == 404
    assert client_for(office["verifier"]).get(f"/funds/{TOWNSHIP}/").status_code == 404
    assert client_for(office["auditor"]).get(f"/funds/{TOWNSHIP}/").status_code == 200  # reads
    assert client_for(office["auditor"]).get(f"/funds/{TOWNSHIP}/allocate/").status_code == 403  # never writes


def test_the_statement_page_with_its_month_picker(two_months, office):
    c = client_for(office["approver"])
    html = c.get(f"/funds/{TOWNSHIP}/?month=2024-02").content.decode()
    assert "2024-02 收支对账单" in html and "SJ-0001" in html and "780.00" in html and "相符" in html
    assert "未关联案件" in html  # the draw without a case, to explain
    assert 'id="allocate"' not in html and 'id="return"' in html  # the township returns, the county allocates
    html = c.get(f"/funds/{TOWNSHIP}/?month=2024-13").content.decode()
    assert "月份格式错误" in html and "2024-03 收支对账单" in html  # the error, and this month instead
    assert "尚未开始" in c.get(f"/funds/{TOWNSHIP}/?month=2024-04").content.decode()
    assert "备用金" in c.get("/desk/").content.decode()  # in the menu


def test_an_allocation_asks_for_confirmation_and_keeps_what_was_typed(office):
    c = client_for(office["county"])
    url = f"/funds/{TOWNSHIP}/allocate/"
    assert c.get(url).status_code == 200
    r = c.post(url, {"amount": "12.345", "on": "2024-03-04", "document": ""})
    html = r.content.decode()
    assert r.status_code == 200 and "请修改以下问题后再提交" in html
    assert 'value="12.345"' in html and "金额格式错误" in html and "请填写拨付文号" in html
    assert 'id="amount-error"' in html and 'id="document-error"' in html  # each beside its field
    form = {"amount": "2000.00", "on": "2024-03-04", "document": "任民发〔2024〕9号"}
    r = c.post(url, form)
    assert "请核对" in r.content.decode() and "确定拨付吗" in r.content.decode()
    assert not FundEntry.objects.exists()  # nothing written before the confirmation
    back = c.post(url, {**form, "step": "edit"}).content.decode()
    assert 'value="2000.00"' in back and "任民发〔2024〕9号" in back and not FundEntry.objects.exists()
    r = c.post(url, {**form, "step": "confirmed"})
    assert r.status_code == 302 and r["Location"] == f"/funds/{TOWNSHIP}/?month=2024-03"
    assert selectors.balance(TOWNSHIP) == 200000
    assert client_for(office["clerk"]).get(url).status_code == 403


def test_a_date_after_today_is_refused_before_the_confirmation(office):
    allocate(office, "10.00")
    c = client_for(office["county"])
    form = {"direction": "in", "amount": "5.00", "on": "2024-03-05", "reason": "补记"}
    html = c.post(f"/funds/{TOWNSHIP}/adjust/", form).content.decode()
    assert "请核对" not in html and 'id="on-error"' in html and "2024-03-05 晚于今天" in html
    assert 'value="5.00"' in html and "补记" in html and FundEntry.objects.count() == 1


def test_an_adjustment_below_zero_is_refused_beside_the_amount(office):
    allocate(office, "10.00")
    c = client_for(office["county_approver"])
    form = {"direction": "out", "amount": "10.01", "on": "2024-03-04", "reason": "错账"}
    html = c.post(f"/funds/{TOWNSHIP}/adjust/", {**form, "step": "confirmed"}).content.decode()
    assert 'id="amount-error"' in html and "10.00" in html and "负数" in html and 'value="10.01"' in html
    assert c.post(f"/funds/{TOWNSHIP}/adjust/", {**form, "amount": "10.00", "step": "confirmed"}).status_code == 302
    assert selectors.balance(TOWNSHIP) == 0


def test_the_township_records_money_returned(office, poor_household):
    allocate(office, "10.00")
    case = _case(poor_household, "temporary")
    c = client_for(office["clerk"])
    form = {"amount": "5.00", "on": "2024-03-04", "reason": "未支出", "case": case.pk, "receipt": "TH-1"}
    # An entry in the fund's books cannot be undone: asked first, with the answers in words.
    asked = c.post(f"/funds/{TOWNSHIP}/return/", form).content.decode()
    assert "确定登记退回吗" in asked and "5.00" in asked and not FundEntry.objects.filter(kind="return").exists()
    assert c.post(f"/funds/{TOWNSHIP}/return/", {**form, "step": "confirmed"}).status_code == 302
    assert FundEntry.objects.get(kind="return").case == case and selectors.balance(TOWNSHIP) == 1500
    html = c.post(f"/funds/{TOWNSHIP}/return/", {"amount": "5.00", "on": "2024-03-04", "reason": "x",
                                                 "case": 999999, "step": "confirmed"}).content.decode()  # fmt: skip
    assert 'id="case-error"' in html and "不属于" in html


def test_the_statement_in_excel(two_months, office):
    r = client_for(office["clerk"]).get(f"/funds/{TOWNSHIP}/statement.xlsx?month=2024-02")
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.content))
    rows = list(book["2024-02"].iter_rows(values_only=True))
    assert "城关街道 临时救助备用金收支对账单 2024 年 02 月" in rows[0][0]
    summary = {row[0]: row[1] for row in rows[1:9]}
    assert summary["期初余额"] == 0 and summary["县级拨付"] == 1000 and summary["支出"] == 250
    assert summary["期末余额"] == 780 and summary["对账结果"] == "相符"
    header = rows.index(("序号", "日期", "类别", "收入（元）", "支出（元）", "余额（元）", "案件", "领取人", "用途",
                         "收据编号", "拨付文号", "说明", "经办人"))  # fmt: skip
    lines = rows[header + 1: header + 5]
    assert [(r[1], r[2], r[3], r[4], r[5]) for r in lines] == [
        ("2024-02-01", "县级拨付", 1000, None, 1000), ("2024-02-05", "支出", None, 200, 800),
        ("2024-02-06", "支出", None, 50, 750), ("2024-02-20", "退回", 30, None, 780)]
    # the case, its payee and the receipt
    assert lines[1][6] == two_months["temporary"].pk and lines[1][7] and lines[1][9] == "SJ-0001"
    assert rows[header + 5][:6] == ("合计", None, None, 1030, 250, 780)
    assert list(book["待核对支出"].iter_rows(values_only=True))[1][2:] == (50, None, "火灾先行救助", None, "未关联案件")


# ---- the API --------------------------------------------------------------------------------------


def test_the_fund_api(two_months, office):
    c = client_for(office["county"])
    funds = {f["township"]: f for f in c.get("/api/v1/funds/").json()}
    assert funds[TOWNSHIP]["balance"] == "1170.00" and funds[TOWNSHIP]["last_draw_amount"] == "100.00"
    assert set(funds) == {TOWNSHIP, OTHER}
    s = c.get(f"/api/v1/funds/{TOWNSHIP}/statement?month=2024-02").json()
    assert (s["opening"], s["allocations"], s["draws"], s["returns"], s["closing"], s["reconciled"]) == \
        ("0.00", "1000.00", "250.00", "30.00", "780.00", True)  # fmt: skip
    assert [e["amount"] for e in s["entries"]] == ["1000.00", "-200.00", "-50.00", "30.00"]
    assert s["unmatched_draws"][0]["why"] == "no_case"
    bad = c.get(f"/api/v1/funds/{TOWNSHIP}/statement?month=2024-13")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == "month"
    r = c.post(f"/api/v1/funds/{TOWNSHIP}/allocations", json.dumps({"amount": "300.50", "on": "2024-03-04",
                                                                   "document": "任民发〔2024〕10号"}),
               content_type="application/json")  # fmt: skip
    assert r.status_code == 201 and r.json()["balance_after"] == "1470.50" and r.json()["kind"] == "allocate"
    r = c.post(f"/api/v1/funds/{TOWNSHIP}/allocations", json.dumps({"amount": "1.001", "on": "2024-03-04"}),
               content_type="application/json")  # fmt: skip
    assert r.status_code == 422 and {e["loc"] for e in r.json()["detail"]} == {"document"}
    r = c.post(f"/api/v1/funds/{TOWNSHIP}/allocations", json.dumps({"amount": "1.001", "on": "2024-03-04",
                                                                   "document": "x"}),
               content_type="application/json")  # fmt: skip
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == "amount"
    assert r.json()["detail"][0]["type"] == "money_format"
    r = c.post(f"/api/v1/funds/{TOWNSHIP}/adjustments", json.dumps({"amount": "-2000.00", "on": "2024-03-04",
                                                                   "reason": "冲回"}),
               content_type="application/json")  # fmt: skip
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "fund_adjust_below_zero"
    clerk = client_for(office["clerk"])
    r = clerk.post(f"/api/v1/funds/{TOWNSHIP}/allocations", json.dumps({"amount": "1.00", "on": "2024-03-04",
                                                                       "document": "x"}),
                   content_type="application/json")  # fmt: skip
    assert r.status_code == 403
    r = c.post("/api/v1/funds/370830001/allocations", json.dumps({"amount": "1.00", "on": "2024-03-04",
                                                                 "document": "x"}),
               content_type="application/json")  # fmt: skip
    assert r.status_code == 404  # 汶上县's township: not the 任城区 county's


# ---- the command ---------------------------------------------------------------------------------


def test_the_statement_command(two_months, office, tmp_path, capsys):
    path = tmp_path / "feb.xlsx"
    assert cli.main(["fund", "statement", "--township", TOWNSHIP, "--month", "2024-02", "--xlsx", str(path)]) == 0
    out = capsys.readouterr().out
    assert "期末余额: 780.00 元" in out and "SJ-0001" in out and "对账相符" in out and "未关联案件" in out
    assert "城关街道 临时救助备用金收支对账单 2024 年 02 月" in load_workbook(path)["2024-02"]["A1"].value
    assert cli.main(["fund", "statement", "--township", TOWNSHIP, "--month", "2024-03", "--user", "county"]) == 0
    capsys.readouterr()
    for args, said in ((["--township", TOWNSHIP, "--month", "2024-13"], "--month"),
                       (["--township", TOWNSHIP, "--month", "2024-04"], "尚未开始"),
                       (["--township", "370811", "--month", "2024-02"], "--township"),
                       (["--township", TOWNSHIP, "--month", "2024-02", "--user", "other_clerk"], "--township"),
                       (["--township", TOWNSHIP, "--month", "2024-02", "--user", "nobody"], "--user")):
        assert cli.main(["fund", "statement", *args]) == 2, args
        assert said in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        cli.main(["fund", "statement", "--township", TOWNSHIP])  # --month missing: argparse's own exit 2
    assert usage.value.code == 2
