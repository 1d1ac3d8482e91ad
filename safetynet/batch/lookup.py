"""A few persons' facts at once, without reading the whole store: the window's pre-check.

Checking one household (先核对、后申请) needs the facts of three or four persons, but the
department files are sorted by person in row groups of a hundred thousand rows and more: reading
them for a few persons costs as much as reading a large part of the store. A *facts snapshot*
is ``facts.person_facts`` for a month worked out once for every person any delivery names (not
only the register's: a newcomer's feeds count too), written sorted by ``person_key`` in small
row groups, so that a person is found by the row groups' first keys and read in one small block.

The snapshot lives in the store under ``_facts/month=YYYY-MM/`` (no reader of the deliveries
looks there) with a manifest naming the delivery files it was built from. It is used only for
the same month and the same files as a check would read; otherwise the check reads the
deliveries as before. One caveat makes it exact: a row dated after the day the check reads to is
not counted (a vehicle registered later, say), so a snapshot built reading to one day answers
for another day only when no row of its files is dated after either day (the manifest keeps the
latest such date, read from the files' statistics).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from safetynet.batch.facts import ENGINE, FACT_COLUMNS, all_item_facts, as_of, join_facts, register_frame
from safetynet.batch.feed_items import ITEMS
from safetynet.batch.feeds import scan_item

FOLDER = "_facts"
# Rows per row group: a lookup reads one group per person (about a millisecond for 8,192 rows);
# persons per file: a reader parses a file's footer on each read, so each file's is kept small.
ROW_GROUP = 8192
PART_ROWS = 32 * ROW_GROUP
# The columns whose "known by the day read to" filter makes facts depend on that day
# (``facts.item_facts``): a row dated after it is left out.
DATED = {
    "marriage": "event_date", "vehicles": "registered_date", "real_estate": "registered_date",
    "business": "registered_date", "disability": "issued_date", "assistance": "since",
}  # fmt: skip


def folder(store: Path, month: date) -> Path:
    return store / FOLDER / f"month={month:%Y-%m}"


def delivery_files(store: Path, code: str, cutoff: date) -> list[Path]:
    """The files of an item a read to ``cutoff`` takes (``feeds.scan_item``'s choice)."""
    item = ITEMS[code]
    base = store / f"department={item.department}" / f"item={code}"
    if not base.is_dir():
        return []
    deliveries = sorted(
        name.removeprefix("delivery=")
        for name in os.listdir(base)
        if name.startswith("delivery=") and name.removeprefix("delivery=") <= f"{cutoff:%Y-%m-%d}"
    )
    if item.kind == "register":
        deliveries = deliveries[-1:]
    return [f for d in deliveries for f in sorted((base / f"delivery={d}").glob("*.parquet"))]


def inputs(store: Path, cutoff: date) -> list[list]:
    """What the facts for a read to ``cutoff`` are made of: each file with its size and time."""
    out = []
    for code in ITEMS:
        if code == "household_registration":
            continue  # facts come from the departments' items; the register is read apart
        for f in delivery_files(store, code, cutoff):
            st = f.stat()
            out.append([f.relative_to(store).as_posix(), st.st_size, st.st_mtime_ns])
    return out


def _latest_dated(store: Path, files: list[list]) -> str | None:
    """The latest date in the dated columns of these files, from the row groups' statistics."""
    latest = None
    for rel, *_ in files:
        code = rel.split("/")[1].removeprefix("item=")
        if code not in DATED:
            continue
        meta = pq.ParquetFile(store / rel).metadata
        column = meta.schema.to_arrow_schema().get_field_index(DATED[code])
        for g in range(meta.num_row_groups):
            stats = meta.row_group(g).column(column).statistics
            if stats is None or not stats.has_min_max:
                return "9999-12-31"  # unknown: the snapshot then answers only for its own day
            top = stats.max.isoformat()
            latest = top if latest is None or top > latest else latest
    return latest


def build(store: Path, month: date, known_on: date | None = None) -> Path:
    """Work out and write the month's facts snapshot from the data delivered by ``known_on``
    (by default the last day before the month); returns its folder."""
    cutoff = known_on or as_of(month)
    files = inputs(store, cutoff)
    facts, _ = all_item_facts(store, month, None, cutoff)
    # everyone any item names: a person named by none has no facts (the empty values)
    keys = pl.concat([frame.select("person_key") for frame in facts.values()]).unique()
    table = join_facts(keys.sort("person_key"), facts).collect(engine=ENGINE)
    target = folder(store, month)
    target.mkdir(parents=True, exist_ok=True)
    # a new folder for each build: readers see the old snapshot or the new one, never half of one
    stamp = f"{os.getpid()}-{threading.get_ident()}-{time.time_ns()}"
    data = target / f"data-{stamp}"
    data.mkdir()
    parts = []
    for start in range(0, max(table.height, 1), PART_ROWS):
        part = table.slice(start, PART_ROWS)
        name = f"part-{len(parts):05d}.parquet"
        part.write_parquet(data / name, statistics=True, row_group_size=ROW_GROUP)
        parts.append([name, int(part["person_key"][0]) if part.height else 0])
    manifest = {
        "month": f"{month:%Y-%m-%d}", "cutoff": f"{cutoff:%Y-%m-%d}", "inputs": files,
        "latest_dated": _latest_dated(store, files), "data": data.name, "parts": parts, "persons": table.height,
    }  # fmt: skip
    tmp = target / f"manifest-{stamp}.tmp"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False))
    old = _manifest(target)
    os.replace(tmp, target / "manifest.json")
    if old and old.get("data") != data.name:
        shutil.rmtree(target / old["data"], ignore_errors=True)
    return target


def _manifest(target: Path) -> dict | None:
    try:
        return json.loads((target / "manifest.json").read_text())
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class Snapshot:
    files: tuple[str, ...]
    first_keys: np.ndarray  # each file's first person_key

    def facts(self, keys: list[int]) -> pl.DataFrame:
        """``facts_for``'s frame: each key (sorted) with its facts, the empty values if none."""
        base = pl.DataFrame({"person_key": sorted(set(keys))}, schema={"person_key": pl.Int64})
        found = self.rows(base.get_column("person_key").to_numpy())
        return base.join(found, on="person_key", how="left", maintain_order="left").with_columns(
            pl.col(c).fill_null(pl.lit(empty, dtype))
            for c, (dtype, empty) in FACT_COLUMNS.items()
            if empty is not None
        )

    def rows(self, keys: np.ndarray) -> pl.DataFrame:
        """The snapshot's rows of these keys: in each file that can hold some of them, only the
        row groups whose key range does (the reader prunes them by their statistics)."""
        at = np.searchsorted(self.first_keys, keys, side="right") - 1
        scans = [
            pl.scan_parquet(self.files[i]).filter(pl.col("person_key").is_in(pl.Series(keys[at == i]).implode()))
            for i in np.unique(at[at >= 0]).tolist()
        ]
        if not scans:
            return pl.DataFrame(schema={"person_key": pl.Int64, **{c: t for c, (t, _) in FACT_COLUMNS.items()}})
        return pl.concat(pl.collect_all(scans, engine=ENGINE))


_OPEN: dict[tuple, Snapshot] = {}
_LOCK = threading.Lock()


def snapshot_for(store: Path, month: date, known_on: date | None = None) -> Snapshot | None:
    """The month's snapshot if it says exactly what the deliveries known on ``known_on`` say."""
    target = folder(store, month)
    manifest = _manifest(target)
    if manifest is None or manifest["month"] != f"{month:%Y-%m-%d}":
        return None
    cutoff = f"{known_on or as_of(month):%Y-%m-%d}"
    if manifest["inputs"] != inputs(store, date.fromisoformat(cutoff)):
        return None
    latest = manifest["latest_dated"]
    if cutoff != manifest["cutoff"] and latest is not None and (latest > cutoff or latest > manifest["cutoff"]):
        return None
    data = target / manifest["data"]
    if not data.is_dir():
        return None
    key = (str(target), manifest["data"])
    with _LOCK:
        if key not in _OPEN:
            for old in [k for k in _OPEN if k[0] == key[0]]:
                del _OPEN[old]
            parts = manifest["parts"]
            _OPEN[key] = Snapshot(tuple(str(data / name) for name, _ in parts),
                                  np.array([first for _, first in parts], dtype=np.int64))  # fmt: skip
        return _OPEN[key]


def facts_of(store: Path, month: date, keys: list[int], known_on: date | None = None) -> pl.DataFrame:
    """These persons' facts (sorted by key): from the snapshot when it answers, else the deliveries."""
    snapshot = snapshot_for(store, month, known_on)
    if snapshot is not None:
        return snapshot.facts(keys)
    return facts_from_deliveries(store, month, keys, known_on)


def facts_from_deliveries(store: Path, month: date, keys: list[int], known_on: date | None = None) -> pl.DataFrame:
    """``facts_of`` read from the delivery files themselves: what the snapshot must equal."""
    keys = sorted(set(keys))
    facts, _ = all_item_facts(store, month, keys, known_on)
    base = pl.LazyFrame({"person_key": keys}, schema={"person_key": pl.Int64})
    return join_facts(base, facts).collect(engine=ENGINE)


def screen_households(
    store: Path, month: date, household_nos: list[str], known_on: date | None = None
) -> tuple[pl.DataFrame, dict]:
    """The screening's findings for just these households (``screen.screen_store``'s for them),
    and who was read: how many members, how many persons with their relatives, their keys."""
    from safetynet.batch.screen import screen_persons

    persons, read = households_persons(store, month, household_nos, known_on)
    return screen_persons(persons, month), read


def households_persons(
    store: Path, month: date, household_nos: list[str], known_on: date | None = None
) -> tuple[pl.DataFrame, dict]:
    """The members of these households as the screening's rules take them (facts and links):
    the members and their relatives (spouse, parents, children, wherever they live) are read
    from the register, their facts looked up, and the screening's ``with_links`` run on them."""
    from safetynet.batch.screen import with_links

    cutoff = known_on or as_of(month)
    wanted = pl.Series(household_nos, dtype=pl.String).implode()
    register = register_frame(scan_item(store, "household_registration", cutoff))
    members = register.filter(pl.col("household_no").is_in(wanted)).collect(engine=ENGINE)
    keys = members.get_column("person_key").implode()
    spouses = facts_of(store, month, members["person_key"].to_list(), known_on).get_column("spouse_key")
    others = pl.concat([spouses, members.get_column("father_key"), members.get_column("mother_key")]).drop_nulls()
    # relatives in other households: parents and spouses by key, children by their parents' keys
    relatives = register.filter(
        ~pl.col("household_no").is_in(wanted)
        & (pl.col("person_key").is_in(others.implode()) | pl.col("father_key").is_in(keys)
           | pl.col("mother_key").is_in(keys))
    ).collect(engine=ENGINE)  # fmt: skip
    people = pl.concat([members, relatives])
    facts = facts_of(store, month, people.get_column("person_key").to_list(), known_on)
    persons = people.join(facts, on="person_key", how="left", maintain_order="left")
    linked = with_links(persons.lazy(), month).collect(engine=ENGINE).head(members.height)
    return linked, {"members": members.height, "persons": people.height, "keys": people["person_key"]}
