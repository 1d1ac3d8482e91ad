"""The registry's pieces other pages show: a recorded change said in words, and on a case, the
facts changed since its amount was decided and what the amount would become."""

from __future__ import annotations

from django import template

from safetynet.policy.money import fmt
from safetynet.registry.models import (
    ASSET_LABELS,
    DISABILITY_LABELS,
    INCOME_LABELS,
    RELATION_LABELS,
    TRACKED_FIELDS,
    VEHICLE_USE_LABELS,
    Person,
)

register = template.Library()

LABELS = {**{f: str(Person._meta.get_field(f).verbose_name) for f in TRACKED_FIELDS},
          "income": "收入", "asset": "财产", "membership": "成员变动", "address": "住址"}  # fmt: skip
MEMBERSHIP = {"joined": "入户", "member": "在户", "moved": "迁出", "died": "死亡"}


@register.filter
def change_label(change) -> str:
    return LABELS.get(change.field, change.field)


@register.filter
def fact_value(value, field: str) -> str:
    """A stored value as the office says it: labels for options, yuan for money, a card by its last four."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if field == "income" and isinstance(value, dict):
        return f"{INCOME_LABELS.get(value.get('kind'), '')} {value.get('monthly')} 元/月"
    if field == "asset" and isinstance(value, dict):
        use = VEHICLE_USE_LABELS.get(value.get("use", ""), "")
        return f"{ASSET_LABELS.get(value.get('kind'), '')}{f'（{use}）' if use else ''} {value.get('value')} 元"
    if field == "bank_card":
        return f"****{str(value)[-4:]}"
    if field == "disability_grade":
        return f"{value} 级"
    labels = {"relation": RELATION_LABELS, "disability_kind": DISABILITY_LABELS, "membership": MEMBERSHIP}.get(field)
    return labels.get(value, str(value)) if labels else str(value)


@register.inclusion_tag("registry/_facts_changed.html")
def facts_changed(case):
    """On a covered case: the changes recorded since the facts were last assessed, and the amount
    they give (the approver decides it through the review). Reads only."""
    from safetynet.cases.services import facts_changed as changed  # the case floor reads the registry

    found = changed(case) if case.state in ("approved", "review", "suspended") else None
    if found:
        found["amount"] = fmt(found["amount_fen"])
        found["differs"] = not found["eligible"] or found["amount_fen"] != case.monthly_amount_fen
    return {"case": case, "changed": found}
