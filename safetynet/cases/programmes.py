"""The programmes of the office, each declared once (DESIGN.md, "Programmes on one frame").

A ``Declaration`` says what the office needs to serve a programme: whose case it is, the steps
that open a case and the steps its cases take, what the policy floor answers for it and the
amount in that answer, who decides which amount, when it is paid (monthly, or once), whose
authorisations the check needs, and what its letters cite. Casework, payroll, notices, reports
and the API read the declarations; no app branches on a programme's name.

The parts follow OpenG2P's programme managers (eligibility, entitlement, cycle, payment): here
``assess``/``amount`` are eligibility and entitlement, ``schedule`` the cycle, and the payroll
pays every schedule by one rule (owed less paid). ``docs/programmes.md`` lists what a new
programme provides. Dibao and tekun are declared here; a programme with its own app registers
its declaration and its own steps from its ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from safetynet.cases.models import TRANSITIONS, Case, CaseEvent, Programme

# The steps of a monthly programme's case from the check to its end (cases.models.TRANSITIONS).
STANDARD_STEPS = frozenset({
    "accept", "record_home_visit", "approve", "refuse", "object", "close_notice", "start_review",
    "continue_after_review", "suspend", "resume", "give_termination_notice", "terminate", "start_graduated_exit",
    "end_graduated_exit", "withdraw",
})  # fmt: skip
# The steps after which a monthly programme's case is owed a different amount per month.
MONTHLY_MONEY_STEPS = frozenset({
    "close_notice", "continue_after_review", "reprice", "suspend", "resume", "terminate", "start_graduated_exit",
    "end_graduated_exit",
})  # fmt: skip
# The decisions of a monthly programme served in writing, and the letter each gets (notices).
MONTHLY_DECISIONS = {
    "close_notice": "approval", "refuse": "refusal", "terminate": "termination", "end_graduated_exit": "termination",
    "continue_after_review": "change", "reprice": "change",
}  # fmt: skip

SCHEDULES = ("monthly", "one_off")
UNITS = ("household", "person")
AUTHORIZATIONS = ("members", "members_and_obligors", "none")


def _township_approver(case: Case, amount_fen: int, on: date) -> tuple[str, ...]:
    """The township decides (seed: 审批权限下放到乡镇(街道))."""
    return ("approver",)


@dataclass(frozen=True)
class Declaration:
    code: str
    label: str  # 最低生活保障
    short: str  # 低保
    unit: str  # "household" | "person": whose case it is (one live case per …, letters, counts)
    opens_with: tuple[str, ...]  # the steps that open a case ("start_precheck", "report")
    steps: frozenset[str]  # the transitions its cases take; the case page offers only these
    schedule: str  # "monthly" | "one_off"
    # The policy floor's answer for the case in the month of ``on`` (stored as ``case.assessment``).
    assess: Callable[[Case, date], dict]
    # The part of a stored answer that concerns the case (the household's dibao, the applicant's tekun).
    part: Callable[[Case, dict], dict | None]
    money_steps: frozenset[str]  # after these, payments.sync_entitlements rebuilds what is owed
    # Its own steps that decide the monthly amount (``data["monthly_amount_fen"]``) and start what
    # is owed from ``entitlement_from`` at once, with no notice to close (the county's approval of a
    # child's allowance). Dibao and tekun start with ``close_notice`` after ``approve``.
    starts_entitlement: frozenset[str] = frozenset()
    # Its beneficiaries are posted on the public rosters and standing lists (POLICY.md §3). Not a
    # child's: 未成年人保护法 (2020) Art. 4 protects a minor's privacy and personal information.
    published: bool = True
    # Who may decide the case for an amount (roles): the township, or the county above a limit.
    deciders: Callable[[Case, int, date], tuple[str, ...]] = _township_approver
    review_months: Callable[[Case], int] | None = None  # periodic review; None: no review
    authorizations: str = "members"  # whose signed authorisations the check needs
    verdict_applies: bool = False  # the department-data check's (dibao) verdict applies to its decisions
    # Its part of the household's check (the rules' result on both sides) is read for its cases: the
    # case page's reading and the approval against a failing one (``verification.selectors``).
    reads_household_check: bool = False
    # Letters: the decisions served in writing (transition -> letter kind), the standards an amount
    # rests on (parameter names), the documents a decision rests on, the computation's lines.
    decisions: dict[str, str] = field(default_factory=dict)
    standards: tuple[str, ...] = ()
    basis: Callable[[str, date], tuple] = lambda kind, on: ("暂行办法",)
    computation: Callable[[Case, dict], list[str]] = lambda case, part: []
    # A letter's own wording for a kind, where the monthly wording does not fit (one-off payments).
    letter: Callable[[Case, CaseEvent, dict], dict] | None = None
    # A one-off programme's amount paid in parts (the orphan's school-year aid, quarterly; seed:
    # 按月或季度): (first day of month, fen) of each part of a granted case, summing to its
    # amount; an empty list: paid once in ``entitlement_from``.
    instalments: Callable[[Case], list[tuple[date, int]]] = lambda case: []
    # The persons a decision on the case covers, read from its part of the answer (None: no answer).
    covers: Callable[[dict], int] | None = None
    # Whether a step of its path is worth offering on this case now (e.g. no county referral when
    # the most the rules allow is within the township's limit); the service still decides.
    offers: Callable[[Case, str], bool] = lambda case, name: True
    # Why its cases end (the termination notice's cause: code -> Chinese, English), where they end
    # for their own grounds (a child's: adopted, grown up); None: dibao's (``policy.exits.CAUSES``).
    # A programme's own list is always asked: every such end has its ground.
    exit_causes: dict[str, tuple[str, str]] | None = None

    def causes(self) -> dict[str, tuple[str, str]]:
        from safetynet.policy.exits import CAUSES

        return self.exit_causes or CAUSES

    def __post_init__(self) -> None:
        if self.schedule not in SCHEDULES or self.unit not in UNITS or self.authorizations not in AUTHORIZATIONS:
            raise ValueError(f"programme {self.code}: schedule, unit or authorizations not one of the known values")

    def amount(self, case: Case, result: dict) -> tuple[bool, int, list[dict]]:
        """Eligible, amount in fen (per month, or once), reasons: read from a policy answer."""
        part = self.part(case, result)
        if part is None:
            return False, 0, []
        yuan, _, fen = str(part["monthly_amount" if "monthly_amount" in part else "amount"]).partition(".")
        return bool(part["eligible"]), int(yuan) * 100 + int(fen or 0), part.get("reasons", [])

    def persons_covered(self, case: Case) -> int | None:
        """How many persons the case's answer covers: what coverage, the notice and the price
        subsidy count (never the household's size where only some of it is covered)."""
        part = self.part(case, case.assessment) if case.assessment else None
        if part is None:
            return None
        if self.covers is not None:
            return self.covers(part)
        return 1 if self.unit == "person" else int(part.get("persons") or part.get("members") or 1)


_PROGRAMMES: dict[str, Declaration] = {}


def register(declaration: Declaration) -> Declaration:
    unknown = declaration.steps - set(TRANSITIONS)
    if unknown:
        raise ValueError(f"programme {declaration.code}: steps not declared: {sorted(unknown)}")
    _PROGRAMMES[declaration.code] = declaration
    return declaration


def get(code: str) -> Declaration:
    """The declaration of ``code``; KeyError for a programme the office does not run."""
    return _PROGRAMMES[code]


def all() -> list[Declaration]:  # noqa: A001 - the module is read as ``programmes.all()``
    return list(_PROGRAMMES.values())


def codes() -> list[str]:
    return list(_PROGRAMMES)


def label(code: str) -> str:
    """The programme's name in the interface's language (the code itself for one not declared);
    official letters use ``Declaration.label``, always Chinese."""
    if code in Programme.values:
        return str(Programme(code).label)
    declaration = _PROGRAMMES.get(code)
    return str(declaration.label) if declaration else code


def choices() -> list[tuple[str, str]]:
    return [(d.code, label(d.code)) for d in _PROGRAMMES.values()]


def opened_by(step: str) -> list[Declaration]:
    return [d for d in _PROGRAMMES.values() if step in d.opens_with]


def decision_kinds() -> dict[str, str]:
    """Every programme's decisions served in writing: transition -> letter kind."""
    out: dict[str, str] = {}
    for d in _PROGRAMMES.values():
        out.update(d.decisions)
    return out


# Panels of the case page (templates taking ``case``), shown on every case: each says itself
# whether it has anything for this case (temporary help given while a dibao application runs).
PANELS: list[str] = []


def register_panel(template: str) -> None:
    if template not in PANELS:
        PANELS.append(template)


def register_step(
    name: str,
    *,
    from_states: Iterable[str],
    to_state: str,
    roles: Iterable[str],
    service: Callable,
    label: str,
    form_class=None,
    schema=None,
    partial: str = "cases/steps/_step.html",
    inline_errors: bool = False,
) -> None:
    """A programme's own step: its row in ``TRANSITIONS``, its service, its name and its ``Step``
    for the page and the API, in one call (from the programme app's ``ready()``)."""
    from safetynet.cases import forms, schemas, services, steps

    TRANSITIONS[name] = (tuple(from_states), to_state, tuple(roles))
    services.STEP_FUNCTIONS[name] = service
    services.ACTION_NAMES[name] = label
    steps.STEPS[name] = steps.Step(name, form_class or forms.StepForm, schema or schemas.StepIn, partial,
                                   inline_errors=inline_errors)  # fmt: skip


# A programme's own part of a shared step (the support mode of a tekun approval, issue 11),
# registered from its app's ``ready()``: the fields the step's form gains for the programme's
# cases (``fields(case)``: name -> form field) and its API body (``schema``: a Schema of the same
# fields, each optional); ``check(actor, case, on, values) -> (recorded, errors)`` before anything
# is written (``recorded`` goes into the step's event); ``apply(actor, case, event, recorded)`` in
# the step's transaction, after its event (a refusal there undoes the step).
@dataclass(frozen=True)
class StepPart:
    fields: Callable
    schema: type
    check: Callable
    apply: Callable


STEP_PARTS: dict[tuple[str, str], StepPart] = {}


def register_step_part(programme: str, step: str, part: StepPart) -> None:
    from dataclasses import replace

    from safetynet.cases import steps

    STEP_PARTS[(programme, step)] = part
    shared = steps.STEPS[step]
    # One API body for the step: the shared one with the part's fields (another programme's case
    # refuses them when given, ``services.take_step``).
    body = type(f"{shared.schema.__name__}{programme.title().replace('_', '')}", (shared.schema, part.schema),
                {"__module__": part.schema.__module__})
    steps.STEPS[step] = replace(shared, schema=body)


def step_part(case: Case, step: str) -> StepPart | None:
    return STEP_PARTS.get((case.programme, step))


def part_fields(step: str) -> set[str]:
    """The fields every programme's part adds to ``step``."""
    return {name for (_, s), part in STEP_PARTS.items() if s == step for name in part.schema.model_fields}


# ---- dibao and tekun ----------------------------------------------------------------------------


def household_assessment(case: Case, on: date) -> dict:
    """The policy floor's answer (dibao and tekun) for the case's household in the month of ``on``."""
    from safetynet.policy.assessment import assess
    from safetynet.registry.models import Household
    from safetynet.registry.selectors import assessment_input

    household = Household.objects.prefetch_related("members__incomes", "members__assets", "members__obligors",
                                                   "members__changes").get(pk=case.household_id)  # fmt: skip
    return assess(assessment_input(household, on.replace(day=1)))


def _dibao_part(case: Case, result: dict) -> dict | None:
    return result.get("dibao")


def _tekun_part(case: Case, result: dict) -> dict | None:
    members = result.get("tekun", {}).get("members", [])
    return next((m for m in members if m.get("id_number") == case.applicant.id_number), None)


def _dibao_covers(part: dict) -> int:
    """The family's members when the family is covered; else the members covered alone (单人户:
    the single-person route applies only to a family that is not eligible, 低保-2021 Art. 8)."""
    singles = part.get("single_person_amounts") or []
    if singles:
        return len(singles)
    return int(part.get("members") or 0) if part.get("eligible") else 0


def _dibao_review_months(case: Case) -> int:
    """Stable households yearly; irregular income or members able to work half-yearly (低保-2021 Art. 31)."""
    working = any(
        i.kind in ("wage", "business") and i.until is None
        for p in case.household.members.all()
        for i in p.incomes.all()
    )
    return 6 if working else 12


_2021 = date(2021, 7, 1)


def _dibao_basis(kind: str, on: date) -> tuple:
    rules = "低保-2021" if on >= _2021 else "低保-2012"
    articles = {
        "approval": (("暂行办法", "第九条、第十一条、第十二条"), rules),
        "refusal": (("暂行办法", "第九条、第十一条"), (rules, "第二十一条") if on >= _2021 else rules),
        "termination": (("暂行办法", "第十三条"), rules),
        "change": (("暂行办法", "第十二条、第十三条"), rules),
    }[kind]
    return (*articles, "济宁-低保办法")


def _tekun_basis(kind: str, on: date) -> tuple:
    return ("暂行办法", "特困-2021" if on >= _2021 else "特困-2016")


def _dibao_computation(case: Case, part: dict) -> list[str]:
    from safetynet.web.personal import mask_id

    codes = {r.get("code") for r in part.get("reasons", [])}
    lines = []
    if "dibao.eligible" in codes:
        lines.append(
            f"低保标准 {part['standard']} 元/人·月 × 家庭人口 {part['members']} 人 − 家庭月收入 "
            f"{part['household_income']} 元 = {part['family_amount']} 元/月"
        )
    for single in part.get("single_person_amounts", []):
        lines.append(f"单人户（{mask_id(single['id_number'])}）：{single['monthly_amount']} 元/月")
    if lines and len(lines) > 1:
        lines.append(f"合计 {part['monthly_amount']} 元/月")
    return lines


CARE_LEVELS = {"self_care": "具备生活自理能力", "partial": "部分丧失生活自理能力", "complete": "完全丧失生活自理能力"}


def _tekun_computation(case: Case, part: dict) -> list[str]:
    level = CARE_LEVELS.get(part.get("care_level") or "", "")
    return [
        f"基本生活标准 {part['basic']} 元 + 照料护理标准 {part['care']} 元"
        f"{f'（{level}）' if level else ''} = {part['monthly_amount']} 元/月"
    ]


DIBAO = register(Declaration(
    code="dibao", label="最低生活保障", short="低保", unit="household", opens_with=("start_precheck",),
    steps=STANDARD_STEPS, schedule="monthly", assess=household_assessment, part=_dibao_part,
    money_steps=MONTHLY_MONEY_STEPS, review_months=_dibao_review_months, authorizations="members",
    verdict_applies=True, reads_household_check=True, decisions=MONTHLY_DECISIONS, standards=("dibao_standard",),
    basis=_dibao_basis, computation=_dibao_computation, covers=_dibao_covers,
))  # fmt: skip
TEKUN = register(Declaration(
    code="tekun", label="特困人员救助供养", short="特困", unit="person", opens_with=("start_precheck",),
    # No graduated exit: it is dibao's, for a household whose income rose (POLICY.md, 渐退期).
    steps=STANDARD_STEPS - {"start_graduated_exit", "end_graduated_exit"}, schedule="monthly",
    assess=household_assessment, part=_tekun_part,
    money_steps=MONTHLY_MONEY_STEPS, review_months=lambda case: 12, authorizations="members_and_obligors",
    reads_household_check=True, decisions=MONTHLY_DECISIONS, standards=("tekun_basic_standard", "tekun_care_standard"),
    basis=_tekun_basis, computation=_tekun_computation,
))  # fmt: skip
