"""The demo's department data: deliveries for the demo city's own residents, imported through the
verification centre, then a screening and a township re-check, so its pages have something real.

The feeds say what the households declared, except where a department knows better: a few
covered households have a car, a wage or a business they did not declare, a few beneficiaries
have died. One delivery carries malformed rows, to show the rejection report.
"""

from __future__ import annotations

import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

import polars as pl
from django.conf import settings

from safetynet.batch.facts import window
from safetynet.batch.feed_items import ITEMS
from safetynet.batch.feeds import as_delivery, store_schema
from safetynet.policy.months import add_months
from safetynet.registry.models import Area, Asset, Household, Income, Person
from safetynet.reports.selectors import COVERED_STATES

FORMATS = {"deposits": "xlsx", "vehicles": "xlsx", "income_tax": "parquet", "pensions": "parquet"}


def household_number(household: Household) -> str:
    return household.household_no or f"{household.village_id[:6]}{household.pk:010d}"


def _key(id_number: str) -> int:
    return int(id_number[:17])


def department_rows(month: date, today: date, rng: random.Random) -> dict[str, list[dict]]:
    """Each item's rows (store format) for the demo's residents in ``month``, delivered ``today``."""
    from safetynet.cases.models import Case

    first, last, months = window(month)
    in_window = [add_months(first, i) for i in range(months)]
    rows: dict[str, list[dict]] = {code: [] for code in ITEMS}
    covered = {}
    on_rolls = Case.objects.filter(state__in=COVERED_STATES).select_related("applicant", "household")
    for case in on_rolls:
        covered.setdefault(case.household_id, []).append(case)
    people = Person.objects.select_related("household__village").order_by("household_id", "id")
    incomes: dict[int, list[Income]] = {}
    for i in Income.objects.filter(since__lte=month).exclude(until__lte=month):
        incomes.setdefault(i.person_id, []).append(i)
    assets: dict[int, list[Asset]] = {}
    for a in Asset.objects.filter(since__lte=month).exclude(until__lte=month):
        assets.setdefault(a.person_id, []).append(a)
    heads: dict[int, Person] = {}
    spouses: dict[int, Person] = {}
    parent_of_head: dict[str, Person] = {}
    for p in people:
        key, hh = _key(p.id_number), p.household
        base = {"person_key": key, "id_number": p.id_number}
        # children are linked to the head (and the spouse), the head to a parent living with them
        head = heads.get(hh.pk)
        spouse = spouses.get(hh.pk)
        rows["household_registration"].append({
            **base, "name": p.name, "household_no": household_number(hh), "area_code": hh.village_id,
            "hukou": hh.hukou, "relation": p.relation,
            "father_id": head.id_number if p.relation == "child" and head else None,
            "mother_id": spouse.id_number if p.relation == "child" and spouse else None,
        })  # fmt: skip
        if p.relation == "parent" and head:
            parent_of_head[household_number(hh)] = p
        if p.relation == "head":
            heads[hh.pk] = p
        elif p.relation == "spouse" and hh.pk in heads:
            spouses[hh.pk] = p
            wed = {"status": "married", "event_date": date(2000, 10, 1)}
            head = heads[hh.pk]
            rows["marriage"] += [{**base, "spouse_id": head.id_number, **wed},
                                 {"person_key": _key(head.id_number), "id_number": head.id_number,
                                  "spouse_id": p.id_number, **wed}]  # fmt: skip
        for i in incomes.get(p.pk, []):
            if i.kind == "wage":
                rows["income_tax"] += [{**base, "month": m, "wage_income": i.monthly_fen, "tax": 0,
                                        "personal_insurance": 0} for m in in_window]  # fmt: skip
            elif i.kind in ("pension", "pension_basic"):
                basic = i.monthly_fen if i.kind == "pension_basic" else 0
                rows["pensions"] += [{**base, "month": m, "scheme": "resident", "amount": i.monthly_fen,
                                      "central_basic": basic} for m in in_window]  # fmt: skip
            elif i.kind == "unemployment_benefit":
                rows["unemployment"] += [{**base, "month": m, "amount": i.monthly_fen} for m in in_window]
        for n, a in enumerate(assets.get(p.pk, [])):
            if a.kind == "deposit":
                rows["deposits"].append({**base, "institution": "农业银行", "balance": a.value_fen, "as_of": today})
            elif a.kind == "vehicle":
                kind = {"ordinary": "car", "disability": "disability", "farm": "farm"}[a.use or "ordinary"]
                rows["vehicles"].append({**base, "plate": f"鲁H{p.pk:05d}{n}", "vehicle_type": kind,
                                         "registered_date": a.since})  # fmt: skip
            elif a.kind == "house":
                rows["real_estate"].append({**base, "certificate_no": f"鲁{p.pk:08d}{n}", "use": "residential",
                                            "registered_date": a.since})  # fmt: skip
            elif a.kind == "business":
                rows["business"].append({**base, "credit_code": f"92370800MA{p.pk:08d}", "entity_type": "individual",
                                         "status": "active", "registered_date": a.since})  # fmt: skip
        if p.disability_grade:
            rows["disability"].append({**base, "disability_kind": p.disability_kind, "grade": p.disability_grade,
                                       "issued_date": date(2015, 6, 1)})  # fmt: skip
        if p.serious_illness:
            rows["medical"].append({**base, "month": last, "total_cost": 800000, "self_paid": 240000,
                                    "serious_illness": True})  # fmt: skip
        if hh.registered_poor:
            rows["registered_poor"].append({**base, "poor_household_no": f"P{hh.pk:08d}", "status": "out_of_poverty",
                                            "year": 2020})  # fmt: skip
    for cases in covered.values():
        for case in cases:
            who = case.household.members.all() if case.programme == "dibao" else [case.applicant]
            for p in who:
                rows["assistance"].append({
                    "person_key": _key(p.id_number), "id_number": p.id_number, "programme": case.programme,
                    "area_code": case.area_code, "household_no": household_number(case.household),
                    "monthly_amount": 0, "since": min(case.entitlement_from or case.opened_on, today),
                })  # fmt: skip
    for row in rows["household_registration"]:  # the head's parent, once all are read
        parent = parent_of_head.get(row["household_no"]) if row["relation"] == "head" else None
        if parent is not None:
            row["father_id"] = parent.id_number
    # What the departments know that the households did not say.
    hidden = rng.sample(sorted(covered), k=min(len(covered), max(4, len(covered) // 25)))
    for n, household_id in enumerate(hidden):
        head = heads.get(household_id)
        if head is None:
            continue
        base = {"person_key": _key(head.id_number), "id_number": head.id_number}
        if n % 4 == 0:
            rows["vehicles"].append({**base, "plate": f"鲁H9{n:04d}", "vehicle_type": "car",
                                     "registered_date": date(2022, 3, 1)})  # fmt: skip
        elif n % 4 == 1:
            rows["income_tax"] += [{**base, "month": m, "wage_income": 260000, "tax": 0, "personal_insurance": 0}
                                   for m in in_window]  # fmt: skip
        elif n % 4 == 2:
            rows["business"].append({**base, "credit_code": f"91370800MB{n:08d}", "entity_type": "enterprise",
                                     "status": "active", "registered_date": date(2023, 8, 1)})  # fmt: skip
        else:
            rows["deaths"].append({**base, "death_date": add_months(month, -2) + timedelta(days=9)})
    return rows


def seed_feeds(importer, screener, today: date, seed: int = 2026) -> dict:
    """Write each item as a department would deliver it today, import it, screen this month and
    re-check a township."""
    from safetynet.verification import services
    from safetynet.verification.models import CheckRun
    from safetynet.verification.selectors import households_to_review

    rng = random.Random(seed)
    delivered, month = today, today.replace(day=1)
    # the demo's households get the household numbers the public security register gives them
    unnumbered = list(Household.objects.filter(household_no=""))
    for household in unnumbered:
        household.household_no = household_number(household)
    Household.objects.bulk_update(unnumbered, ["household_no"], batch_size=1000)
    rows = department_rows(month, today, rng)
    imported = {}
    with tempfile.TemporaryDirectory() as tmp:
        for code, item_rows in rows.items():
            schema = store_schema(ITEMS[code])
            frame = pl.DataFrame(item_rows, schema={k: v for k, v in schema.items() if not k.endswith("_key")}
                                 | {"person_key": pl.Int64}) if item_rows else pl.DataFrame(schema=schema)  # fmt: skip
            delivery = as_delivery(code, frame)
            fmt = FORMATS.get(code, "csv")
            path = Path(tmp) / f"{code}-{delivered:%Y%m%d}.{fmt}"
            if code == "deposits":  # a delivery with mistakes in it, as real ones have
                someone = rows["household_registration"][0]["id_number"]
                bad = pl.DataFrame([["37083019500101123X", "农业银行", "100.00", f"{delivered}"],
                                    ["", "工商银行", "abc", f"{delivered}"],
                                    [someone, "建设银行", "12.345", "2026-13-01"]],
                                   schema=delivery.columns, orient="row")  # fmt: skip
                delivery = pl.concat([delivery, bad])
            if fmt == "xlsx":
                _write_xlsx(delivery, path)
            elif fmt == "parquet":
                delivery.write_parquet(path)
            else:
                delivery.write_csv(path)
            record, _ = services.import_delivery(importer, path, code, delivered)
            imported[code] = (record.rows_loaded, record.rows_rejected)
    city = Area.objects.get(code="3708")
    run, findings = services.screen_population(screener, month=month, area=city)
    village = Household.objects.filter(cases__state__in=COVERED_STATES).values_list("village_id", flat=True).first()
    if village:
        area = Area.objects.get(code=village[:9])
        households = list(households_to_review(area))
        services.check_households(screener, households, month=month, kind=CheckRun.Kind.TOWNSHIP, area=area)
    return {"deliveries": len(imported), "findings": findings.height, "store": str(settings.FEED_STORE)}


def _write_xlsx(frame: pl.DataFrame, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(frame.columns)
    for row in frame.iter_rows():
        book.active.append(list(row))
    book.save(path)
