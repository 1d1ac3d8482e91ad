"""Every read of tekun in practice, scoped to an area-code prefix (``registry.selectors.scope_prefix``
of the user; None reads nothing). The figures' function is ``support_modes(prefix, as_of)``."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet
from django.http import Http404

from safetynet.care.levels import care_level
from safetynet.care.models import (
    Agreement,
    Assessment,
    Caregiver,
    DibaoChoice,
    Institution,
    Mode,
    Move,
    Placement,
    Reassessment,
    Visit,
)
from safetynet.care.services import in_force
from safetynet.cases.models import Case
from safetynet.policy.parameters import value
from safetynet.registry.selectors import scope_prefix
from safetynet.web import clock

SUPPORTED_STATES = ("approved", "review", "suspended", "ending", "graduated_exit")
NOT_RECORDED = "not_recorded"


def _prefix(user_or_prefix) -> str | None:
    return user_or_prefix if isinstance(user_or_prefix, str) or user_or_prefix is None else scope_prefix(user_or_prefix)


def tekun_cases(prefix: str | None, as_of: date | None = None) -> QuerySet[Case]:
    """The tekun persons covered on ``as_of``: the statistics' one definition (``reports.coverage``:
    the case's last step on or before the day left it 保障中, 复核中, 终止公示中 or 渐退期), so that
    the care page and the dashboard count the same persons (a suspended case is not covered)."""
    from safetynet.reports.coverage import covered_cases

    if prefix is None:
        return Case.objects.none()
    as_of = as_of or clock.today()
    return (covered_cases(prefix, as_of).filter(programme="tekun")
            .select_related("applicant", "household__village__parent__parent").order_by("area_code", "id"))  # fmt: skip


def placements_on(prefix: str, as_of: date) -> QuerySet[Placement]:
    """The placements in force on the day (each set going by a decision: the approval or a change
    of support mode, from the decision's date)."""
    return in_force(as_of).filter(area_code__startswith=prefix).select_related("institution")


def levels_on(cases: list[Case], as_of: date) -> dict[int, str]:
    """Each case's care level on the day: the latest assessment on or before it; before the first
    assessment, the level that assessment found before (its ``previous_level``); never assessed,
    the person's recorded count (the policy floor's levels)."""
    after: dict[int, str] = {}
    before: dict[int, str] = {}
    rows = (Assessment.objects.filter(case__in=[c.pk for c in cases]).order_by("assessed_on", "id")
            .values_list("case_id", "assessed_on", "level", "previous_level"))  # fmt: skip
    for case_id, on, level, previous in rows:
        if on <= as_of:
            before[case_id] = level
        else:
            after.setdefault(case_id, previous)
    return {c.pk: before.get(c.pk) or after.get(c.pk) or care_level(c.applicant.adl_unmet) for c in cases}


def institutions_for(user_or_prefix) -> QuerySet[Institution]:
    prefix = _prefix(user_or_prefix)
    if prefix is None:
        return Institution.objects.none()
    # A township's staff see their county's homes (where their persons may be admitted).
    return Institution.objects.filter(county__code__startswith=prefix[:6]).select_related("county", "township")


def institution_for(user, pk) -> Institution:
    try:
        return institutions_for(user).get(pk=pk)
    except (Institution.DoesNotExist, ValueError):
        raise Http404("institution") from None


def residents_by_institution(institutions, as_of: date | None = None) -> dict[int, int]:
    rows = in_force(as_of or clock.today()).filter(institution__in=institutions).values_list("institution_id",
                                                                                            flat=True)
    return dict(Counter(rows))


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part * 100) / whole).quantize(Decimal("0.1"), ROUND_HALF_UP) if whole else None


def support_modes(prefix: str | None, as_of: date | None = None) -> dict:
    """Tekun persons supported on ``as_of`` in the area: by mode (集中 / 分散 / not recorded), by
    institution, by care level (the person's recorded count, the policy floor's levels); and the
    concentration rate of those who cannot care for themselves (complete loss: concentrated /
    all complete; the seed's 66 %), None until a support mode is recorded in the area."""
    as_of = as_of or clock.today()
    empty = {
        "as_of": as_of, "persons": 0, "by_mode": {Mode.CONCENTRATED.value: 0, Mode.DISPERSED.value: 0, NOT_RECORDED: 0},
        "by_institution": [], "by_level": {"self_care": 0, "partial": 0, "complete": 0},
        "complete": 0, "complete_concentrated": 0, "concentration_rate": None, "modes_recorded": False,
    }  # fmt: skip
    if prefix is None:
        return empty
    out = empty
    supported = list(tekun_cases(prefix, as_of))
    placed = {p.case_id: p for p in placements_on(prefix, as_of).filter(case__in=[c.pk for c in supported])}
    levels = levels_on(supported, as_of)
    institutions: Counter = Counter()
    for case in supported:
        p = placed.get(case.pk)
        mode = p.mode if p else NOT_RECORDED
        level = levels[case.pk]
        out["by_mode"][mode] += 1
        out["by_level"][level] += 1
        if p and p.institution_id:
            institutions[p.institution_id] += 1
        if level == "complete":
            out["complete"] += 1
            out["complete_concentrated"] += mode == Mode.CONCENTRATED
    out["persons"] = len(supported)
    homes = Institution.objects.select_related("county", "township").in_bulk(list(institutions))
    order = sorted(institutions, key=lambda pk: (homes[pk].county_id, homes[pk].name))
    out["by_institution"] = [{"id": pk, "name": homes[pk].name, "county": homes[pk].county.name,
                              "capacity": homes[pk].capacity, "persons": institutions[pk]} for pk in order]
    out["modes_recorded"] = bool(placed)
    if placed:
        out["concentration_rate"] = _rate(out["complete_concentrated"], out["complete"])
    return out


def not_recorded(prefix: str | None, as_of: date | None = None) -> list[Case]:
    """Tekun cases approved whose support mode is not recorded ("mode not recorded")."""
    if prefix is None:
        return []
    as_of = as_of or clock.today()
    placed = set(placements_on(prefix, as_of).values_list("case_id", flat=True))
    return [c for c in tekun_cases(prefix, as_of) if c.pk not in placed]


def home_care(prefix: str | None, on: date | None = None, *, expiring_days: int = 30) -> list[dict]:
    """Each person supported at home on ``on`` with what is missing: no caregiver, no agreement in
    force, an agreement ending within ``expiring_days``, a visit overdue (``tekun_visit_interval_days``
    since the last visit, or since support at home began when never visited)."""
    if prefix is None:
        return []
    on = on or clock.today()
    dispersed = {p.case_id: p for p in placements_on(prefix, on).filter(mode=Mode.DISPERSED)}
    cases = [c for c in tekun_cases(prefix, on) if c.pk in dispersed]
    ids = [c.pk for c in cases]
    carers = {c.case_id: c for c in Caregiver.objects.filter(case__in=ids, since__lte=on)
              .filter(Q(until__isnull=True) | Q(until__gt=on))}  # fmt: skip
    agreements: dict[int, Agreement] = {}
    for a in Agreement.objects.filter(case__in=ids, starts_on__lte=on, ends_on__gt=on).order_by("ends_on"):
        agreements[a.case_id] = a  # the one ending last
    last_visit: dict[int, date] = {}
    for case_id, day in Visit.objects.filter(case__in=ids, visited_on__lte=on).values_list("case_id", "visited_on"):
        last_visit[case_id] = max(day, last_visit.get(case_id, day))
    rows = []
    for case in cases:
        agreement = agreements.get(case.pk)
        row = {
            "case": case, "placement": dispersed[case.pk], "caregiver": carers.get(case.pk), "agreement": agreement,
            "last_visit": last_visit.get(case.pk),
            "visit_due": visit_due(case, dispersed[case.pk].started_on, last_visit.get(case.pk), on),
            "no_caregiver": case.pk not in carers, "no_agreement": agreement is None,
            "expiring": bool(agreement and agreement.ends_on <= on + timedelta(days=expiring_days)),
        }  # fmt: skip
        row["visit_overdue"] = row["visit_due"] < on
        row["attention"] = row["no_caregiver"] or row["no_agreement"] or row["expiring"] or row["visit_overdue"]
        rows.append(row)
    return rows


def visit_due(case: Case, at_home_since: date, last_visit: date | None, on: date) -> date:
    """The day the next visit is due: ``tekun_visit_interval_days`` after the last visit, or after
    support at home began when never visited (overdue when it is before ``on``)."""
    return (last_visit or at_home_since) + timedelta(days=value("tekun_visit_interval_days", case.area_code[:6], on))


def reassessments_due(prefix: str | None) -> QuerySet[Reassessment]:
    if prefix is None:
        return Reassessment.objects.none()
    return (Reassessment.objects.filter(area_code__startswith=prefix, answered_by__isnull=True)
            .select_related("case__applicant"))  # fmt: skip


# ---- single-person dibao households ---------------------------------------------------------


def single_person(case: Case, on: date | None = None) -> bool:
    on = on or clock.today()
    return sum(1 for m in case.household.members.all() if m.member_in(on)) == 1


def meets_tekun(case: Case) -> bool:
    """The policy floor's tekun answer for the person, stored with the case's last decision (the
    assessment answers tekun per member alongside dibao)."""
    members = ((case.assessment or {}).get("tekun") or {}).get("members") or []
    return any(m.get("eligible") and m.get("id_number") == case.applicant.id_number for m in members)


def singles(prefix: str | None) -> list[Case]:
    """Single-person dibao households whose person meets the tekun conditions, not yet moved to
    tekun nor kept on dibao by signed choice: the township's list to deal with."""
    if prefix is None:
        return []
    decided = set(Move.objects.filter(area_code__startswith=prefix).values_list("dibao_id", flat=True)) | set(
        DibaoChoice.objects.filter(area_code__startswith=prefix).values_list("case_id", flat=True))
    qs = (Case.objects.filter(programme="dibao", area_code__startswith=prefix, state__in=SUPPORTED_STATES)
          .exclude(pk__in=decided).select_related("applicant", "household__village__parent__parent")
          .prefetch_related("household__members"))  # fmt: skip
    return [c for c in qs if meets_tekun(c) and single_person(c)]


def moves(prefix: str | None) -> QuerySet[Move]:
    if prefix is None:
        return Move.objects.none()
    return Move.objects.filter(area_code__startswith=prefix).select_related("dibao__applicant", "tekun")


def choices(prefix: str | None) -> QuerySet[DibaoChoice]:
    if prefix is None:
        return DibaoChoice.objects.none()
    return DibaoChoice.objects.filter(area_code__startswith=prefix).select_related("case__applicant")
