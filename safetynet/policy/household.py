"""The household as an assessment takes it: parsing and validating the input of
``safetynet assess`` and ``POST /api/v1/assessments``.

Every problem is collected with the path of its field (``members[1].id_number``) before anything
is computed, so one answer lists all that must be fixed. Defaults are the lawful ones: a fact
that would open a benefit (no able obligor, a disability, a serious illness) must be declared;
left out, it is taken as absent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from safetynet.policy import idnumber
from safetynet.policy.areas import all_areas, get_area
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.money import MAX_MONEY_FEN, to_fen
from safetynet.policy.money import MONEY_TEXT as _MONEY

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

HUKOU = ("urban", "rural")
RELATIONS = ("head", "spouse", "child", "parent", "other")
INCOME_KINDS = (
    "wage",
    "business",
    "property",
    "transfer",
    "pension",
    "pension_basic",
    "unemployment_benefit",
    "scholarship",
    "family_planning_award",
    "youfu",
    "assistance",
    "heroism_award",
    "old_age_allowance",
    "other",
)
ASSET_KINDS = ("deposit", "securities", "insurance", "vehicle", "house", "business")
FINANCIAL_ASSETS = ("deposit", "securities", "insurance")
VEHICLE_USES = ("ordinary", "disability", "farm")
DISABILITY_KINDS = ("physical", "intellectual", "mental", "visual", "hearing", "speech", "multiple")

HOUSEHOLD_FIELDS = ("area", "hukou", "month", "members")
MEMBER_FIELDS = (
    "id_number",
    "relation",
    "incomes",
    "assets",
    "disability",
    "serious_illness",
    "adl_unmet",
    "able_obligor",
    "student",
    "supported_as_minor",
    "orphan_support",
    "name",
)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# Ten billion yuan: beyond any income or asset a household declares, and far inside 64-bit sums.


@dataclass(frozen=True)
class Member:
    id_number: str
    birth_date: date
    relation: str = "head"
    incomes: dict[str, int] = field(default_factory=dict)  # kind -> fen per month
    financial_assets_fen: int = 0
    vehicles: dict[str, int] = field(default_factory=dict)  # use -> count
    dwellings: int = 0
    businesses: int = 0
    disability_grade: int | None = None
    disability_kind: str | None = None
    serious_illness: bool = False
    adl_unmet: int = 0
    able_obligor: bool = True
    student: bool = False
    supported_as_minor: bool = False
    orphan_support: bool = False


@dataclass(frozen=True)
class Household:
    area: str
    hukou: str
    month: date  # first day of the month decided
    members: tuple[Member, ...]


def load_json(text: str | bytes) -> Any:
    """JSON with numbers read exactly (Decimal), or an InputError naming the line and column."""

    def refuse_constant(name: str) -> None:
        raise ValueError(f"{name} is not a number")

    try:
        return json.loads(text, parse_float=Decimal, parse_constant=refuse_constant)
    except json.JSONDecodeError as exc:
        raise InputError([FieldError("", "json", line=exc.lineno, column=exc.colno, detail=exc.msg)]) from None
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InputError([FieldError("", "json", line="?", column="?", detail=str(exc)[:200])]) from None


def parse_month(text: object) -> date:
    """``"2020-08"`` -> ``date(2020, 8, 1)``; PolicyError ``month_format`` otherwise."""
    m = _MONTH.match(text) if isinstance(text, str) else None
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
        raise PolicyError("month_format", value=text)
    return date(int(m.group(1)), int(m.group(2)), 1)


class _Collector:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, path: str, code: str, **params: object) -> None:
        self.errors.append(FieldError(path, code, **params))

    def obj(self, value: Any, path: str, allowed: tuple[str, ...]) -> dict | None:
        if not isinstance(value, dict):
            self.add(path, "type_object")
            return None
        for key in value:
            if key not in allowed:
                self.add(f"{path}.{key}" if path else key, "unknown_field", known=", ".join(allowed))
        return value

    def choice(self, value: Any, path: str, choices: tuple[str, ...]) -> str | None:
        if value is None:
            self.add(path, "required")
        elif not isinstance(value, str):
            self.add(path, "type_string")
        elif value not in choices:
            self.add(path, "choice", value=value, choices=", ".join(choices))
        else:
            return value
        return None

    def boolean(self, data: dict, key: str, path: str, default: bool) -> bool:
        value = data.get(key, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.add(f"{path}.{key}", "type_bool")
            return default
        return value

    def integer(self, value: Any, path: str, low: int, high: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, "type_int")
            return None
        if not low <= value <= high:
            self.add(path, "range", low=low, high=high, value=value)
            return None
        return value

    def money(self, value: Any, path: str) -> int | None:
        if value is None:
            self.add(path, "required")
            return None
        if isinstance(value, bool) or isinstance(value, float):
            # floats are refused: "0.1" is exact, 0.1 is not (JSON numbers are read as Decimal).
            self.add(path, "money_format", value=value)
            return None
        text = str(value).strip()
        if text.startswith("-"):
            self.add(path, "money_negative", value=text)
            return None
        if not _MONEY.match(text):
            self.add(path, "money_format", value=text)
            return None
        try:
            fen = to_fen(Decimal(text))
        except (InvalidOperation, ValueError):
            self.add(path, "money_format", value=text)
            return None
        if fen > MAX_MONEY_FEN:
            self.add(path, "money_range", value=text, limit=f"{MAX_MONEY_FEN // 100:,}")
            return None
        return fen

    def day(self, raw: Any, path: str) -> date | None:
        """A date as YYYY-MM-DD (or a ``date``): exactly ten characters, no year before 1900."""
        if isinstance(raw, date):
            return raw
        if raw is None:
            self.add(path, "required")
            return None
        if not isinstance(raw, str):
            self.add(path, "type_string")
            return None
        try:
            if not _DAY.match(raw):
                raise ValueError(raw)
            day = date.fromisoformat(raw)
        except ValueError:
            self.add(path, "date_format", value=raw)
            return None
        if day.year < 1900:
            self.add(path, "date_format", value=raw)
            return None
        return day

    def area(self, raw: Any, path: str = "area") -> str | None:
        """A county-level area code the policy knows."""
        if raw is None:
            self.add(path, "required")
            return None
        try:
            get_area(str(raw))
        except PolicyError:
            self.add(path, "choice", value=raw, choices="370811 … 370883")
            return None
        return str(raw)

    def items(self, data: dict, key: str, path: str) -> list:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(f"{path}.{key}", "type_list")
            return []
        return value


def _member(c: _Collector, raw: Any, path: str, month: date | None, default_relation: str) -> Member | None:
    data = c.obj(raw, path, MEMBER_FIELDS)
    if data is None:
        return None
    start = len(c.errors)
    id_info = None
    if "id_number" not in data:
        c.add(f"{path}.id_number", "required")
    else:
        try:
            id_info = idnumber.parse(data["id_number"])
        except PolicyError as exc:
            c.add(f"{path}.id_number", exc.code, **exc.params)
        else:
            born = id_info.birth_date
            if month is not None and (born.year, born.month) > (month.year, month.month):
                c.add(
                    f"{path}.id_number", "id_birth_future", birth=id_info.birth_date.isoformat(), month=f"{month:%Y-%m}"
                )
    relation = c.choice(data.get("relation", default_relation), f"{path}.relation", RELATIONS)

    incomes: dict[str, int] = {}
    for i, item in enumerate(c.items(data, "incomes", path)):
        ipath = f"{path}.incomes[{i}]"
        item = c.obj(item, ipath, ("kind", "monthly", "note"))
        if item is None:
            continue
        kind = c.choice(item.get("kind"), f"{ipath}.kind", INCOME_KINDS)
        fen = c.money(item.get("monthly"), f"{ipath}.monthly")
        if kind and fen is not None:
            incomes[kind] = incomes.get(kind, 0) + fen

    financial, dwellings, businesses = 0, 0, 0
    vehicles: dict[str, int] = {}
    for i, item in enumerate(c.items(data, "assets", path)):
        apath = f"{path}.assets[{i}]"
        item = c.obj(item, apath, ("kind", "value", "use", "note"))
        if item is None:
            continue
        kind = c.choice(item.get("kind"), f"{apath}.kind", ASSET_KINDS)
        fen = c.money(item.get("value", "0"), f"{apath}.value")
        use = "ordinary"
        if "use" in item:
            if kind != "vehicle":
                c.add(f"{apath}.use", "unknown_field", known="kind, value, note")
            else:
                use = c.choice(item["use"], f"{apath}.use", VEHICLE_USES) or use
        if kind in FINANCIAL_ASSETS and fen is not None:
            financial += fen
        elif kind == "vehicle":
            vehicles[use] = vehicles.get(use, 0) + 1
        elif kind == "house":
            dwellings += 1
        elif kind == "business":
            businesses += 1

    grade = kind = None
    disability = data.get("disability")
    if disability is not None:
        dpath = f"{path}.disability"
        d = c.obj(disability, dpath, ("grade", "kind"))
        if d is not None:
            if "grade" not in d or "kind" not in d:
                c.add(dpath, "disability_kind_grade")
            else:
                grade = c.integer(d["grade"], f"{dpath}.grade", 1, 4)
                kind = c.choice(d["kind"], f"{dpath}.kind", DISABILITY_KINDS)

    adl = 0
    if data.get("adl_unmet") is not None:
        adl = c.integer(data["adl_unmet"], f"{path}.adl_unmet", 0, 6) or 0

    flags = {
        key: c.boolean(data, key, path, default)
        for key, default in (
            ("serious_illness", False),
            ("able_obligor", True),
            ("student", False),
            ("supported_as_minor", False),
            ("orphan_support", False),
        )
    }
    if len(c.errors) > start or id_info is None or relation is None:
        return None
    return Member(
        id_number=id_info.number,
        birth_date=id_info.birth_date,
        relation=relation,
        incomes=incomes,
        financial_assets_fen=financial,
        vehicles=vehicles,
        dwellings=dwellings,
        businesses=businesses,
        disability_grade=grade,
        disability_kind=kind,
        adl_unmet=adl,
        **flags,
    )


def parse_household(raw: Any, month_override: str | None = None) -> Household:
    """A validated Household, or an InputError listing every field that is wrong."""
    c = _Collector()
    data = c.obj(raw, "", HOUSEHOLD_FIELDS)
    if data is None:
        raise InputError(c.errors)
    codes = tuple(a.code for a in all_areas())
    area = c.choice(data.get("area"), "area", codes)
    hukou = c.choice(data.get("hukou"), "hukou", HUKOU)
    month = None
    month_raw, month_path = (month_override, "--month") if month_override else (data.get("month"), "month")
    if month_raw is None:
        c.add(month_path, "required")
    else:
        try:
            month = parse_month(month_raw)
        except PolicyError as exc:
            c.add(month_path, exc.code, **exc.params)

    members_raw = data.get("members")
    members: list[Member | None] = []
    if members_raw is None:
        c.add("members", "required")
    elif not isinstance(members_raw, list):
        c.add("members", "type_list")
    elif not members_raw:
        c.add("members", "members_empty")
    else:
        # A household of one is its own head; otherwise the relation defaults to "other".
        default_relation = "head" if len(members_raw) == 1 else "other"
        members = [_member(c, m, f"members[{i}]", month, default_relation) for i, m in enumerate(members_raw)]
        seen: dict[str, int] = {}
        for i, m in enumerate(members):
            if m is None:
                continue
            if m.id_number in seen:
                c.add(f"members[{i}].id_number", "id_duplicate", other=seen[m.id_number])
            seen.setdefault(m.id_number, i)
        heads = sum(1 for m in members_raw if isinstance(m, dict) and m.get("relation", default_relation) == "head")
        if heads != 1:
            c.add("members", "head_count", count=heads)

    if c.errors:
        raise InputError(c.errors)
    return Household(area=area, hukou=hukou, month=month, members=tuple(members))


def _enum(values: tuple[str, ...]) -> dict:
    return {"type": "string", "enum": list(values)}


_MONEY_SCHEMA = {"type": "string", "pattern": _MONEY.pattern, "examples": ["1500.00"]}

# The input as JSON Schema, for the OpenAPI document; built from the same lists the parser uses.
INPUT_JSON_SCHEMA: dict = {
    "title": "HouseholdInput",
    "type": "object",
    "required": ["area", "hukou", "month", "members"],
    "additionalProperties": False,
    "properties": {
        "area": {**_enum(tuple(a.code for a in all_areas())), "description": "县级区划代码"},
        "hukou": _enum(HUKOU),
        "month": {
            "type": "string",
            "pattern": _MONTH.pattern,
            "examples": ["2020-08"],
            "description": "the month decided, YYYY-MM",
        },
        "members": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id_number"],
                "additionalProperties": False,
                "properties": {
                    "id_number": {"type": "string", "description": "GB 11643-1999, 18 characters"},
                    "name": {"type": "string", "description": "not used by the rules"},
                    "relation": {
                        **_enum(RELATIONS),
                        "default": "other",
                        "description": "exactly one member is the head",
                    },
                    "incomes": {
                        "type": "array",
                        "default": [],
                        "items": {
                            "type": "object",
                            "required": ["kind", "monthly"],
                            "additionalProperties": False,
                            "properties": {
                                "kind": _enum(INCOME_KINDS),
                                "monthly": _MONEY_SCHEMA,
                                "note": {"type": "string"},
                            },
                        },
                    },
                    "assets": {
                        "type": "array",
                        "default": [],
                        "items": {
                            "type": "object",
                            "required": ["kind"],
                            "additionalProperties": False,
                            "properties": {
                                "kind": _enum(ASSET_KINDS),
                                "value": {**_MONEY_SCHEMA, "default": "0"},
                                "use": {
                                    **_enum(VEHICLE_USES),
                                    "default": "ordinary",
                                    "description": "vehicles only: disability and farm are exempt",
                                },
                                "note": {"type": "string"},
                            },
                        },
                    },
                    "disability": {
                        "type": ["object", "null"],
                        "default": None,
                        "required": ["grade", "kind"],
                        "properties": {
                            "grade": {"type": "integer", "minimum": 1, "maximum": 4},
                            "kind": _enum(DISABILITY_KINDS),
                        },
                    },
                    "serious_illness": {"type": "boolean", "default": False},
                    "adl_unmet": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": 6,
                        "default": 0,
                        "description": "daily activities of the six not achieved",
                    },
                    "able_obligor": {
                        "type": "boolean",
                        "default": True,
                        "description": "has a support obligor able to support",
                    },
                    "student": {"type": "boolean", "default": False, "description": "full-time student"},
                    "supported_as_minor": {
                        "type": "boolean",
                        "default": False,
                        "description": "was supported as tekun before 18",
                    },
                    "orphan_support": {
                        "type": "boolean",
                        "default": False,
                        "description": "supported as an orphan or de-facto unsupported child",
                    },
                },
            },
        },
    },
}
