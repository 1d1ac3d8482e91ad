"""Children's allowances and education aid on the programme frame (``cases.programmes``): their
declarations and their own steps, registered from ``ChildrenConfig.ready()``.

- ``orphan`` and ``unsupported_child`` (儿童-2019): person unit, monthly; open with
  ``apply_child`` at the township window (``accepted``), the shared home visit, ``submit_child``
  by the township (``county``), the county decides (``county_approve_child`` → ``approved``,
  ``county_refuse_child`` → ``refused``); ends by the shared termination steps or at 18
  (``entitlement_until``).
- ``education_aid`` (seed): person unit (the student, who is paid), ``one_off``: one case per
  student per school year; opens with ``apply_aid``, the township grants (``grant_aid`` →
  ``granted``, paid in the month's payroll) or refuses (``refuse_aid``). The orphan's aid
  (10,000 yuan a school year, seed: "按月或季度" to the student's own card) is paid in four
  quarterly parts (``instalments``), a part before the grant as back pay in the grant's payroll.
"""

from __future__ import annotations

from datetime import date

from safetynet.cases import programmes
from safetynet.cases.models import Case
from safetynet.children import forms, rules, schemas, services

_OPINION = (forms.OpinionForm, schemas.OpinionIn)
_OPTIONAL = (forms.OptionalOpinionForm, schemas.OptionalOpinionIn)
_REASONS = (forms.ReasonsForm, schemas.ReasonsIn)
# (name, from states, to state, roles, service, (form, schema))
CHILD_STEPS = (
    ("submit_child", ("investigated",), "county", ("approver",), services.submit_child, _OPINION),
    ("county_approve_child", ("county",), "approved", ("county_approver",), services.county_approve_child, _OPTIONAL),
    ("county_refuse_child", ("county",), "refused", ("county_approver",), services.county_refuse_child, _REASONS),
)
AID_STEPS = (
    ("grant_aid", ("accepted",), "granted", ("approver",), services.grant_aid, _OPTIONAL),
    ("refuse_aid", ("accepted",), "refused", ("approver",), services.refuse_aid, _REASONS),
)
CHILD_SHARED = ("record_home_visit", "withdraw", "suspend", "resume", "give_termination_notice", "terminate")
AID_SHARED = ("withdraw",)
CHILD_MONEY = frozenset({"county_approve_child", "suspend", "resume", "terminate"})
AID_MONEY = frozenset({"grant_aid"})


def _county(case: Case, amount_fen: int, on: date) -> tuple[str, ...]:
    """The county civil affairs bureau decides (儿童-2019: 县级民政部门确认)."""
    return ("county_approver",)


def _part(case: Case, result: dict) -> dict | None:
    return result if result and "eligible" in result else None


def _child_basis(kind: str, on: date) -> tuple:
    return (("儿童-2019", "关于保障对象、申请程序和基本生活保障的规定"),)


def _aid_basis(kind: str, on: date) -> tuple:
    return ("seed",)


def _child_computation(case: Case, part: dict) -> list[str]:
    return [f"基本生活费标准 {part['standard']} 元/月"] if part and "standard" in part else []


def _aid_computation(case: Case, part: dict) -> list[str]:
    if not part or "amount" not in part:
        return []
    lines = [f"{part['school_year_label']} 学年助学 {part['amount']} 元"]
    parts = part.get("instalments") or []
    if parts:
        each = "、".join(f"{p['month']} {p['amount']} 元" for p in parts)
        lines.append(f"按季度分 {len(parts)} 期发放至本人银行卡：{each}")
    return lines


def _child(code: str, label: str, short: str) -> programmes.Declaration:
    return programmes.Declaration(
        code=code, label=label, short=short, unit="person", opens_with=("apply_child",),
        steps=frozenset({name for name, *_rest in CHILD_STEPS} | set(CHILD_SHARED)), schedule="monthly",
        assess=rules.assess_child_case, part=_part, money_steps=CHILD_MONEY, deciders=_county,
        review_months=lambda case: 12, authorizations="none",
        decisions={"county_approve_child": "approval", "county_refuse_child": "refusal", "terminate": "termination"},
        standards=("children_allowance",), basis=_child_basis, computation=_child_computation,
        # The county's approval starts the monthly allowance at once: no public notice to close.
        starts_entitlement=frozenset({"county_approve_child"}),
        published=False,  # a minor's name is never on a public roster (未成年人保护法 Art. 4)
    )  # fmt: skip


ORPHAN = _child("orphan", "孤儿基本生活保障", "孤儿")
UNSUPPORTED_CHILD = _child("unsupported_child", "事实无人抚养儿童基本生活补贴", "事实无人抚养儿童")
EDUCATION_AID = programmes.Declaration(
    code="education_aid", label="教育救助（助学）", short="助学", unit="person", opens_with=("apply_aid",),
    steps=frozenset({name for name, *_rest in AID_STEPS} | set(AID_SHARED)), schedule="one_off",
    assess=rules.assess_aid_case, part=_part, money_steps=AID_MONEY, authorizations="none",
    decisions={"grant_aid": "approval", "refuse_aid": "refusal"}, standards=("education_aid_amount",),
    basis=_aid_basis, computation=_aid_computation,
    # The orphan's aid in quarterly parts (seed: 按月或季度; policy.education_aid.instalments).
    instalments=rules.aid_instalments,
)  # fmt: skip


def register() -> None:
    for name, from_states, to_state, roles, service, (form_class, schema) in (*CHILD_STEPS, *AID_STEPS):
        programmes.register_step(name, from_states=from_states, to_state=to_state, roles=roles, service=service,
                                 label=services.ACTION_NAMES[name], form_class=form_class, schema=schema,
                                 inline_errors=True)  # fmt: skip
    for declaration in (ORPHAN, UNSUPPORTED_CHILD, EDUCATION_AID):
        programmes.register(declaration)
