"""Every read of the registry, already scoped to the caller's area and role.

A user without a staff role sees nothing. A household outside the user's area does not exist
for them: the same 404 as a household that does not exist, so an ID cannot be probed.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from safetynet.policy.errors import PolicyError
from safetynet.policy.money import fmt
from safetynet.registry.models import Area, Asset, Household, Income, Person, PersonChange, Staff
from safetynet.registry.search import normalize, search
from safetynet.site.personal import mask_id  # noqa: F401  (where the apps have imported it from)


def acting_user(actor):
    """The user to store as the author of a row: None for the system and anonymous callers."""
    return actor if getattr(actor, "is_authenticated", False) else None


def staff_of(user) -> Staff | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff
    except Staff.DoesNotExist:
        return None


class Forbidden(PermissionDenied):
    """A write the user's role or area does not allow; the message is in Chinese."""

    def __init__(self, role: str, action: str) -> None:
        self.error = PolicyError("not_permitted", role=role, action=action)
        super().__init__(self.error.message("zh"))


def staff_name(user, default: str = "") -> str:
    """A member of staff as a page names them: their full name, or (an account without one) their
    role and area; never the login name, which is half of a credential, not a name. ``default``
    (or "—") for no one, e.g. a step the system took."""
    from django.utils.translation import gettext as _

    if user is None or not getattr(user, "pk", None):
        return default or "—"
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if first or last:
        # A Chinese name is written family name first, without a space (王芳); others as Django does.
        chinese = any("\u4e00" <= ch <= "\u9fff" for ch in first + last)
        return f"{last}{first}" if chinese else user.get_full_name().strip()
    staff = staff_of(user)
    if staff is None:  # a site administrator's account, with no staff record
        return _("管理员")
    # The language's own brackets: full-width in Chinese, "Window clerk (…)" in English.
    return _("%(role)s（%(area)s）") % {"role": staff.get_role_display(), "area": staff.area.name}


def require_role(actor, roles: tuple[str, ...], area_code: str, action: str) -> Staff:
    """The actor's staff record, if their role is one of ``roles`` and their area covers the code."""
    staff = staff_of(actor)
    if staff is None or not area_code.startswith(staff.area_id) or staff.role not in roles:
        raise Forbidden(staff.get_role_display() if staff else "—", action)
    return staff


# Roles of bodies outside the office: they read their own records through their own selectors.
OUTSIDE_OFFICE = ("department", "organisation", "funeral_home")


def scope_prefix(user) -> str | None:
    """The area-code prefix the user may see, or None for nothing at all. Another department's
    liaison sees nothing of the office by area: only the facts its referrals carry
    (``referrals.selectors``; data minimisation, referrals.departments)."""
    staff = staff_of(user)
    return staff.area_id if staff and staff.role not in OUTSIDE_OFFICE else None


def areas_for(user, level: str | None = None) -> QuerySet[Area]:
    prefix = scope_prefix(user)
    if prefix is None:
        return Area.objects.none()
    qs = Area.objects.filter(code__startswith=prefix)
    return qs.filter(level=level) if level else qs


def households_for(user) -> QuerySet[Household]:
    prefix = scope_prefix(user)
    if prefix is None:
        return Household.objects.none()
    return Household.objects.filter(village__code__startswith=prefix).select_related("village__parent")


def household_for(user, household_id: int) -> Household:
    """One household with its members, incomes and assets. Reading writes nothing: the page or
    answer that shows it logs the access (``supervision.services.record_access``)."""
    try:
        household = (
            households_for(user)
            .prefetch_related(
                Prefetch("members", queryset=Person.objects.order_by("id")),
                "members__incomes",
                "members__assets",
                "members__obligors",
                "members__changes",
                "changes",
            )
            .get(pk=household_id)
        )
    except (Household.DoesNotExist, ValueError):
        raise Http404("household") from None
    return household


def search_households(user, query: str) -> QuerySet[Household]:
    """By a member's name, ID number (whole or last four) or the household register number, within
    the user's area: the one search of every list (``registry.search``); nothing for no query."""
    qs = households_for(user)
    if not normalize(query):
        return qs.none()
    return search(qs, query, household="").order_by("id")


def _valid_in(rows, month: date):
    return [r for r in rows if r.since <= month and (r.until is None or r.until > month)]


# The facts of a person the assessment reads, and those a change of which can alter an amount.
ASSESSED_FIELDS = ("relation", "disability_grade", "disability_kind", "serious_illness", "adl_unmet",
                   "able_obligor", "student", "supported_as_minor", "orphan_support")  # fmt: skip
AMOUNT_CHANGES = (*ASSESSED_FIELDS, "income", "asset", "membership")


def facts_in(person: Person, month: date) -> dict:
    """The person's assessed facts as they were on the first day of ``month``: the current value,
    unless a change takes effect after that day, whose old value then held."""
    facts = {f: getattr(person, f) for f in ASSESSED_FIELDS}
    later = sorted((c for c in person.changes.all() if c.field in facts and c.effective_on > month),
                   key=lambda c: (c.effective_on, c.recorded_at, c.id))  # fmt: skip
    for change in reversed(later):  # unwound from the latest, so the earliest's old value stays
        facts[change.field] = change.old_value
    return facts


def assessment_input(household: Household, month: date) -> dict:
    """The household as the policy floor takes it in ``month``: the members of that month, with
    the facts, incomes and assets valid on its first day."""
    members = []
    for p in household.members.all():
        if not p.member_in(month):
            continue
        facts = facts_in(p, month)
        incomes: list[Income] = _valid_in(p.incomes.all(), month)
        assets: list[Asset] = _valid_in(p.assets.all(), month)
        member = {
            "id_number": p.id_number,
            "relation": facts["relation"],
            "incomes": [{"kind": i.kind, "monthly": fmt(i.monthly_fen)} for i in incomes],
            "assets": [
                {
                    "kind": a.kind,
                    "value": fmt(a.value_fen),
                    **({"use": a.use or "ordinary"} if a.kind == "vehicle" else {}),
                }
                for a in assets
            ],
            "serious_illness": facts["serious_illness"],
            "adl_unmet": facts["adl_unmet"],
            # Recorded obligors decide; without any, the declared fact stands.
            "able_obligor": any(o.able for o in obligors) if (obligors := list(p.obligors.all()))
            else facts["able_obligor"],
            "student": facts["student"],
            "supported_as_minor": facts["supported_as_minor"],
            "orphan_support": facts["orphan_support"],
        }
        if facts["disability_grade"]:
            member["disability"] = {"grade": facts["disability_grade"], "kind": facts["disability_kind"]}
        members.append(member)
    return {"area": household.village_id[:6], "hukou": household.hukou, "month": f"{month:%Y-%m}", "members": members}


def amount_changes_since(household: Household, after) -> list[PersonChange]:
    """The changes recorded after ``after`` (a moment: the last decision on an amount) that can
    alter what the household is owed, oldest first."""
    return list(PersonChange.objects.filter(person__household=household, recorded_at__gt=after,
                                            field__in=AMOUNT_CHANGES)
                .select_related("person").order_by("effective_on", "recorded_at", "id"))  # fmt: skip


def change_history(household: Household) -> list:
    """Every recorded change of the household and its members, newest first, with the member named."""
    rows = [c for p in household.members.all() for c in p.changes.all()]
    rows += list(household.changes.all())
    return sorted(rows, key=lambda c: (c.recorded_at, c.id), reverse=True)
