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


# GB/T 2260's provinces, by the first two digits of an area code: the register names a deceased's
# area outside the city only by its code, and a page names it by its province.
PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区", "21": "辽宁省",
    "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省",
    "36": "江西省", "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省",
    "45": "广西壮族自治区", "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}  # fmt: skip


def area_name(code: str | None) -> str:
    """The registered area in words: in the city, its county, township and village as far as the
    code goes ("汶上县 · 南站镇 · 东村"); elsewhere the province ("河南省", "山东省（济宁市以外）")."""
    from safetynet.registry.models import Area

    code = (code or "").strip()
    if not code:
        return ""
    if code.startswith(CITY_PREFIX):
        known = {a.code: a.name for a in Area.objects.filter(code__in=[code[:n] for n in (6, 9, 12) if len(code) >= n])}
        parts: list[str] = []
        for name in (known[code[:n]] for n in (6, 9, 12) if code[:n] in known):
            if parts and name.startswith(parts[-1]):  # "汶上县" then "汶上县城关街道": named once
                parts[-1] = name
            else:
                parts.append(name)
        return " · ".join(parts) or "济宁市"
    province = PROVINCES.get(code[:2])
    if province is None:
        return "本市以外地区"
    return f"{province}（济宁市以外）" if code[:2] == CITY_PREFIX[:2] else province
