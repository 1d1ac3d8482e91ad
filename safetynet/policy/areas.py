"""The county-level areas of the city and their standard tier (POLICY.md §2).

Data lives in ``areas.yaml`` beside this file so that an administrator can read it; this module
only loads it. No Django here: the registry app loads these rows into its own tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from safetynet.policy.errors import PolicyError

_FILE = Path(__file__).with_name("areas.yaml")


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    tier: str
    code_confirmed: bool = True


@cache
def _load() -> tuple[dict, dict[str, Area]]:
    data = yaml.safe_load(_FILE.read_text(encoding="utf-8"))
    areas = {row["code"]: Area(**row) for row in data["areas"]}
    return data["city"], areas


def city() -> dict:
    return dict(_load()[0])


def all_areas() -> list[Area]:
    return list(_load()[1].values())


def get_area(code: str) -> Area:
    """The area with this code, or a PolicyError that lists the known codes."""
    areas = _load()[1]
    try:
        return areas[code]
    except KeyError:
        raise PolicyError(
            "unknown_area", code=code, known="、".join(f"{a.code} {a.name}" for a in areas.values())
        ) from None


def tier_of(code: str) -> str:
    return get_area(code).tier
