"""Temporary assistance on the programme frame (``cases.programmes``): its declaration and its
own steps, registered from ``TemporaryConfig.ready()``.

- opens with ``report``, from its registration page: help first (the case opens in ``reported``,
  no authorisation needed), or for spending the economic check on the members' authorisations
  (the case opens in ``precheck``, as dibao);
- help first ``reported → helped``, then the shared ``accept`` (from ``helped``) and home visit;
- the decision by amount: ``grant`` at the township up to its limit, above it ``refer_to_county``
  then ``county_grant`` / ``county_refuse`` (seed: 3,000 yuan; ``temporary_township_limit``);
- paid once (``one_off``): the grant's rest in the month's payroll, or ``pay_cash`` from the fund;
  ``close_paid`` once the payroll has paid.
"""

from __future__ import annotations

from datetime import date

from safetynet.cases import programmes
from safetynet.cases.models import Case, CaseEvent
from safetynet.policy.money import fmt
from safetynet.temporary import forms, rules, schemas, services

CODE = "temporary"

# (name, from states, to state, roles, service, form, schema, the form answers beside its fields)
OWN_STEPS = (
    ("help_first", ("reported",), "helped", ("clerk", "approver"), services.help_first, forms.HelpFirstForm,
     schemas.HelpFirstIn, True),
    ("grant", ("investigated",), "granted", ("approver",), services.grant, forms.GrantForm, schemas.GrantIn, True),
    ("refer_to_county", ("investigated",), "county", ("approver",), services.refer_to_county, forms.ReferForm,
     schemas.ReferIn, True),
    ("county_grant", ("county",), "granted", ("county_approver",), services.county_grant, forms.CountyGrantForm,
     schemas.CountyGrantIn, True),
    ("county_refuse", ("county",), "refused", ("county_approver",), services.county_refuse, forms.CountyRefuseForm,
     schemas.CountyRefuseIn, True),
    ("pay_cash", ("granted",), "paid", ("clerk", "approver"), services.pay_cash, forms.PayCashForm,
     schemas.PayCashIn, True),
    ("close_paid", ("granted",), "paid", ("clerk", "approver"), services.close_paid, None, None, False),
)
SHARED_STEPS = ("accept", "record_home_visit", "refuse", "withdraw")
MONEY_STEPS = frozenset({"grant", "county_grant", "pay_cash"})
DECISIONS = {"grant": "approval", "county_grant": "approval", "refuse": "refusal", "county_refuse": "refusal"}


def _basis(kind: str, on: date) -> tuple:
    return (("临救-2014", "关于申请受理、审核审批的规定"), ("临救-2018", "关于审批权限和先行救助的规定"))


def _computation(case: Case, part: dict) -> list[str]:
    if not part or "amount" not in part:
        return []
    lines = [f"政策测算最高救助金额 {part['amount']} 元（本年度已获临时救助 {part.get('paid_this_year', '0.00')} 元，"
             f"年度上限 {part.get('yearly_cap', '—')} 元）"]
    if part.get("kind") == "spending":
        lines.insert(0, f"家庭可承受部分 {part.get('bearable', '—')} 元")
    return lines


def _letter(case: Case, event: CaseEvent, content: dict) -> dict:
    """A one-off grant, decided by the township or the county: paid once, with what the standby
    fund already paid (help first) and how the rest is paid."""
    row = getattr(case, "temporary", None)
    who = "你户"
    event_text = f"{row.occurred_on.year}年{row.occurred_on.month}月{row.occurred_on.day}日{row.get_cause_display()}" \
        if row else "所报困难"
    data = event.data or {}
    county = case.household.village.parent.parent
    if event.transition in ("county_grant", "county_refuse"):
        issuer = f"{county.name}民政局"
        content |= {"issuer": issuer, "seal": f"{issuer}（盖章）"}
    if content["kind"] == "approval":
        granted = data.get("amount_fen", 0)
        paid = data.get("fund_paid_fen", 0)
        owed = data.get("owed_fen", granted - paid)
        month = case.entitlement_from
        rest = f"其余 {fmt(owed)} 元于{month.year}年{month.month}月随临时救助发放名册发放" if owed else "已全部发放"
        first = f"，其中已先行救助 {fmt(paid)} 元" if paid else ""
        content |= {
            "amount": fmt(granted), "first_month": content.get("first_month", ""), "month_label": "发放月份",
            "body": f"{who}因{event_text}申请临时救助，经审核，符合临时救助条件，决定给予一次性临时救助 "
                    f"{fmt(granted)} 元{first}，{rest}。",
        }
    elif content["kind"] == "refusal":
        content |= {"body": f"{who}因{event_text}申请临时救助，经审核，不符合临时救助条件，决定不予救助。"}
    return content


def _offers(case: Case, name: str) -> bool:
    """The county referral only when the most the rules allow is above the township's limit: any
    amount within it is the township's to grant (seed; the service refuses it all the same)."""
    if name != "refer_to_county" or not case.assessment:
        return True
    from safetynet.web import clock

    eligible, most, _reasons = rules.amount(case, case.assessment)
    return not eligible or most > rules.township_limit_fen(case.area_code, clock.today())


DECLARATION = programmes.Declaration(
    code=CODE, label="临时救助", short="临时救助", unit="household",
    # Both kinds open from the registration page (the event with the case): ``report``.
    opens_with=("report",),
    steps=frozenset({name for name, *_rest in OWN_STEPS} | set(SHARED_STEPS)),
    schedule="one_off", assess=rules.assess_case, part=rules.part, money_steps=MONEY_STEPS, deciders=rules.deciders,
    # Spending opens with the check on every member's authorisation (as dibao); help first asks
    # for none: the papers follow.
    authorizations="members",
    decisions=DECISIONS, basis=_basis, computation=_computation, letter=_letter, offers=_offers,
)  # fmt: skip


def register() -> None:
    programmes.register_panel("temporary/_case_panel.html")
    for name, from_states, to_state, roles, service, form_class, schema, inline in OWN_STEPS:
        programmes.register_step(name, from_states=from_states, to_state=to_state, roles=roles, service=service,
                                 label=services.ACTION_NAMES[name], form_class=form_class, schema=schema,
                                 inline_errors=inline)  # fmt: skip
    programmes.register(DECLARATION)
