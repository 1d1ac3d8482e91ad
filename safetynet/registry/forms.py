"""The intake form: a household and up to six members, read into the policy floor's input.

Kept as plain POST fields (``m0_name``, ``m0_id_number``, ...) so that an error path from the
policy floor or the services (``members[0].id_number``) lands under the field it is about.
"""

from __future__ import annotations

import re
from datetime import date

from safetynet.policy.errors import FieldError, PolicyError
from safetynet.policy.household import DISABILITY_KINDS, INCOME_KINDS
from safetynet.policy.money import to_fen
from safetynet.registry.models import DISABILITY_LABELS, INCOME_LABELS, RELATION_LABELS, TRACKED_FIELDS, Person
from safetynet.site import inputs

MAX_MEMBERS = 6
MEMBER_FIELDS = ("name", "id_number", "relation", "income_kind", "income", "deposit", "disability_grade",
                 "disability_kind", "serious_illness", "no_able_obligor", "adl_unmet", "staff_relative")  # fmt: skip
_PATH = re.compile(r"^members\[(\d+)\]\.(\w+)")


def member_rows(data) -> list[tuple[int, dict]]:
    """The member rows the clerk filled in (a row with neither name nor ID number is empty)."""
    rows = []
    for i in range(MAX_MEMBERS):
        row = {f: (data.get(f"m{i}_{f}") or "").strip() for f in MEMBER_FIELDS}
        if row["name"] or row["id_number"]:
            rows.append((i, row))
    return rows


def policy_input(data, month: date, area: str) -> dict:
    """The form as the input of ``policy.assess`` (money strings are validated there)."""
    members = []
    for _, row in member_rows(data):
        member = {"id_number": row["id_number"], "relation": row["relation"] or "other",
                  "incomes": [], "assets": [], "serious_illness": row["serious_illness"] == "on",
                  "able_obligor": row["no_able_obligor"] != "on"}
        if row["income"]:
            member["incomes"].append({"kind": row["income_kind"] or "wage", "monthly": row["income"]})
        if row["deposit"]:
            member["assets"].append({"kind": "deposit", "value": row["deposit"]})
        if row["disability_grade"]:
            grade = row["disability_grade"]  # a non-number goes on to the parser, which names it
            member["disability"] = {"grade": int(grade) if grade.isdigit() else grade,
                                    "kind": row["disability_kind"] or "physical"}
        if row["adl_unmet"]:
            member["adl_unmet"] = int(row["adl_unmet"]) if row["adl_unmet"].isdigit() else row["adl_unmet"]
        members.append(member)
    return {"area": area, "hukou": data.get("hukou") or "", "month": f"{month:%Y-%m}", "members": members}


def field_errors(errors: list[FieldError], lang: str = "zh") -> dict[str, list[str]]:
    """Errors by form field name: ``members[2].incomes[0].monthly`` -> ``m2_income``."""
    out: dict[str, list[str]] = {}
    for e in errors:
        m = _PATH.match(e.path)
        if m:
            index, field = int(m.group(1)), m.group(2)
            field = {"incomes": "income", "assets": "deposit", "disability": "disability_grade"}.get(field, field)
            name = f"m{index}_{field}"
        else:
            name = e.path or "form"
        if e.code == "id_duplicate":  # the form's rows, not the input's paths (members[0])
            e = FieldError(e.path, "id_duplicate_member", member=int(e.params["other"]) + 1)
        out.setdefault(name, []).append(e.message(lang))
    return out


def remap_rows(errors: dict[str, list[str]], filled: list[int]) -> dict[str, list[str]]:
    """Errors of the n-th filled row belong to the form row it came from."""
    out = {}
    for name, messages in errors.items():
        m = re.match(r"^m(\d+)_(\w+)$", name)
        if m and int(m.group(1)) < len(filled):
            name = f"m{filled[int(m.group(1))]}_{m.group(2)}"
        out[name] = messages
    return out


def money_fen(text: str) -> int:
    return to_fen(text) if text else 0


CHOICES = {
    "relation": list(RELATION_LABELS.items()),
    "income_kind": [(k, INCOME_LABELS[k]) for k in INCOME_KINDS],
    "disability_kind": [(k, DISABILITY_LABELS[k]) for k in DISABILITY_KINDS],
}


# The household page's small forms (change, authorisation, application): a refusal names the field
# by its label, never its key.
LABELS = {
    **{f: (str(Person._meta.get_field(f).verbose_name), f.replace("_", " ")) for f in TRACKED_FIELDS},
    "source": ("来源", "source"), "effective_on": ("生效日期", "effective date"), "on": ("日期", "date"),
    "programme": ("救助项目", "programme"), "applicant": ("申请人", "applicant"),
    "authorizations": ("授权核对书", "authorisations"), "document": ("授权书编号", "document number"),
    "signed_on": ("签署日期", "signing date"),
}  # fmt: skip


def page_message(exc: PolicyError, lang: str = "zh") -> str:
    return inputs.page_message(exc, lang, LABELS)
