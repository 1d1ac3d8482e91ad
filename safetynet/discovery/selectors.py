"""Every read of discovery tasks, scoped to the caller's area: the township sees its own queue,
the county and the city theirs, the auditor reads. Outside the area a task does not exist (404)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr, TruncMonth
from django.http import Http404

from safetynet.cases import programmes
from safetynet.cases.models import CLOSED_STATES, Case
from safetynet.discovery.models import OPEN_STATES, DiscoveryTask, Outcome, Source
from safetynet.registry.models import Area
from safetynet.registry.selectors import staff_of

READERS = ("clerk", "approver", "county", "county_approver", "city", "auditor")
SUPERVISORS = ("county", "county_approver", "city", "auditor")


def tasks_for(user) -> QuerySet[DiscoveryTask]:
    staff = staff_of(user)
    if staff is None or staff.role not in READERS:
        return DiscoveryTask.objects.none()
    return DiscoveryTask.objects.filter(area_code__startswith=staff.area_id).select_related(
        "household__village__parent", "person", "case", "referral", "recorded_by")


def task_for(user, task_id) -> DiscoveryTask:
    try:
        return (tasks_for(user).select_related("recorded_by__staff__area", "closed_by__staff__area", "ledger_item")
                .prefetch_related("events__actor__staff__area").get(pk=task_id))  # fmt: skip
    except (DiscoveryTask.DoesNotExist, ValueError):
        raise Http404("discovery task") from None


def now() -> datetime:
    """The office's clock as a moment: the simulated day (``SAFETYNET_TODAY``, the demo's) at the
    time of day now, or now."""
    from django.conf import settings
    from django.utils import timezone

    moment = timezone.now()
    simulated = getattr(settings, "SAFETYNET_TODAY", None)
    if simulated:
        local = timezone.localtime(moment)
        return timezone.make_aware(datetime.combine(simulated, local.time()))
    return moment


# The programme a screening finding of missed coverage concerns (batch.screen's kinds).
MISSED_PROGRAMMES = {"missed_dibao": "dibao", "missed_tekun": "tekun"}


def concerns(task: DiscoveryTask) -> str:
    """The programme a screening task says the household (or person) was missed by; "" for a lead."""
    item = task.ledger_item if task.ledger_item_id else None
    return MISSED_PROGRAMMES.get(item.kind, item.programme) if item is not None else ""


def live_cases(household_ids) -> dict[int, list[Case]]:
    """The households' live cases (an application running, or a case on the rolls: any state
    but the closed ones, as the one-live-case constraint counts them), by household."""
    out: dict[int, list[Case]] = {}
    ids = list(household_ids)
    for at in range(0, len(ids), 2000):  # SQLite's variables
        for case in (Case.objects.filter(household_id__in=ids[at:at + 2000]).exclude(state__in=CLOSED_STATES)
                     .select_related("applicant").order_by("household_id", "id")):  # fmt: skip
            out.setdefault(case.household_id, []).append(case)
    return out


def live_case_of(programme: str, cases: list[Case], *, person_id: int | None, id_number: str = "") -> Case | None:
    """The live case of ``programme`` that the finding is about: the household's for a programme
    of households (dibao), the person's own for a programme of persons (tekun)."""
    for case in cases:
        if case.programme != programme:
            continue
        if programmes.get(programme).unit == "household":
            return case
        if (person_id and case.applicant_id == person_id) or (id_number and case.applicant.id_number == id_number):
            return case
    return None


def linkable(task: DiscoveryTask, cases: list[Case]) -> list[Case]:
    """The live cases a task may close naming: for a screening finding, the case of the programme
    it concerns (the household's dibao, the person's own tekun); for a lead, any of the household's."""
    programme = concerns(task)
    if not programme:
        return list(cases)
    case = live_case_of(programme, cases, person_id=task.person_id, id_number=task.id_number)
    return [case] if case else []


def overdue_q(now: datetime) -> Q:
    return Q(state="open", due_at__lt=now)


def of_household(user, household) -> QuerySet[DiscoveryTask]:
    return tasks_for(user).filter(household=household).order_by("-reported_at", "-id")


def by_township(user, rows: QuerySet[DiscoveryTask], now: datetime) -> list[dict]:
    """Open and overdue tasks per township of the user's area, most overdue first."""
    staff = staff_of(user)
    townships = {a.code: a for a in Area.objects.filter(level=Area.Level.TOWNSHIP,
                                                         code__startswith=staff.area_id if staff else "-")}  # fmt: skip
    counts = {code: {"township": a, "open": 0, "overdue": 0} for code, a in townships.items()}
    grouped = (rows.filter(state__in=OPEN_STATES).order_by().annotate(t=Substr("area_code", 1, 9)).values("t")
               .annotate(n=Count("id"), late=Count("id", filter=overdue_q(now))))  # fmt: skip
    for r in grouped:
        if row := counts.get(r["t"]):
            row["open"], row["overdue"] = r["n"], r["late"]
    out = [r for r in counts.values() if r["open"]]
    return sorted(out, key=lambda r: (-r["overdue"], -r["open"], r["township"].code))


@dataclass
class SourceRow:
    source: str
    label: str
    open: int = 0
    overdue: int = 0
    closed_in_time: int = 0
    closed_late: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def closed(self) -> int:
        return self.closed_in_time + self.closed_late

    @property
    def total(self) -> int:
        return self.open + self.closed

    @property
    def outcome_cells(self) -> list[int]:
        return [self.outcomes.get(o, 0) for o in Outcome.values]


def by_source(rows: QuerySet[DiscoveryTask], now: datetime) -> tuple[list[SourceRow], SourceRow]:
    """Per source: open, overdue, closed within the limit or late, and each outcome; with the total."""
    out = {s.value: SourceRow(s.value, str(s.label)) for s in Source}
    grouped = rows.order_by().values("source", "state", "outcome").annotate(
        n=Count("id"), late=Count("id", filter=overdue_q(now)),
        in_time=Count("id", filter=Q(reached_at__lte=F("due_at"))))
    for r in grouped:
        row = out[r["source"]]
        if r["state"] in OPEN_STATES:
            row.open += r["n"]
            row.overdue += r["late"]
        else:
            row.closed_in_time += r["in_time"]
            row.closed_late += r["n"] - r["in_time"]
            row.outcomes[r["outcome"]] = row.outcomes.get(r["outcome"], 0) + r["n"]
    total = SourceRow("", "合计")
    for row in out.values():
        total.open += row.open
        total.overdue += row.overdue
        total.closed_in_time += row.closed_in_time
        total.closed_late += row.closed_late
        for k, n in row.outcomes.items():
            total.outcomes[k] = total.outcomes.get(k, 0) + n
    return list(out.values()), total


def by_month(rows: QuerySet[DiscoveryTask]) -> list[dict]:
    """Tasks recorded per month and source (the chart)."""
    return list(rows.order_by().annotate(m=TruncMonth("reported_at")).values("m", "source").annotate(n=Count("id"))
                .order_by("m", "source"))  # fmt: skip
