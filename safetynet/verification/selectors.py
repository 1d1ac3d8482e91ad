"""Every read of the verification centre, scoped to the caller's area and role."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from safetynet.cases.models import Authorization
from safetynet.registry.models import Area, Household
from safetynet.registry.selectors import scope_prefix, staff_of
from safetynet.supervision.models import LedgerItem
from safetynet.verification.models import CheckResult, CheckRun, FeedDelivery

# Who sees the centre's records: the data deliveries are the centre's own business.
CENTRE_ROLES = ("verifier", "city", "auditor")
LEDGER_ROLES = ("clerk", "approver", "county", "city", "verifier", "auditor")


def missing_authorizations(household: Household, programme: str = "dibao") -> list[str]:
    """Whose data would be read without a signed authorisation: every member, and for tekun
    every member's recorded support obligors too (POLICY.md §3)."""
    return missing_authorizations_of([household], programme)[household.pk]


def missing_authorizations_of(households: list[Household], programme: str = "dibao") -> dict[int, list[str]]:
    """``missing_authorizations`` for a batch of households, with one query for the signatures."""
    people: dict[int, list[tuple[str, str]]] = {}
    for h in households:
        members = list(h.members.all())
        people[h.pk] = [(p.name, p.id_number) for p in members]
        if programme == "tekun":
            people[h.pk] += [(f"{o.name}（义务人）", o.id_number) for p in members for o in p.obligors.all()]
    numbers = {number for named in people.values() for _, number in named}
    signed = set(Authorization.objects.filter(id_number__in=numbers).values_list("id_number", flat=True))
    return {pk: [name for name, number in named if number not in signed] for pk, named in people.items()}


def applicants_of_day(area: Area, day) -> QuerySet[Household]:
    """The households whose application was opened on ``day`` in the area: a day's batch."""
    return (
        Household.objects.filter(village__code__startswith=area.code, cases__opened_on=day)
        .distinct()
        .order_by("id")
        .prefetch_related("members__incomes", "members__assets", "members__obligors")
    )


def households_to_review(township: Area) -> QuerySet[Household]:
    """The households of a township with a case on the rolls: what a periodic re-check covers."""
    from safetynet.reports.selectors import COVERED_STATES

    return (
        Household.objects.filter(village__code__startswith=township.code, cases__state__in=COVERED_STATES)
        .distinct()
        .order_by("id")
        .prefetch_related("members__incomes", "members__assets", "members__obligors")
    )


# The verdicts that say the household, on the departments' data, does not qualify for dibao.
NOT_ELIGIBLE_IMPACTS = ("no_longer_eligible", "not_eligible")
# The runs whose results speak of a household's case: the window's pre-check and the re-checks.
CASE_CHECK_KINDS = (CheckRun.Kind.HOUSEHOLD, CheckRun.Kind.APPLICANTS, CheckRun.Kind.TOWNSHIP)


def checks_of(household_id: int) -> QuerySet[CheckResult]:
    """A household's completed checks, the latest first (the pre-check and every re-check)."""
    return (
        CheckResult.objects.filter(household_id=household_id, run__status=CheckRun.Status.DONE,
                                   run__kind__in=CASE_CHECK_KINDS)
        .select_related("run", "run__requested_by")
        .order_by("-run__requested_at", "-run_id")
    )  # fmt: skip


def latest_check(household_id: int) -> CheckResult | None:
    return checks_of(household_id).first()


def latest_check_impact() -> Subquery:
    """For annotating cases (``household_id``): the verdict of the household's latest check."""
    latest = CheckResult.objects.filter(
        household_id=OuterRef("household_id"), run__status=CheckRun.Status.DONE, run__kind__in=CASE_CHECK_KINDS
    ).order_by("-run__requested_at", "-run_id")
    return Subquery(latest.values("impact")[:1])


def shown_checks(household: Household, limit: int = 5) -> list[dict]:
    """A household's latest checks as a page shows them: verdict, declared against found amounts,
    and each line by member (named, not numbered: the page's members table carries the numbers)
    and item, with the departments that reported it; differing lines first."""
    from safetynet.batch.verify import LINE_LABELS

    names = {p.id_number: p.name for p in household.members.all()}
    out = []
    for result in checks_of(household.pk)[:limit]:
        lines = [
            {**line, "label": LINE_LABELS.get(line["line"], line["line"]),
             "who": names.get(line["id_number"], "（非登记成员）")}
            for line in result.lines
        ]  # fmt: skip
        out.append({
            "result": result, "run": result.run, "verdict": result.get_impact_display(),
            "not_eligible": result.impact in NOT_ELIGIBLE_IMPACTS,
            "differing": [line for line in lines if line.get("differs")],
            "same": [line for line in lines if not line.get("differs")],
        })  # fmt: skip
    return out


def _role(user) -> str | None:
    staff = staff_of(user)
    return staff.role if staff else None


def deliveries_for(user) -> QuerySet[FeedDelivery]:
    """The city's centre and the auditor see every delivery; a county's verification officer those
    imported in the county (their rejected rows are residents' data). A delivery imported by no
    member of staff is the city's."""
    staff = staff_of(user)
    if staff is None or staff.role not in CENTRE_ROLES:
        return FeedDelivery.objects.none()
    qs = FeedDelivery.objects.select_related("imported_by")
    if staff.area.level != Area.Level.CITY:
        qs = qs.filter(imported_by__staff__area__code__startswith=staff.area_id)
    return qs


def runs_for(user) -> QuerySet[CheckRun]:
    prefix = scope_prefix(user)
    if prefix is None:
        return CheckRun.objects.none()
    return CheckRun.objects.filter(area__code__startswith=prefix).select_related("area", "requested_by")


def results_for(user, run: CheckRun) -> QuerySet[CheckResult]:
    prefix = scope_prefix(user) or "-"
    return run.results.filter(household__village__code__startswith=prefix).select_related("household__village")


def ledger_for(user) -> QuerySet[LedgerItem]:
    prefix = scope_prefix(user)
    if prefix is None or _role(user) not in LEDGER_ROLES:
        return LedgerItem.objects.none()
    return LedgerItem.objects.filter(area__code__startswith=prefix).select_related("area")


def newly_enrolled(items: QuerySet[LedgerItem]) -> dict[str, int]:
    """Of the missed findings, how many households were taken on afterwards (POLICY.md §10): a
    case of the programme approved in or after the month screened, for the household the
    registry knows by the same household number."""
    from safetynet.cases.models import Case

    missed = list(items.filter(kind__in=("missed_dibao", "missed_tekun")).values_list("kind", "household_no", "month"))
    approvals: dict[tuple[str, str], list] = {}
    for programme, number, approved in Case.objects.filter(
        household__household_no__in={no for _, no, _ in missed}, approved_on__isnull=False
    ).values_list("programme", "household__household_no", "approved_on"):
        approvals.setdefault((programme, number), []).append(approved)
    out: dict[str, int] = {}
    for kind, number, month in missed:
        if any(day >= month for day in approvals.get((kind.removeprefix("missed_"), number), [])):
            out[kind] = out.get(kind, 0) + 1
    return out


def verification_counts(user, year: int | None = None) -> dict:
    """Batches and person-checks, the figures the bureau publishes (POLICY.md §10)."""
    runs = runs_for(user).filter(status=CheckRun.Status.DONE)
    if year:
        runs = runs.filter(month__year=year)
    batches = runs.count()
    persons = sum(runs.values_list("person_checks", flat=True))
    return {"batches": batches, "person_checks": persons}
