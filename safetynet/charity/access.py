"""Who sees and writes what of the charity's records.

An organisation's own staff (role ``organisation``, ``Staff.unit`` its credit code) see and enter
their organisation's records only; the bureau sees all: the city everything, a county what is
registered or located in the county, the auditor reads. The office's other roles see nothing
here (their work is the casework). A record outside the user's reach is 404: its existence is
not told."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from safetynet.charity.models import DonationEntry, Organisation, Project, Supermarket
from safetynet.registry.selectors import Forbidden, staff_of

BUREAU_WRITERS = ("city", "county")  # the civil affairs bureau registers and decides
READERS = ("city", "county", "auditor", "organisation")


def _staff(user):
    staff = staff_of(user)
    return staff if staff is not None and staff.role in READERS else None


def organisation_of(user) -> Organisation | None:
    """The organisation an organisation's staff work for (None for the bureau)."""
    staff = _staff(user)
    if staff is None or staff.role != "organisation":
        return None
    return Organisation.objects.filter(code=staff.unit).first()


def is_bureau(user) -> bool:
    staff = _staff(user)
    return staff is not None and staff.role != "organisation"


def is_bureau_writer(user) -> bool:
    """The city's or a county's staff: they register, run the rounds and decide."""
    staff = staff_of(user)
    return staff is not None and staff.role in BUREAU_WRITERS


def organisations_for(user) -> QuerySet[Organisation]:
    staff = _staff(user)
    if staff is None:
        return Organisation.objects.none()
    if staff.role == "organisation":
        return Organisation.objects.filter(code=staff.unit)
    # The city's code (4 digits) is a prefix of every county's: one rule for both.
    return Organisation.objects.filter(area__code__startswith=staff.area_id)


def projects_for(user) -> QuerySet[Project]:
    staff = _staff(user)
    if staff is None:
        return Project.objects.none()
    if staff.role == "organisation":
        return Project.objects.filter(organisation__code=staff.unit)
    return Project.objects.filter(Q(area__code__startswith=staff.area_id)
                                  | Q(organisation__area__code__startswith=staff.area_id))


def supermarkets_for(user) -> QuerySet[Supermarket]:
    staff = _staff(user)
    if staff is None:
        return Supermarket.objects.none()
    if staff.role == "organisation":
        return Supermarket.objects.filter(operator__code=staff.unit)
    return Supermarket.objects.filter(area__code__startswith=staff.area_id)


def entries_for(user) -> QuerySet[DonationEntry]:
    return DonationEntry.objects.filter(organisation__in=organisations_for(user))


def get_or_404(queryset, **lookup):
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404("not found")
    return obj


def require_bureau(user, area_code: str, action: str) -> None:
    staff = staff_of(user)
    if staff is None or staff.role not in BUREAU_WRITERS or not area_code.startswith(staff.area_id):
        raise Forbidden(staff.get_role_display() if staff else "—", action)


def require_organisation_writer(user, organisation: Organisation, action: str) -> None:
    """The organisation's own staff, or the bureau over its area, enter its records; the
    auditor never writes."""
    staff = staff_of(user)
    own = staff is not None and staff.role == "organisation" and staff.unit == organisation.code
    bureau = staff is not None and staff.role in BUREAU_WRITERS and organisation.area_id.startswith(staff.area_id)
    if not (own or bureau):
        raise Forbidden(staff.get_role_display() if staff else "—", action)


def require_supermarket_writer(user, supermarket: Supermarket, action: str) -> None:
    staff = staff_of(user)
    own = (staff is not None and staff.role == "organisation" and supermarket.operator_id is not None
           and staff.unit == supermarket.operator.code)
    bureau = staff is not None and staff.role in BUREAU_WRITERS and supermarket.area_id.startswith(staff.area_id)
    if not (own or bureau):
        raise Forbidden(staff.get_role_display() if staff else "—", action)


def may(check, user, record) -> bool:
    """Whether ``check`` (a ``require_*_writer``) lets ``user`` write ``record``: the page's buttons."""
    try:
        check(user, record, "")
    except Forbidden:
        return False
    return True
