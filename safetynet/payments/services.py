"""Entitlements from decisions, and the monthly payroll from entitlements.

``sync_entitlements`` rebuilds a case's entitlement periods from its decisions (approval, review,
suspension, resumption, end) inside the transaction of the step that changed them; the periods
are derived data, the decisions (case events) are the record. ``run_payroll`` computes a month's
payroll for a township and programme as one batch: owed for every month up to this one, less
what approved payrolls already paid, gives this month's regular line, back pay and recovery.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from safetynet.batch import payroll
from safetynet.cases import programmes
from safetynet.cases.models import Case, CaseEvent
from safetynet.payments import messages  # noqa: F401 - the payroll's messages
from safetynet.payments.models import Entitlement, Payment, PayrollRun, PriceIndex
from safetynet.policy import price_subsidy
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.money import fmt, to_fen
from safetynet.policy.months import add_months, first_of_next_month
from safetynet.policy.parameters import value
from safetynet.registry.models import Area
from safetynet.registry.selectors import acting_user, require_role
from safetynet.supervision.services import record
from safetynet.web import clock

PAYROLL_LOCK_CLASS = 0x5041590  # first key of the payroll's PostgreSQL advisory locks ("PAY")
def money_steps() -> frozenset[str]:
    """The case steps whose decisions set what is owed, in any programme."""
    return frozenset().union(*(d.money_steps for d in programmes.all()))


def entitlement_periods(case: Case) -> Iterator[tuple[date, date | None, int, object, str]]:
    """(starts, ends, monthly fen, event, reason) of a case, from its timeline, in order: by its
    programme's schedule, monthly or once."""
    if programmes.get(case.programme).schedule == "one_off":
        yield from _one_off(case)
        return
    yield from _monthly(case)


def _one_off(case: Case) -> Iterator[tuple[date, date | None, int, object, str]]:
    """Paid once: the amount the case is owed (``monthly_amount_fen``, what the fund did not pay
    already) for the month its grant set (``entitlement_from``), by its latest money decision."""
    if case.approved_on is None or case.entitlement_from is None:
        return
    steps = programmes.get(case.programme).money_steps
    decisions = sorted((e for e in case.events.all() if e.transition in steps), key=lambda e: (e.at, e.id))
    if not decisions:
        return
    parts = programmes.get(case.programme).instalments(case)
    if parts:  # each part owed in its month; one before the grant is back pay in the grant's payroll
        for i, (month, fen) in enumerate(parts, 1):
            yield month, add_months(month, 1), fen, decisions[-1], f"分期发放（第 {i} 期，共 {len(parts)} 期）"
        return
    yield (case.entitlement_from, add_months(case.entitlement_from, 1), case.monthly_amount_fen or 0,
           decisions[-1], "一次性救助")


def _monthly(case: Case) -> Iterator[tuple[date, date | None, int, object, str]]:
    """Each decision applies from its effective month onward (below).

    Each decision applies from its effective month onward and overrides, for those months, every
    decision taken before it (a re-pricing decided in November for July replaces July onward).
    """
    if case.approved_on is None or case.entitlement_from is None:
        return
    amount, suspended = None, False
    breaks: list[tuple[date, int | None, object, str]] = []  # (from month, fen or None = withheld, ...)

    def apply(effective: date, fen: int | None, event, reason: str) -> None:
        breaks[:] = [b for b in breaks if b[0] < effective] + [(effective, fen, event, reason)]

    starts = programmes.get(case.programme).starts_entitlement
    # Sorted here, not by the database, so that a prefetched timeline serves a whole batch.
    for event in sorted(case.events.all(), key=lambda e: (e.at, e.id)):
        data = event.data or {}
        if event.transition == "approve":
            amount = data.get("monthly_amount_fen")
        elif event.transition in starts:
            amount = data.get("monthly_amount_fen")
            apply(case.entitlement_from, amount, event, "审核确认")
        elif event.transition == "close_notice":
            apply(case.entitlement_from, amount, event, "审核确认")
        elif event.transition in ("continue_after_review", "reprice"):
            amount = data.get("new_amount_fen", amount)
            if suspended:
                continue  # the new amount is paid from the resumption
            effective = date.fromisoformat(data["effective"]) if "effective" in data else first_of_next_month(event.on)
            apply(max(effective, case.entitlement_from), amount, event,
                  "复核调整" if event.transition == "continue_after_review" else "标准调整")
        elif event.transition == "suspend":
            suspended = True
            apply(first_of_next_month(event.on), None, event, "暂停发放")
        elif event.transition == "resume":
            suspended = False
            apply(first_of_next_month(event.on), amount, event, "恢复发放")
    end = case.entitlement_until
    for i, (starts, fen, event, reason) in enumerate(breaks):
        ends = breaks[i + 1][0] if i + 1 < len(breaks) else end
        if end is not None:
            ends = min(ends, end) if ends else end
        if ends is not None and ends <= starts:
            continue
        yield starts, ends, 0 if fen is None else fen, event, reason


@transaction.atomic
def sync_entitlements(*cases: Case) -> list[Entitlement]:
    """Rebuild the cases' entitlement periods from their decisions (called by each case step,
    and by a re-pricing for all its cases at once: one delete, one insert)."""
    Entitlement.objects.filter(case__in=[c.pk for c in cases]).delete()
    rows = [
        Entitlement(case=case, programme=case.programme, recipient_id=case.applicant_id, area_code=case.area_code,
                    starts=starts, ends=ends, monthly_amount_fen=fen, set_by=event, reason=reason)
        for case in cases
        for starts, ends, fen, event, reason in entitlement_periods(case)
    ]
    return Entitlement.objects.bulk_create(rows, batch_size=5000)


def check_request(*, month: date, programme: str) -> date:
    """A payroll request refused before it is queued: an unknown programme, a month not begun."""
    _check_programme(programme)
    return _check_month(month)


def _check_month(month: date) -> date:
    """The first of ``month``, refused if that month has not begun (the office's today)."""
    month = month.replace(day=1)
    today = clock.today()
    if month > today.replace(day=1):
        raise InputError([FieldError("month", "payroll_future_month", month=f"{month:%Y-%m}", today=today.isoformat())])
    return month


def _check_programme(programme: str) -> None:
    if programme not in programmes.codes():
        raise InputError([FieldError("programme", "payroll_programme", value=programme,
                                     choices=", ".join(programmes.codes()))])


def lock_payroll(township_code: str, programme: str) -> None:
    """One payroll change at a time per township and programme (compute, approve, cancel), held
    to the end of the transaction, so each sees every other's lines. SQLite has one writer."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The two-key form: a key space apart from the audit's single 64-bit key.
            key = zlib.crc32(f"{township_code}:{programme}".encode()) - 2**31  # a signed 32-bit integer
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [PAYROLL_LOCK_CLASS, key])


@transaction.atomic
def run_payroll(actor, *, month: date, township: Area, programme: str) -> PayrollRun:
    """Compute (or recompute, while still a draft) one month's payroll of a township."""
    require_role(actor, ("approver", "city"), township.code, "编制发放名册")
    _check_programme(programme)
    month = _check_month(month)
    lock_payroll(township.code, programme)
    live = PayrollRun.objects.select_for_update().exclude(status=PayrollRun.Status.CANCELLED)
    run, _ = live.get_or_create(month=month, township=township, programme=programme)
    if run.status != PayrollRun.Status.DRAFT:
        raise PolicyError("payroll_locked", month=f"{month:%Y-%m}", status=run.get_status_display())
    Payment.objects.filter(run=run).delete()  # a draft is recomputed whole: nothing half-written survives
    lines = _compute(run)
    # A recovery may concern a month no longer owed: its applicant receives the line, and the
    # decision behind it is the case's latest decision on money (the one that ended the period).
    orphans = lines.filter(pl.col("recipient_id").is_null())["case_id"].unique().to_list()
    recipients = dict(Case.objects.filter(pk__in=orphans).values_list("id", "applicant_id")) if orphans else {}
    latest = {}
    if orphans:
        for case_id, event_id in (CaseEvent.objects.filter(case_id__in=orphans, transition__in=money_steps())
                                  .order_by("case_id", "at", "id").values_list("case_id", "id")):
            latest[case_id] = event_id
    once = programmes.get(programme).schedule == "one_off"
    reasons = {"regular": "一次性救助金" if once else "当月保障金", "back_pay": "补发", "recovery": "追回多发"}
    _write_lines(_payment_rows(run, lines, recipients, latest, reasons))
    run.lines, run.total_fen = len(lines), int(lines["amount_fen"].sum() or 0)
    run.computed_at, run.computed_by = timezone.now(), acting_user(actor)
    run.save()
    record(actor, "payroll.run", object_type="payroll", object_id=run.pk, area_code=township.code,
           details={"month": f"{month:%Y-%m}", "programme": programme, "lines": run.lines, "total_fen": run.total_fen})
    return run


def _compute(run: PayrollRun) -> pl.DataFrame:
    """The lines ``run`` should have now: owed for every month up to its month, less what every
    other payroll of the township not cancelled (draft, approved or locked) has already put
    towards it. A draft counts: two drafts must not both carry the same month."""
    month, programme = run.month, run.programme
    # Codes under the township sort between its code and its code followed by ":" (after "9"):
    # a range both databases answer from the index, where LIKE 'code%' may not use it.
    low, high = run.township_id, run.township_id + ":"
    entitlements = _frame(
        "SELECT set_by_id, case_id, recipient_id, starts, ends, monthly_amount_fen FROM payments_entitlement "
        "WHERE area_code >= %s AND area_code < %s AND programme = %s", [low, high, programme],
        payroll.ENTITLEMENT_SCHEMA)
    # What was paid against the entitlement (a price subsidy is paid besides it, not towards it);
    # a line the bank returned as failed is still owed.
    paid = _frame(
        "SELECT p.case_id, p.for_month, p.amount_fen FROM payments_payment p "
        "JOIN payments_payrollrun r ON r.id = p.run_id "
        "WHERE r.township_id = %s AND r.programme = %s AND r.status <> %s AND r.id <> %s "
        "AND p.bank_status <> 'failed' AND p.kind <> 'price_subsidy' AND p.for_month <= %s",
        [run.township_id, programme, PayrollRun.Status.CANCELLED, run.pk, month], payroll.PAID_SCHEMA)
    lines = payroll.lines(payroll.owed(entitlements, month), paid, month)
    return pl.concat([lines, _price_subsidy(lines, month, programme)], how="diagonal_relaxed")


PAYMENT_COLUMNS = ("run_id", "case_id", "recipient_id", "programme", "month", "for_month", "kind", "amount_fen",
                   "decision_id", "reason", "bank_status", "bank_note")


def _payment_rows(run: PayrollRun, lines: pl.DataFrame, recipients: dict, latest: dict, reasons: dict) -> pl.DataFrame:
    """The payment rows of ``lines`` in ``PAYMENT_COLUMNS`` order, built as columns (no object
    per line): an orphan recovery's recipient and decision from ``recipients`` and ``latest``, a
    line's reason its rule's text or the kind's with the month it is for."""
    rule = pl.col("rule") if "rule" in lines.columns else pl.lit(None, pl.String)
    by_case = pl.col("case_id")
    return lines.select(
        pl.lit(run.pk, pl.Int64).alias("run_id"),
        by_case,
        pl.col("recipient_id").fill_null(by_case.replace_strict(recipients, default=None, return_dtype=pl.Int64)),
        pl.lit(run.programme).alias("programme"),
        pl.lit(run.month).alias("month"),
        pl.col("for_month"),
        pl.col("kind"),
        pl.col("amount_fen"),
        pl.col("decision_id").fill_null(by_case.replace_strict(latest, default=None, return_dtype=pl.Int64)),
        rule.fill_null(
            pl.col("kind").replace_strict(reasons, default="") + "（" + pl.col("for_month").dt.strftime("%Y-%m") + "）"
        ).alias("reason"),
        pl.lit("pending").alias("bank_status"),
        pl.lit("").alias("bank_note"),
    )


# COPY's text format: a backslash, tab, newline or carriage return in a value is escaped.
_COPY_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def _write_lines(rows: pl.DataFrame, table: str = "payments_payment") -> None:
    """All lines in one go: on PostgreSQL one COPY of the text Polars writes for the whole frame
    (no Python object per line); on SQLite one prepared statement over every row. ``table`` is
    for benchmarks/payroll.py's baseline, the same rows into a table without constraints."""
    columns = ", ".join(PAYMENT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            text = pl.col(pl.String)
            for old, new in _COPY_ESCAPES:
                text = text.str.replace_all(old, new, literal=True)
            escaped = rows.with_columns(text)
            data = escaped.write_csv(separator="\t", include_header=False, quote_style="never", null_value="\\N",
                                     date_format="%Y-%m-%d")
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write(data)
        else:
            placeholders = ", ".join(["%s"] * len(PAYMENT_COLUMNS))
            # ISO text for dates: SQLite takes it without an adapter per row.
            iso = rows.with_columns(pl.col(pl.Date).dt.strftime("%Y-%m-%d"))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
            cursor.executemany(sql, list(iso.iter_rows()))


def _price_subsidy(lines: pl.DataFrame, month: date, programme: str) -> pl.DataFrame:
    """Price-subsidy lines of the month, when the city's price indices trigger the linkage: every
    person covered by a case paid this month gets the local standard × the rise (POLICY.md §7)."""
    if not price_subsidy.covers(programme, month):
        return pl.DataFrame()
    index = PriceIndex.objects.filter(month=month).first()
    found = index and price_subsidy.trigger(month, index.cpi_yoy, index.food_cpi_yoy)
    paid_now = lines.filter((pl.col("kind") == "regular") & (pl.col("amount_fen") > 0))
    if not found or paid_now.is_empty():
        return pl.DataFrame()
    # The persons the case's decision covers (a member covered alone counts one, not the
    # household), in one query. A case without an assessment (none is approved without one; only
    # rows loaded in bulk) counts its applicant.
    covered = pl.DataFrame(
        list(Case.objects.filter(pk__in=paid_now["case_id"].to_list())
             .values_list("id", "area_code", "household__hukou", "persons_covered", "applicant_id")),
        schema={"case_id": pl.Int64, "county": pl.String, "hukou": pl.String, "persons": pl.Int64,
                "recipient_id": pl.Int64},
        orient="row",
    ).with_columns(pl.col("county").str.slice(0, 6), pl.col("persons").fill_null(1))
    standards = pl.DataFrame(
        [(county, hukou, to_fen(value("dibao_standard", county, month, hukou=hukou)))
         for county, hukou in covered.select("county", "hukou").unique().iter_rows()],
        schema={"county": pl.String, "hukou": pl.String, "standard_fen": pl.Int64},
        orient="row",
    )
    return (
        covered.join(standards, on=["county", "hukou"])
        .select(
            "case_id", "recipient_id", pl.lit(month).alias("for_month"), pl.lit("price_subsidy").alias("kind"),
            (price_subsidy.subsidy_fen(pl.col("standard_fen"), found.rise) * pl.col("persons")).alias("amount_fen"),
            pl.lit(found.text).alias("rule"),
        )
        .filter(pl.col("amount_fen") > 0)
    )


@transaction.atomic
def enter_price_index(actor, *, month: date, cpi_yoy: Decimal, food_cpi_yoy: Decimal) -> PriceIndex:
    """The city enters a month's price indices; a payroll of that month computed later adds the
    price subsidy if they trigger it."""
    require_role(actor, ("city",), "3708", "录入物价指数")
    errors = [FieldError(name, "range", low="-100", high="100", value=rise)
              for name, rise in (("cpi_yoy", cpi_yoy), ("food_cpi_yoy", food_cpi_yoy))
              if not (isinstance(rise, Decimal) and rise.is_finite() and -100 <= rise <= 100)]
    if errors:
        raise InputError(errors)
    index, _ = PriceIndex.objects.update_or_create(
        month=month.replace(day=1),
        defaults={"cpi_yoy": cpi_yoy, "food_cpi_yoy": food_cpi_yoy, "entered_by": acting_user(actor)},
    )
    record(actor, "price_index.enter", object_type="price_index", object_id=index.pk, area_code="3708",
           details={"month": f"{month:%Y-%m}", "cpi_yoy": str(cpi_yoy), "food_cpi_yoy": str(food_cpi_yoy)})
    return index


def _frame(sql: str, params: list, schema: dict) -> pl.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # Every row read for the types: a column whose first hundred rows are null (an entitlement's
    # end) would else be taken as null and refuse the first date after them.
    frame = pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)
    # SQLite hands dates back as text: cast to the schema's types.
    return frame.with_columns(
        pl.col(c).str.to_date() if frame.schema[c] == pl.String and t == pl.Date else pl.col(c).cast(t)
        for c, t in schema.items()
    )


def run_payrolls(actor, *, month: date, townships: list[Area], programme: str, workers: int = 2,
                 progress=None) -> list[PayrollRun]:
    """Every township's payroll of a month, each in its own transaction. On PostgreSQL two at a
    time: while one waits on the server (constraint checks, index upkeep) the other computes.
    SQLite has one writer, so there they run in a row."""

    def one(township: Area) -> PayrollRun:
        try:
            return run_payroll(actor, month=month, township=township, programme=programme)
        finally:
            connection.close()  # each worker thread has its own connection

    runs = []
    if workers < 2 or len(townships) < 2 or connection.vendor != "postgresql":
        for township in townships:
            runs.append(run_payroll(actor, month=month, township=township, programme=programme))
            if progress:
                progress(runs[-1])
        return runs
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for run in pool.map(one, townships):
            runs.append(run)
            if progress:
                progress(run)
    return runs


@transaction.atomic
def approve_payroll(actor, run: PayrollRun) -> PayrollRun:
    """Approve a draft, after checking it against everything approved, cancelled or decided since
    it was computed: if any line would now differ, nothing is approved and the lines are named."""
    require_role(actor, ("approver",), run.township_id, "审核发放名册")
    lock_payroll(run.township_id, run.programme)
    run = PayrollRun.objects.select_for_update().get(pk=run.pk)
    if run.status != PayrollRun.Status.DRAFT:
        raise InputError([FieldError("status", "payroll_not_draft", status=run.get_status_display())])
    _check_month(run.month)
    if run.computed_by_id is not None and run.computed_by == acting_user(actor):
        raise InputError([FieldError("status", "payroll_same_person")])
    count, shown = stale_lines(run)
    if count:
        more = [FieldError("lines", "payroll_stale_more", count=count)] if count > len(shown) else []
        raise InputError([FieldError("lines", "payroll_stale", count=count), *shown, *more])
    run.status, run.approved_by, run.approved_at = PayrollRun.Status.APPROVED, acting_user(actor), timezone.now()
    run.save()
    record(actor, "payroll.approve", object_type="payroll", object_id=run.pk, area_code=run.township_id,
           details={"lines": run.lines, "total_fen": run.total_fen})
    return run


STALE_SHOWN = 20
KIND_NAMES = {"regular": "当月", "back_pay": "补发", "recovery": "追回", "price_subsidy": "价格临时补贴"}


def stale_lines(run: PayrollRun) -> tuple[int, list[FieldError]]:
    """How many lines of ``run`` differ from what it would be computed as now (a line stored but
    no longer due, or due but not stored, counts as 0 on the missing side), and the first ones."""
    key = ["case_id", "for_month", "kind"]
    now = _compute(run).select(*key, pl.col("amount_fen").alias("now_fen"))
    stored = _frame("SELECT case_id, for_month, kind, amount_fen FROM payments_payment WHERE run_id = %s", [run.pk],
                    {"case_id": pl.Int64, "for_month": pl.Date, "kind": pl.String, "amount_fen": pl.Int64})
    diff = (
        stored.join(now, on=key, how="full", coalesce=True)
        .with_columns(pl.col("amount_fen").fill_null(0), pl.col("now_fen").fill_null(0))
        .filter(pl.col("amount_fen") != pl.col("now_fen"))
        .sort(key)
    )
    if diff.is_empty():
        return 0, []
    shown = diff.head(STALE_SHOWN)
    names = dict(Case.objects.filter(pk__in=shown["case_id"].to_list()).values_list("id", "applicant__name"))
    return len(diff), [
        FieldError(f"lines[{i}]", "payroll_stale_line", case=case_id, name=names.get(case_id, ""),
                   for_month=f"{for_month:%Y-%m}", kind=KIND_NAMES.get(kind, kind), stored=fmt(stored_fen),
                   now=fmt(now_fen))
        for i, (case_id, for_month, kind, stored_fen, now_fen) in enumerate(shown.iter_rows())
    ]


def why_not_cancellable(run: PayrollRun) -> str | None:
    """Why ``run`` can no longer be cancelled, or None. Once the bank file has left the office the
    money may be on its way, so an error is corrected by the next payroll (back pay, recovery)."""
    if run.status == PayrollRun.Status.CANCELLED:
        return "已作废"
    if run.status == PayrollRun.Status.LOCKED:
        return "银行已回盘，差错请在下月名册中补发或追回"
    if run.exported_at is not None:
        return (f"银行发放文件已于 {timezone.localtime(run.exported_at):%Y-%m-%d %H:%M} 导出，资金可能已在途，"
                "差错请在下月名册中补发或追回")
    if run.status == PayrollRun.Status.APPROVED and run.payments.exclude(bank_status="pending").exists():
        return "已导入银行回盘结果"
    # A payroll computed since this one was first computed may have counted its lines for the
    # same person and month (a back pay topping up, or a recovery undoing, what this one paid;
    # a recomputed draft carries the same amounts again): without them that one's lines would be
    # wrong, so that one is cancelled first, latest first.
    later = _frame(
        "SELECT p.case_id, p.for_month, r.month FROM payments_payment p JOIN payments_payrollrun r ON r.id = p.run_id "
        "WHERE r.township_id = %s AND r.programme = %s AND r.status <> %s AND r.id <> %s AND r.computed_at >= %s",
        [run.township_id, run.programme, PayrollRun.Status.CANCELLED, run.pk, run.created_at],
        {"case_id": pl.Int64, "for_month": pl.Date, "month": pl.Date})
    if not later.is_empty():
        mine = _frame("SELECT case_id, for_month FROM payments_payment WHERE run_id = %s", [run.pk],
                      {"case_id": pl.Int64, "for_month": pl.Date})
        clash = later.join(mine, on=["case_id", "for_month"]).sort("month", "case_id", "for_month")
        if not clash.is_empty():
            case_id, for_month, month = clash.row(0)
            return (f"之后编制的 {month:%Y-%m} 发放名册已计入本名册的款项（案件 #{case_id}，{for_month:%Y-%m}），"
                    f"须先作废该名册")
    return None


@transaction.atomic
def cancel_payroll(actor, run: PayrollRun, reason: str) -> PayrollRun:
    """Cancel (作废) a payroll that has not gone to the bank: a draft, or an approved run whose
    bank file has not been exported and of which no line has a bank result. Its lines stay on
    file, marked cancelled, and count as not paid: the month can be computed again."""
    require_role(actor, ("approver", "city"), run.township_id, "作废发放名册")
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise InputError([FieldError("reason", "payroll_cancel_reason")])
    lock_payroll(run.township_id, run.programme)
    run = PayrollRun.objects.select_for_update().get(pk=run.pk)
    why = why_not_cancellable(run)
    if why:
        raise InputError([FieldError("status", "payroll_not_cancellable", status=run.get_status_display(), why=why)])
    was = run.status
    run.status, run.cancelled_by, run.cancelled_at = PayrollRun.Status.CANCELLED, acting_user(actor), timezone.now()
    run.cancel_reason = reason
    run.save()
    run.payments.update(cancelled=True)
    record(actor, "payroll.cancel", object_type="payroll", object_id=run.pk, area_code=run.township_id,
           details={"month": f"{run.month:%Y-%m}", "programme": run.programme, "was": was, "reason": reason,
                    "lines": run.lines, "total_fen": run.total_fen})
    return run
