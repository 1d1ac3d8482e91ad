"""Writing the audit log: ``record`` appends one event to the hash chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from safetynet.supervision.models import AccessLog, AccessLogPerson, AuditEvent

GENESIS_HASH = "0" * 64  # the prev_hash of the first event

# Key of the PostgreSQL advisory lock that serialises audit writers ("SNAUDIT" in ASCII).
AUDIT_LOCK_KEY = 0x534E4155444954


def event_digest(
    *,
    prev_hash: str,
    at: datetime,
    actor_id: Any,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    area_code: str,
    details: dict,
) -> str:
    """The hash of one event: SHA-256 of the previous hash and the event's canonical JSON.

    The one definition, used both to write (``record``) and to verify (``selectors.verify_chain``).
    Time is written in UTC with microseconds, so the digest does not depend on the time zone the
    database hands the value back in.
    """
    body = {
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_name": actor_name,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "area_code": area_code,
        "details": details,
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def digest_of(event: AuditEvent, prev_hash: str) -> str:
    """``event_digest`` of a stored or about-to-be-stored event, chained to ``prev_hash``."""
    return event_digest(
        prev_hash=prev_hash, at=event.at, actor_id=event.actor_id, actor_name=event.actor_name,
        action=event.action, object_type=event.object_type, object_id=event.object_id,
        area_code=event.area_code, details=event.details,
    )


def _actor(actor) -> tuple[Any, str]:
    """The user to link and the username to keep. AnonymousUser and None are the system."""
    if actor is None or getattr(actor, "is_anonymous", False):
        return None, ""
    name = actor.get_username()
    # An unsaved user cannot be linked; its name is still worth keeping.
    return (actor if actor.pk is not None else None), name


def _check_area_code(area_code) -> str:
    area_code = str(area_code)
    if area_code and not (area_code.isdigit() and len(area_code) <= 12):
        raise ValueError(f"area_code {area_code!r}: expected up to 12 digits, or '' for no area")
    return area_code


@transaction.atomic
def record_access(
    actor,
    *,
    purpose: str,
    person_ids: Iterable[int] = (),
    object_type: str,
    object_id,
    area_code: str,
    full_id: bool = True,
    count: int | None = None,
) -> None:
    """Log that ``actor`` saw these persons' personal data, now, for ``purpose`` (PIPL).

    For pages, lists, exports and API answers that show personal data. It takes no lock and is
    not part of the audit chain, so concurrent readers never wait for each other or for writers.
    ``count`` is how many persons a list or export showed, when that is more than ``person_ids``
    names (default: the number of ``person_ids``). Inside the caller's transaction, if any.
    """
    if not purpose:
        raise ValueError("purpose is required")
    ids = sorted({int(pk) for pk in person_ids})
    if count is None:
        count = len(ids)
    if count < 0:
        raise ValueError("count must not be negative")
    user, actor_name = _actor(actor)
    log = AccessLog.objects.create(
        at=timezone.now(),
        actor=user,
        actor_name=actor_name,
        purpose=str(purpose),
        object_type=str(object_type),
        object_id=str(object_id),
        area_code=_check_area_code(area_code),
        full_id=bool(full_id),
        count=count,
    )
    AccessLogPerson.objects.bulk_create([AccessLogPerson(access=log, person_id=pk) for pk in ids], batch_size=1000)


@transaction.atomic
def record(
    actor, action: str, *, object_type: str, object_id, area_code: str, details: dict | None = None
) -> AuditEvent:
    """Append one event to the audit log, inside the caller's transaction.

    Writers are serialised until the caller's transaction ends (an advisory lock on PostgreSQL;
    SQLite has one writer at a time anyway), so call this as the last step of a service to hold
    the lock briefly. If the caller's transaction rolls back, so does the event.
    """
    if not action:
        raise ValueError("action is required")
    area_code = _check_area_code(area_code)
    # What is hashed must be exactly what the database gives back: round-trip the details through
    # JSON now (dates and Decimals become strings, tuples lists, keys strings). Floats become
    # strings too: PostgreSQL's jsonb rewrites them (1e16 comes back as 10000000000000000).
    details = json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder), parse_float=str, parse_constant=str)
    user, actor_name = _actor(actor)

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOCK_KEY])
    # Read the tail only once we hold the lock, so no other writer can append in between.
    prev_hash = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
    event = AuditEvent(
        at=timezone.now(),
        actor=user,
        actor_name=actor_name,
        action=action,
        object_type=str(object_type),
        object_id=str(object_id),
        area_code=area_code,
        details=details,
        prev_hash=prev_hash,
    )
    event.hash = digest_of(event, prev_hash)
    event.save()
    return event
