"""Dated policy parameters: one YAML file per concept in this folder.

Each file has ``values`` keyed by effective date; a value applies from its date until the next
one. ``by`` names the dimensions of a value, resolved in order: ``tier`` (from the area),
``area`` (an area code, falling back to ``default``), and any other key given by the caller
(``hukou``, ``care_level``). Each value carries its ``reference`` and ``confirmed`` flag, from its
own entry or from the file.

    value("dibao_standard", "370811", date(2020, 8, 1), hukou="urban")  ->  Decimal("630.00")

A date before the first value is a PolicyError naming the first date known: never a guess.

Values the city sets in the office (a new yearly standard, a time limit), each with the document
that set it and a second administrator's confirmation, reach this floor through
``register_entry_source``: they join the shipped entries as if they were in the YAML, and an
entry of the office replaces a shipped one of the same date. This floor still imports no Django.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from safetynet.policy.areas import get_area
from safetynet.policy.errors import PolicyError

_DIR = Path(__file__).parent
_ENTRY_KEYS = {"value", "reference", "confirmed", "note"}


@dataclass(frozen=True)
class Entry:
    """One dated value of a parameter, as the YAML file states it."""

    effective: date
    value: Any
    reference: str
    confirmed: bool
    note: str = ""
    entered: bool = False  # set in the office, not shipped in the YAML


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    description_en: str
    unit: str
    by: tuple[str, ...]
    entries: tuple[Entry, ...] = field(repr=False)

    def entry_at(self, on: date) -> Entry:
        dates = [e.effective for e in self.entries]
        i = bisect.bisect_right(dates, on) - 1
        if i < 0:
            raise PolicyError("before_first_value", name=self.name, date=on.isoformat(), first=dates[0].isoformat())
        return self.entries[i]


def convert(unit: str, raw: Any) -> Any:
    """A value as the YAML (or the office) writes it, in the types the rules read."""
    if isinstance(raw, dict):
        return {str(k): convert(unit, v) for k, v in raw.items()}
    if isinstance(raw, list):
        return tuple(raw)
    if unit in ("yuan", "ratio"):
        return Decimal(str(raw))
    if unit == "rule" and isinstance(raw, str) and raw.replace(".", "", 1).isdigit():
        return Decimal(raw)
    return raw


def _parse(path: Path) -> Parameter:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    unit = data["unit"]
    entries = []
    for effective, raw in sorted(data["values"].items()):
        own = raw if isinstance(raw, dict) and "value" in raw and set(raw) <= _ENTRY_KEYS else {"value": raw}
        entries.append(
            Entry(
                effective=effective,
                value=convert(unit, own["value"]),
                reference=own.get("reference", data.get("reference", "")),
                confirmed=own.get("confirmed", data.get("confirmed", True)),
                note=own.get("note", data.get("note", "")),
            )
        )
    return Parameter(
        path.stem, data["description"], data.get("description_en", ""), unit, tuple(data.get("by", ())), tuple(entries)
    )


@cache
def shipped() -> dict[str, Parameter]:
    """The parameters as the YAML files in this folder state them."""
    return {p.stem: _parse(p) for p in sorted(_DIR.glob("*.yaml"))}


# A source gives (stamp, {name: entries}); the stamp changes whenever the entries do.
EntrySource = Callable[[], tuple[Any, dict[str, list[Entry]]]]
_entry_sources: list[EntrySource] = []
_change_listeners: list[Callable[[], None]] = []
_merged: dict[str, Any] = {"stamp": None, "parameters": None}


def register_entry_source(source: EntrySource) -> None:
    """Add the entries the office confirmed (see the module's docstring)."""
    if source not in _entry_sources:
        _entry_sources.append(source)
        _merged["stamp"] = None


def on_change(listener: Callable[[], None]) -> None:
    """Call ``listener`` whenever the entries in force change (caches built on values clear)."""
    _change_listeners.append(listener)


def parameters() -> dict[str, Parameter]:
    """Every parameter: the shipped entries and those the office confirmed, by effective date."""
    if not _entry_sources:
        return shipped()
    answers = [source() for source in _entry_sources]
    stamp = tuple(stamp for stamp, _entries in answers)
    if stamp != _merged["stamp"]:
        merged = dict(shipped())
        for _stamp, extra in answers:
            for name, entries in extra.items():
                if name in merged and entries:
                    by_date = {e.effective: e for e in merged[name].entries}
                    by_date.update((e.effective, e) for e in entries)
                    merged[name] = replace(merged[name], entries=tuple(by_date[d] for d in sorted(by_date)))
        _merged.update(stamp=stamp, parameters=merged)
        for listener in _change_listeners:
            listener()
    return _merged["parameters"]


def parameter(name: str) -> Parameter:
    try:
        return parameters()[name]
    except KeyError:
        raise PolicyError("unknown_parameter", name=name) from None


@cache
def excludable_kinds(name: str) -> tuple[str, ...]:
    """Every kind that a list parameter (an exclusion list) names in any period, in file order."""
    seen: dict[str, None] = {}
    for entry in parameter(name).entries:
        seen.update(dict.fromkeys(entry.value))
    return tuple(seen)


def _resolve(param: Parameter, raw: Any, area_code: str, keys: dict[str, str]) -> Any:
    for dim in param.by:
        if dim == "tier":
            key = get_area(area_code).tier
        elif dim == "area":
            key = area_code if area_code in raw else "default"
        elif dim in keys:
            key = keys[dim]
        else:
            return raw  # the caller takes the remaining dimensions as a mapping
        if key not in raw:
            raise PolicyError("parameter_key", name=param.name, key=key, known=", ".join(raw))
        raw = raw[key]
    return raw


def lookup(name: str, area: str, on: date, **keys: str) -> tuple[Any, Entry]:
    """The value of ``name`` in ``area`` on ``on``, with the entry it comes from."""
    get_area(area)
    param = parameter(name)
    entry = param.entry_at(on)
    return _resolve(param, entry.value, area, keys), entry


def value(name: str, area: str, on: date, **keys: str) -> Any:
    return lookup(name, area, on, **keys)[0]


def in_force(area: str, on: date) -> list[dict]:
    """Every parameter in force in ``area`` on ``on``, for ``policy show`` and the admin pages.

    A parameter whose first value is later than ``on`` is listed with its error, so the reader
    sees what is missing instead of a shorter list.
    """
    rows = []
    for param in parameters().values():
        row = {"name": param.name, "description": param.description, "unit": param.unit}
        try:
            val, entry = lookup(param.name, area, on)
        except PolicyError as exc:
            row["error"] = exc
        else:
            row.update(
                value=val,
                effective=entry.effective,
                reference=entry.reference,
                confirmed=entry.confirmed,
                note=entry.note,
                entered=entry.entered,
            )
        rows.append(row)
    return rows


def json_value(value: Any) -> Any:
    """A parameter value as JSON: amounts and ratios as strings (exact), lists as lists."""
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [json_value(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def in_force_json(area: str, on: date, lang: str = "zh") -> list[dict]:
    """``in_force`` as JSON for the API and ``policy show --json``; errors as messages."""
    rows = []
    for row in in_force(area, on):
        out = {key: json_value(val) for key, val in row.items() if key != "error"}
        if "effective" in out:
            out["effective"] = out["effective"].isoformat()
        if "error" in row:
            out["error"] = row["error"].message(lang)
        rows.append(out)
    return rows
