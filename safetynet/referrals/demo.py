"""The demo's referrals: a liaison of each department in each county, and referrals in every
state (sent, received, answered with money or a service, declined, withdrawn, and overdue), made
through the services at plausible past dates. ``site.demo`` calls ``seed`` once the households
exist."""

from __future__ import annotations

import random
from datetime import date, timedelta

from safetynet.policy.working_days import add_working_days
from safetynet.referrals import departments, services
from safetynet.referrals.models import Referral
from safetynet.registry.models import Area, Household
from safetynet.site.demo import DEMO_TOWNSHIPS

NEEDS = {
    "medical": "住院治疗自付部分难以承担，申请医疗救助",
    "housing": "房屋年久失修，雨季漏雨，申请住房救助",
    "employment": "家中劳动力失业半年，希望介绍工作或参加培训",
    "education": "子女在校就读，学费和生活费负担重，申请教育救助",
    "disaster": "暴雨致房屋部分倒塌，家中财物受损，申请受灾人员救助",
}
# (state wanted, days before today it was sent): the overdue one is older than the 20-working-day limit.
PLAN = [("sent", 3), ("received", 8), ("granted", 25), ("service", 20), ("declined", 15), ("withdrawn", 10),
        ("overdue", 45)]  # fmt: skip


def liaisons(make_staff, password: str) -> dict[tuple[str, str], object]:
    """One liaison per department in each county: ``department_<code>_<county>``."""
    made = {}
    for county in Area.objects.filter(level=Area.Level.COUNTY):
        for code in departments.DEPARTMENTS:
            made[(code, county.code)] = make_staff(f"department_{code}_{county.code}", "department", county.code,
                                                   password, department=code)
    return made


def seed(today: date, rng: random.Random, clerks: dict[str, object], make_staff, password: str,
         per_township: int = 7) -> dict[str, int]:
    """Referrals of ``per_township`` households in each demo login's township (every state of
    ``PLAN``) and of 2 in each other township with a clerk, the states in turn."""
    people = liaisons(make_staff, password)
    codes = list(departments.DEPARTMENTS)
    n = 0
    for township, clerk in sorted(clerks.items()):
        many = per_township if township in DEMO_TOWNSHIPS else 2
        households = list(Household.objects.filter(village__code__startswith=township).order_by("id")[:many])
        for household in households:
            wanted, ago = PLAN[n % len(PLAN)]
            department = codes[n % len(codes)]
            n += 1
            sent_on = today - timedelta(days=ago + rng.randint(0, 2))
            category = departments.DEPARTMENTS[department].categories[0][0]
            amount = "12000.00" if department == "medical" else None
            r = services.refer(clerk, household=household, department=department, need=NEEDS[department],
                               on=sent_on, category=category, amount=amount)  # fmt: skip
            liaison = people[(department, township[:6])]
            if wanted in ("sent", "overdue"):
                continue
            if wanted == "withdrawn":
                services.withdraw(clerk, r, on=min(sent_on + timedelta(days=2), today), reason="申请人需求已解决")
                continue
            received = min(add_working_days(sent_on, 1), today)
            r = services.receive(liaison, r, on=received)
            answered = min(add_working_days(received, rng.randint(3, 10)), today)
            if wanted == "granted":
                amount = f"{rng.choice((1500, 3000, 5000))}.00"
                services.answer(liaison, r, outcome="granted", on=answered, amount=amount,
                                text="经审核符合条件，已给予救助")  # fmt: skip
            elif wanted == "service":
                services.answer(liaison, r, outcome="service", on=answered, text="已安排相应服务")
            elif wanted == "declined":
                services.answer(liaison, r, outcome="not_eligible", on=answered, text="经审核不符合本项救助条件")
    counts: dict[str, int] = {}
    for state in Referral.objects.values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return counts
