"""Intake takes a real household and never loses what was typed (issue 9, point 2): any number of
members, each with any number of incomes and assets of every kind the policy floor knows, phone,
bank and card number; a bad card number is a field error with everything kept; a payroll line
whose recipient has no valid card never reaches a bank file."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from safetynet.payments import bank
from safetynet.payments import services as payroll
from safetynet.payments.models import Payment, PayrollRun
from safetynet.policy import idnumber
from safetynet.policy.assessment import assess
from safetynet.registry import cards
from safetynet.registry.models import Area, Asset, Household, Income, Person
from safetynet.registry.selectors import assessment_input

VILLAGE = "370811001001"
GOOD_CARD = cards.with_check_digit("622848001234567890")  # 19 digits, UnionPay debit
BAD_CARD = GOOD_CARD[:-1] + str((int(GOOD_CARD[-1]) + 1) % 10)  # the check digit mistyped


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def person(no: int, **fields) -> dict:
    born = date(1950 + 10 * no, 3, 1)
    return {"name": f"孙{'一二三四五'[no]}", "id_number": idnumber.generate("370811", born, 60 + no),
            "relation": ["head", "spouse", "child", "parent"][no], "phone": f"1390000000{no}",
            "bank_card": GOOD_CARD if no == 0 else "", **fields}  # fmt: skip


def form_data(members: list[dict], **household) -> dict:
    """The intake form as the browser posts it: management forms, then each member's rows."""
    data = {"village": VILLAGE, "hukou": "rural", "address": "张庄村 9 号", "household_no": "370811001001-0009",
            "month": "2024-03", "members-TOTAL_FORMS": str(len(members)), "members-INITIAL_FORMS": "0", **household}
    for i, m in enumerate(members):
        incomes, assets = m.get("incomes", []), m.get("assets", [])
        data.update({f"members-{i}-{k}": v for k, v in m.items() if k not in ("incomes", "assets")})
        data.update({f"members-{i}-incomes-TOTAL_FORMS": str(len(incomes)), f"members-{i}-incomes-INITIAL_FORMS": "0",
                     f"members-{i}-assets-TOTAL_FORMS": str(len(assets)), f"members-{i}-assets-INITIAL_FORMS": "0"})
        for j, row in enumerate(incomes):
            data.update({f"members-{i}-incomes-{j}-{k}": v for k, v in row.items()})
        for j, row in enumerate(assets):
            data.update({f"members-{i}-assets-{j}-{k}": v for k, v in row.items()})
    return data


def four_members() -> list[dict]:
    return [
        {**person(0), "incomes": [{"kind": "wage", "monthly": "300.00"}, {"kind": "pension_basic", "monthly": "150"}],
         "assets": [{"kind": "deposit", "value": "5000.00"}, {"kind": "house", "value": "0"},
                    {"kind": "vehicle", "value": "3000", "use": "farm"}]},
        {**person(1), "assets": [{"kind": "securities", "value": "1000.00"}, {"kind": "insurance", "value": "800.50"}]},
        {**person(2), "incomes": [{"kind": "business", "monthly": "200.00"}], "assets": [{"kind": "business"}]},
        {**person(3), "disability_grade": "2", "disability_kind": "physical", "no_able_obligor": "on",
         "incomes": [{"kind": "pension", "monthly": "100.00"}]},
    ]


def test_a_household_of_four_with_every_kind_of_asset_is_registered(city):
    response = client_for(city["clerk"]).post("/households/new/", form_data(four_members()))
    assert response.status_code == 302, response.content.decode()[:3000]
    household = Household.objects.get()
    assert response["Location"] == f"/households/{household.pk}/"
    members = list(household.members.order_by("id"))
    assert [p.name for p in members] == ["孙一", "孙二", "孙三", "孙四"]
    assert members[0].bank_card == GOOD_CARD and members[0].phone == "13900000000"
    assert members[3].disability_grade == 2 and members[3].able_obligor is False
    incomes = sorted((i.person.name, i.kind, i.monthly_fen, i.since) for i in Income.objects.all())
    assert incomes == [("孙一", "pension_basic", 15000, date(2024, 3, 1)), ("孙一", "wage", 30000, date(2024, 3, 1)),
                       ("孙三", "business", 20000, date(2024, 3, 1)), ("孙四", "pension", 10000, date(2024, 3, 1))]
    assets = sorted((a.person.name, a.kind, a.value_fen, a.use) for a in Asset.objects.all())
    assert assets == [("孙一", "deposit", 500000, ""), ("孙一", "house", 0, ""), ("孙一", "vehicle", 300000, "farm"),
                      ("孙三", "business", 0, ""), ("孙二", "insurance", 80050, ""), ("孙二", "securities", 100000, "")]
    # What the policy floor reads back: the same household, every asset counted by its kind.
    result = assess(assessment_input(household, date(2024, 3, 1)))
    assert result["dibao"]["per_capita_income"] == "150.00"  # (300 + 200 + 100) / 4: the basic pension excluded


def test_adding_rows_keeps_everything_typed(city):
    c = client_for(city["clerk"])
    typed = four_members()[:2]
    page = c.post("/households/new/", {**form_data(typed), "add": "member"}).content.decode()
    assert not Household.objects.exists()  # nothing is submitted by adding a row
    assert 'name="members-TOTAL_FORMS" value="3"' in page and 'id="members-2"' in page
    assert 'value="孙一"' in page and 'value="孙二"' in page and f'value="{GOOD_CARD}"' in page
    assert 'value="5000.00"' in page and 'value="800.50"' in page and 'id="error-summary"' not in page
    assert re.search(r'name="members-2-name"[^>]*autofocus', page)  # the clerk types on in the new row
    new_row = page[page.index('name="members-2-relation"'):]
    assert '<option value="child" selected>' in new_row[:new_row.index("</select>")]  # a child, not a second head
    page = c.post("/households/new/", {**form_data(typed), "add": "income-1"}).content.decode()
    assert 'name="members-1-incomes-TOTAL_FORMS" value="1"' in page and 'id="members-1-incomes-0"' in page
    page = c.post("/households/new/", {**form_data(typed), "add": "asset-0"}).content.decode()
    assert 'name="members-0-assets-TOTAL_FORMS" value="4"' in page and 'value="3000"' in page


def test_a_bad_card_number_is_a_field_error_and_everything_typed_is_kept(city):
    members = four_members()
    members[2]["bank_card"] = BAD_CARD
    members[1]["incomes"] = [{"kind": "transfer", "monthly": "12.5x"}]  # a service's error, on its nested field
    response = client_for(city["clerk"]).post("/households/new/", form_data(members))
    page = response.content.decode()
    assert response.status_code == 200 and not Household.objects.exists() and not Person.objects.exists()
    summary = page[page.index('id="error-summary"'):page.index("</div>", page.index('id="error-summary"'))]
    assert "成员 3 · 银行卡号：银行卡号校验位错误" in summary and 'href="#id_members-2-bank_card"' in summary
    assert "成员 2 · 收入 1 · 月收入（元）：金额格式错误" in summary
    assert 'id="id_members-2-bank_card-error"' in page  # beside its field
    assert 'id="id_members-1-incomes-0-monthly-error"' in page
    for kept in ("孙一", "孙四", BAD_CARD, "12.5x", "5000.00", "800.50", "3000", "370811001001-0009", "张庄村 9 号"):
        assert f'value="{kept}"' in page, kept
    assert re.search(r'<option value="farm" selected>', page) and re.search(r'<option value="2" selected>', page)
    words = re.sub(r"<[^>]+>", "", summary)
    assert "members[" not in page and "bank_card" not in words and "monthly" not in words  # no field keys


def test_every_problem_shows_at_once_the_forms_and_the_services(city):
    members = four_members()
    members[3]["name"] = ""  # the form's own check
    members[2]["bank_card"] = BAD_CARD  # the services' checks, made at the same time
    members[0]["incomes"][0]["monthly"] = "-5"
    page = client_for(city["clerk"]).post("/households/new/", form_data(members)).content.decode()
    summary = re.sub(r"<[^>]+>", "", page[page.index('id="error-summary"'):page.index("</ul>", page.index(
        'id="error-summary"'))])
    assert "成员 4 · 姓名" in summary and "成员 3 · 银行卡号：银行卡号校验位错误" in summary
    assert "成员 1 · 收入 1 · 月收入（元）：金额不能为负数：-5" in summary
    assert summary.count("姓名") == 1 and not Household.objects.exists()


def test_the_preview_names_the_field_and_says_the_amount(city):
    c = client_for(city["clerk"])
    members = four_members()
    members[1]["id_number"] = members[1]["id_number"][:-1] + ("0" if members[1]["id_number"][-1] != "0" else "1")
    page = c.post("/households/preview/", form_data(members)).content.decode()
    assert 'data-field="id_members-1-id_number"' in page and "校验码错误" in page
    page = c.post("/households/preview/", form_data(four_members())).content.decode()
    assert "不符合" in page and "家庭财产状况" in page  # the deposit and the vehicle are counted
    page = c.post("/households/preview/", form_data([person(0), person(1)])).content.decode()
    assert 'id="preview-amount"' in page


@pytest.mark.parametrize(("number", "code"), [
    ("62284800123", "card_length"), ("62284800123456789012", "card_length"), ("6228 4800 abcd 1234", "card_chars"),
    (BAD_CARD, "card_check_digit"), ("4111111111111112", "card_check_digit"),
])
def test_card_numbers_refused(number, code):
    assert cards.problem(number)[0] == code


@pytest.mark.parametrize("number", [GOOD_CARD, "4111111111111111", "4111 1111 1111 1111", "622848001234",
                                    "6228480012345"])  # 12 and 13 digits: no check digit required
def test_card_numbers_accepted(number):
    assert cards.problem(number) is None


@given(st.text("0123456789", min_size=15, max_size=18), st.integers(0, 18), st.integers(1, 9))
def test_luhn_catches_every_single_mistyped_digit(body, where, delta):
    card = cards.with_check_digit(body)
    assert cards.valid(card)
    where %= len(card)
    typo = card[:where] + str((int(card[where]) + delta) % 10) + card[where + 1:]
    assert not cards.valid(typo)


def _approved_case(city, household):
    from safetynet.cases import services as cases

    head = household.members.get(relation="head")
    c = cases.start_precheck(city["clerk"], household=household, programme="dibao", applicant=head,
                             on=date(2024, 3, 4))
    c = cases.accept(city["clerk"], c, version=c.version, on=date(2024, 3, 4))
    c = cases.record_home_visit(city["clerk"], c, version=c.version, on=date(2024, 3, 5), investigators=["甲", "乙"],
                                family_signed=True, findings="属实")
    c = cases.approve(city["approver"], c, version=c.version, on=date(2024, 3, 6))
    return cases.close_notice(city["approver"], c, version=c.version, on=date(2024, 3, 14))


def test_a_line_without_a_valid_card_is_held_out_of_the_bank_file_and_listed(city, poor_household, other_household):
    from safetynet.site import demo

    township = Area.objects.get(code="370811001")
    held_household = demo.make_household(city["clerk"], Area.objects.get(code="370811001002"), __import__(
        "random").Random(7), date(2024, 3, 4), size=1, wage_fen=0)
    sent_case = _approved_case(city, poor_household)
    held_case = _approved_case(city, held_household)
    # A card recorded before the check existed (imported data): the bank could not pay into it.
    Person.objects.filter(pk=held_case.applicant_id).update(bank_card="6228123412341234")
    april = payroll.approve_payroll(city["approver"], payroll.run_payroll(
        city["city_admin"], month=date(2024, 4, 1), township=township, programme="dibao"))
    held_line = april.payments.get(case=held_case)
    c = client_for(city["approver"])
    page = c.get(f"/payroll/{april.pk}/").content.decode()
    listed = page[page.index('id="held-lines"'):]
    assert held_case.applicant.name in listed[:listed.index("</table>")]  # before the export, on the page

    text = bank.bank_csv(city["approver"], april).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    sent = [r for r in rows[1:] if r[0].isdigit()]
    assert [int(r[0]) for r in sent] == [april.payments.get(case=sent_case).pk]  # the held line is not sent
    total = next(r for r in rows if r[0] == "合计")
    assert total[1] == "1"
    held_rows = [r for r in rows if r[0].startswith("暂缓")]
    assert held_rows[0][:2] == ["暂缓发放", "1"] and held_rows[1][0] == f"暂缓:{held_line.pk}"
    held_line.refresh_from_db()
    assert held_line.bank_status == "failed" and held_line.bank_note == bank.HELD_NOTE
    page = c.get(f"/payroll/{april.pk}/").content.decode()
    assert 'id="held-lines"' in page and held_case.applicant.name in page[page.index('id="held-lines"'):]

    # The bank pays the line it was sent; the held month is owed again once the card is put right.
    ok = april.payments.get(case=sent_case)
    bank.import_bank_return(city["approver"], april,
                            f"流水号,金额,结果,原因\n{ok.pk},{ok.amount_fen // 100}.{ok.amount_fen % 100:02d},成功,\n"
                            .encode())  # fmt: skip
    assert PayrollRun.objects.get(pk=april.pk).status == "locked"
    Person.objects.filter(pk=held_case.applicant_id).update(bank_card=GOOD_CARD)
    may = payroll.run_payroll(city["city_admin"], month=date(2024, 5, 1), township=township, programme="dibao")
    back = Payment.objects.get(run=may, case=held_case, kind="back_pay")
    assert (back.for_month, back.amount_fen) == (date(2024, 4, 1), held_line.amount_fen)


def test_the_api_takes_incomes_assets_and_the_card_with_the_same_checks(city):
    import json

    body = {"village": VILLAGE, "hukou": "rural", "address": "张庄村 10 号", "members": [
        {"name": "孙一", "id_number": person(0)["id_number"], "relation": "head", "bank_card": BAD_CARD,
         "incomes": [{"kind": "wage", "monthly": "300.00"}],
         "assets": [{"kind": "vehicle", "value": "2000", "use": "farm"}]},
    ]}  # fmt: skip
    c = client_for(city["clerk"])
    refused = c.post("/api/v1/households", json.dumps(body), content_type="application/json")
    assert refused.status_code == 422
    assert [e["loc"] for e in refused.json()["detail"]] == ["members[0].bank_card"]
    body["members"][0]["bank_card"] = GOOD_CARD
    assert c.post("/api/v1/households", json.dumps(body), content_type="application/json").status_code == 201
    head = Person.objects.get()
    assert head.bank_card == GOOD_CARD and head.incomes.get().monthly_fen == 30000 and head.assets.get().use == "farm"
