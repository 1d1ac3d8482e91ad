"""Every action code and object type the sources write into the audit trail has its words on the
auditor's page (supervision.labels), so /audit/ never shows a bare code to a Chinese reader.

The codes are read from the sources, as a new app writes them: ``record(actor, "x.y", ...)``,
``action="x.y"`` handed to a writer that records it (funds), the families built at run time
(``f"case.{step}"`` from the case frame's TRANSITIONS, ``f"referral.{action}"``), and every
``object_type="..."`` of the trail and the access log."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from safetynet.supervision import labels

SOURCES = Path(__file__).resolve().parents[2] / "safetynet"
CODE = r"[a-z_]+\.[a-z_]+"


def _sources() -> dict[str, str]:
    return {
        str(p.relative_to(SOURCES)): p.read_text(encoding="utf-8")
        for p in SOURCES.rglob("*.py")
        if "migrations" not in p.parts and p.name != "labels.py"
    }


def _dynamic_families() -> dict[str, set[str]]:
    """The codes built at run time, family by family (the frame's steps include every programme's)."""
    from safetynet.cases.models import TRANSITIONS
    from safetynet.referrals.services import ACTION_NAMES as REFERRAL_ACTIONS

    return {"case.": {f"case.{t}" for t in TRANSITIONS}, "referral.": {f"referral.{a}" for a in REFERRAL_ACTIONS}}


def recorded_actions() -> dict[str, str]:
    """code -> the file that writes it."""
    found: dict[str, str] = {}
    families = _dynamic_families()
    for path, text in _sources().items():
        literal = re.findall(rf'\brecord\(\s*[\w.\[\]"]+\s*,\s*"({CODE})"', text)
        handed = re.findall(rf'\baction="({CODE})"', text) if "record(" in text else []
        for code in literal + handed:
            found.setdefault(code, path)
        for prefix in re.findall(r'\brecord\(\s*[\w.]+\s*,\s*f"([a-z_]+\.)\{', text):
            assert prefix in families, f'{path}: record(..., f"{prefix}{{...}}") is a family this test does not know'
            for code in families[prefix]:
                found.setdefault(code, path)
    return found


def recorded_object_types() -> dict[str, str]:
    from safetynet.site.models import Job
    from safetynet.verification.models import CheckRun

    found = {m._meta.model_name: "site/jobs.py" for m in (CheckRun, Job)}  # run.stale: the model's name
    for path, text in _sources().items():
        for code in re.findall(r'\bobject_type=\s*"([a-z_]+)"', text):
            found.setdefault(code, path)
    return found


def test_the_scan_finds_the_codes_of_every_app():
    # one of each way of writing them, so a scan that finds nothing cannot pass
    actions = {"case.accept", "case.help_first", "temporary.report", "fund.draw", "referral.send",
               "payroll.cancel", "ledger.close"}  # fmt: skip
    assert not actions - set(recorded_actions()), actions - set(recorded_actions())
    objects = {"case", "fund_entry", "fund", "referral", "payroll", "job"}
    assert not objects - set(recorded_object_types()), objects - set(recorded_object_types())


@pytest.mark.parametrize("kind", ["actions", "object types"])
def test_every_recorded_code_has_chinese_words(kind):
    found, words = (
        (recorded_actions(), labels.ACTIONS) if kind == "actions" else (recorded_object_types(), labels.OBJECTS)
    )
    missing = {code: path for code, path in found.items() if code not in words}
    assert not missing, f"add to supervision/labels.py: {missing}"
    assert all(re.search(r"[\u4e00-\u9fff]", words[code]) for code in found)


@pytest.mark.django_db
def test_the_trail_names_the_new_apps_actions_in_words(client):
    from safetynet.site import demo
    from safetynet.supervision import services

    demo.build_areas(counties=["370811"], townships=1, villages=1)
    auditor = demo.make_staff("auditor", "auditor", "3708")
    for action, object_type in (("fund.draw", "fund_entry"), ("referral.answer", "referral"),
                                ("case.help_first", "case"), ("temporary.report", "case")):  # fmt: skip
        services.record(None, action, object_type=object_type, object_id=5, area_code="370811001")
    client.force_login(auditor)
    page = client.get("/audit/").content.decode()
    cells = re.findall(r'<td title="([^"]+)">([^<]+)</td>', page)
    shown = dict(cells)
    assert shown["fund.draw"] == "备用金支出" and shown["referral.answer"] == "答复转介"
    assert shown["case.help_first"] == "先行救助" and shown["temporary.report"] == "临时救助求助登记"
    assert shown["fund_entry"].startswith("备用金账目 #5") and shown["referral"].startswith("转介 #5")
