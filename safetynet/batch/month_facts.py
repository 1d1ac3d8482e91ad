"""The month's facts in register order, kept up to date when a delivery is imported: what the
screening reads instead of the departments' raw rows.

Summing the items up per person (``facts.item_facts``) and finding each person in the register
cost more than reading the month's rows. Both depend only on the deliveries, so they are done
when a delivery is imported (``feeds.write_delivery`` calls ``after_delivery``), for the one item
delivered, and the screening reads the result:

- ``register.parquet``: the register, household by household (sorted by household number when
  it was not delivered so), one row per resident: ``person_key``, ``household`` (the households
  numbered 0, 1, ... in that order), ``area_code`` and ``county`` (its first six digits as a
  number), ``birth_date`` (from the ID number), ``hukou``, ``relation``, and each person's father
  and mother as row numbers (``father_row``, ``mother_row``: -1 for a parent not in the
  register, -2 for none named);
  ``households.parquet``: each household's number and first row, in the same order;
  ``sums.parquet``: each household's living members (``living``), their incomes of each kind
  summed, and whether anyone in it is covered (``on_rolls``);
- ``item=<code>.parquet`` for each item whose facts the screening reads (``KEPT``): those facts
  for each row of the register, the empty value where the department has no record (no deposit
  record is no deposit; a role or a kind of disability as a code, ``CODED``), and for marriage
  the spouse's row (``spouse_row``, as the parents').

A set answers for one month read to one day (``cutoff``; by default the last day before the
month, ``facts.as_of``) and lives in ``store/_screening/month=YYYY-MM/cutoff=YYYY-MM-DD/``. Each
file names, in its Parquet metadata, the delivery files it was made from (path, size, time) and
the register's. ``ensure`` compares them with the store and makes again whatever is not current
(a delivery written by other means than the importer, a day no set was kept for, a register
delivered since: every item's rows then move), so the screening never reads stale facts, and a
reader checks after reading that no file changed under it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from safetynet.batch.facts import ENGINE, FACT_COLUMNS, ITEM_FACTS, as_of, birth_date, item_facts
from safetynet.batch.feed_items import DISABILITY_KINDS, ITEMS, RELATIONS
from safetynet.batch.feeds import atomic_write, delivery_files, scan_item
from safetynet.policy.areas import all_areas
from safetynet.policy.months import add_months

log = logging.getLogger(__name__)

FOLDER = "_screening"
REGISTER = "household_registration"
SIGNATURE = "safetynet_inputs"  # the Parquet metadata key naming what a file was made from
FORMAT = 6  # raise when the files' columns change: sets made before are then made again

# The facts the screening reads (``screen.screen_store``); an item none of whose facts it reads is
# not kept (social insurance and the housing fund are reported by the checks, not screened).
KEPT = (
    "deceased", "death_date", "spouse_key", "income_wage_fen", "income_pension_fen", "income_pension_basic_fen",
    "income_unemployment_benefit_fen", "deposits_fen", "securities_fen", "insurance_fen", "vehicles_ordinary",
    "vehicles_disability", "vehicles_farm", "vehicle_plates", "dwellings", "businesses", "business_codes",
    "payroll_role", "payroll_employer", "disability_kind", "disability_grade", "serious_illness", "covered_dibao",
    "covered_tekun", "assistance_records", "assistance_areas",
)  # fmt: skip
KEPT_ITEMS: dict[str, tuple[str, ...]] = {
    code: tuple(c for c in columns if c in KEPT) for code, columns in ITEM_FACTS.items() if set(columns) & set(KEPT)
}
# Each household's sums over its living members, kept beside it (``sums.parquet``), and the
# items they come from: the register, deaths (who is living), the incomes, coverage.
SUMS_FROM = ("deaths", "income_tax", "pensions", "unemployment", "assistance")
INCOMES = tuple(c for code in SUMS_FROM for c in KEPT_ITEMS[code] if c.startswith("income_"))
# Values the importer allows only from a list, kept as codes (read back without any text).
HUKOU = pl.Enum(list(ITEMS[REGISTER].columns["hukou"]))
RELATION = pl.Enum(list(RELATIONS))
CODED = {
    "payroll_role": pl.Enum(list(ITEMS["public_payroll"].columns["role"])),
    "disability_kind": pl.Enum(list(DISABILITY_KINDS)),
}
ROWS = pl.Int32  # a row of the register (more than two thousand million residents is not a city)


def folder(store: Path, month: date, cutoff: date | None = None) -> Path:
    return store / FOLDER / f"month={month:%Y-%m}" / f"cutoff={cutoff or as_of(month):%Y-%m-%d}"


def inputs(store: Path, code: str, cutoff: date) -> list[list]:
    """The delivery files a read of ``code`` to ``cutoff`` takes, each with its size and time."""
    out = []
    for f in delivery_files(store, code, cutoff):
        st = f.stat()
        out.append([f.relative_to(store).as_posix(), st.st_size, st.st_mtime_ns])
    return out


def _signature(*parts: object) -> str:
    return hashlib.sha256(json.dumps([FORMAT, *parts]).encode()).hexdigest()


def _signed(path: Path) -> str | None:
    try:
        return pl.read_parquet_metadata(path).get(SIGNATURE)
    except (OSError, pl.exceptions.PolarsError):
        return None


# Rows per row group, the same in every file: the files of a set read back as columns cut at the
# same rows, which Polars then works on together without copying them into line first.
ROW_GROUP = 1 << 18


def _write(path: Path, frame: pl.DataFrame, signature: str) -> None:
    atomic_write(path, lambda p: frame.write_parquet(p, row_group_size=ROW_GROUP, metadata={SIGNATURE: signature}))


class RegisterIndex:
    """The register's persons sorted by key, to find a key's row: sorted once, searched often."""

    def __init__(self, keys: pl.Series):
        self.size = keys.len()
        self.order = keys.arg_sort()
        self.sorted_keys = keys.gather(self.order)

    def rows(self, keys: pl.Series) -> pl.Series:
        """Each key's row (its first, if the register holds it twice): -1 for a key not in the
        register, -2 for no key (a number for both, so that the rows index arrays as they are)."""
        if self.size == 0:
            return pl.select(pl.when(pl.lit(keys).is_not_null()).then(-1).otherwise(-2)).to_series().cast(ROWS)
        at = self.sorted_keys.search_sorted(keys.fill_null(0), side="left").clip(0, self.size - 1)
        hit = (self.sorted_keys.gather(at) == keys).fill_null(False)
        row = pl.when(pl.lit(hit)).then(pl.lit(self.order.gather(at)))
        return pl.select(row.when(pl.lit(keys).is_not_null()).then(-1).otherwise(-2)).to_series().cast(ROWS)

    def aligned(self, facts: pl.DataFrame) -> pl.DataFrame:
        """``facts`` (one row per key) on the register's rows, the empty value where it has none."""
        columns = [c for c in facts.columns if c != "person_key"]
        empties = [
            pl.col(c).fill_null(pl.lit(FACT_COLUMNS[c][1], FACT_COLUMNS[c][0])).cast(FACT_COLUMNS[c][0])
            if FACT_COLUMNS[c][1] is not None
            else pl.col(c).cast(FACT_COLUMNS[c][0])
            for c in columns
        ]
        if self.size == 0 or facts.height == 0:
            return facts.select(columns).clear(self.size).select(empties)
        found = facts.get_column("person_key")
        at = self.sorted_keys.search_sorted(found, side="left").clip(0, self.size - 1)
        hit = (self.sorted_keys.gather(at) == found).to_numpy()
        where = np.full(self.size, -1, dtype=np.int64)
        where[self.order.gather(at).to_numpy()[hit]] = np.flatnonzero(hit)
        index = pl.Series(where).set(pl.Series(where < 0), None)
        return facts.select(pl.col(columns).gather(index)).select(empties)


def _register_rows(store: Path, cutoff: date) -> pl.DataFrame:
    rows = (
        scan_item(store, REGISTER, cutoff)
        .select("person_key", "household_no", "area_code", "hukou", "relation", "father_key", "mother_key")
        .collect(engine=ENGINE)
    )
    if not rows.get_column("household_no").is_sorted():  # as ``screen.in_households`` orders them
        rows = rows.sort("household_no", maintain_order=True)
    return rows


def _codes(column: pl.Series, enum: pl.Enum) -> pl.Series:
    """The column as codes of ``enum``; as text if it holds a value outside it (written by other
    means than the importer), so that nothing is lost."""
    try:
        return column.cast(enum)
    except pl.exceptions.PolarsError:
        return column


def build_register(store: Path, cutoff: date, target: Path, signature: str) -> RegisterIndex:
    rows = _register_rows(store, cutoff)
    index = RegisterIndex(rows.get_column("person_key"))
    starts = (pl.col("household_no") != pl.col("household_no").shift(1)).fill_null(True)
    register = rows.select(
        "person_key",
        (starts.cum_sum() - 1).cast(pl.Int32).alias("household"),
        pl.col("area_code").cast(pl.Categorical),
        pl.col("area_code").str.slice(0, 6).cast(pl.Int32, strict=False).alias("county"),
        birth_date(pl.col("person_key")).alias("birth_date"),
    ).with_columns(
        _codes(rows.get_column("hukou"), HUKOU),
        _codes(rows.get_column("relation"), RELATION),
        index.rows(rows.get_column("father_key")).alias("father_row"),
        index.rows(rows.get_column("mother_key")).alias("mother_row"),
    )
    households = rows.select("household_no", pl.int_range(pl.len(), dtype=ROWS).alias("first_row")).filter(starts)
    _write(target / "households.parquet", households, signature)
    _write(target / "keys.parquet", pl.DataFrame({"person_key": index.sorted_keys, "row": index.order}), signature)
    _write(target / "register.parquet", register, signature)
    return index


def _index(target: Path) -> RegisterIndex:
    keys = pl.read_parquet(target / "keys.parquet")
    index = RegisterIndex.__new__(RegisterIndex)
    index.size, index.sorted_keys, index.order = keys.height, keys.get_column("person_key"), keys.get_column("row")
    return index


def build_item(store: Path, month: date, cutoff: date, code: str, target: Path, index: RegisterIndex, signature: str):
    rows = scan_item(store, code, cutoff)
    facts = item_facts(code, rows, month, cutoff).select("person_key", *KEPT_ITEMS[code]).collect(engine=ENGINE)
    aligned = index.aligned(facts.sort("person_key"))
    aligned = aligned.with_columns(
        _codes(aligned.get_column(c), enum) for c, enum in CODED.items() if c in aligned.columns
    )
    if code == "marriage":
        aligned = aligned.with_columns(index.rows(aligned.get_column("spouse_key")).alias("spouse_row"))
    _write(target / f"item={code}.parquet", aligned, signature)


def living() -> pl.Expr:
    """The residents the rules count (``screen.screen_persons``): living, and registered in one
    of the city's areas (a household's members elsewhere are not the city's to screen)."""
    return ~pl.col("deceased") & pl.col("county").is_in([int(a.code) for a in all_areas()]).fill_null(False)


def build_sums(target: Path, signature: str) -> None:
    """Each household's living members, their incomes of each kind summed, and whether anyone in
    it (living or not) is covered: data summed by household, the rules' parameters not read."""
    first = pl.read_parquet(target / "households.parquet", columns=["first_row"]).to_series().to_numpy()
    frames = [pl.read_parquet(target / "register.parquet", columns=["county"])]
    frames += [pl.read_parquet(target / f"item={code}.parquet") for code in SUMS_FROM]
    persons = pl.concat(frames, how="horizontal")
    per_person = persons.select(
        living().cast(pl.Int64).alias("members"),
        *(pl.when(living()).then(pl.col(c)).otherwise(0).alias(c) for c in INCOMES),
        (pl.col("covered_dibao") | pl.col("covered_tekun")).cast(pl.Int64).alias("on_rolls"),
    )
    if len(first):
        sums = {c: np.add.reduceat(per_person.get_column(c).to_numpy(), first) for c in per_person.columns}
    else:
        sums = {c: np.zeros(0, dtype=np.int64) for c in per_person.columns}
    out = pl.DataFrame(sums).with_columns(pl.col("members").cast(pl.Int32), pl.col("on_rolls") > 0)
    _write(target / "sums.parquet", out, signature)


def ensure(store: Path, month: date, cutoff: date | None = None, progress=None) -> tuple[Path, list[str]]:
    """The set for ``month`` read to ``cutoff``, every file current; returns its folder and the
    items made again (the register first, if it was; "sums" last, if they were)."""
    cutoff = cutoff or as_of(month)
    target = folder(store, month, cutoff)
    target.mkdir(parents=True, exist_ok=True)
    register_in = inputs(store, REGISTER, cutoff)
    register_sig = _signature(f"{month}", f"{cutoff}", register_in)
    made: list[str] = []
    index = None
    register_files = ("register.parquet", "households.parquet", "keys.parquet")
    if any(_signed(target / name) != register_sig for name in register_files):
        index = build_register(store, cutoff, target, register_sig)
        made.append(REGISTER)
    signatures = {}
    for code in KEPT_ITEMS:
        signature = signatures[code] = _signature(register_sig, inputs(store, code, cutoff))
        if _signed(target / f"item={code}.parquet") != signature:
            if progress:
                progress(code)
            index = index or _index(target)
            build_item(store, month, cutoff, code, target, index, signature)
            made.append(code)
    sums_sig = _signature(register_sig, *(signatures[code] for code in SUMS_FROM))
    if _signed(target / "sums.parquet") != sums_sig:
        if progress:
            progress("sums")
        build_sums(target, sums_sig)
        made.append("sums")
    return target, made


def signatures(target: Path) -> dict[str, str | None]:
    """What each file of a set says it was made from: read before and after reading the files, to
    know that none changed in between."""
    return _signatures(target)


def _signatures(target: Path) -> dict[str, str | None]:
    names = ["register.parquet", "households.parquet", "sums.parquet", *(f"item={c}.parquet" for c in KEPT_ITEMS)]
    return {name: _signed(target / name) for name in names}


def scans(target: Path, columns: dict[str, list[str]] | None = None, households: bool = True) -> list[pl.LazyFrame]:
    """The set's files as ``read`` reads them: the register, each kept item (the ``columns``
    asked of each, by default all; a file none of whose columns is asked is left out), then the
    households and their sums (unless ``households`` is false)."""
    wanted = columns or {name: [pl.all()] for name in ("register", *KEPT_ITEMS)}
    out = [pl.scan_parquet(target / "register.parquet").select(wanted["register"])] if "register" in wanted else []
    out += [pl.scan_parquet(target / f"item={c}.parquet").select(wanted[c]) for c in KEPT_ITEMS if c in wanted]
    if households:
        out += [pl.scan_parquet(target / f"{name}.parquet") for name in ("households", "sums")]
    return out


def read(
    store: Path, month: date, cutoff: date | None = None, columns: dict[str, list[str]] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """The set's persons (the register's columns and every kept fact, or the ``columns`` asked of
    each file: ``{"register": [...], "marriage": [...]}``), its households (number, first row, and
    ``sums.parquet``'s sums), and the items made again first because they were not current."""
    made: list[str] = []
    for _ in range(3):  # a delivery imported while reading: read again
        target, again = ensure(store, month, cutoff)
        made += again
        before = _signatures(target)
        frames = pl.collect_all(scans(target, columns), engine=ENGINE)
        if _signatures(target) == before:
            persons = pl.concat(frames[:-2], how="horizontal")
            return persons, pl.concat(frames[-2:], how="horizontal"), made
    raise RuntimeError("the month's facts kept changing while they were read")


def month_served(delivered: date) -> date:
    """The first month whose screening reads a delivery of this day (by default)."""
    return add_months(delivered.replace(day=1), 1)


def kept_sets(store: Path) -> list[tuple[date, date]]:
    """(month, cutoff) of every set kept in the store."""
    out = []
    for path in (store / FOLDER).glob("month=*/cutoff=*"):
        month = date.fromisoformat(path.parent.name.removeprefix("month=") + "-01")
        out.append((month, date.fromisoformat(path.name.removeprefix("cutoff="))))
    return sorted(out)


def after_delivery(store: Path, code: str, delivered: date) -> list[tuple[date, date]]:
    """Bring the facts a delivery changes up to date: the set of the first month it serves, and
    every set kept that reads to its day or later. Returns the sets touched. A failure is logged,
    not raised: the import stands, and the screening makes the facts itself."""
    if code != REGISTER and code not in KEPT_ITEMS:
        return []
    month = month_served(delivered)
    sets = sorted({(month, as_of(month)), *((m, c) for m, c in kept_sets(store) if c >= delivered)})
    for m, c in sets:
        try:
            ensure(store, m, c)
        except Exception:  # noqa: BLE001 - the facts are a copy; the import must not fail for them
            log.exception("month facts %s to %s not brought up to date after %s of %s", m, c, code, delivered)
    remove_older(store)
    return sets


def remove_older(store: Path, keep_months: int = 3) -> None:
    """Remove the sets of months more than ``keep_months`` before the latest kept (a set of the
    whole city is a few hundred megabytes)."""
    sets = kept_sets(store)
    if not sets:
        return
    oldest = add_months(sets[-1][0], -keep_months)
    for m, c in sets:
        if m < oldest:
            for f in folder(store, m, c).glob("*"):
                f.unlink(missing_ok=True)
            os.rmdir(folder(store, m, c))
