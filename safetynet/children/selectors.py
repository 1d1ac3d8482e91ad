"""Reads of children's allowances and education aid, every one scoped to the user's area
(``registry.selectors.scope_prefix``): the list of children's and students' cases, and the
figures (issue 11 point 8): children by category and placement with the allowance paid; students
by kind of aid with the aid paid. "Paid" is what the payrolls actually paid: lines of approved or
bank-returned payrolls, not cancelled, not returned as failed by the bank, in the payroll months
of ``year``; the price subsidy paid beside the allowance is counted apart."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from safetynet.cases.models import Case
from safetynet.children.models import AidApplication, ChildCase
from safetynet.payments.models import Payment, PayrollRun
from safetynet.policy.education_aid import KINDS
from safetynet.registry.models import Area
from safetynet.registry.selectors import scope_prefix, staff_of

CHILD_PROGRAMMES = ("orphan", "unsupported_child")
PROGRAMMES = (*CHILD_PROGRAMMES, "education_aid")
PLACEMENTS = ("dispersed", "concentrated")
LIVE = ("approved", "review", "suspended", "ending")
# Who reads the lists and the figures: the township's window and approver, the county and the
# city, the county's approver of children's allowances, the auditor (menu: requests-children.md).
READERS = ("clerk", "approver", "county", "county_approver", "city", "auditor")
PAID_RUNS = (PayrollRun.Status.APPROVED, PayrollRun.Status.LOCKED)


def reader(user) -> bool:
    staff = staff_of(user)
    return staff is not None and staff.role in READERS and scope_prefix(user) is not None


def cases_for(user) -> QuerySet[Case]:
    """The children's and students' cases of the user's area (none for another role)."""
    prefix = scope_prefix(user)
    if prefix is None or not reader(user):
        return Case.objects.none()
    return (Case.objects.filter(programme__in=PROGRAMMES, area_code__startswith=prefix)
            .select_related("applicant", "household__village__parent", "child", "aid"))  # fmt: skip


def paid(prefix: str, year: int, programmes: tuple[str, ...]) -> QuerySet[Payment]:
    """The lines the payrolls of ``year`` paid under ``prefix`` for ``programmes``."""
    return (Payment.objects.filter(programme__in=programmes, case__area_code__startswith=prefix, month__year=year,
                                   run__status__in=PAID_RUNS, cancelled=False)
            .exclude(bank_status="failed"))  # fmt: skip


def figures(user, year: int) -> dict | None:
    """None for a user who sees nothing by area."""
    prefix = scope_prefix(user)
    if prefix is None:
        return None
    children = ChildCase.objects.filter(case__area_code__startswith=prefix)
    supported = (children.filter(case__state__in=LIVE).values("case__programme", "placement")
                 .annotate(n=Count("case")))  # fmt: skip
    lines = paid(prefix, year, CHILD_PROGRAMMES)
    allowance = (lines.exclude(kind="price_subsidy").values("programme", "case__child__placement")
                 .annotate(fen=Sum("amount_fen"), persons=Count("recipient", distinct=True)))  # fmt: skip
    subsidy = lines.filter(kind="price_subsidy").values("programme").annotate(fen=Sum("amount_fen"))
    persons = lines.exclude(kind="price_subsidy").values("programme").annotate(n=Count("recipient", distinct=True))
    paid_by = {(r["programme"], r["case__child__placement"]): r for r in allowance}
    subsidy_by = {r["programme"]: r["fen"] or 0 for r in subsidy}
    persons_by = {r["programme"]: r["n"] for r in persons}
    child_rows = []
    for programme in CHILD_PROGRAMMES:
        by_placement = {r["placement"]: r["n"] for r in supported if r["case__programme"] == programme}
        row = {"programme": programme, "supported": sum(by_placement.values()),
               "paid_persons": persons_by.get(programme, 0), "price_subsidy_fen": subsidy_by.get(programme, 0)}
        for placement in PLACEMENTS:
            row[placement] = by_placement.get(placement, 0)
            row[f"{placement}_paid_fen"] = (paid_by.get((programme, placement)) or {}).get("fen") or 0
        row["paid_fen"] = sum(row[f"{p}_paid_fen"] for p in PLACEMENTS)
        child_rows.append(row)  # fmt: skip
    aid = AidApplication.objects.filter(case__area_code__startswith=prefix, school_year__in=(year - 1, year))
    granted = aid.filter(case__state__in=("granted", "paid")).values("kind").annotate(
        students=Count("student", distinct=True))  # fmt: skip
    paid_aid = paid(prefix, year, ("education_aid",)).values("case__aid__kind").annotate(
        fen=Sum("amount_fen"), students=Count("recipient", distinct=True))  # fmt: skip
    granted_by = {r["kind"]: r["students"] for r in granted}
    paid_by_kind = {r["case__aid__kind"]: r for r in paid_aid}
    aid_rows = [
        {"kind": kind, "granted_students": granted_by.get(kind, 0),
         "paid_students": paid_by_kind.get(kind, {}).get("students", 0),
         "paid_fen": paid_by_kind.get(kind, {}).get("fen") or 0}
        for kind in KINDS
    ]  # fmt: skip
    refused = aid.filter(Q(case__state="refused")).count()
    return {"year": year, "children": child_rows, "aid": aid_rows, "aid_refused": refused,
            "townships": by_township(prefix, year)}  # fmt: skip


def by_township(prefix: str, year: int) -> list[dict]:
    """Per township of the area (one row for a township's own staff): children supported now,
    the allowance paid, students granted and the aid paid in ``year``."""
    townships = list(Area.objects.filter(level=Area.Level.TOWNSHIP, code__startswith=prefix[:9]).order_by("code"))
    if len(prefix) > 9:  # a village's staff: its township only
        townships = [t for t in townships if prefix.startswith(t.code)]
    live = (Case.objects.filter(programme__in=CHILD_PROGRAMMES, state__in=LIVE, area_code__startswith=prefix)
            .values_list("area_code", flat=True))  # fmt: skip
    students = (AidApplication.objects.filter(case__area_code__startswith=prefix, school_year__in=(year - 1, year),
                                              case__state__in=("granted", "paid"))
                .values_list("case__area_code", "student_id"))  # fmt: skip
    money = (paid(prefix, year, PROGRAMMES).exclude(kind="price_subsidy")
             .values_list("run__township_id", "programme").annotate(fen=Sum("amount_fen")))  # fmt: skip
    rows = {t.code: {"code": t.code, "name": t.name, "children": 0, "children_paid_fen": 0, "students": 0,
                     "aid_paid_fen": 0} for t in townships}  # fmt: skip
    for code in live:
        if code[:9] in rows:
            rows[code[:9]]["children"] += 1
    for code in {(c[:9], s) for c, s in students}:
        if code[0] in rows:
            rows[code[0]]["students"] += 1
    for township, programme, fen in money:
        if township in rows:
            rows[township]["aid_paid_fen" if programme == "education_aid" else "children_paid_fen"] += fen or 0
    return list(rows.values())
