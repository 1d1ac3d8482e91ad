"""What the department data says of a deceased: the verification centre's feed store (the
public security bureau's deliveries, ``safetynet.batch.feed_items``), read by ID number.

- **Dead in the records**: a row of the item ``deaths`` (死亡（注销户口）) delivered by today.
- **Resident of the city**: the population register (``household_registration``, 户籍登记) places
  the person's household in Jining (area code 3708…). The latest register delivered by today is
  read first; a register that no longer lists the person (the household registration is cancelled
  on death, 注销户口) is read as delivered on or before the date of death. Our reading of "城乡居民"
  (seed, 邹城市) is "a person with household registration (urban or rural hukou) in the city";
  persons registered elsewhere pay in full (to confirm locally).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from django.conf import settings

from safetynet.batch.feeds import scan_item

CITY_PREFIX = "3708"


def _key(id_number: str) -> int:
    return int(id_number[:17])


def _rows(store: Path, item: str, as_of: date, key: int) -> pl.DataFrame:
    return scan_item(store, item, as_of).filter(pl.col("person_key") == key).collect()


def facts(id_number: str, today: date, store: Path | None = None) -> dict:
    """``{"death_date": "YYYY-MM-DD" | None, "area_code": str | None, "hukou": str | None}``."""
    store = Path(store or settings.FEED_STORE)
    key = _key(id_number)
    deaths = _rows(store, "deaths", today, key)
    died = min(deaths["death_date"].to_list()) if deaths.height else None
    register = _rows(store, "household_registration", today, key)
    if register.height == 0 and died is not None:
        register = _rows(store, "household_registration", died, key)
    row = register.row(0, named=True) if register.height else {}
    return {"death_date": died.isoformat() if died else None, "area_code": row.get("area_code"),
            "hukou": row.get("hukou")}  # fmt: skip


def is_resident(found: dict) -> bool:
    return bool(found.get("area_code")) and found["area_code"].startswith(CITY_PREFIX)
