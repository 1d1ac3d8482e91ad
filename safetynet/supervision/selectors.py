"""Reading the audit log: checking its chain, and the events an auditor may see."""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_
from pathlib import Path

from django.db.models import Q, QuerySet
from django.utils import timezone

from safetynet.supervision.models import HASH_KEYED, HASH_PLAIN, AccessLog, AuditEvent, AuditVerification
from safetynet.supervision.services import GENESIS_HASH, audit_key, checkpoints_path, digest_of, sign_checkpoint


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int  # events read, including the broken one
    first_broken_id: int | None = None
    reason: str | None = None  # in Chinese, for the user
    last_hash: str | None = None  # hash of the last event checked (all of them when ok)
    checkpoints: int = 0  # checkpoints compared (all of them when ok)


@dataclass(frozen=True)
class Checkpoint:
    at: str
    count: int
    last_id: int | None
    head: str
    where: str  # "文件名第 n 行", to name it in a report


class CheckpointFileError(Exception):
    """A checkpoint file named by the user cannot be read; the message is in Chinese."""


def read_checkpoints(path: Path, *, required: bool) -> tuple[list[Checkpoint], str | None]:
    """The checkpoints of one file, and the first problem found in it (a line unsigned or altered)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            raise CheckpointFileError(f"找不到检查点文件 {path}") from None
        return [], None
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckpointFileError(f"无法读取检查点文件 {path}：{exc}") from None
    key = audit_key()
    found = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name} 第 {n} 行"
        try:
            fields = json.loads(line)
            sig = fields.pop("sig")
            ok = hmac.compare_digest(sig, sign_checkpoint(fields, key))
            checkpoint = Checkpoint(
                at=str(fields["at"]), count=int(fields["count"]), last_id=fields["last_id"],
                head=str(fields["head"]), where=where,
            )  # fmt: skip
        except (ValueError, KeyError, TypeError, AttributeError):
            return found, f"检查点 {where} 无法解读（被改动）"
        if not ok:
            return found, f"检查点 {where} 的签名无效（被改动，或审计密钥不是写入时所用的密钥）"
        found.append(checkpoint)
    return found, None


def verify_chain(checkpoint_files: Iterable[Path] = ()) -> ChainReport:
    """Recompute every event's hash in id order, check that each links to the one before, and
    compare the chain with every checkpoint: the default checkpoint file and ``checkpoint_files``
    (copies the auditor kept). Raises ``CheckpointFileError`` if one of those cannot be read.

    Detects:
    - a changed event (any field, including its prev_hash): its content no longer matches its keyed
      hash, and without the key no one can compute the right one;
    - an event removed from the middle, or one inserted: the next event's prev_hash no longer
      matches the hash of the event now before it (the report names that next event);
    - events removed from the start: the first remaining event does not start from the genesis hash;
    - events removed from the end, or all of them: a checkpoint names an event that is gone, or
      counts more events than there are up to it;
    - a chain rewritten with plain hashes: an unkeyed event after a keyed one, or a checkpoint's
      head hash that no longer matches;
    - a checkpoint line altered or forged without the key: its signature.
    Events removed after the last checkpoint are not detected: checkpoints are written every
    ``SAFETYNET_AUDIT_CHECKPOINT_EVERY`` events and by every ``audit verify``.
    """
    checkpoints: list[Checkpoint] = []
    problem = None
    for n, path in enumerate([checkpoints_path(), *checkpoint_files]):
        found, problem = read_checkpoints(Path(path), required=n > 0)
        checkpoints += found
        if problem:
            break
    wanted = {c.last_id for c in checkpoints if c.last_id is not None}
    seen: dict[int, tuple[int, str]] = {}  # last_id -> (events up to it, its hash)

    key = audit_key()
    checked = 0
    prev_id: int | None = None
    prev_hash = GENESIS_HASH
    keyed_seen = False
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        checked += 1
        if event.version == HASH_PLAIN and keyed_seen:
            reason = f"第 {event.id} 条记录使用旧的无密钥哈希，却排在有密钥的记录之后（记录被伪造）"
            return _broken(checked, event.id, reason)
        if event.version not in (HASH_PLAIN, HASH_KEYED) or digest_of(event, event.prev_hash, key) != event.hash:
            hint = "" if keyed_seen or event.version != HASH_KEYED else "，或审计密钥不是写入时所用的密钥"
            return _broken(checked, event.id, f"第 {event.id} 条记录的内容与其哈希不符（记录被修改{hint}）")
        if event.prev_hash != prev_hash:
            if prev_id is None:
                reason = f"第 {event.id} 条记录是现存的第一条，但其前序哈希不是链首值（其前有记录被删除）"
            else:
                reason = f"第 {event.id} 条记录的前序哈希与第 {prev_id} 条不符（其前有记录被删除或插入）"
            return _broken(checked, event.id, reason)
        keyed_seen = keyed_seen or event.version == HASH_KEYED
        if event.id in wanted:
            seen[event.id] = (checked, event.hash)
        prev_id, prev_hash = event.id, event.hash

    if problem:
        return ChainReport(ok=False, checked=checked, reason=problem, last_hash=prev_hash if checked else None)
    for c in sorted(checkpoints, key=lambda c: (c.last_id or 0, c.where)):
        reason = _against(c, seen, checked, prev_id)
        if reason:
            return ChainReport(
                ok=False, checked=checked, first_broken_id=c.last_id, reason=reason,
                last_hash=prev_hash if checked else None,
            )  # fmt: skip
    return ChainReport(
        ok=True, checked=checked, last_hash=prev_hash if checked else None, checkpoints=len(checkpoints)
    )


def _against(c: Checkpoint, seen: dict[int, tuple[int, str]], checked: int, last_id: int | None) -> str | None:
    """Why the chain disagrees with checkpoint ``c``, or None."""
    said = f"检查点（{c.where}，{c.at}）记有 {c.count} 条记录"
    if c.last_id is None:
        return None  # taken when the log was empty: nothing to compare
    said += f"，最后一条为第 {c.last_id} 条"
    if c.last_id not in seen:
        if checked == 0:
            return f"审计日志为空，但{said}（日志被清空）"
        if last_id is not None and last_id < c.last_id:
            return f"{said}，现存记录只到第 {last_id} 条（日志尾部被删除）"
        return f"{said}，该记录已不存在（记录被删除）"
    count, head = seen[c.last_id]
    if head != c.head:
        return f"第 {c.last_id} 条记录的哈希与检查点（{c.where}，{c.at}）所记不符（记录被改写后重新计算了哈希）"
    if count != c.count:
        return f"{said}，现存至该条共 {count} 条（有记录被删除或插入）"
    return None


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


def audit_events(
    area_codes: list[str] | None,
    *,
    since: date | None = None,
    until: date | None = None,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
) -> QuerySet[AuditEvent]:
    """The trail for the auditor's page, newest first: in the areas (as ``events_for``), between the
    dates, by the user name, with the action (or its prefix, "case."), on the object."""
    qs = _between(_in_areas(AuditEvent.objects.order_by("-id"), area_codes), since, until)
    if actor:
        qs = qs.filter(actor_name=actor)
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=str(object_id))
    return qs


def last_verification() -> AuditVerification | None:
    return AuditVerification.objects.order_by("-id").select_related("by").first()
