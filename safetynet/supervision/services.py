"""Writing the audit log: ``record`` appends one event to the keyed hash chain, ``record_access``
logs who saw whose personal data, and checkpoints anchor the chain outside the database.

Why a key and checkpoints: with a plain hash, anyone who can write the table can delete its end,
empty it, or edit a row and recompute every hash after it, and the chain still verifies. With an
HMAC whose key is not in the database, a database administrator cannot recompute a hash; and a
checkpoint (count, last id and head hash, itself signed) kept in a file outside the database, and
in copies the auditor keeps, shows a cut-off end or an emptied table.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from safetynet.supervision.models import (
    HASH_KEYED,
    HASH_PLAIN,
    AccessLog,
    AccessLogPerson,
    AuditEvent,
    AuditVerification,
)

GENESIS_HASH = "0" * 64  # the prev_hash of the first event

# Key of the PostgreSQL advisory lock that serialises audit writers ("SNAUDIT" in ASCII).
AUDIT_LOCK_KEY = 0x534E4155444954


class AuditKeyError(Exception):
    """The audit key is missing or unusable; the message is in Chinese."""


_keys: dict[str, bytes] = {}


def audit_key() -> bytes:
    """The HMAC key of the audit chain: ``SAFETYNET_AUDIT_KEY``, else the key file (made on first use)."""
    if value := getattr(settings, "SAFETYNET_AUDIT_KEY", ""):
        return value.encode("utf-8")
    path = Path(getattr(settings, "SAFETYNET_AUDIT_KEY_FILE", Path(settings.DATA_DIR) / "audit.key"))
    key = _keys.get(str(path))
    if key is None:
        key = _keys[str(path)] = _key_file(path)
    return key


def _key_file(path: Path) -> bytes:
    if not path.exists():
        # Written whole beside it, then linked into place: of two writers starting at once, one
        # key wins (link refuses an existing name) and no reader ever sees a half-written file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".audit-key-")
        try:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32) + "\n")
            os.chmod(tmp, 0o600)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
    key = path.read_text().strip()
    if len(key) < 32:
        raise AuditKeyError(f"审计密钥文件 {path} 内容过短或为空（至少 32 个字符）")
    return key.encode("utf-8")


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
    key: bytes | None = None,
) -> str:
    """The hash of one event: HMAC-SHA256 with ``key`` (plain SHA-256 without, the old events) of
    the previous hash and the event's canonical JSON.

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
    message = (prev_hash + canonical).encode("utf-8")
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def digest_of(event: AuditEvent, prev_hash: str, key: bytes | None = None) -> str:
    """``event_digest`` of a stored or about-to-be-stored event, chained to ``prev_hash``, by its version."""
    if event.version == HASH_KEYED:
        key = key or audit_key()
    elif event.version == HASH_PLAIN:
        key = None
    else:
        raise ValueError(f"unknown hash version {event.version!r}")
    return event_digest(
        prev_hash=prev_hash, at=event.at, actor_id=event.actor_id, actor_name=event.actor_name,
        action=event.action, object_type=event.object_type, object_id=event.object_id,
        area_code=event.area_code, details=event.details, key=key,
    )  # fmt: skip


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
    key = audit_key()  # read before the lock: the critical section only reads the tail and inserts

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOCK_KEY])
    # Read the tail only once we hold the lock, so no other writer can append in between.
    prev_id, prev_hash = AuditEvent.objects.order_by("-id").values_list("id", "hash").first() or (0, GENESIS_HASH)
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
        version=HASH_KEYED,
    )
    event.hash = digest_of(event, prev_hash, key)
    event.save()
    every = int(getattr(settings, "SAFETYNET_AUDIT_CHECKPOINT_EVERY", 1000))
    if every > 0 and event.id // every != prev_id // every:
        # Once the event is committed, and outside the lock: the checkpoint counts the table.
        transaction.on_commit(_checkpoint_quietly)
    return event


# --- checkpoints -------------------------------------------------------------------------------


def checkpoints_path() -> Path:
    default = Path(settings.DATA_DIR) / "audit-checkpoints.jsonl"
    return Path(getattr(settings, "SAFETYNET_AUDIT_CHECKPOINTS", default))


def sign_checkpoint(fields: dict, key: bytes | None = None) -> str:
    """The HMAC of a checkpoint's fields (prefixed, so it can never pass for an event's hash)."""
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key or audit_key(), ("checkpoint:" + canonical).encode("utf-8"), hashlib.sha256).hexdigest()


def current_checkpoint(by: str = "") -> dict:
    """The chain as it stands: count, last id, head hash, signed. Committed events only."""
    last = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    last_id, head = last or (None, GENESIS_HASH)
    # Writers commit in id order (they hold the lock until commit), so the count up to last_id is
    # final even if more events arrive meanwhile.
    count = AuditEvent.objects.filter(id__lte=last_id).count() if last_id else 0
    fields = {
        "at": timezone.now().astimezone(UTC).isoformat(timespec="seconds"),
        "count": count,
        "last_id": last_id,
        "head": head,
        "by": by,
    }
    return {**fields, "sig": sign_checkpoint(fields)}


def write_checkpoint(by: str = "", path: Path | None = None) -> dict:
    """Append a signed checkpoint line to the checkpoint file (made 0600 if new) and return it."""
    checkpoint = current_checkpoint(by)
    path = path or checkpoints_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(json.dumps(checkpoint, ensure_ascii=False, sort_keys=True) + "\n")
        f.flush()
        os.fsync(f.fileno())
    return checkpoint


def _checkpoint_quietly() -> None:
    # A checkpoint is insurance: failing to write one must not fail the act just committed.
    # The next one (every N events, each `audit verify`) covers the events since.
    try:
        write_checkpoint()
    except (OSError, AuditKeyError):
        import logging

        logging.getLogger(__name__).exception("audit checkpoint not written")


def export_checkpoints(target: Path, by: str = "") -> int:
    """Write a fresh checkpoint, then copy every checkpoint line to ``target`` for the auditor to keep.

    Each line is signed, so the copy is a signed export: it verifies against the chain anywhere the
    key is. Returns the number of lines exported.
    """
    write_checkpoint(by)
    lines = [line for line in checkpoints_path().read_text(encoding="utf-8").splitlines() if line.strip()]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


# --- verification ------------------------------------------------------------------------------


def verify(actor, *, source: str, checkpoint_files: Iterable[Path] = ()):
    """Check the chain against its checkpoints, keep the result for the auditor's page, and when
    the chain is whole anchor it with a new checkpoint. Returns (ChainReport, AuditVerification).

    Raises ``selectors.CheckpointFileError`` if a named checkpoint file cannot be read.
    """
    from safetynet.supervision.selectors import verify_chain  # selectors import this module

    report = verify_chain(checkpoint_files)
    user, name = _actor(actor)
    with transaction.atomic():
        result = AuditVerification.objects.create(
            at=timezone.now(), by=user, by_name=name, source=source, ok=report.ok, checked=report.checked,
            checkpoints=report.checkpoints, first_broken_id=report.first_broken_id, reason=report.reason or "",
            head_hash=report.last_hash or "",
        )  # fmt: skip
        record(actor, "audit.verify", object_type="audit_verification", object_id=result.pk, area_code="",
               details={"ok": report.ok, "checked": report.checked, "first_broken_id": report.first_broken_id})
    if report.ok:  # never anchor a chain found broken
        write_checkpoint(by=name or source)
    return report, result
