"""Every read of cases, scoped to the user's area: the desk, the deadline board, compliance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from safetynet.batch.verify import IMPACTS
from safetynet.cases import programmes
from safetynet.cases.models import OPEN_STATES, TRANSITIONS, BackdatedAct, Case, CaseEvent
from safetynet.policy.working_days import add_working_days
from safetynet.registry.models import Area
from safetynet.registry.selectors import scope_prefix, staff_of
from safetynet.verification.selectors import NOT_ELIGIBLE_IMPACTS, latest_check_impact

DUE_SOON_WORKING_DAYS = 3


def cases_for(user) -> QuerySet[Case]:
    prefix = scope_prefix(user)
    if prefix is None:
        return Case.objects.none()
    return Case.objects.filter(area_code__startswith=prefix).select_related("household__village__parent", "applicant")


def case_for(user, case_id: int) -> Case:
    """One case with its timeline; outside the user's area it does not exist. Reading writes
    nothing: the page or answer that shows it logs the access."""
    try:
        case = cases_for(user).prefetch_related(
            "events__actor", "visits", "objections", "backdated_acts__requested_by", "backdated_acts__decided_by"
        ).get(pk=case_id)
    except (Case.DoesNotExist, ValueError):
        raise Http404("case") from None
    return case


def allowed_transitions(user, case: Case) -> list[str]:
    """What this user may do next on this case: the buttons on the case page."""
    staff = staff_of(user)
    if staff is None:
        return []
    declaration = programmes.get(case.programme)
    return [name for name, (sources, _, roles) in TRANSITIONS.items()
            if name in declaration.steps and case.state in sources and staff.role in roles
            and declaration.offers(case, name)]  # fmt: skip


def open_cases(user) -> QuerySet[Case]:
    return cases_for(user).filter(state__in=OPEN_STATES)


def overdue(user, today: date) -> QuerySet[Case]:
    return open_cases(user).filter(due_on__lt=today).order_by("due_on")


def due_soon(user, today: date) -> QuerySet[Case]:
    """Open steps due from today to the third working day ahead."""
    horizon = add_working_days(today, DUE_SOON_WORKING_DAYS)
    return open_cases(user).filter(due_on__gte=today, due_on__lte=horizon).order_by("due_on")


def reviews_due(user, today: date) -> QuerySet[Case]:
    """Beneficiaries whose periodic review (定期复核) is due: yearly or half-yearly (低保-2021 Art. 31)."""
    return cases_for(user).filter(state="approved", next_review_on__lte=today).order_by("next_review_on")


@dataclass
class TownshipCompliance:
    township: Area
    decided: int
    on_time: int
    open_cases: int
    overdue: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.decided if self.decided else None


def compliance_by_township(user, today: date, since: date) -> list[TownshipCompliance]:
    """For the county and the city: decisions since ``since`` taken within the time limit, and
    steps overdue now, per township of the user's area, worst first."""
    townships = {
        a.code: a for a in Area.objects.filter(level=Area.Level.TOWNSHIP, code__startswith=scope_prefix(user) or "-")
    }
    rows = {code: TownshipCompliance(area, 0, 0, 0, 0) for code, area in townships.items()}
    decided = (
        cases_for(user)
        .filter(decided_on__gte=since, decision_due_on__isnull=False)
        .values("area_code")
        .annotate(n=Count("id"), ok=Count("id", filter=Q(decided_on__lte=F("decision_due_on"))))
    )
    for row in decided:
        r = rows.get(row["area_code"][:9])
        if r:
            r.decided += row["n"]
            r.on_time += row["ok"]
    for row in (
        open_cases(user).values("area_code").annotate(n=Count("id"), late=Count("id", filter=Q(due_on__lt=today)))
    ):
        r = rows.get(row["area_code"][:9])
        if r:
            r.open_cases += row["n"]
            r.overdue += row["late"]
    return sorted(rows.values(), key=lambda r: (-(r.overdue), r.rate if r.rate is not None else 2, r.township.code))


def with_latest_check(cases) -> list[Case]:
    """The cases with the verdict of their household's latest check (``check_impact``, its label
    ``check_verdict`` and ``check_not_eligible``): the approver's queue shows it, for the programmes
    the verdict is about (``verdict_applies``)."""
    rows = list(cases.annotate(check_impact=latest_check_impact()))
    for c in rows:
        if not programmes.get(c.programme).verdict_applies:
            c.check_impact = None  # the check's verdict is dibao's: it says nothing of a tekun or a child's case
        c.check_verdict = IMPACTS.get(c.check_impact or "", "")
        c.check_not_eligible = c.check_impact in NOT_ELIGIBLE_IMPACTS
    return rows


def overrides(user, since: date | None = None) -> QuerySet[CaseEvent]:
    """Approvals against a "not eligible" check, on the approver's written opinion, latest first:
    what the county supervises and counts."""
    prefix = scope_prefix(user)
    if prefix is None:
        return CaseEvent.objects.none()
    qs = CaseEvent.objects.filter(transition="approve", overrides_check=True, case__area_code__startswith=prefix)
    if since:
        qs = qs.filter(on__gte=since)
    return qs.select_related("case__household__village__parent", "case__applicant", "actor").order_by("-on", "-id")


def pending_backdated(user) -> QuerySet[BackdatedAct]:
    """Backdated steps waiting for a second approver's confirmation, in the user's area."""
    prefix = scope_prefix(user)
    if prefix is None:
        return BackdatedAct.objects.none()
    return BackdatedAct.objects.filter(status=BackdatedAct.Status.PENDING, case__area_code__startswith=prefix)


# Whose step an open case waits for (``TRANSITIONS``): the clerk accepts and records the home
# visit; the approver decides, closes a notice once it has run, ends a review or a termination.
# A help-first case waits for the window's payment (24 hours), its papers and its cash payment.
CLERK_WAITING = ("precheck", "accepted", "reported", "helped", "granted")
APPROVER_WAITING = ("investigated", "review")
APPROVER_AFTER_NOTICE = ("notice", "ending")


def my_tasks(user, today: date) -> QuerySet[Case]:
    """The cases waiting for this user's own step, due dates first (the "my tasks" queue): a
    clerk's to accept or visit, an approver's to decide or close (never one whose home visit they
    recorded: another approver decides it), the county's and the city's overdue steps."""
    from django.db.models import Exists, OuterRef

    staff = staff_of(user)
    role = staff.role if staff else None
    cases = open_cases(user)
    if role == "clerk":
        cases = cases.filter(state__in=CLERK_WAITING)
    elif role == "approver":
        visited = CaseEvent.objects.filter(case=OuterRef("pk"), transition="record_home_visit", actor=user)
        cases = cases.filter(
            Q(state__in=APPROVER_WAITING) | Q(state__in=APPROVER_AFTER_NOTICE, notice_ends_on__lte=today)
        ).exclude(Exists(visited))
    elif role in ("county", "city"):
        cases = cases.filter(due_on__lt=today)
    elif role == "county_approver":  # temporary assistance above the township's limit
        cases = cases.filter(state="county")
    else:
        return Case.objects.none()
    return cases.order_by(F("due_on").asc(nulls_last=True), "id")
