"""Bad input never reaches the database: each of the inputs found to slip through (issue 14 §9)
is refused at the API with 422 and the field's path, on the page beside its field or in a
message that names the field by its label, and by the service underneath; nothing is written."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
from django.test import Client

from safetynet.cases import services as cases
from safetynet.cases.models import Authorization, Case
from safetynet.policy import idnumber
from safetynet.policy.errors import InputError
from safetynet.registry import services as registry
from safetynet.registry.models import Area, Household, Person, PersonChange
from safetynet.verification.models import CheckRun
from tests.office.conftest import TODAY
from tests.verification.conftest import city_store, generated, run_tasks  # noqa: F401  (fixtures, by name)

VILLAGE = "370811001001"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def member(no: int, **fields) -> dict:
    born = date(1960 + no, 1, 1)
    return {"name": f"成员{no}", "id_number": idnumber.generate("370811", born, no + 1),
            "relation": "head" if no == 0 else "child", **fields}  # fmt: skip


def household(*members: dict, **fields) -> dict:
    return {"village": VILLAGE, "hukou": "rural", "address": "张庄村 3 号", "members": list(members), **fields}


def post_household(user, body: dict):
    return client_for(user).post("/api/v1/households", json.dumps(body), content_type="application/json")


def errors_of(response) -> dict[str, dict]:
    assert response.status_code == 422, response.content
    return {e["loc"]: e for e in response.json()["detail"]}


def nothing_written() -> bool:
    return not Household.objects.exists() and not Person.objects.exists()


# ---- the API --------------------------------------------------------------------------------------


@pytest.mark.parametrize("grade", [-1, 0, 5, 99])
def test_a_disability_grade_outside_1_to_4_is_refused_by_the_api(city, grade):
    body = household(member(0, disability_grade=grade, disability_kind="physical"))
    error = errors_of(post_household(city["clerk"], body))["members[0].disability_grade"]
    assert error["msg"] == (f"应不小于 1，实为 {grade}" if grade < 1 else f"应不大于 4，实为 {grade}")
    assert nothing_written()


def test_the_same_id_number_twice_in_a_household_is_refused(city):
    head = member(0)
    body = household(head, {**member(1), "id_number": head["id_number"]})
    error = errors_of(post_household(city["clerk"], body))["members[1].id_number"]
    assert error["type"] == "id_duplicate" and "members[0]" in error["msg"]
    assert nothing_written()


@pytest.mark.parametrize(("field", "size"), [("name", 40), ("phone", 20)])
def test_a_name_longer_than_its_column_is_refused_not_a_server_error(city, field, size):
    body = household(member(0, **{field: "张" * (size + 1)}))
    error = errors_of(post_household(city["clerk"], body))[f"members[0].{field}"]
    assert error["type"] == "too_long" and error["msg"] == f"最多 {size} 个字符，实为 {size + 1} 个"
    assert errors_of(post_household(city["clerk"], household(member(0), address="路" * 201)))["address"]
    assert nothing_written()


def test_a_relation_outside_the_list_is_refused(city):
    error = errors_of(post_household(city["clerk"], household(member(0), member(1, relation="boss"))))
    assert error["members[1].relation"]["type"] == "choice" and "boss" in error["members[1].relation"]["msg"]
    assert nothing_written()


@pytest.mark.parametrize("address", ["", "   "])
def test_an_empty_address_is_refused(city, address):
    error = errors_of(post_household(city["clerk"], household(member(0), address=address)))["address"]
    assert error["msg"] == "必填"
    assert nothing_written()


def test_unknown_fields_and_wrong_types_are_refused_in_chinese(city):
    body = household(member(0, salary="1000"), hukou="city")
    errors = errors_of(post_household(city["clerk"], body))
    assert errors["members[0].salary"]["msg"] == "不接受此字段"
    assert errors["hukou"]["type"] == "choice"
    assert errors_of(post_household(city["clerk"], {"village": VILLAGE}))["hukou"]["msg"] == "必填"
    assert nothing_written()


def test_a_good_household_is_still_registered(city):
    response = post_household(city["clerk"], household(member(0, name="  王五  "), member(1, relation="spouse")))
    assert response.status_code == 201
    assert Household.objects.get().members.order_by("id").first().name == "王五"  # stripped


@pytest.mark.parametrize("on", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_a_case_dated_outside_1900_to_2100_is_refused(city, poor_household, on):
    c = client_for(city["clerk"])
    head = poor_household.members.get(relation="head")
    body = {"household": poor_household.pk, "programme": "dibao", "applicant": head.pk, "on": on}
    error = errors_of(c.post("/api/v1/cases", json.dumps(body), content_type="application/json"))["on"]
    assert error["type"] == "date_range" and on in error["msg"]
    assert not Case.objects.exists()


def test_ids_and_pages_beyond_any_row_are_a_4xx(city, poor_household):
    c = client_for(city["clerk"])
    for url in ("/api/v1/households/99999999999999999999", "/api/v1/cases/99999999999999999999",
                "/api/v1/households?q=x&page=99999999999999999999", "/api/v1/cases?state=nonsense"):
        assert 400 <= c.get(url).status_code < 500, url
    missing = c.get("/api/v1/cases/2147483647")
    assert missing.status_code == 404 and missing.json()["detail"][0]["type"] == "not_found"


def test_every_error_the_api_documents_has_the_one_shape(db, client):
    spec = client.get("/api/v1/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status in ("403", "404", "422"):
                content = operation["responses"][status]["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/Errors"}, (method, path, status)


# ---- the pages ------------------------------------------------------------------------------------


def intake(members: list[dict], **fields) -> dict:
    """The intake form as the browser posts it (a formset of members, no income or asset rows)."""
    data = {"village": VILLAGE, "hukou": "rural", "address": "张庄村 4 号", "month": "2024-03",
            "members-TOTAL_FORMS": str(len(members)), "members-INITIAL_FORMS": "0", **fields}
    for i, m in enumerate(members):
        data.update({f"members-{i}-{k}": str(v) for k, v in m.items()})
        for rows in ("incomes", "assets"):
            data.update({f"members-{i}-{rows}-TOTAL_FORMS": "0", f"members-{i}-{rows}-INITIAL_FORMS": "0"})
    return data


def test_the_intake_form_refuses_each_bad_field_and_writes_nothing(city):
    c = client_for(city["clerk"])
    head = member(0)
    cases_ = {
        "a long name": intake([member(0, name="张" * 41)]),
        "the same ID twice": intake([head, {**member(1), "id_number": head["id_number"]}]),
        "grade 9": intake([member(0, disability_grade=9, disability_kind="physical")]),
        "grade -1": intake([member(0, disability_grade=-1, disability_kind="physical")]),
        "relation boss": intake([member(0), member(1, relation="boss")]),
        "no address": intake([member(0)], address="  "),
    }
    for what, data in cases_.items():
        page = c.post("/households/new/", data)
        assert page.status_code == 200, what  # the form again, with its errors, not a redirect
        assert "errorlist" in page.content.decode() or "field-error" in page.content.decode(), what
        assert nothing_written(), what
    twice = c.post("/households/new/", cases_["the same ID twice"]).content.decode()
    assert "身份证号码与第 1 位成员重复" in twice and "members[" not in twice


def test_a_change_of_circumstances_out_of_range_is_a_field_error(city, poor_household):
    c = client_for(city["clerk"])
    person = poor_household.members.get(relation="head")
    prefix = f"person-{person.pk}"
    facts = {f"{prefix}-{k}": v for k, v in {
        "name": person.name, "relation": person.relation, "adl_unmet": "0", "able_obligor": "on",
        "effective_on": "2024-03-01", "source": "残疾证"}.items()}  # fmt: skip
    for grade in ("99", "-1"):
        data = {"kind": prefix, **facts, f"{prefix}-disability_grade": grade, f"{prefix}-disability_kind": "physical"}
        page = c.post(f"/households/{poor_household.pk}/change/", data)
        assert page.status_code == 200, grade  # the change page again, the field's error on it
        person.refresh_from_db()
        assert person.disability_grade is None and not PersonChange.objects.exists(), grade


def test_a_page_message_names_the_field_by_its_label(city, poor_household):
    c = client_for(city["clerk"])
    person = poor_household.members.get(relation="head")
    long = c.post(f"/households/{poor_household.pk}/authorize/", {
        "signed_on": "2024-03-01", "document": "号" * 61, f"p{person.pk}": "on"}, follow=True)  # fmt: skip
    assert any(str(m).startswith("授权书编号：最多 60 个字符") for m in long.context["messages"])
    assert not Authorization.objects.filter(document="号" * 61).exists()


def test_pages_take_any_date_in_the_query(city, poor_household):
    c = client_for(city["clerk"])
    for query in ("to=0001-01-01", "from=0001-01-01", "to=9999-12-31", "from=9999-12-31&to=0001-01-01",
                  "from=0001-01&to=9999-12", "to=2024-02-30"):
        for url in (f"/notices/village/{VILLAGE}/", f"/public/notices/{VILLAGE}/", "/reports/", "/deadlines/",
                    "/desk/", "/payroll/", "/households/"):
            assert c.get(f"{url}?{query}").status_code in (200, 400), (url, query)
    refused = c.get(f"/notices/village/{VILLAGE}/?to=0001-01-01")  # the notice board's own form says why
    assert refused.status_code == 400 and "日期应在 1900-01-01 至 2100-12-31 之间" in refused.content.decode()


# ---- the services, under every way in ---------------------------------------------------------------


def test_the_service_refuses_what_the_schema_would(city):
    village = Area.objects.get(code=VILLAGE)
    with pytest.raises(InputError) as exc:
        registry.create_household(city["clerk"], village=village, hukou="rural", address=" ", members=[
            member(0, disability_grade=99, disability_kind="physical"), member(1, relation="boss", name="李" * 41),
        ])  # fmt: skip
    assert {(e.path, e.code) for e in exc.value.errors} == {
        ("address", "required"), ("members[0].disability_grade", "range"), ("members[1].relation", "choice"),
        ("members[1].name", "too_long"),
    }  # fmt: skip
    assert nothing_written()


def test_a_case_step_refuses_overlong_text_before_writing(city, poor_household):
    head = poor_household.members.get(relation="head")
    case = cases.start_precheck(city["clerk"], household=poor_household, programme="dibao", applicant=head, on=TODAY)
    case = cases.accept(city["clerk"], case, version=case.version, on=TODAY)
    with pytest.raises(InputError) as exc:
        cases.record_home_visit(city["clerk"], case, version=case.version, on=TODAY, investigators=["甲" * 41, "乙"],
                                family_signed=True, findings="查" * 2001)  # fmt: skip
    assert {e.path for e in exc.value.errors} == {"investigators[0]", "findings"}
    case.refresh_from_db()
    assert case.state == "accepted" and not case.visits.exists()


# ---- the screening ----------------------------------------------------------------------------------


def test_a_screening_without_the_household_register_fails_saying_what_is_missing(city, request):
    store, tasks = request.getfixturevalue("city_store"), request.getfixturevalue("run_tasks")
    for register in store.glob("department=*/item=household_registration"):
        shutil.rmtree(register)
    c = client_for(city["verifier"])
    with tasks():
        response = c.post("/verification/runs/start/", {"kind": "screening", "month": "2026-11"})
    run = CheckRun.objects.get()
    assert response.status_code == 302
    assert run.status == CheckRun.Status.FAILED
    assert run.error.startswith("该月没有户籍登记数据（公安部门），无法筛查：截至 2026-10-31 尚未导入户籍登记")
    assert "Traceback" not in run.error and "polars" not in run.error.lower()
    assert "该月没有户籍登记数据" in c.get(f"/verification/runs/{run.pk}/").content.decode()


def test_a_malformed_upload_is_refused_in_the_house_shape(city):
    c = client_for(city["verifier"])
    api = c.generic("POST", "/api/v1/verification/deliveries", b"--x\r\nabc", content_type="multipart/form-data")
    assert api.status_code == 422 and api.json()["detail"][0]["type"] == "multipart"
    page = c.generic("POST", "/verification/deliveries/", b"--x\r\nabc", content_type="multipart/form-data")
    assert page.status_code == 400 and "上传的表单格式无效" in page.content.decode()


def test_the_screening_command_without_the_register_exits_2_saying_so(tmp_path):
    import subprocess
    import sys

    from safetynet.batch.generate import generate_city

    store = tmp_path / "feeds"
    generate_city(50, store, month=date(2026, 11, 1), townships=1, villages=1, seed=5)
    for register in store.glob("department=*/item=household_registration"):
        shutil.rmtree(register)
    cli = subprocess.run([sys.executable, "-m", "safetynet", "screen", "--store", str(store), "--out",
                          str(tmp_path / "out"), "--month", "2026-11"], capture_output=True, text=True, timeout=300)
    assert cli.returncode == 2
    assert "该月没有户籍登记数据（公安部门），无法筛查" in cli.stderr and "Traceback" not in cli.stderr
