"""Every read of the verification centre, scoped to the caller's area and role."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from safetynet.cases import programmes
from safetynet.cases.models import Authorization
from safetynet.registry.models import Area, Household
from safetynet.registry.selectors import scope_prefix, staff_of
from safetynet.supervision.models import LedgerItem
from safetynet.verification.models import CheckResult, CheckRun, FeedDelivery
from safetynet.web import clock

# Who sees the centre's records: the data deliveries are the centre's own business.
CENTRE_ROLES = ("verifier", "city", "auditor")
LEDGER_ROLES = ("clerk", "approver", "county", "city", "verifier", "auditor")


def missing_authorizations(household: Household, programme: str = "dibao") -> list[str]:
    """Whose data would be read without a signed authorisation: every member, and for tekun
    every member's recorded support obligors too (POLICY.md §3): as the programme declares."""
    return missing_authorizations_of([household], programme)[household.pk]


def missing_authorizations_of(households: list[Household], programme: str = "dibao") -> dict[int, list[str]]:
    """``missing_authorizations`` for a batch of households, with one query for the signatures."""
    people: dict[int, list[tuple[str, str]]] = {}
    for h in households:
        members = list(h.members.all())
        whose = programmes.get(programme).authorizations
        people[h.pk] = [(p.name, p.id_number) for p in members] if whose != "none" else []
        if whose == "members_and_obligors":
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
        .prefetch_related("members__incomes", "members__assets", "members__obligors", "members__changes")
    )


def households_to_review(township: Area) -> QuerySet[Household]:
    """The households of a township with a case on the rolls: what a periodic re-check covers."""
    from safetynet.reports.selectors import COVERED_STATES

    return (
        Household.objects.filter(village__code__startswith=township.code, cases__state__in=COVERED_STATES)
        .distinct()
        .order_by("id")
        .prefetch_related("members__incomes", "members__assets", "members__obligors", "members__changes")
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


def _answer(stored: dict | None, columns: dict, month) -> dict | None:
    """The policy floor's answer (as ``case.assessment`` holds it) shaped from one side's stored
    result rows (values under the run's ``columns``); None for a side with no member left (every
    one reported deceased)."""
    from safetynet.policy.assessment import result_json

    if not stored or not stored.get("members"):
        return None
    household = {**dict(zip(columns["household"], stored["household"], strict=True)), "month": month}
    return result_json(household, [dict(zip(columns["member"], m, strict=True)) for m in stored["members"]])


def _side(programme, case, part: dict | None) -> dict | None:
    from safetynet.policy.money import to_fen

    if part is None:
        return None
    eligible = bool(part.get("eligible"))
    amount = part["monthly_amount" if "monthly_amount" in part else "amount"]
    return {"eligible": eligible, "reasons": part.get("reasons", []),
            "computation": programme.computation(case, part) if eligible else [],
            "amount_fen": to_fen(str(amount)) if eligible else 0}  # fmt: skip


def check_reading(case, result: CheckResult | None = None) -> dict | None:
    """The household's latest check (or ``result``) read as the case's programme reads it: its
    part (``Declaration.part``) of what the rules found at check time on what was declared and on
    what the departments reported, and the verdict in its terms (a tekun case by the applicant's
    tekun conditions and amount, a dibao case by the household's dibao). None for a programme
    that does not read the household's check, or no check; ``{"predates": True}`` for a check
    made before the results were kept. It is the household as it was at the check: facts
    recorded since are not in it (the page says so; a new check reads them)."""
    import polars as pl

    from safetynet.batch.verify import IMPACTS, impact_expr

    programme = programmes.get(case.programme)
    if not programme.reads_household_check:
        return None
    result = result or latest_check(case.household_id)
    if result is None:
        return None
    columns = result.run.params.get("reading_columns")
    if not result.readings or not columns:
        return {"predates": True, "result": result}
    month = result.run.month
    sides = {}
    for name in ("declared", "verified"):
        answer = _answer(result.readings.get(name), columns, month)
        sides[name] = _side(programme, case, programme.part(case, answer) if answer else None)
    d, v = sides["declared"] or {}, sides["verified"] or {}
    impact = pl.select(impact_expr(
        pl.lit(bool(d.get("eligible"))), pl.lit(d.get("amount_fen") or 0, pl.Int64),
        pl.lit(bool(v.get("eligible"))), pl.lit(v.get("amount_fen") or 0, pl.Int64))).item()  # fmt: skip
    return {"predates": False, "result": result, **sides, "impact": impact, "verdict": IMPACTS[impact],
            "not_eligible": impact in NOT_ELIGIBLE_IMPACTS}  # fmt: skip


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
    return LedgerItem.objects.filter(area__code__startswith=prefix).select_related("area__parent")


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


# ---- the problem ledger's items with whom and where they are about ----------------------------

MISSED_KINDS = ("missed_dibao", "missed_tekun")


def _register_rows(household_nos: set[str]) -> dict[str, list[dict]]:
    """The population register's persons of these households (the latest delivery): what the
    office knows of someone not yet in its own registry."""
    if not household_nos:
        return {}
    import polars as pl

    from safetynet.batch.feeds import scan_item
    from safetynet.verification.services import store_path

    rows = (
        scan_item(store_path(), "household_registration", clock.today())
        .filter(pl.col("household_no").is_in(sorted(household_nos)))
        .select("household_no", "id_number", "name", "area_code", "hukou", "relation")
        .collect()
    )
    out: dict[str, list[dict]] = {}
    for row in rows.sort("household_no", "relation", "id_number").iter_rows(named=True):
        out.setdefault(row["household_no"], []).append(row)
    for members in out.values():  # the head first, as the intake form has it
        members.sort(key=lambda r: r["relation"] != "head")
    return out


def ledger_people(user, items: list[LedgerItem]) -> dict[int, dict]:
    """For each item on a ledger page: the person's name (the head's for a household finding),
    village and township, the household in the office's registry and its latest case (if the
    user's area holds them), and whether it is a missed-coverage item with no household yet."""
    from safetynet.cases.models import Case
    from safetynet.registry.models import Person

    prefix = scope_prefix(user) or "-"
    nos = {i.household_no for i in items}
    households = {
        h.household_no: h
        for h in Household.objects.filter(household_no__in=nos, village__code__startswith=prefix)
        .prefetch_related("members").order_by("id")
    }  # fmt: skip
    persons = {
        p.id_number: p
        for p in Person.objects.filter(id_number__in={i.id_number for i in items if i.id_number},
                                       household__village__code__startswith=prefix).select_related("household")
    }  # fmt: skip
    known = {h.pk for h in households.values()} | {p.household_id for p in persons.values()}
    latest: dict[tuple[int, str], int] = {}
    for pk, household_id, programme, applicant_id in (
        Case.objects.filter(household_id__in=known).order_by("id").values_list("id", "household_id", "programme",
                                                                               "applicant_id")
    ):  # fmt: skip
        latest[(household_id, programme)] = pk
        latest[(household_id, f"person:{applicant_id}")] = pk
    register = _register_rows({i.household_no for i in items if i.household_no not in households})
    out = {}
    for i in items:
        person = persons.get(i.id_number) if i.id_number else None
        household = person.household if person else households.get(i.household_no)
        area = i.area
        village, township = (area, area.parent) if area.level == Area.Level.VILLAGE else (None, area)
        if person:
            name = person.name
        elif household:
            members = sorted(household.members.all(), key=lambda m: (m.relation != "head", m.pk))
            name = members[0].name if members else ""
        else:
            rows = register.get(i.household_no, [])
            match = [r for r in rows if r["id_number"] == i.id_number] if i.id_number else rows[:1]
            name = match[0]["name"] if match else ""
        case = None
        if household:
            case = latest.get((household.pk, f"person:{person.pk}")) if person else None
            case = case or latest.get((household.pk, i.programme)) or max(
                (v for (h, _k), v in latest.items() if h == household.pk), default=None)
        out[i.pk] = {
            "name": name, "village": village, "township": township, "household": household, "case": case,
            "person": person, "missed": i.kind in MISSED_KINDS, "in_register": i.household_no in register,
        }  # fmt: skip
    return out


def intake_from_ledger(user, item_id: int) -> dict | None:
    """What is known of a missed-coverage item's household, for the intake form
    (``registry.forms.Intake.prefilled(household=..., members=...)``): the village, the
    register's household number and hukou, each member's name, ID number and relation. None if
    the item is not the user's, not a missed finding, or its household is already in the
    registry (its page starts the application)."""
    item = ledger_for(user).filter(pk=item_id, kind__in=MISSED_KINDS).first()
    if item is None or Household.objects.filter(household_no=item.household_no).exists():
        return None
    rows = _register_rows({item.household_no}).get(item.household_no, [])
    village = rows[0]["area_code"] if rows else item.area_id
    household = {"village": village if len(village) == 12 else "", "household_no": item.household_no,
                 "hukou": rows[0]["hukou"] if rows else ""}  # fmt: skip
    members = [{k: r[k] for k in ("name", "id_number", "relation")} for r in rows]
    return {"household": household, "members": members}
