"""One web layer (issue 9, point 10): a leaf package that imports no app; the API built and its
routers mounted by the URL conf; each case step declared once, and its page form, API route and
OpenAPI body made from that declaration."""

from __future__ import annotations

import ast
import dataclasses
import json
import subprocess
import sys
import types
from pathlib import Path

import pytest
from django.urls import path

from safetynet.cases import programmes, services
from safetynet.cases.api import step_router
from safetynet.cases.forms import ObjectionForm
from safetynet.cases.models import TRANSITIONS, Case
from safetynet.cases.schemas import ObjectionIn
from safetynet.cases.steps import STEPS, Step
from safetynet.web.api import make_api

from .conftest import TODAY
from .test_decision_file import client_for, visited

ROOT = Path(__file__).resolve().parents[2]
APPS = ("administration", "cases", "notices", "payments", "registry", "reports", "site", "supervision",
        "verification", "batch")  # fmt: skip

# ---- the leaf --------------------------------------------------------------------------------------

LEAF_PROBE = """
import sys
import django
from django.conf import settings

settings.configure(INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
                   DATABASES={}, USE_I18N=True, SAFETYNET_PROXY_COUNT=0, SAFETYNET_BEARER_FAILURES=20)
django.setup()
import safetynet.web.api, safetynet.web.auth, safetynet.web.errors, safetynet.web.inputs
import safetynet.web.lang, safetynet.web.lists, safetynet.web.personal

api = safetynet.web.api.make_api(urls_namespace="probe")
print(sorted(m for m in sys.modules if m.startswith("safetynet.")
             and not m.startswith(("safetynet.web", "safetynet.policy"))))
"""


def test_the_web_leaf_imports_no_app():
    # A fresh interpreter with Django configured and none of the office's apps installed.
    out = subprocess.run([sys.executable, "-c", LEAF_PROBE], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def _imports(file: Path) -> set[str]:
    tree = ast.parse(file.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_the_leaf_names_no_app_even_where_it_imports_late():
    for file in (ROOT / "safetynet" / "web").glob("*.py"):
        apps = {m for m in _imports(file) if m.split(".")[:2] in [["safetynet", a] for a in APPS]}
        assert not apps, (file.name, apps)


def test_no_apps_api_imports_another_and_the_url_conf_mounts_them():
    for file in ROOT.glob("safetynet/*/*api.py"):
        own = file.parent.name
        others = {m for m in _imports(file) if m.startswith("safetynet.") and m.endswith("api")
                  and m.split(".")[1] not in (own, "web")}
        assert not others, (file, others)
    site_api = (ROOT / "safetynet" / "site" / "api.py").read_text()
    assert "NinjaAPI" not in site_api and "add_router" not in site_api
    urls = (ROOT / "safetynet" / "site" / "urls.py").read_text()
    for app in ("registry", "cases", "payments", "verification"):
        assert f'"safetynet.{app}.api.router"' in urls, app


def test_every_api_route_but_the_policy_floors_needs_a_login(client):
    spec = client.get("/api/v1/openapi.json").json()
    for route, operations in spec["paths"].items():
        for method, operation in operations.items():
            public = operation.get("tags") in (["policy"], ["calendar"])
            assert bool(operation.get("security")) != public, (method, route)


# ---- the steps' declaration ---------------------------------------------------------------------


def test_every_transition_is_declared_once_with_its_route_and_body_in_the_openapi_schema(client):
    assert set(STEPS) == set(TRANSITIONS)
    spec = client.get("/api/v1/openapi.json").json()
    bodies = spec["components"]["schemas"]
    for name, step in STEPS.items():
        operation = spec["paths"][f"/api/v1/cases/{{case_id}}/steps/{name}"]["post"]
        assert operation["operationId"] == f"take_step_{name}"
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert ref == f"#/components/schemas/{step.schema.__name__}", name
        body = bodies[step.schema.__name__]
        assert set(body["properties"]) == set(step.schema.model_fields), name
        assert {"version", "on"} <= set(body["required"]) and body["additionalProperties"] is False
        for status in ("200", "202", "409", "422"):
            assert status in operation["responses"], (name, status)
        # the page's form asks what the API's body does
        # a programme's part of a shared step adds its fields to the body, and to the form of its cases
        assert set(step.form_class.base_fields) | programmes.part_fields(name) == set(step.schema.model_fields), name
    approve = bodies[STEPS["approve"].schema.__name__]
    assert "opinion" in approve["required"]
    assert "/api/v1/cases/{case_id}/steps/{name}" not in spec["paths"]


@pytest.fixture
def note_call(monkeypatch):
    """A new step, as a programme would add one: a row of the state machine, its service, its
    declaration. The page sees it at once; the API's routes are made from the declaration."""

    def note_call(actor, case, *, version, on, text):
        if errors := services._text_errors("text", text, required=True):
            raise services.InputError(errors)
        return services._transition(actor, case, "note_call", version=version, on=on, note=text.strip())

    monkeypatch.setitem(TRANSITIONS, "note_call", (("accepted",), "accepted", ("clerk",)))
    monkeypatch.setitem(services.STEP_FUNCTIONS, "note_call", note_call)
    monkeypatch.setitem(services.ACTION_NAMES, "note_call", "登记电话回访")
    monkeypatch.setitem(STEPS, "note_call", Step("note_call", ObjectionForm, ObjectionIn))
    # … and the path of the programme whose cases take it (cases.programmes).
    dibao = programmes.get("dibao")
    monkeypatch.setitem(programmes._PROGRAMMES, "dibao", dataclasses.replace(dibao, steps=dibao.steps | {"note_call"}))
    return STEPS["note_call"]


@pytest.fixture
def urls_with_note_call(note_call, settings):
    """The office's URL conf with an API built as ``site/urls.py`` builds it, its step routes
    from the declaration as it now stands."""
    from safetynet.site import urls

    api = make_api(urls_namespace="api-v1")
    api.add_router("/", step_router(STEPS.values()))
    conf = types.ModuleType("steps_urls")
    conf.urlpatterns = [p for p in urls.urlpatterns if str(p.pattern) != "api/v1/"] + [path("api/v1/", api.urls)]
    sys.modules[conf.__name__] = conf
    settings.ROOT_URLCONF = conf.__name__
    yield
    del sys.modules[conf.__name__]


def test_a_step_added_to_the_declaration_is_on_the_page_and_in_the_api(
    city, poor_household, urls_with_note_call
):
    head = poor_household.members.get(relation="head")
    case = services.start_precheck(city["clerk"], household=poor_household, programme="dibao", applicant=head,
                                   on=TODAY)  # fmt: skip
    case = services.accept(city["clerk"], case, version=case.version, on=TODAY)
    clerk = client_for(city["clerk"])

    page = clerk.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-step="note_call"' in page and "登记电话回访" in page and 'id="note_call-text"' in page
    r = clerk.post(f"/cases/{case.pk}/steps/note_call/", {"version": case.version, "on": TODAY.isoformat(),
                                                          "text": "电话回访：家庭情况无变化"}, follow=True)
    assert "已登记电话回访" in r.content.decode()
    case = Case.objects.get(pk=case.pk)
    assert case.events.get(transition="note_call").note == "电话回访：家庭情况无变化"

    spec = clerk.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/cases/{case_id}/steps/note_call"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/ObjectionIn")
    api = clerk.post(f"/api/v1/cases/{case.pk}/steps/note_call", json.dumps(
        {"version": case.version, "on": TODAY.isoformat(), "text": "再次回访"}), content_type="application/json")
    assert api.status_code == 200 and api.json()["version"] == case.version + 1
    api = clerk.post(f"/api/v1/cases/{case.pk}/steps/note_call", json.dumps(
        {"version": case.version + 1, "on": TODAY.isoformat(), "text": " "}), content_type="application/json")
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == "text"
    assert client_for(city["approver"]).post(f"/api/v1/cases/{case.pk}/steps/note_call", json.dumps(
        {"version": case.version + 1, "on": TODAY.isoformat(), "text": "x"}),
        content_type="application/json").status_code == 403  # fmt: skip


# ---- the generated routes refuse as the one route did ------------------------------------------------


def post(client, case, name: str, body: dict):
    return client.post(f"/api/v1/cases/{case.pk}/steps/{name}", json.dumps(body), content_type="application/json")


def test_the_generated_routes_answer_409_403_and_422_with_the_field_path(city, poor_household):
    case = visited(city, poor_household)
    approver, clerk = client_for(city["approver"]), client_for(city["clerk"])
    day = TODAY.isoformat()

    stale = post(approver, case, "approve", {"version": case.version - 1, "on": day, "opinion": "同意"})
    assert stale.status_code == 409 and stale.json()["detail"][0]["type"] == "stale_version"
    role = post(clerk, case, "approve", {"version": case.version, "on": day, "opinion": "同意"})
    assert role.status_code == 403 and role.json()["detail"][0]["msg"]
    missing = post(approver, case, "refuse", {"version": case.version, "on": day, "reasons": "收入超标"})
    assert missing.status_code == 422 and [e["loc"] for e in missing.json()["detail"]] == ["opinion"]
    foreign = post(approver, case, "approve", {"version": case.version, "on": day, "opinion": "同意", "months": 3})
    assert foreign.status_code == 422 and foreign.json()["detail"][0]["loc"] == "months"
    unknown = post(approver, case, "nonsense", {"version": case.version, "on": day})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == "name"
    assert Case.objects.get(pk=case.pk).state == "investigated"

    # a list's item by its index, from the step's own schema
    head = poor_household.members.get(relation="head")
    other = services.start_precheck(city["clerk"], household=poor_household, programme="tekun", applicant=head,
                                    on=TODAY)  # fmt: skip
    other = services.accept(city["clerk"], other, version=other.version, on=TODAY)
    long = post(clerk, other, "record_home_visit", {"version": other.version, "on": day,
                                                    "investigators": ["张调查", "李" * 41], "family_signed": True})
    assert long.status_code == 422 and long.json()["detail"][0]["loc"] == "investigators[1]"

    done = post(approver, case, "approve", {"version": case.version, "on": day, "opinion": "同意"})
    assert done.status_code == 200 and done.json()["state"] == "notice"


def test_the_page_keeps_a_refused_steps_message_and_a_decisions_form(city, poor_household):
    case = visited(city, poor_household)
    approver = client_for(city["approver"])
    # a decision's form comes back with each error beside its field, what was typed kept
    r = approver.post(f"/cases/{case.pk}/steps/approve/", {"version": case.version, "on": "x", "opinion": "同意"})
    form = r.content.decode()
    assert r.status_code == 422 and "办理日期格式应为 YYYY-MM-DD" in form and "同意</textarea>" in form
    # so does any step with text typed in it: the withdrawal's reason is kept beside its date's error
    clerk = client_for(city["clerk"])
    r = clerk.post(f"/cases/{case.pk}/steps/withdraw/", {"version": case.version, "on": "2024-13-01",
                                                         "reason": "家庭自愿撤回"})  # fmt: skip
    page = r.content.decode()
    assert r.status_code == 422 and "办理日期格式应为 YYYY-MM-DD" in page and "家庭自愿撤回</textarea>" in page
    assert Case.objects.get(pk=case.pk).state == "investigated"
    # a step that is a date and a button answers with a message above the case, naming the field
    r = clerk.post(f"/cases/{case.pk}/steps/accept/", {"version": case.version, "on": "2024-13-01"}, follow=True)
    assert r.status_code == 200 and "办理日期：办理日期格式应为 YYYY-MM-DD" in r.content.decode()


def test_investigators_typed_as_people_list_names(city, poor_household):
    """"张三、李四" is two investigators, as a clerk writes a list of names (the enumeration comma)."""
    head = poor_household.members.get(relation="head")
    case = services.start_precheck(city["clerk"], household=poor_household, programme="dibao", applicant=head,
                                   on=TODAY)  # fmt: skip
    case = services.accept(city["clerk"], case, version=case.version, on=TODAY)
    clerk = client_for(city["clerk"])
    r = clerk.post(f"/cases/{case.pk}/steps/record_home_visit/", {
        "version": case.version, "on": TODAY.isoformat(), "investigators": "张三、李四", "family_signed": "on",
        "findings": "家中无劳动力"}, follow=True)  # fmt: skip
    assert r.status_code == 200
    visit = Case.objects.get(pk=case.pk).visits.get()
    assert visit.investigators == ["张三", "李四"]
