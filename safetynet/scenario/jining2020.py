"""Jining 2020 replayed: the city, its rolls taken over on 2020-07-01, July to December through
the services (``safetynet generate --scenario jining-2020``; README, "Jining 2020 replayed").

``run`` needs a demo or debugging office (``SAFETYNET_DEMO=1``: it writes synthetic people and
acts at a simulated date, which a production office refuses) without households (a fresh
database): it builds the townships and
villages, the staff, the rolls (``city``, ``roll.take_over``), then replays the months
(``replay``) with the office's clock at each act's day, in one transaction. Returns what it did
and how long each part took.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction

from safetynet.policy.errors import MESSAGES, PolicyError
from safetynet.registry import services as registry
from safetynet.registry.models import Area, Household
from safetynet.scenario import city, plan, replay, roll
from safetynet.site import demo

NAME = "jining-2020"
SOURCE = "原低保、特困信息系统 2020-06-30 在册名单"
PAYROLL_SCOPES = ("wenshang", "city")

MESSAGES.update({
    "scenario_not_demo": {
        "zh": "情景只能在演示或调试环境中生成（SAFETYNET_DEMO=1 或 SAFETYNET_DEBUG=1）："
              "它写入合成的人员，并以模拟日期办理",
        "en": "a scenario is built only in a demo or debugging office (SAFETYNET_DEMO=1 or SAFETYNET_DEBUG=1): it "
              "writes synthetic people and acts at a simulated date",
    },
    "scenario_not_empty": {
        "zh": "情景只能在空的系统中生成：数据库中已有 {households} 户家庭（请使用新的数据库或 SAFETYNET_DATA_DIR）",
        "en": "a scenario is built only in an empty office: the database holds {households} households "
              "(use a fresh database or SAFETYNET_DATA_DIR)",
    },
})


def _areas(roll_: city.Roll) -> None:
    registry.load_areas()
    Area.objects.bulk_create([Area(code=code, name=name, level=level, parent_id=parent)
                              for code, name, level, parent in roll_.areas.iter_rows()], batch_size=2000)


def _office() -> replay.Office:
    """The demo's logins (README) and, for every township, its clerk and approver; for every
    county its verification officer; the city's administrator computes the payrolls."""
    demo.demo_users()
    clerks, approvers, verifiers = {}, {}, {}
    for township in Area.objects.filter(level=Area.Level.TOWNSHIP).values_list("code", flat=True):
        clerks[township] = demo.make_staff(f"clerk_{township}", "clerk", township)
        approvers[township] = demo.make_staff(f"approver_{township}", "approver", township)
    for county in Area.objects.filter(level=Area.Level.COUNTY).values_list("code", flat=True):
        verifiers[county] = demo.make_staff(f"verifier_{county}", "verifier", county)
    from django.contrib.auth import get_user_model

    return replay.Office(get_user_model().objects.get(username="city"), clerks, approvers, verifiers)


def run(*, seed: int = 2020, payroll: str = "wenshang", store: Path | None = None,
        progress: Callable[[str], None] | None = None) -> dict:
    """Build and replay; ``payroll``: the townships whose payroll runs every month, 汶上县's
    (``wenshang``) or the whole city's (``city``); ``store``: where the November deliveries are
    written before they are imported (a temporary folder when not given)."""
    if payroll not in PAYROLL_SCOPES:
        raise ValueError(payroll)
    if not (settings.SAFETYNET_DEMO or settings.DEBUG):  # as the clock's own guard (site.settings)
        raise PolicyError("scenario_not_demo")
    if n := Household.objects.count():
        raise PolicyError("scenario_not_empty", households=n)
    step = progress or (lambda label: None)
    seconds: dict[str, float] = {}
    started = clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = round(now - clock, 1)
        clock = now
        step(name)

    with transaction.atomic(), replay.simulated_clock() as at:
        roll_ = city.build(seed)
        lap("roll_built")
        _areas(roll_)
        office = _office()
        lap("areas_and_staff")
        at(plan.START)
        taken = roll.take_over(office.city, roll_.households, roll_.members, on=plan.START, source=SOURCE)
        lap("take_over")
        townships = list(Area.objects.filter(level=Area.Level.TOWNSHIP, **(
            {"code__startswith": plan.WENSHANG} if payroll == "wenshang" else {})).order_by("code"))
        replayer = replay.Replay(office, roll_.moves, payroll_townships=townships, store=store)
        report = replayer.run(at, plan.moves(), progress=lambda month: lap(f"month_{month}"))
    seconds["total"] = round(time.perf_counter() - started, 1)
    return {
        "scenario": NAME, "as_of": plan.END.isoformat(), "payroll": payroll,
        "taken_over": {
            "households": sum(c["households"] for c in taken.values()),
            "persons_covered": sum(c["persons_covered"] for c in taken.values()),
        },
        "movements": dict(report.counts), "payroll_runs": dict(report.payroll), "findings": report.findings,
        "seconds": seconds,
    }  # fmt: skip
