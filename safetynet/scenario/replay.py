"""July to December 2020 through the office's services, at a simulated date.

Every act is a call of the service a clerk, an approver, the verification centre or the city
makes (``cases.services``, ``registry.services``, ``payments.services``,
``verification.services``), taken on its own day: the office's one clock (``web.clock.today``)
is set to that day first, so nothing is backdated and every deadline counts 2020's calendar.

Each movement of ``plan.moves`` is a path of acts (a generator that yields the day of its next
act); the paths of a month, its price indices, its payroll and the November screening run
interleaved in date order. The month's payroll is computed by the city from the 20th and
approved by each township; a decision after it is paid the next month as back pay.
"""

from __future__ import annotations

import heapq
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from safetynet.cases import services as cases
from safetynet.cases.models import Case, CaseEvent
from safetynet.payments import services as payments
from safetynet.policy import exits, idnumber
from safetynet.policy.money import to_fen
from safetynet.policy.parameters import value
from safetynet.policy.working_days import add_working_days, is_working_day
from safetynet.registry import services as registry
from safetynet.registry.cards import with_check_digit
from safetynet.registry.models import Area, Household, Person
from safetynet.scenario import plan
from safetynet.scenario.city import SEQUENCE_REPLAY
from safetynet.supervision.models import LedgerItem

# 2020's consumer price indices, year on year (%): the national figures the National Bureau of
# Statistics published for each month (CPI, and the food CPI). Jining's own are not held; the
# national ones stand in for them (README, "Jining 2020 replayed"). Food prices rose above the
# 6 % trigger (价格-2016) in July to September: those months' payrolls pay the price subsidy.
PRICE_INDICES = {
    7: ("2.7", "13.2"), 8: ("2.4", "11.2"), 9: ("1.7", "7.9"), 10: ("0.5", "2.2"), 11: ("-0.5", "-2.0"),
    12: ("0.2", "1.2"),
}  # fmt: skip
INVESTIGATORS = ["调查员甲", "调查员乙"]
CAUSE_NOTES = {
    "died": "本人死亡（公安机关注销户口）", "moved_away": "全户迁出本县", "imprisoned": "本人服刑",
    "voluntary": "本人书面申请退出低保", "fraud": "经核查隐瞒机动车，不符合条件",
}  # fmt: skip


@dataclass
class Office:
    """Who acts: the city (payroll, price indices), each township's clerk and approver, each
    county's verification officer."""

    city: object
    clerks: dict[str, object]
    approvers: dict[str, object]
    verifiers: dict[str, object]

    def township(self, village: str) -> tuple[object, object]:
        return self.clerks[village[:9]], self.approvers[village[:9]]


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)
    payroll: Counter = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)


@contextmanager
def simulated_clock() -> Iterator[Callable[[date], date]]:
    """The office's one clock (``web.clock.today``) at a day the replay sets; restored after."""
    before = getattr(settings, "SAFETYNET_TODAY", None)

    def at(day: date) -> date:
        settings.SAFETYNET_TODAY = day
        return day

    try:
        yield at
    finally:
        settings.SAFETYNET_TODAY = before


def working_day(day: date) -> date:
    """``day`` or the first working day after it."""
    return day if is_working_day(day) else add_working_days(day, 1)


class Replay:
    def __init__(self, office: Office, household_of_move: dict[int, str], *, payroll_townships: list[Area],
                 store: Path | None = None):  # fmt: skip
        self.office, self.household_of_move = office, household_of_move
        self.payroll_townships = payroll_townships
        self.report = Report()
        self.store = store
        self._sequence: Counter = Counter()
        self._made = 0
        self._villages: dict[tuple[str, str], list[str]] = {}
        self.missed: dict[str, str] = {}  # the screening's planted households: what -> household_no

    # ---- people ------------------------------------------------------------------------------

    def _village(self, county: str, hukou: str) -> str:
        key = (county, hukou)
        if key not in self._villages:
            codes = list(Area.objects.filter(level=Area.Level.VILLAGE, code__startswith=county)
                         .values_list("code", "name"))  # fmt: skip
            self._villages[key] = [c for c, n in codes if n.endswith("社区") == (hukou == "urban")]
        options = self._villages[key]
        self._made += 1
        return options[(self._made * 7) % len(options)]

    def _person(self, county: str, born: date, relation: str, male: bool, name: str, **facts) -> dict:
        """A member of a new household, with an ID number of the replay's sequences (city.py)."""
        key = (county, born, male)
        n = SEQUENCE_REPLAY // 2 + self._sequence[key]
        self._sequence[key] += 1
        return {
            "id_number": idnumber.generate(county, born, n, "male" if male else "female"), "name": name,
            "relation": relation, "phone": f"139{self._made:08d}",
            "bank_card": with_check_digit(f"622848{self._made:012d}"), **facts,
        }  # fmt: skip

    def new_household(self, m: plan.Move, on: date, household_no: str = "") -> tuple[Household, Person]:
        """A household that comes to the window (registered by the clerk), its incomes declared."""
        village = self._village(m.county, m.hukou)
        clerk, _ = self.office.township(village)
        standard = to_fen(value("dibao_standard", m.county, on, hukou=m.hukou))
        surname = "王李张刘陈杨赵黄周吴"[self._made % 10]
        if m.programme == "tekun":
            members = [self._person(m.county, date(1944, 3, 1 + self._made % 28), "head", True, surname + "老汉",
                                    able_obligor=False,
                                    incomes=[{"kind": "pension_basic", "monthly": "118.00"}])]  # fmt: skip
        else:
            per_capita = {"refused": standard * 8 // 5, "single": standard * 6 // 5}.get(m.outcome, standard * 2 // 5)
            if m.kind == "missed":
                per_capita = 0
            income = per_capita * m.size // 100 * 100
            members = []
            for i in range(m.size):
                relation = ("head", "spouse", "child", "child", "parent")[i]
                born = date(1968 - (i == 4) * 25, 1 + (self._made + i) % 12, 1 + (self._made * 3 + i) % 28)
                if relation == "child":
                    born = date(1994 + i, 1 + i, 10)
                facts = {}
                if i == 0 and income:
                    facts["incomes"] = [{"kind": "wage" if m.hukou == "urban" else "business",
                                         "monthly": f"{income // 100}.00"}]  # fmt: skip
                if m.outcome == "single" and i == m.size - 1:  # covered alone
                    facts.update(disability_grade=1, disability_kind="physical")
                members.append(self._person(m.county, born, relation, i != 1, surname + "家" + "甲乙丙丁戊"[i],
                                            **facts))
        household = registry.create_household(
            clerk, village=Area.objects.get(code=village), hukou=m.hukou, address=f"{village[-3:]}号院{self._made}号",
            members=members, registered_poor=m.poor, household_no=household_no, since=on.replace(day=1),
        )  # fmt: skip
        people = list(household.members.all())
        for p in people:
            cases.record_authorization(clerk, id_number=p.id_number, signed_on=on, document=f"SQ2020{p.pk:08d}",
                                       person=p)
        return household, next(p for p in people if p.relation == "head")

    def case_of(self, index: int, m: plan.Move) -> Case:
        return Case.objects.select_related("household").get(
            household__household_no=self.household_of_move[index], programme=m.programme)

    # ---- the paths ------------------------------------------------------------------------------

    def apply(self, m: plan.Move, start: date, household_no: str = "") -> Iterator[date]:
        """先核对、后申请 to the decision and, approved, the end of the village notice."""
        yield start
        household, head = self.new_household(m, start, household_no)
        clerk, approver = self.office.township(household.village_id)
        case = cases.start_precheck(clerk, household=household, programme=m.programme, applicant=head, on=start)
        self.report.counts["applications"] += 1
        yield (on := add_working_days(start, 1))
        case = cases.accept(clerk, case, version=case.version, on=on)
        yield (on := add_working_days(on, 1))
        case = cases.record_home_visit(clerk, case, version=case.version, on=on, investigators=INVESTIGATORS,
                                       family_signed=True, findings="家庭成员、收入与申报一致。")
        yield (on := add_working_days(on, 1))
        if m.outcome == "refused":
            cases.refuse(approver, case, version=case.version, on=on, reasons="家庭人均收入不低于当地低保标准。",
                         opinion="经入户调查和核对，不符合低保条件。")
            self.report.counts["refused"] += 1
            return
        case = cases.approve(approver, case, version=case.version, on=on, opinion="符合条件，同意纳入。")
        yield (on := working_day(case.notice_ends_on))
        cases.close_notice(approver, case, version=case.version, on=on)
        self.report.counts["approved"] += 1
        if m.kind == "missed":
            self._close_finding(household.household_no, on, f"已纳入低保（案件 #{case.pk}）")

    def leave(self, index: int, m: plan.Move, start: date, cause: str) -> Iterator[date]:
        """A termination notice with its cause, then the termination once the notice has run."""
        yield start
        case = self.case_of(index, m)
        _, approver = self.office.township(case.area_code)
        case = cases.give_termination_notice(approver, case, version=case.version, on=start,
                                             reason=CAUSE_NOTES.get(cause, cause), cause=cause)
        yield (on := working_day(case.notice_ends_on))
        cases.terminate(approver, case, version=case.version, on=on)
        self.report.counts[f"exit_{m.programme}_{cause}"] += 1

    def review(self, index: int, m: plan.Move, start: date) -> Iterator[date]:
        """定期复核: started by the clerk, decided the next working day; income risen for
        ``graduate`` (渐退) and ``hold`` (kept while exits are paused)."""
        yield start
        case = self.case_of(index, m)
        clerk, approver = self.office.township(case.area_code)
        if m.kind in ("graduate", "hold"):
            head = case.household.members.get(relation="head")
            standard = to_fen(value("dibao_standard", m.county, start, hukou=m.hukou))
            registry.add_income(clerk, head, kind="wage", monthly_fen=standard * (m.size + 1),
                                since=start.replace(day=1), source="复核：外出务工收入")  # fmt: skip
        case = cases.start_review(clerk, case, version=case.version, on=start)
        yield (on := add_working_days(start, 1))
        if m.kind == "review":
            cases.continue_after_review(approver, case, version=case.version, on=on)
            self.report.counts["reviewed"] += 1
        elif m.kind == "graduate":
            cases.start_graduated_exit(approver, case, version=case.version, on=on, months=3 + m.month % 4)
            self.report.counts["graduated_exit"] += 1
        elif exits.exit_pause(case.area_code, on, case.programme):
            # Income above the standard, not registered poor: no special cause, so no exit while
            # the pause holds; the review stays open (the case keeps covering) until it ends.
            self.report.counts["exit_held"] += 1
        else:
            cases.give_termination_notice(approver, case, version=case.version, on=on, reason="家庭收入增加",
                                          cause="income_rose")

    def follow_up(self, index: int, m: plan.Move, start: date) -> Iterator[date]:
        """A finding of the November screening visited in December: the death the family did not
        report, the car it did not declare (assets concealed: a special cause)."""
        yield start
        case = self.case_of(index, m)
        clerk, _ = self.office.township(case.area_code)
        if m.kind == "car":
            head = case.household.members.get(relation="head")
            registry.add_asset(clerk, head, kind="vehicle", value_fen=6_800_000, use="ordinary",
                               since=date(2019, 5, 10), source="核对中心：机动车登记")  # fmt: skip
        cause = "died" if m.kind == "deceased" else "fraud"
        yield from self.leave(index, m, start, cause)
        self._close_finding(case.household.household_no, start, f"已发布终止公示（{exits.cause_label(cause)}）")

    def close_findings(self, day: date) -> Iterator[date]:
        """The township's visits for the findings nothing else has closed by mid-December: a person
        in prison (not a member of the household, so not missed), or what the visit found."""
        yield day
        for item in LedgerItem.objects.filter(status=LedgerItem.Status.OPEN, area__code__startswith=plan.WENSHANG):
            causes = set(CaseEvent.objects.filter(case__household__household_no=item.household_no,
                                                  transition="give_termination_notice")
                         .values_list("data__cause", flat=True))  # fmt: skip
            outcome = ("经核实本人正在服刑，不计入家庭成员，不予纳入" if "imprisoned" in causes
                       else "经入户核实，家庭有申报的经营收入，不符合条件")  # fmt: skip
            self._close_finding(item.household_no, day, outcome)

    def _close_finding(self, household_no: str, on: date, outcome: str) -> None:
        from safetynet.verification import services as verification

        for item in LedgerItem.objects.filter(household_no=household_no, status=LedgerItem.Status.OPEN):
            verification.close_ledger_item(self.office.verifiers[item.area_id[:6]], item, outcome=outcome, on=on)
            self.report.counts["ledger_closed"] += 1

    def path(self, index: int, m: plan.Move) -> Iterator[date]:
        start = working_day(date(2020, m.month, m.day))
        if m.kind == "apply":
            return self.apply(m, start)
        if m.kind == "missed":
            return self.apply(m, start, household_no=self.missed["household"])
        if m.kind == "exit":
            return self.leave(index, m, start, m.outcome)
        if m.kind in ("review", "graduate", "hold"):
            return self.review(index, m, start)
        return self.follow_up(index, m, start)

    # ---- the city's acts ----------------------------------------------------------------------

    def price_index(self, month: date) -> Iterator[date]:
        yield working_day(month + timedelta(days=4))
        cpi, food = PRICE_INDICES[month.month]
        payments.enter_price_index(self.office.city, month=month, cpi_yoy=Decimal(cpi), food_cpi_yoy=Decimal(food))

    def payroll(self, month: date) -> Iterator[date]:
        """The month's payroll of every township in scope, computed by the city and approved by
        the township (separation of duties), each programme apart."""
        yield working_day(month.replace(day=plan.PAYROLL_DAY))
        for township in self.payroll_townships:
            for programme in plan.PROGRAMMES_PAID:
                run = payments.run_payroll(self.office.city, month=month, township=township, programme=programme)
                if run.lines:
                    payments.approve_payroll(self.office.approvers[township.code], run)
                self.report.payroll["runs"] += 1
                self.report.payroll["lines"] += run.lines
                self.report.payroll["total_fen"] += run.total_fen

    def screening(self, day: date) -> Iterator[date]:
        """The verification centre's deliveries for 汶上县 (the register, who is covered, deaths,
        vehicles) imported, then the county's screening; its findings go to the problem ledger."""
        from safetynet.scenario import deliveries

        yield day - timedelta(days=6)
        verifier = self.office.verifiers[plan.WENSHANG]
        with tempfile.TemporaryDirectory() as folder:  # the files as delivered; the store keeps what is imported
            self.missed = deliveries.import_wenshang(verifier, day - timedelta(days=6), self.household_of_move,
                                                     self.store or Path(folder))  # fmt: skip
        yield day
        from safetynet.verification import services as verification

        run, findings = verification.screen_population(
            verifier, month=day.replace(day=1), area=Area.objects.get(code=plan.WENSHANG))
        self.report.findings = {k: n for k, n in findings.group_by("kind").len().iter_rows()}
        self.report.counts["person_checks"] = run.person_checks

    # ---- the months ----------------------------------------------------------------------------

    def run(self, at: Callable[[date], date], moves: list[plan.Move], months=plan.MONTHS,
            progress: Callable[[str], None] | None = None) -> Report:
        step = progress or (lambda label: None)
        for month_no in months:
            month = date(2020, month_no, 1)
            paths = [self.path(i, m) for i, m in enumerate(moves) if m.month == month_no]
            paths += [self.price_index(month), self.payroll(month)]
            if month_no == plan.SCREENING_DAY.month:
                paths.append(self.screening(plan.SCREENING_DAY))
            if month_no == plan.FINDINGS_CLOSED.month:
                paths.append(self.close_findings(plan.FINDINGS_CLOSED))
            _in_date_order(paths, at)
            step(f"{month:%Y-%m}")
        return self.report


def _in_date_order(paths: list[Iterator[date]], at: Callable[[date], date]) -> None:
    """Run the paths' acts interleaved by date (ties in the paths' order), the clock at each act's day."""
    heap: list[tuple[date, int, Iterator[date]]] = []

    def advance(i: int, path: Iterator[date]) -> None:
        on = next(path, None)
        if on is not None:
            heapq.heappush(heap, (on, i, path))

    for i, path in enumerate(paths):
        advance(i, path)
    while heap:
        on, i, path = heapq.heappop(heap)
        at(on)
        advance(i, path)

