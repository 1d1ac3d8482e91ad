"""The verification centre's pages: department deliveries and their rejections, check runs with
their progress and results, the problem ledger, and the centre's figures.

The pages read through ``selectors`` and write through ``services``; an upload goes through a
temporary file named like the original (the importer reads the format from the suffix).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import uuid
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import polars as pl
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from safetynet.batch import feeds
from safetynet.batch.feed_items import DEPARTMENTS, ITEMS
from safetynet.batch.screen import FINDING_KINDS
from safetynet.batch.verify import IMPACTS, LINE_LABELS
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.household import parse_month
from safetynet.registry.models import Area, Person
from safetynet.registry.search import search
from safetynet.registry.selectors import areas_for, staff_of
from safetynet.site.lists import filtered, paginate
from safetynet.site.personal import VERIFICATION, exports_full_id, mask_id, sees_full_id
from safetynet.site.sheets import csv_row
from safetynet.supervision.models import LedgerItem
from safetynet.supervision.services import record_access
from safetynet.verification import selectors, services
from safetynet.verification.exports import HEADERS, PROGRAMMES, sheet, sources_zh
from safetynet.verification.filters import DeliveryFilter, LedgerFilter
from safetynet.verification.models import CheckRun, FeedDelivery
from safetynet.web import clock
from safetynet.web.lang import current_lang as _lang

CLOSERS = ("clerk", "approver", "county", "verifier")
MISSED_KINDS = ("missed_dibao", "missed_tekun")
REJECTION_HEADERS = ("文件", "行号", "列", "值", "原因")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def role_of(user) -> str | None:
    staff = staff_of(user)
    return staff.role if staff else None


def sees_full_ids(user, area_code: str) -> bool:
    """The one rule (``site.personal``), for the centre's work."""
    return sees_full_id(user, area_code, work=VERIFICATION)


def shown_id(number: str, full: bool) -> str:
    return number if full else mask_id(number)


def log_seen(user, numbers: list[str], *, purpose: str, object_type: str, object_id, full: bool = True,
             count: int | None = None) -> None:
    """Log an answer that showed these ID numbers (PIPL): the registry's persons among them by
    their ids; ``count`` every row shown, those outside the registry too."""
    numbers = [n for n in numbers if n]
    if not numbers and not count:
        return
    staff = staff_of(user)
    persons = Person.objects.filter(id_number__in=set(numbers)).values_list("pk", flat=True) if numbers else []
    record_access(user, purpose=purpose, person_ids=list(persons), object_type=object_type, object_id=object_id,
                  area_code=staff.area_id if staff else "", full_id=full,
                  count=len(numbers) if count is None else count)  # fmt: skip


def ledger_rows(user, items, purpose: str = "list") -> list[tuple[LedgerItem, str]]:
    """Each item with its ID number as the user may see it; the whole ones shown are logged."""
    rows = [(i, sees_full_ids(user, i.area_id)) for i in items]
    log_seen(user, [i.id_number for i, full in rows if full], purpose=purpose, object_type="ledger_item",
             object_id=rows[0][0].pk if len(rows) == 1 else "list")  # fmt: skip
    return [(i, shown_id(i.id_number, full)) for i, full in rows]


# ---- shared with the API -------------------------------------------------------------------


def parse_delivered(text: str) -> date:
    """A delivery date: YYYY-MM-DD, from 2000 to today; PolicyError otherwise."""
    try:
        on = date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise PolicyError("date_format", value=text) from None
    if on.year < 2000:
        raise PolicyError("date_format", value=text)
    if on > clock.today():
        raise PolicyError("date_future", on=on.isoformat())
    return on


def upload_name(name: str | None) -> str:
    """The uploaded file's own name, made safe to write: its suffix decides the format."""
    path = Path((name or "").replace("\\", "/").rsplit("/", 1)[-1])
    suffix = path.suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,10}", path.suffix) else ""
    stem = re.sub(r"[^\w\-（）()]+", "_", path.stem)[:120].strip("._") or "delivery"
    return stem + suffix


def queue_upload(user, upload, item: str, delivered: date):
    """Save the upload in a folder of its own under UPLOAD_DIR, with the original name (the
    importer reads the format from the suffix), and queue its import for the worker."""
    folder = Path(settings.UPLOAD_DIR) / uuid.uuid4().hex
    folder.mkdir(parents=True)
    path = folder / upload_name(upload.name)
    try:
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return services.queue_import(user, path, item, delivered, path.name)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def upload_errors(item: str, delivered: str, upload) -> tuple[list[FieldError], date | None]:
    """Every problem of an upload form at once, each with its field."""
    errors = []
    on = None
    if not item:
        errors.append(FieldError("item", "required"))
    elif item not in ITEMS:
        errors.append(FieldError("item", "choice", value=item[:40], choices=", ".join(ITEMS)))
    try:
        on = parse_delivered(delivered or "")
    except PolicyError as exc:
        errors.append(FieldError("delivered", exc.code, **exc.params))
    if upload is None:
        errors.append(FieldError("file", "required"))
    return errors, on


def ledger_filtered(user, params) -> tuple[object, dict, list[FieldError]]:
    """The user's ledger filtered by kind, status, township and household number."""
    qs = selectors.ledger_for(user)
    chosen = {k: (params.get(k) or "").strip()[:40] for k in ("kind", "status", "township", "q")}
    errors = []
    if chosen["kind"]:
        if chosen["kind"] in FINDING_KINDS:
            qs = qs.filter(kind=chosen["kind"])
        else:
            errors.append(FieldError("kind", "choice", value=chosen["kind"], choices=", ".join(FINDING_KINDS)))
    if chosen["status"]:
        if chosen["status"] in LedgerItem.Status.values:
            qs = qs.filter(status=chosen["status"])
        else:
            errors.append(
                FieldError("status", "choice", value=chosen["status"], choices=", ".join(LedgerItem.Status.values))
            )
    if chosen["township"]:
        township = areas_for(user, Area.Level.TOWNSHIP).filter(code=chosen["township"]).first()
        if township:
            qs = qs.filter(area__code__startswith=township.code)
        else:
            errors.append(
                FieldError("township", "choice", value=chosen["township"], choices="辖区内的乡镇（街道）代码")
            )
    if chosen["q"]:
        qs = search(qs, chosen["q"], household=None, **LedgerFilter.search_fields)
    return qs, chosen, errors


def start_run(user, kind: str, township_code: str, month_text: str, day_text: str = "") -> CheckRun:
    """Validate a request for a township re-check, a day's applicants or a screening, and start
    it in the background.

    InputError for bad fields, Http404 for a township outside the user's area, PermissionDenied
    for a role that may not run it, PolicyError when no department data has been imported."""
    errors = []
    if kind not in ("township", "applicants", "screening"):
        errors.append(FieldError("kind", "required" if not kind else "choice", value=kind[:40],
                                 choices="township, applicants, screening"))  # fmt: skip
    if kind == "applicants":
        try:
            day = date.fromisoformat(day_text.strip())
        except ValueError:
            errors.append(FieldError("day", "date_format", value=day_text[:40]))
    else:
        try:
            month = parse_month(month_text)
        except PolicyError as exc:
            errors.append(FieldError("month", exc.code, **exc.params))
    if kind == "township" and not township_code:
        errors.append(FieldError("township", "required"))
    if errors:
        raise InputError(errors)
    if kind == "applicants":
        return services.start_applicants_check(user, day=day)
    if kind == "screening":
        return services.start_screening(user, month=month)
    township = areas_for(user, Area.Level.TOWNSHIP).filter(code=township_code).first()
    if township is None:
        raise Http404("township")
    return services.start_township_check(user, township, month=month)


def differing_lines(user, result) -> list[dict]:
    full = sees_full_ids(user, result.household.village_id)
    return [
        {"id_number": shown_id(line["id_number"], full), "line": line["line"],
         "label": LINE_LABELS.get(line["line"], line["line"]), "declared": line["declared"], "found": line["found"],
         "departments": line["departments"]}
        for line in result.lines if line.get("differs")
    ]  # fmt: skip


def results_seen(user, run: CheckRun, results) -> list[tuple[object, list[dict]]]:
    """Each result with its differing lines as the user may see them; whole numbers shown are logged."""
    rows = [(r, differing_lines(user, r)) for r in results]
    shown = [line["id_number"] for r, lines in rows if sees_full_ids(user, r.household.village_id) for line in lines]
    log_seen(user, shown, purpose="list", object_type="check_run", object_id=run.pk)
    return rows


# ---- pages ---------------------------------------------------------------------------------


def finding_kind(kind: str) -> str:
    """A kind of finding in words, in the page's language."""
    names = FINDING_KINDS.get(kind)
    return (names[1] if _lang() == "en" else names[0]) if names else kind


def _messages(request, errors: list[FieldError], labels: dict[str, str]) -> None:
    for e in errors:
        messages.error(request, f"{labels.get(e.path, e.path)}：{e.message(_lang())}" if e.path else e.message(_lang()))


def _centre(request):
    staff = staff_of(request.user)
    if staff is None or staff.role not in selectors.CENTRE_ROLES:
        raise PermissionDenied(_("部门数据交付仅核对人员、市级管理员和审计人员可以查看"))
    return staff


UPLOAD_LABELS = {"item": "数据项", "delivered": "交付日期", "file": "文件"}


@login_required
def deliveries(request):
    staff = _centre(request)
    if request.method == "POST":
        errors, delivered = upload_errors(request.POST.get("item", ""), request.POST.get("delivered", ""),
                                          request.FILES.get("file"))  # fmt: skip
        if errors:
            _messages(request, errors, UPLOAD_LABELS)
            return redirect("verification-deliveries")
        try:  # the worker imports it; the job's page follows it and then comes back here
            job = queue_upload(request.user, request.FILES["file"], request.POST["item"], delivered)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("verification-deliveries")
        return redirect("job", job.pk)
    f, rows = filtered(DeliveryFilter, request, selectors.deliveries_for(request.user))
    page = paginate(request, rows)
    imported = request.GET.get("imported", "")
    latest = selectors.deliveries_for(request.user).filter(pk=imported).first() if imported.isdigit() else None
    return render(request, "verification/deliveries.html", {
        "page": page, "filter": f, "latest": latest, "can_import": staff.role in services.IMPORTERS,
        "items": [(code, i.name, DEPARTMENTS[i.department]) for code, i in ITEMS.items()],
        "today": clock.today(),
    })  # fmt: skip


def _delivery(request, delivery_id: int) -> FeedDelivery:
    _centre(request)
    delivery = selectors.deliveries_for(request.user).filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404("delivery")
    return delivery


def rejection_rows(delivery: FeedDelivery) -> list[dict]:
    """Every rejected cell: the full report in the store, or the first ones kept with the record."""
    path = feeds.rejection_path(
        services.store_path(),
        SimpleNamespace(item=ITEMS[delivery.item], delivered=delivery.delivered_on, sha256=delivery.sha256),
    )
    if path.is_file():
        try:
            return pl.read_csv(path, schema_overrides=feeds.REJECTION_SCHEMA, infer_schema=False).to_dicts()
        except (pl.exceptions.PolarsError, OSError):
            pass
    return list(delivery.rejections)


@login_required
def rejections(request, delivery_id: int):
    delivery = _delivery(request, delivery_id)
    rows = rejection_rows(delivery)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "verification/rejections.html", {"delivery": delivery, "page": page, "total": len(rows)})


@login_required
def rejections_file(request, delivery_id: int, fmt: str):
    delivery = _delivery(request, delivery_id)
    # Rejected cells are the department's raw text: made safe to open (site.sheets) in either format.
    rows = [[r["file"], r["row"], r["column"], r["value"], r["reason"]] for r in rejection_rows(delivery)]
    name = f"rejections-{delivery.item}-{delivery.delivered_on:%Y-%m-%d}-{delivery.pk}"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(REJECTION_HEADERS)
        writer.writerows(csv_row(r) for r in rows)
        response = HttpResponse(("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(sheet("拒收明细", REJECTION_HEADERS, rows, (24, 8, 16, 24, 40)), content_type=XLSX)
    else:
        raise Http404("format")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def runs(request):
    role = role_of(request.user)
    page = Paginator(selectors.runs_for(request.user), 30).get_page(request.GET.get("page"))
    can_check = role in services.CHECKERS
    return render(request, "verification/runs.html", {
        "page": page, "can_check": can_check, "can_screen": role in services.SCREENERS,
        "townships": areas_for(request.user, Area.Level.TOWNSHIP) if can_check else [],
        "month": clock.today().replace(day=1),
        "today": clock.today(),
    })  # fmt: skip


RUN_LABELS = {"kind": "核对类型", "township": "乡镇（街道）", "month": "核对月份", "day": "受理日期"}


@login_required
def start(request):
    if request.method != "POST":
        raise Http404
    try:
        run = start_run(request.user, request.POST.get("kind", ""), request.POST.get("township", ""),
                        request.POST.get("month", ""), request.POST.get("day", ""))  # fmt: skip
    except InputError as exc:
        _messages(request, exc.errors, RUN_LABELS)
        return redirect("verification-runs")
    except Http404:
        messages.error(request, _("请选择辖区内的乡镇（街道）"))
        return redirect("verification-runs")
    except (PermissionDenied, PolicyError) as exc:
        messages.error(request, exc.message(_lang()) if isinstance(exc, PolicyError) else str(exc))
        return redirect("verification-runs")
    messages.success(request, _("核对批次 #%(id)d 已开始，在后台运行") % {"id": run.pk})
    return redirect("verification-run", run.pk)


def _run(request, run_id: int) -> CheckRun:
    run = selectors.runs_for(request.user).filter(pk=run_id).first()
    if run is None:
        raise Http404("run")
    return run


@login_required
def run_detail(request, run_id: int):
    run = _run(request, run_id)
    page = kinds = None
    if run.kind == CheckRun.Kind.SCREENING:
        kinds = [(finding_kind(k), n) for k, n in sorted(run.summary.get("kinds", {}).items())]
    else:
        results = selectors.results_for(request.user, run).order_by("id")
        page = Paginator(results, 50).get_page(request.GET.get("page"))
        page.rows = [{"result": r, "impact": IMPACTS.get(r.impact, r.impact), "lines": lines}
                     for r, lines in results_seen(request.user, run, page.object_list)]  # fmt: skip
    impacts = [(IMPACTS.get(k, k), n) for k, n in sorted(run.summary.get("impacts", {}).items())]
    return render(request, "verification/run.html", {
        "run": run, "page": page, "kinds": kinds, "impacts": impacts, "skipped": run.summary.get("skipped", []),
        "filed": selectors.ledger_for(request.user).filter(found_by=run).count(),
    })  # fmt: skip


@login_required
def run_progress(request, run_id: int):
    """The run's status for htmx to poll; on the run's own page a finished run reloads it."""
    run = _run(request, run_id)
    detail = request.GET.get("detail") == "1"
    response = render(request, "verification/_progress.html", {"run": run, "detail": detail})
    if detail and run.status in (CheckRun.Status.DONE, CheckRun.Status.FAILED):
        response["HX-Refresh"] = "true"
    return response


@login_required
def ledger(request):
    # Filtered (township, village, kind, programme, state, month, search), 25 a page; the Excel
    # file takes the same filters.
    f, qs = filtered(LedgerFilter, request, selectors.ledger_for(request.user))
    page = paginate(request, qs)
    people = selectors.ledger_people(request.user, list(page.object_list))
    page.rows = [{"item": i, "kind": finding_kind(i.kind), "id_number": number,
                  "sources": sources_zh(i.sources), "programme": PROGRAMMES.get(i.programme, i.programme),
                  "who": people[i.pk], "apply": _apply_link(request.user, i, people[i.pk])}
                 for i, number in ledger_rows(request.user, page.object_list)]  # fmt: skip
    return render(request, "verification/ledger.html", {
        "page": page, "filter": f, "can_close": role_of(request.user) in CLOSERS,
        "export_url": reverse("verification-ledger-xlsx"),
    })  # fmt: skip


def _apply_link(user, item: LedgerItem, who: dict) -> str:
    """A missed-coverage item starts an application in one step (for the window clerk): the
    household's application form, or, for a household not yet in the registry, the intake form
    filled in with what the population register knows."""
    if not who["missed"] or role_of(user) != "clerk":
        return ""
    if who["household"] is not None:
        query = {"programme": item.programme}
        if who["person"] is not None:
            query["applicant"] = who["person"].pk
        return f"{reverse('household', args=[who['household'].pk])}?{urlencode(query)}#apply"
    return f"{reverse('household-new')}?{urlencode({'ledger': item.pk})}"


LEDGER_HEADERS = (*HEADERS, "所属区划", "状态", "销号日期", "核查结果")


@login_required
def ledger_xlsx(request):
    _f, qs = filtered(LedgerFilter, request, selectors.ledger_for(request.user))
    chosen = {k: v for k, v in request.GET.items() if k != "page"}
    rows, numbers, any_full = [], [], False
    for n, i in enumerate(qs.iterator(chunk_size=2000), start=1):
        # Whole numbers in a file are a permission of their own (site.personal.exports_full_id).
        full = exports_full_id(request.user, i.area_id)
        any_full |= full and bool(i.id_number)
        numbers.append(i.id_number)
        rows.append([
            n, FINDING_KINDS.get(i.kind, (i.kind,))[0], i.household_no, shown_id(i.id_number, full), i.area_id,
            PROGRAMMES.get(i.programme, i.programme), i.evidence, sources_zh(i.sources), f"{i.month:%Y-%m}",
            i.area.name, i.get_status_display(), f"{i.closed_on:%Y-%m-%d}" if i.closed_on else "", i.outcome,
        ])  # fmt: skip
    if staff_of(request.user) is not None:  # personal data leaving the system in bulk: who took what
        log_seen(request.user, numbers, purpose="export", object_type="ledger",
                 object_id=urlencode({k: v for k, v in chosen.items() if v})[:64] or "all", full=any_full,
                 count=len(rows))  # fmt: skip
    body = sheet("问题台账", LEDGER_HEADERS, rows, (6, 26, 18, 20, 14, 6, 80, 60, 10, 16, 8, 12, 40))
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ledger-{clock.today():%Y-%m-%d}.xlsx"'
    return response


@login_required
def close_item(request, item_id: int):
    if request.method != "POST":
        raise Http404
    item = selectors.ledger_for(request.user).filter(pk=item_id).first()
    if item is None:
        raise Http404("ledger item")
    try:
        services.close_ledger_item(request.user, item, outcome=request.POST.get("outcome", "")[:2000],
                                   on=clock.today())  # fmt: skip
        messages.success(request, _("户号 %(no)s 的问题已销号") % {"no": item.household_no})
    except PolicyError as exc:
        errors = getattr(exc, "errors", None)
        if errors:
            _messages(request, errors, {"outcome": "核查结果", "status": "状态"})
        else:
            messages.error(request, exc.message(_lang()))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    back = request.POST.get("next", "")
    ledger_url = reverse("verification-ledger")
    if back.startswith(ledger_url + "?") and "//" not in back and "\\" not in back:
        return redirect(back)
    return redirect("verification-ledger")


@login_required
def reports(request):
    text = request.GET.get("year", "")
    year = int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else None
    if text and year is None:
        messages.warning(
            request, _("年份 %(value)s 无效（应为 2000 至 2100 的四位数），显示全部年份") % {"value": text[:20]}
        )
    counts = selectors.verification_counts(request.user, year)
    done = selectors.runs_for(request.user).filter(status=CheckRun.Status.DONE)
    if year:
        done = done.filter(month__year=year)
    labels = dict(CheckRun.Kind.choices)
    by_run_kind = [
        {"kind": labels.get(r["kind"], r["kind"]), "batches": r["n"], "households": r["households"] or 0,
         "persons": r["persons"] or 0}
        for r in done.values("kind").annotate(n=Count("id"), households=Sum("households"), persons=Sum("person_checks"))
        .order_by("kind")
    ]  # fmt: skip
    items = selectors.ledger_for(request.user)
    if year:
        items = items.filter(month__year=year)
    closed = Count("id", filter=Q(status=LedgerItem.Status.CLOSED))
    by_kind = {r["kind"]: r for r in items.values("kind").annotate(n=Count("id"), closed=closed)}
    kinds = [{"code": k, "label": v[0], "n": by_kind[k]["n"], "closed": by_kind[k]["closed"]}
             for k, v in FINDING_KINDS.items() if k in by_kind]  # fmt: skip
    per_county = items.annotate(county=Substr("area_id", 1, 6)).values("county", "kind").annotate(n=Count("id"))
    counties = sorted({r["county"] for r in per_county})
    names = dict(Area.objects.filter(code__in=counties).values_list("code", "name"))
    series = {k["code"]: [0] * len(counties) for k in kinds}
    for r in per_county:
        series[r["kind"]][counties.index(r["county"])] = r["n"]
    chart = {
        "counties": [names.get(c, c) for c in counties],
        "series": [{"name": k["label"], "data": series[k["code"]]} for k in kinds],
    }
    missed = []
    enrolled = selectors.newly_enrolled(items)
    for k in MISSED_KINDS:
        found, closed_n = by_kind.get(k, {}).get("n", 0), by_kind.get(k, {}).get("closed", 0)
        missed.append({"label": FINDING_KINDS[k][0], "found": found, "closed": closed_n, "open": found - closed_n,
                       "enrolled": enrolled.get(k, 0)})  # fmt: skip
    return render(request, "verification/reports.html", {
        "counts": counts, "by_run_kind": by_run_kind, "kinds": kinds, "chart": json.dumps(chart, ensure_ascii=False),
        "missed": missed, "year": year,
    })  # fmt: skip
