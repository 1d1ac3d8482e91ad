"""Every write of the verification centre: importing deliveries, checking households, screening.

Each function checks the actor's role and area, writes in one transaction and records an audit
event. The work on department data is the batch floor's (``safetynet.batch``); this is its edge.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from contextlib import nullcontext
from datetime import date
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from safetynet.batch import feeds, lookup, screen, verify
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.frames import household_frames
from safetynet.policy.household import parse_household
from safetynet.registry.models import Area, Household
from safetynet.registry.selectors import Forbidden, acting_user, assessment_input, require_role, staff_name
from safetynet.site.jobs import enqueue_on_commit, running
from safetynet.site.models import Job
from safetynet.supervision.models import LedgerItem
from safetynet.supervision.services import record
from safetynet.verification.models import CheckResult, CheckRun, FeedDelivery
from safetynet.verification.selectors import applicants_of_day, households_to_review, missing_authorizations_of
from safetynet.web import clock

logger = logging.getLogger(__name__)

IMPORTERS = ("verifier", "city")
CHECKERS = ("verifier", "city", "clerk", "county")
SCREENERS = ("verifier", "city")
REJECTIONS_KEPT = 1000
# What each act is called in the refusal a user reads (PolicyError "not_permitted").
ACTION_NAMES = {"import": "导入部门数据", "verify": "核对家庭经济状况", "screen": "全人口筛查", "close": "问题台账销号"}
# The screening's stages (``screen.screen_store_counted``) as the run's progress, in per cent.
SCREEN_STAGES = {"部门数据汇总到人": 5, "义务人与亲属关联": 40, "按户适用政策规则": 70, "完成": 95}


def store_path() -> Path:
    return Path(settings.FEED_STORE)


def has_data(store: Path) -> bool:
    return any(store.glob("department=*/item=*/delivery=*/*.parquet"))


def import_delivery(
    actor, path: Path, item: str, delivered: date, store: Path | None = None
) -> tuple[FeedDelivery, bool]:
    """Import one delivery file; returns the record and whether it is new (the same file imported
    again changes nothing). Raises FeedError for a file that cannot be read at all."""
    staff = _importer(actor)
    store = store or store_path()
    delivery = feeds.read_delivery(path, item, delivered)
    existing = FeedDelivery.objects.filter(item=item, delivered_on=delivered, sha256=delivery.sha256).first()
    if existing:
        return existing, False
    try:
        return _record_delivery(actor, staff, store, delivery, path, item, delivered), True
    except IntegrityError:  # the same file, imported at the same moment by another request
        return FeedDelivery.objects.get(item=item, delivered_on=delivered, sha256=delivery.sha256), False


def _record_delivery(actor, staff, store: Path, delivery, path: Path, item: str, delivered: date) -> FeedDelivery:
    with transaction.atomic():
        feeds.write_delivery(store, delivery)
        record_ = FeedDelivery.objects.create(
            item=item,
            delivered_on=delivered,
            file_name=path.name[:200],
            sha256=delivery.sha256,
            rows_loaded=delivery.rows.height,
            rows_rejected=delivery.rejections["row"].n_unique(),
            rejections=[_json_safe(r) for r in delivery.rejections.head(REJECTIONS_KEPT).to_dicts()],
            imported_by=acting_user(actor),
        )
        record(
            actor,
            "feed.import",
            object_type="feed_delivery",
            object_id=record_.pk,
            area_code=staff.area_id,
            details={"item": item, "delivered_on": delivered.isoformat(), "file": path.name, "sha256": delivery.sha256,
                     "loaded": record_.rows_loaded, "rejected": record_.rows_rejected},
        )  # fmt: skip
    return record_


def _json_safe(row: dict) -> dict:
    """A rejected cell as the database can keep it: PostgreSQL's jsonb cannot hold a NUL character,
    and a garbled file can have one."""
    return {k: v.replace("\x00", "\\x00") if isinstance(v, str) else v for k, v in row.items()}


def _importer(actor):
    from safetynet.registry.selectors import Forbidden, staff_of

    staff = staff_of(actor)
    if staff is None or staff.role not in IMPORTERS:
        raise Forbidden(staff.get_role_display() if staff else "—", ACTION_NAMES["import"])
    return staff


def _declared_frames(households: list[Household], month: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    parsed = [parse_household(assessment_input(h, month)) for h in households]
    return household_frames(parsed)


def known_on(month: date) -> date | None:
    """The data a check reads: what was delivered by today for this month (or a later one),
    what was delivered before the month for a month past."""
    today = clock.today()
    return today if month >= today.replace(day=1) else None


def _check(households: list[Household], month: date, store: Path) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    hh, members = _declared_frames(households, month)
    impact, lines, _, readings = verify.check_frames(hh, members, store, month, known_on(month))
    return impact, lines, _stored_readings(readings)


def _stored_readings(readings: verify.Readings) -> dict[int, dict]:
    """Per household, what ``CheckResult.readings`` keeps: each side's result rows as bare values
    (the column names once, on the run: ``READING_COLUMNS``), in one pass over each frame; no
    formatting here, the page shapes the answer it shows."""
    out: dict[int, dict] = {}
    for household_id, verified, *values in readings.households.iter_rows():
        sides = out.setdefault(household_id, {"declared": None, "verified": None})
        sides["verified" if verified else "declared"] = {"household": values, "members": []}
    for household_id, verified, *values in readings.members.iter_rows():
        out[household_id]["verified" if verified else "declared"]["members"].append(values)
    return out


# The names of the values a run's results keep (``CheckRun.params["reading_columns"]``): a result
# is read by the names its own run wrote, whatever the rules' columns are later.
READING_COLUMNS = {"household": list(verify.READING_HOUSEHOLD), "member": list(verify.READING_MEMBER)}


def check_households(
    actor,
    households: list[Household],
    *,
    month: date,
    kind: str,
    area: Area,
    programme: str = "dibao",
    run: CheckRun | None = None,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = 500,
) -> CheckRun:
    """Check households against the department data and record the outcome per household.

    A household is checked only when every member (and, for a tekun applicant, every obligor)
    has signed an authorisation; for one household a missing one is an error naming whose, in a
    batch the household is left out and listed in the run's summary.
    """
    staff = require_role(actor, CHECKERS, area.code, ACTION_NAMES["verify"])
    # The run's area lies in the actor's (require_role): a household outside it is another's.
    if any(not h.village_id.startswith(area.code) for h in households):
        raise Forbidden(staff.get_role_display(), ACTION_NAMES["verify"])
    store = store_path()
    skipped = []
    ready = []
    unsigned = missing_authorizations_of(households, programme)
    for h in households:
        missing = unsigned[h.pk]
        if missing:
            skipped.append({"household": h.pk, "missing": missing})
        else:
            ready.append(h)
    if kind == CheckRun.Kind.HOUSEHOLD and skipped:
        raise InputError(
            [FieldError("authorizations", "authorization_missing", names="、".join(skipped[0]["missing"]))]
        )
    own = run is None  # a command-line or window run: this process is its worker
    if own:
        run = CheckRun.objects.create(kind=kind, area=area, month=month, requested_by=acting_user(actor))
    with running(CheckRun, run.pk, reraise=True) if own and kind != CheckRun.Kind.HOUSEHOLD else nullcontext():
        return _check_batches(actor, run, ready, skipped, month=month, kind=kind, area=area, store=store,
                              progress=progress, chunk=chunk)  # fmt: skip


def _check_batches(actor, run: CheckRun, ready, skipped, *, month, kind, area, store, progress, chunk) -> CheckRun:
    run.status = CheckRun.Status.RUNNING
    run.params = {**run.params, "reading_columns": READING_COLUMNS}
    run.save(update_fields=["status", "params"])
    counts: dict[str, int] = {}
    persons = 0
    for start in range(0, len(ready), chunk):
        batch = ready[start : start + chunk]
        impact, lines, readings = _check(batch, month, store)
        by_household = {i: rows for (i,), rows in lines.partition_by("household_id", as_dict=True).items()}
        results = []
        for row in impact.iter_rows(named=True):
            h = batch[row["household_id"]]
            counts[row["impact"]] = counts.get(row["impact"], 0) + 1
            part = by_household.get(row["household_id"])
            results.append(
                CheckResult(
                    run=run, household=h, impact=row["impact"], declared_amount_fen=row["dibao_amount_fen"],
                    verified_amount_fen=row["dibao_amount_fen_verified"],
                    lines=part.drop("household_id").to_dicts() if part is not None else [],
                    readings=readings.get(row["household_id"], {}),
                )
            )  # fmt: skip
            persons += row["members"]
        with transaction.atomic():
            CheckResult.objects.bulk_create(results)
            run.progress = min(99, (start + len(batch)) * 100 // max(len(ready), 1))
            run.save(update_fields=["progress"])
        if progress:
            progress(start + len(batch), len(ready))
    with transaction.atomic():
        run.status = CheckRun.Status.DONE
        run.progress = 100
        run.households = len(ready)
        run.person_checks = persons
        run.summary = {"impacts": counts, "skipped": skipped, "data": has_data(store)}
        run.finished_at = timezone.now()
        run.save()
        record(
            actor, "verification.check", object_type="check_run", object_id=run.pk, area_code=area.code,
            details={"kind": kind, "month": month.isoformat(), "households": len(ready), "skipped": len(skipped),
                     "impacts": counts},
        )  # fmt: skip
    return run


def check_household(actor, household: Household, *, month: date, programme: str = "dibao") -> CheckRun:
    """The window's pre-check of one household (先核对、后申请)."""
    return check_households(
        actor, [household], month=month, kind=CheckRun.Kind.HOUSEHOLD, area=household.village, programme=programme
    )


def _ledger_area(code: str, known: dict[str, Area]) -> Area | None:
    for length in (12, 9, 6):
        if code[:length] in known:
            return known[code[:length]]
    return None


def screen_population(
    actor,
    *,
    month: date,
    area: Area,
    store: Path | None = None,
    run: CheckRun | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[CheckRun, pl.DataFrame]:
    """Screen the population in the actor's area and file every finding in the problem ledger."""
    require_role(actor, SCREENERS, area.code, ACTION_NAMES["screen"])
    store = store or store_path()
    own = run is None  # a command-line screening: this process is its worker
    if own:
        run = new_screening(actor, area, month)
    with running(CheckRun, run.pk, reraise=True) if own else nullcontext():
        return _screen(actor, run, month=month, area=area, store=store, progress=progress)


def new_screening(actor, area: Area, month: date) -> CheckRun:
    """A queued screening, unless one is queued or running already (the database refuses a
    second): then a PolicyError naming it."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return CheckRun.objects.create(
                    kind=CheckRun.Kind.SCREENING, area=area, month=month, requested_by=acting_user(actor)
                )
        except IntegrityError:
            active = _active_screening()
            if active is not None:
                with translation.override(settings.LANGUAGE_CODE):  # named in the message's language
                    by = staff_name(active.requested_by, "系统")  # a name, never the login
                raise PolicyError(
                    "screening_running", id=active.pk, area=active.area.name, month=f"{active.month:%Y-%m}",
                    by=by,
                    at=f"{timezone.localtime(active.requested_at):%Y-%m-%d %H:%M}",
                    status=active.get_status_display(),
                ) from None
    raise PolicyError("screening_running_unknown")  # it finished and another began, twice: rare enough


def _active_screening() -> CheckRun | None:
    active = (CheckRun.Status.QUEUED, CheckRun.Status.RUNNING)
    return (
        CheckRun.objects.filter(kind=CheckRun.Kind.SCREENING, status__in=active)
        .select_related("area", "requested_by")
        .first()
    )


def _screen(actor, run: CheckRun, *, month, area, store, progress) -> tuple[CheckRun, pl.DataFrame]:
    run.status = CheckRun.Status.RUNNING
    run.save(update_fields=["status"])
    findings, persons = screen.screen_store_counted(
        store, month, progress=progress, known_on=known_on(month), area_prefix=_prefix(area)
    )
    findings = findings.filter(pl.col("area_code").str.starts_with(_prefix(area)))
    known = {a.code: a for a in Area.objects.filter(code__startswith=area.code)}
    items, unplaced = [], 0
    for f in findings.iter_rows(named=True):
        where = _ledger_area(f["area_code"], known)
        if where is None:
            unplaced += 1
            continue
        items.append(
            LedgerItem(
                kind=f["kind"], area=where, household_no=f["household_no"], id_number=f["id_number"] or "",
                programme=f["programme"] or "", month=month, evidence=f["evidence"], sources=f["sources"], found_by=run,
            )
        )  # fmt: skip
    counts = {k: n for k, n in findings.group_by("kind").len().iter_rows()}
    with transaction.atomic():
        before = LedgerItem.objects.filter(month=month, area__code__startswith=area.code).count()
        LedgerItem.objects.bulk_create(items, ignore_conflicts=True)  # a re-run files nothing twice
        new = LedgerItem.objects.filter(month=month, area__code__startswith=area.code).count() - before
        run.status = CheckRun.Status.DONE
        run.progress = 100
        run.person_checks = persons
        run.findings = findings.height
        run.summary = {"kinds": counts, "outside_registry_areas": unplaced, "new_ledger_items": new}
        run.finished_at = timezone.now()
        run.save()
        record(
            actor, "verification.screen", object_type="check_run", object_id=run.pk, area_code=area.code,
            details={"month": month.isoformat(), "persons": persons, "findings": counts},
        )  # fmt: skip
    return run, findings


def _prefix(area: Area) -> str:
    """The area-code prefix of an area's residents ("" for the whole city)."""
    return "" if area.level == Area.Level.CITY else area.code


def close_ledger_item(actor, item: LedgerItem, *, outcome: str, on: date) -> LedgerItem:
    """销号: a township closes an item after its visit, saying what it found."""
    require_role(actor, ("clerk", "approver", "county", "verifier"), item.area_id, ACTION_NAMES["close"])
    if not outcome.strip():
        raise InputError([FieldError("outcome", "required")])
    with transaction.atomic():
        item = LedgerItem.objects.select_for_update().get(pk=item.pk)
        if item.status == LedgerItem.Status.CLOSED:
            raise InputError([FieldError("status", "ledger_closed")])
        item.status = LedgerItem.Status.CLOSED
        item.outcome = outcome.strip()[:2000]
        item.closed_by = acting_user(actor)
        item.closed_on = on
        item.save()
        record(actor, "ledger.close", object_type="ledger_item", object_id=item.pk, area_code=item.area_id,
               details={"kind": item.kind, "household_no": item.household_no, "outcome": item.outcome})  # fmt: skip
    return item


def _queue(run: CheckRun) -> CheckRun:
    """The worker runs it once the request's transaction has committed the run."""
    from safetynet.verification import tasks

    enqueue_on_commit(tasks.perform_run, run.pk)
    return run


def perform_run(run_id: int) -> None:
    """The worker's side of a queued run: load it by id, do its work as the user who asked (whose
    role and area are checked again), with a heartbeat; a failure is recorded on the run."""
    run = CheckRun.objects.select_related("area", "requested_by").get(pk=run_id)
    if run.status != CheckRun.Status.QUEUED:  # run already, or failed by the sweep before it began
        return
    actor, area, programme = run.requested_by, run.area, run.params.get("programme", "dibao")
    with running(CheckRun, run.pk):
        run.refresh_from_db(fields=["status", "started_at", "heartbeat_at"])  # the run's final save keeps them
        if run.kind == CheckRun.Kind.SCREENING:

            def stage(label: str) -> None:
                CheckRun.objects.filter(pk=run.pk).update(progress=SCREEN_STAGES.get(label, 0))

            screen_population(actor, month=run.month, area=area, run=run, progress=stage)
            return
        if run.kind == CheckRun.Kind.APPLICANTS:
            households = list(applicants_of_day(area, date.fromisoformat(run.params["day"])))
        else:
            households = list(households_to_review(area))
        check_households(actor, households, month=run.month, kind=run.kind, area=area, programme=programme, run=run)


def start_township_check(actor, township: Area, *, month: date, programme: str = "dibao") -> CheckRun:
    """定期复核: queue a check of every covered household of a township for the worker; the role,
    the area and the department data are checked before anything is queued."""
    require_role(actor, CHECKERS, township.code, ACTION_NAMES["verify"])
    if not has_data(store_path()):
        raise PolicyError("no_feed_data")
    return _queue(CheckRun.objects.create(
        kind=CheckRun.Kind.TOWNSHIP, area=township, month=month, requested_by=acting_user(actor),
        params={"programme": programme},
    ))  # fmt: skip


def start_applicants_check(actor, *, day: date, programme: str = "dibao") -> CheckRun:
    """凡进必核: queue a check of every household whose application was opened on ``day`` in the
    actor's area."""
    from safetynet.registry.selectors import staff_of

    staff = staff_of(actor)
    area = staff.area if staff else None
    require_role(actor, CHECKERS, area.code if area else "-", ACTION_NAMES["verify"])
    if not has_data(store_path()):
        raise PolicyError("no_feed_data")
    return _queue(CheckRun.objects.create(
        kind=CheckRun.Kind.APPLICANTS, area=area, month=day.replace(day=1), requested_by=acting_user(actor),
        params={"programme": programme, "day": day.isoformat()},
    ))  # fmt: skip


def start_screening(actor, *, month: date) -> CheckRun:
    """Queue a screening of the actor's area; refused while another screening is queued or running."""
    from safetynet.registry.selectors import staff_of

    staff = staff_of(actor)
    area = staff.area if staff else None
    require_role(actor, SCREENERS, area.code if area else "-", ACTION_NAMES["screen"])
    if not has_data(store_path()):
        raise PolicyError("no_feed_data")
    return _queue(new_screening(actor, area, month))


def refresh_facts(store: Path | None = None) -> None:
    """After a delivery is imported (in the worker): the current month's facts snapshot again,
    reading what is known today, as the window's pre-check reads (``batch.lookup``). Until it is
    built a check reads the deliveries themselves, so a failure here only costs time."""
    store = store or store_path()
    month = clock.today().replace(day=1)
    try:
        lookup.build(store, month, known_on(month))
    except (PolicyError, pl.exceptions.PolarsError, OSError):
        logger.exception("facts snapshot of %s not built", f"{month:%Y-%m}")


def queue_import(actor, path: Path, item: str, delivered: date, file_name: str) -> Job:
    """Queue the import of an uploaded delivery already saved at ``path`` (its own folder under
    ``UPLOAD_DIR``, removed once imported); the importer's role is checked now."""
    from safetynet.verification import tasks

    staff = _importer(actor)
    job = Job.objects.create(
        kind=Job.Kind.IMPORT, title=f"导入部门数据：{file_name}"[:200], area_code=staff.area_id,
        params={"path": str(path), "item": item, "delivered": delivered.isoformat(), "file_name": file_name},
        requested_by=acting_user(actor), next_url=reverse("verification-deliveries"),
    )  # fmt: skip
    enqueue_on_commit(tasks.import_upload, job.pk)
    return job


def perform_import(job_id: int) -> None:
    """The worker's side of an uploaded delivery: import it as the user who uploaded it."""
    job = Job.objects.select_related("requested_by").get(pk=job_id)
    if job.status != Job.Status.QUEUED:
        return
    params, path = job.params, Path(job.params["path"])
    with running(Job, job.pk):
        try:
            delivery, new = import_delivery(job.requested_by, path, params["item"],
                                            date.fromisoformat(params["delivered"]))  # fmt: skip
        except (feeds.FeedError, pl.exceptions.PolarsError) as exc:  # a file the reader could not take
            reason = exc.message if isinstance(exc, feeds.FeedError) else str(exc).splitlines()[0][:200]
            Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error=f"导入失败：{reason}"[:2000],
                                                 finished_at=timezone.now())  # fmt: skip
            return
        finally:
            shutil.rmtree(path.parent, ignore_errors=True)
        if new:
            refresh_facts()
        state = "已导入" if new else "此前已导入（同一交付，未重复写入）"
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.DONE, progress=100, finished_at=timezone.now(),
            message=f"{delivery.file_name}：{state}；导入 {delivery.rows_loaded} 行，拒收 {delivery.rows_rejected} 行",
            next_url=f"{reverse('verification-deliveries')}?imported={delivery.pk}",
        )  # fmt: skip
