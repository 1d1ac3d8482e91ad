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
  (10,000 yuan a school year, seed: "按月或季度" to the student's own card) is the county's:
  the township reports it (``submit_aid`` → ``county``, seed: 及时报县民政部门确认孤儿身份，对学籍
  等进行核实), the county confirms (``county_grant_aid`` → ``granted``) or not
  (``county_refuse_aid`` → ``refused``); it is paid in four quarterly parts (``instalments``), a
  part before the county's grant as back pay in the grant's payroll.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from safetynet.cases import programmes
from safetynet.cases.models import Case, CaseEvent
from safetynet.children import forms, rules, schemas, services
from safetynet.policy.children import EXIT_BASIS, EXIT_CAUSES
from safetynet.policy.education_aid import AID_DOCUMENT
from safetynet.policy.money import fmt

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
    ("submit_aid", ("accepted",), "county", ("approver",), services.submit_aid, _OPINION),
    ("county_grant_aid", ("county",), "granted", ("county_approver",), services.county_grant_aid, _OPTIONAL),
    ("county_refuse_aid", ("county",), "refused", ("county_approver",), services.county_refuse_aid,
     (forms.CountyAidReasonsForm, schemas.ReasonsIn)),
)
CHILD_SHARED = ("record_home_visit", "withdraw", "suspend", "resume", "give_termination_notice", "terminate")
AID_SHARED = ("withdraw",)
CHILD_MONEY = frozenset({"county_approve_child", "suspend", "resume", "terminate"})
AID_MONEY = frozenset({"grant_aid", "county_grant_aid"})
# The county's own steps: its letters are the county bureau's.
COUNTY_DECISIONS = ("county_approve_child", "county_refuse_child", "county_grant_aid", "county_refuse_aid")
# Steps that end an application ask first (the case page's dialog).
QUESTIONS = {
    "county_refuse_child": _("不予批准后本次申请即告结束，并须书面告知申请人理由。确定不予批准吗？"),
    "refuse_aid": _("不予助学后本次申请即告结束，并须书面告知申请人理由。确定不予助学吗？"),
    "county_refuse_aid": _("不予确认后本次助学申请即告结束，并须书面告知申请人理由。确定不予确认吗？"),
}


def _county(case: Case, amount_fen: int, on: date) -> tuple[str, ...]:
    """The county civil affairs bureau decides (儿童-2019: 县级民政部门确认)."""
    return ("county_approver",)


def _part(case: Case, result: dict) -> dict | None:
    return result if result and "eligible" in result else None


def _child_basis(kind: str, on: date) -> tuple:
    if kind == "termination":
        return (EXIT_BASIS,)
    return (("儿童-2019", "关于保障对象、申请程序和基本生活保障的规定"),)


def _aid_basis(kind: str, on: date) -> tuple:
    return (AID_DOCUMENT,)


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


def _county_issues(case: Case, event: CaseEvent, content: dict) -> dict:
    """A county's decision is the county civil affairs bureau's letter (儿童-2019: 县级民政部门确认;
    the orphan's aid, seed: 报县民政部门确认)."""
    if event.transition in COUNTY_DECISIONS:
        county = case.household.village.parent.parent
        issuer = f"{county.name}民政局"
        content |= {"issuer": issuer, "seal": f"{issuer}（盖章）"}
    return content


def _child_letter(case: Case, event: CaseEvent, content: dict) -> dict:
    """Approved by the county after the township's check, from the next month, monthly; no public
    notice (a minor's case is never posted)."""
    content = _county_issues(case, event, content)
    programme, applied = content["programme"], case.accepted_on or case.opened_on
    applied_text = f"{applied.year}年{applied.month}月{applied.day}日"
    if content["kind"] == "approval":
        content["body"] = (
            f"你于{applied_text}提出的{programme}申请，经乡镇（街道）审核、县级民政部门审批，符合{programme}条件，"
            f"决定自{content['first_month']}起给予{programme}，每月 {content['amount']} 元，按月发放。"
        )
    elif content["kind"] == "termination":
        notice = case.events.filter(transition="give_termination_notice", at__lte=event.at).order_by("-at", "-id")
        cause = ((notice.first().data or {}).get("cause") if notice.exists() else "") or ""
        if cause in EXIT_CAUSES:  # the ground first, then the township's words
            words = content.get("grounds") or ""
            content["grounds"] = EXIT_CAUSES[cause][0] + (f"：{words}" if words else "")
    elif content["kind"] == "refusal":
        content["body"] = (f"你于{applied_text}提出的{programme}申请，经乡镇（街道）审核、县级民政部门审批，"
                           f"不符合{programme}条件，决定不予批准。")  # fmt: skip
    return content


def _aid_letter(case: Case, event: CaseEvent, content: dict) -> dict:
    """Paid once (or the orphan's aid in its quarterly parts), granted by the township or, for the
    orphan's aid, confirmed by the county after the township's report."""
    content = _county_issues(case, event, content)
    applied = case.accepted_on or case.opened_on
    applied_text = f"{applied.year}年{applied.month}月{applied.day}日"
    year = (case.assessment or {}).get("school_year_label", "")
    how = ("经乡镇（街道）审核、报县级民政部门确认孤儿身份并核实学籍" if event.transition.startswith("county_")
           else "经乡镇（街道）审核")  # fmt: skip
    if content["kind"] == "approval":
        amount = (event.data or {}).get("amount_fen", case.monthly_amount_fen) or 0
        parts = rules.aid_instalments(case)
        paid = ("，分 {n} 期按季度发放至本人银行卡（{each}）".format(
            n=len(parts), each="、".join(f"{m.year}年{m.month}月 {fmt(f)} 元" for m, f in parts))
            if parts else "，随当月助学发放名册一次性发放至本人银行卡")  # fmt: skip
        month = case.entitlement_from
        content |= {
            "amount": fmt(amount), "month_label": "发放月份",
            "first_month": f"{month.year}年{month.month}月" if month else "",
            "computation": content.get("computation") or [],
            "body": f"你于{applied_text}提出的{year}学年助学申请，{how}，符合助学条件，决定给予助学金 "
                    f"{fmt(amount)} 元{paid}。",
        }
    elif content["kind"] == "refusal":
        content["body"] = f"你于{applied_text}提出的{year}学年助学申请，{how}，不符合助学条件，决定不予助学。"
    return content


def _aid_offers(case: Case, name: str) -> bool:
    """The orphan's aid goes to the county (``submit_aid``); any other the township grants."""
    if name == "grant_aid":
        return not services.is_orphan_aid(case)
    if name == "submit_aid":
        return services.is_orphan_aid(case)
    return True


def _child(code: str, label: str, short: str) -> programmes.Declaration:
    return programmes.Declaration(
        code=code, label=label, short=short, unit="person", opens_with=("apply_child",),
        steps=frozenset({name for name, *_rest in CHILD_STEPS} | set(CHILD_SHARED)), schedule="monthly",
        assess=rules.assess_child_case, part=_part, money_steps=CHILD_MONEY, deciders=_county,
        review_months=lambda case: 12, authorizations="none",
        decisions={"county_approve_child": "approval", "county_refuse_child": "refusal", "terminate": "termination"},
        standards=("children_allowance",), basis=_child_basis, computation=_child_computation,
        # The county's approval starts the monthly allowance at once: no public notice to close.
        starts_entitlement=frozenset({"county_approve_child"}), letter=_child_letter,
        published=False,  # a minor's name is never on a public roster (未成年人保护法 Art. 4)
        exit_causes=EXIT_CAUSES,  # a child's allowance ends for its own grounds (儿童-2019), not dibao's
    )  # fmt: skip


ORPHAN = _child("orphan", "孤儿基本生活保障", "孤儿")
UNSUPPORTED_CHILD = _child("unsupported_child", "事实无人抚养儿童基本生活补贴", "事实无人抚养儿童")
EDUCATION_AID = programmes.Declaration(
    code="education_aid", label="教育救助（助学）", short="助学", unit="person", opens_with=("apply_aid",),
    steps=frozenset({name for name, *_rest in AID_STEPS} | set(AID_SHARED)), schedule="one_off",
    assess=rules.assess_aid_case, part=_part, money_steps=AID_MONEY, authorizations="none",
    decisions={"grant_aid": "approval", "refuse_aid": "refusal", "county_grant_aid": "approval",
               "county_refuse_aid": "refusal"},
    standards=("education_aid_amount",), basis=_aid_basis, computation=_aid_computation, letter=_aid_letter,
    offers=_aid_offers,
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
