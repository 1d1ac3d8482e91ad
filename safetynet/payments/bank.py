"""Bank files of an approved payroll, the bank's return file, and the reconciliation.

The bank file (CSV) carries the full ID number and card number the bank needs, so it is only for
those allowed files with whole numbers (``site.export_full_id``); the sheet the township files
(Excel) masks the ID number unless its taker has that permission. Both are logged (PIPL). Both
end with the totals; the CSV ends with a checksum line (SHA-256 of every line above it), so a
file altered on the way is refused.

A line whose recipient has no valid card number (``registry.cards``) never reaches the bank: at the
first export it is held (marked failed, "not sent"), so the next payroll owes it again, and it is
listed in the file's summary and on the payroll page until the card is put right.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from safetynet.cases import programmes
from safetynet.payments.models import Payment, PayrollRun
from safetynet.policy.errors import FieldError, InputError
from safetynet.policy.money import fmt, to_fen
from safetynet.registry import cards
from safetynet.registry.selectors import Forbidden, require_role
from safetynet.site.personal import exports_full_id, mask_id
from safetynet.site.sheets import append_row
from safetynet.supervision.services import record, record_access

HEADER = ["流水号", "姓名", "公民身份号码", "银行卡号", "金额", "救助项目", "所属月份", "类别"]
KINDS = {"regular": "当月", "back_pay": "补发", "recovery": "追回"}


HELD_NOTE = "未发送：无有效银行卡，暂缓发放"


def _lines(run: PayrollRun):
    # Recoveries are collected by the township, not sent to the bank; held lines are not sent.
    return (run.payments.filter(amount_fen__gt=0).exclude(bank_status="failed", bank_note=HELD_NOTE)
            .select_related("recipient").order_by("id"))


def held_lines(run: PayrollRun) -> list[Payment]:
    """The lines the bank file leaves out: held at its export or, before it, those whose recipient
    has no valid card number now."""
    lines = run.payments.filter(amount_fen__gt=0).select_related("recipient").order_by("id")
    if run.exported_at:
        return list(lines.filter(bank_status="failed", bank_note=HELD_NOTE))
    # the card numbers alone are read to check them (a township's payroll has thousands of lines)
    pending = lines.filter(bank_status="pending").values_list("pk", "recipient__bank_card")
    return list(lines.filter(pk__in=[pk for pk, card in pending if not cards.valid(card)]))


def _require_approved(run: PayrollRun, action: str) -> None:
    if run.status == PayrollRun.Status.CANCELLED:
        raise InputError([FieldError("status", "payroll_cancelled", action=action)])
    if run.status == PayrollRun.Status.DRAFT:
        raise InputError([FieldError("status", "payroll_not_approved")])


@transaction.atomic
def bank_csv(actor, run: PayrollRun) -> bytes:
    staff = require_role(actor, ("approver",), run.township_id, "导出银行发放文件")
    if not exports_full_id(actor, run.township_id):  # the bank needs the whole numbers: no masked file
        raise Forbidden(staff.get_role_display(), "导出含完整身份证号码的银行发放文件（未获授权）")
    _require_approved(run, "导出")
    # Marked exported first, only while still approved: a cancellation at the same moment waits
    # for this row, or this finds the run cancelled and exports nothing.
    live = (PayrollRun.objects.select_for_update()
            .filter(pk=run.pk, status__in=(PayrollRun.Status.APPROVED, PayrollRun.Status.LOCKED)).first())
    if live is None:
        raise InputError([FieldError("status", "payroll_cancelled", action="导出")])
    first = live.exported_at is None
    PayrollRun.objects.filter(pk=run.pk).update(exported_at=Coalesce("exported_at", Value(timezone.now())))
    if first:  # held once, at the first export: a line sent once is never held after
        held = [p.pk for p in _lines(run) if p.bank_status == "pending" and not cards.valid(p.recipient.bank_card)]
        Payment.objects.filter(pk__in=held).update(bank_status="failed", bank_note=HELD_NOTE)
    run.refresh_from_db(fields=["exported_at"])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    total, count, recipients = 0, 0, set()
    for p in _lines(run):
        recipients.add(p.recipient_id)
        writer.writerow([p.pk, p.recipient.name, p.recipient.id_number, p.recipient.bank_card, fmt(p.amount_fen),
                         programmes.label(p.programme), f"{p.for_month:%Y-%m}", KINDS[p.kind]])
        total, count = total + p.amount_fen, count + 1
    writer.writerow(["合计", count, "", "", fmt(total), "", f"{run.month:%Y-%m}", ""])
    held = held_lines(run)
    if held:  # the summary lists what was not sent, so the file and the roster add up
        writer.writerow(["暂缓发放", len(held), "", "", fmt(sum(p.amount_fen for p in held)), "", f"{run.month:%Y-%m}",
                         "无有效银行卡"])  # fmt: skip
        for p in held:
            recipients.add(p.recipient_id)
            writer.writerow([f"暂缓:{p.pk}", p.recipient.name, p.recipient.id_number, p.recipient.bank_card or "（无）",
                             fmt(p.amount_fen), programmes.label(p.programme), f"{p.for_month:%Y-%m}", KINDS[p.kind]])
    body = out.getvalue()
    record(actor, "payroll.export", object_type="payroll", object_id=run.pk, area_code=run.township_id,
           details={"lines": count, "total_fen": total, "held": [p.pk for p in held]})
    record_access(actor, purpose="export", person_ids=recipients, object_type="payroll", object_id=run.pk,
                  area_code=run.township_id, count=count)  # fmt: skip
    return (body + f"校验,{hashlib.sha256(body.encode('utf-8')).hexdigest()}\n").encode("utf-8-sig")


def payroll_sheet(run: PayrollRun, actor=None) -> bytes:
    """The payroll as the township files it (发放名册), totals at the foot. ID numbers are masked
    unless ``actor`` may take files with whole numbers; a file taken by a user is logged."""
    full = actor is not None and exports_full_id(actor, run.township_id)
    wb = Workbook()
    ws = wb.active
    ws.title = f"{run.month:%Y-%m}"
    append_row(ws, [f"{run.township.name} {programmes.label(run.programme)}发放名册 {run.month:%Y 年 %m 月}"])
    ws["A1"].font = Font(bold=True, size=13)
    append_row(ws, ["序号", "姓名", "公民身份号码", "金额（元）", "所属月份", "类别", "说明"])
    total, recipients, i = 0, set(), 0
    for i, p in enumerate(run.payments.select_related("recipient").order_by("id"), start=1):
        number = p.recipient.id_number
        append_row(ws, [i, p.recipient.name, number if full else mask_id(number), float(fmt(p.amount_fen)),
                        f"{p.for_month:%Y-%m}", KINDS[p.kind], p.reason])  # fmt: skip
        total += p.amount_fen
        recipients.add(p.recipient_id)
    append_row(ws, ["合计", run.lines, "", float(fmt(total)), "", "", ""])
    if actor is not None:
        record_access(actor, purpose="export", person_ids=recipients, object_type="payroll", object_id=run.pk,
                      area_code=run.township_id, full_id=full, count=i)  # fmt: skip
    for column, width in zip("ABCDEFG", (6, 10, 22, 12, 10, 8, 24), strict=True):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass
class Reconciliation:
    sent: int
    sent_fen: int
    paid: int
    paid_fen: int
    failed: int
    failed_fen: int
    pending: int
    failures: list[tuple[int, str, str, str]]  # payment id, name, amount, reason


def reconciliation(run: PayrollRun) -> Reconciliation:
    # Counted by the database: the page shows it for every view of a township's payroll.
    sent = _lines(run)
    status = {s: Q(bank_status=s) for s in ("paid", "failed", "pending")}
    t = sent.aggregate(sent=Count("id"), sent_fen=Sum("amount_fen"), paid=Count("id", filter=status["paid"]),
                       paid_fen=Sum("amount_fen", filter=status["paid"]), failed=Count("id", filter=status["failed"]),
                       failed_fen=Sum("amount_fen", filter=status["failed"]),
                       pending=Count("id", filter=status["pending"]))  # fmt: skip
    return Reconciliation(
        sent=t["sent"], sent_fen=t["sent_fen"] or 0, paid=t["paid"], paid_fen=t["paid_fen"] or 0,
        failed=t["failed"], failed_fen=t["failed_fen"] or 0, pending=t["pending"],
        failures=[(p.pk, p.recipient.name, fmt(p.amount_fen), p.bank_note) for p in sent.filter(status["failed"])],
    )


@transaction.atomic
def import_bank_return(actor, run: PayrollRun, data: bytes) -> Reconciliation:
    """The bank's return file: ``流水号,金额,结果,原因`` (结果 成功 or 失败). Every row is checked
    against the line sent; a file with any wrong row changes nothing and names the rows."""
    require_role(actor, ("approver",), run.township_id, "导入银行回盘文件")
    run = PayrollRun.objects.select_for_update().get(pk=run.pk)  # not while it is being cancelled
    _require_approved(run, "对账")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([FieldError("", "encoding", position=exc.start)]) from None
    if "\x00" in text:
        raise InputError([FieldError("", "bank_row", detail="文件含有空字符，不是文本格式的回盘文件")])
    sent = {p.pk: p for p in _lines(run)}
    errors, updates = [], []
    for line_no, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if line_no == 1 or not row or not "".join(row).strip():
            continue  # the header, blank lines
        where = f"第 {line_no} 行"
        if len(row) < 3:
            errors.append(FieldError(where, "bank_row", detail="应为 流水号,金额,结果,原因"))
            continue
        ref, amount, result, note = (row + [""])[:4]
        payment = sent.get(int(ref)) if ref.strip().isdigit() else None
        if payment is None:
            errors.append(FieldError(where, "bank_row", detail=f"流水号 {ref} 不在本名册中"))
            continue
        try:
            if to_fen(amount.strip()) != payment.amount_fen:
                detail = f"金额 {amount} 与发放的 {fmt(payment.amount_fen)} 不符"
                errors.append(FieldError(where, "bank_row", detail=detail))
                continue
        except (ValueError, ArithmeticError):
            errors.append(FieldError(where, "bank_row", detail=f"金额 {amount} 格式错误"))
            continue
        if result.strip() not in ("成功", "失败"):
            errors.append(FieldError(where, "bank_row", detail=f"结果应为“成功”或“失败”，实为 {result}"))
            continue
        updates.append((payment, "paid" if result.strip() == "成功" else "failed", note.strip()[:100]))
    if errors:
        raise InputError(errors)
    for payment, status, note in updates:
        payment.bank_status, payment.bank_note = status, note
    Payment.objects.bulk_update([u[0] for u in updates], ["bank_status", "bank_note"], batch_size=2000)
    report = reconciliation(run)
    if report.pending == 0:
        run.status = PayrollRun.Status.LOCKED
        run.save(update_fields=["status"])
    record(actor, "payroll.bank_return", object_type="payroll", object_id=run.pk, area_code=run.township_id,
           details={"paid": report.paid, "failed": report.failed, "pending": report.pending})
    return report
