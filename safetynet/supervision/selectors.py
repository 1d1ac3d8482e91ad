"""Reading the audit log: checking its chain, and the events an auditor may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.utils import timezone

from safetynet.supervision.models import AccessLog, AuditEvent
from safetynet.supervision.services import GENESIS_HASH, digest_of


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int  # events read, including the broken one
    first_broken_id: int | None = None
    reason: str | None = None  # in Chinese, for the user
    last_hash: str | None = None  # hash of the last event checked (all of them when ok)


def verify_chain() -> ChainReport:
    """Recompute every event's hash in id order and check that each links to the one before.

    Detects:
    - a changed event (any field, including its prev_hash): its content no longer matches its hash;
    - an event removed from the middle, or one inserted: the next event's prev_hash no longer
      matches the hash of the event now before it (the report names that next event);
    - events removed from the start: the first remaining event does not start from the genesis hash.

    Does not detect, by the chain alone:
    - the removal of the last event(s): what remains is still a valid chain. To catch it, keep the
      ``last_hash`` of a successful check somewhere else (a printed report, another system) and
      compare it later with the event of the same id;
    - a rewrite of the whole chain from some event on, with every hash recomputed: the same
      outside copy of an earlier hash shows it.
    The database triggers make both of these need an administrator who first drops the triggers.
    """
    checked = 0
    prev_id: int | None = None
    prev_hash = GENESIS_HASH
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        checked += 1
        digest = digest_of(event, event.prev_hash)
        if digest != event.hash:
            return _broken(checked, event.id, f"第 {event.id} 条记录的内容与其哈希不符（记录被修改）")
        if event.prev_hash != prev_hash:
            if prev_id is None:
                reason = f"第 {event.id} 条记录是现存的第一条，但其前序哈希不是链首值（其前有记录被删除）"
            else:
                reason = f"第 {event.id} 条记录的前序哈希与第 {prev_id} 条不符（其前有记录被删除或插入）"
            return _broken(checked, event.id, reason)
        prev_id, prev_hash = event.id, event.hash
    return ChainReport(ok=True, checked=checked, last_hash=prev_hash if checked else None)


def _broken(checked: int, event_id: int, reason: str) -> ChainReport:
    return ChainReport(ok=False, checked=checked, first_broken_id=event_id, reason=reason)


def events_for(user_area_codes: list[str] | None, *, limit: int = 50, offset: int = 0) -> list[AuditEvent]:
    """Events in the given areas, newest first: an area code covers every code that starts with it.

    ``None`` means every event (a city-wide auditor); an empty list means none. Events recorded with
    no area code ("") are seen only city-wide.
    """
    events = AuditEvent.objects.order_by("-id")
    if user_area_codes is not None:
        prefixes = [code for code in user_area_codes if code]  # "" would match everything
        if not prefixes:
            return []
        events = events.filter(reduce(or_, (Q(area_code__startswith=code) for code in prefixes)))
    return list(events[offset : offset + limit])


def _in_areas(qs: QuerySet, area_codes: list[str] | None) -> QuerySet:
    """Rows whose area code starts with one of the codes; None is city-wide, [] or [""] is nothing."""
    if area_codes is None:
        return qs
    prefixes = [code for code in area_codes if code]  # "" would match everything
    if not prefixes:
        return qs.none()
    return qs.filter(reduce(or_, (Q(area_code__startswith=code) for code in prefixes)))


def _between(qs: QuerySet, since: date | None, until: date | None) -> QuerySet:
    """From the start of ``since`` to the end of ``until``, office days (Asia/Shanghai)."""
    tz = timezone.get_current_timezone()
    if since:
        qs = qs.filter(at__gte=datetime.combine(since, time.min, tz))
    if until:
        qs = qs.filter(at__lt=datetime.combine(until + timedelta(days=1), time.min, tz))
    return qs


def access_logs_for(
    area_codes: list[str] | None,
    *,
    person_id: int | None = None,
    actor: str = "",
    purpose: str = "",
    object_type: str = "",
    object_id: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AccessLog]:
    """个人信息查阅记录, newest first, in the areas (as ``events_for``) and matching every filter given."""
    qs = _between(_in_areas(AccessLog.objects.order_by("-id"), area_codes), since, until)
    if person_id is not None:
        qs = qs.filter(persons__person_id=person_id)
    if actor:
        qs = qs.filter(actor_name=actor)
    if purpose:
        qs = qs.filter(purpose__startswith=purpose)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=str(object_id))
    return qs
