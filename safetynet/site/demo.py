"""A synthetic Jining for the demo and the tests: townships and villages under the 14 real
county-level areas, staff of every role, households, and cases in every state, all made through
the services so that the timeline and the audit chain are real.

Township and village names are invented; the counties and their standards are the real ones.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import transaction
from tqdm import tqdm

from safetynet.cases import services as cases
from safetynet.cases.backdating import replaying
from safetynet.cases.models import Case
from safetynet.policy import idnumber
from safetynet.policy.months import first_of_next_month
from safetynet.policy.working_days import add_working_days
from safetynet.registry import services as registry
from safetynet.registry.cards import with_check_digit
from safetynet.registry.models import Area, Household, Staff
from safetynet.site.personal import EXPORT_FULL_ID
from safetynet.web import clock

TOWNSHIP_NAMES = ["城关街道", "东关街道", "南关镇", "北湖镇", "西郊镇", "马营镇", "杨店镇", "王庄镇"]
VILLAGE_NAMES = ["张庄村", "李屯村", "王楼村", "刘集村", "陈庄村", "杨楼村", "赵庄村", "黄屯村", "周庄社区", "吴楼村"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "建国秀英桂兰玉兰淑珍志强海燕明华丽娟文静秀兰凤英德胜永红晓东春梅国庆子涵浩然欣怡"
DEMO_PASSWORD = "safetynet-demo-2026"
# Who takes files with whole ID numbers: the approver the bank file and the roster, the
# verification officer the ledger for the visits (docs/personal-data.md).
EXPORT_FULL_ID_ROLES = ("approver", "verifier")

ROLES = [
    ("clerk", "township", "窗口"),
    ("approver", "township", "审核"),
    ("county", "county", "县级"),
    ("city", "city", "市级"),
    ("verifier", "county", "核对"),
    ("auditor", "city", "审计"),
]


def build_areas(counties: list[str] | None = None, townships: int = 2, villages: int = 2) -> list[Area]:
    """Townships and villages under each county (all 14 by default). Codes nest: 370811001001."""
    registry.load_areas()
    made = []
    for county in Area.objects.filter(level=Area.Level.COUNTY, **({"code__in": counties} if counties else {})):
        for t in range(1, townships + 1):
            township, _ = Area.objects.get_or_create(
                code=f"{county.code}{t:03d}",
                defaults={"name": f"{county.name}{TOWNSHIP_NAMES[(t - 1) % len(TOWNSHIP_NAMES)]}",
                          "level": Area.Level.TOWNSHIP, "parent": county},
            )
            for v in range(1, villages + 1):
                village, _ = Area.objects.get_or_create(
                    code=f"{township.code}{v:03d}",
                    defaults={"name": VILLAGE_NAMES[(v - 1 + t) % len(VILLAGE_NAMES)], "level": Area.Level.VILLAGE,
                              "parent": township},
                )
                made.append(village)
    return made


def make_staff(username: str, role: str, area_code: str, password: str = DEMO_PASSWORD):
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.password = _password_hash(password)  # hashing once: a hundred demo users share it
        user.save(update_fields=["password"])
    Staff.objects.update_or_create(user=user, defaults={"role": role, "area": Area.objects.get(code=area_code)})
    app_label, codename = EXPORT_FULL_ID.split(".")
    export = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    if role in EXPORT_FULL_ID_ROLES:
        user.user_permissions.add(export)
    else:
        user.user_permissions.remove(export)
    return user


@cache
def _password_hash(password: str) -> str:
    return make_password(password)


def demo_users(password: str = DEMO_PASSWORD) -> list[tuple[str, str, str]]:
    """One user per role, in the first township of 汶上县 (2 working days) and 任城区."""
    made = []
    for county in ("370830", "370811"):
        township = f"{county}001"
        for role, level, _ in ROLES:
            area = {"township": township, "county": county, "city": "3708"}[level]
            if level == "city" and county != "370830":
                continue
            username = f"{role}_{county}" if level != "city" else role
            make_staff(username, role, area, password)
            made.append((username, role, Area.objects.get(code=area).name))
    return made


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def make_household(clerk, village: Area, rng: random.Random, on: date, *, size: int | None = None,
                   wage_fen: int | None = None, poor: bool = False) -> Household:
    """A household of 1 to 5 with valid ID numbers issued in its county, and its incomes."""
    size = size or rng.choice((1, 1, 2, 2, 3, 3, 4, 5))
    head_born = date(rng.randint(1935, 1995), rng.randint(1, 12), rng.randint(1, 28))
    members = []
    for i in range(size):
        born = head_born if i == 0 else (
            head_born + timedelta(days=rng.randint(-900, 900)) if i == 1
            else date(min(head_born.year + rng.randint(20, 35), on.year - 1), rng.randint(1, 12), rng.randint(1, 28))
        )
        members.append({
            "id_number": idnumber.generate(village.code[:6], born, rng.randint(0, 499), rng.choice(("male", "female"))),
            "name": _name(rng), "relation": ("head", "spouse", "child", "child", "parent")[i],
            "phone": f"13{rng.randint(100000000, 999999999)}",
            # a UnionPay debit card: 19 digits, the last its Luhn check digit
            "bank_card": with_check_digit(f"6228{rng.randint(10**14, 10**15 - 1)}"[:-1]),
            **({"disability_grade": 1, "disability_kind": "physical"} if rng.random() < 0.08 else {}),
            **({"able_obligor": False} if i == 0 and head_born.year < 1955 and rng.random() < 0.5 else {}),
        })
    household = registry.create_household(
        clerk, village=village, hukou=rng.choice(("urban", "rural", "rural")),
        address=f"{village.parent.name}{village.name}{rng.randint(1, 200)}号", members=members, registered_poor=poor,
    )
    head = household.members.get(relation="head")
    wage = wage_fen if wage_fen is not None else rng.choice((0, 0, 30000, 50000, 80000, 150000))
    if wage:
        registry.add_income(clerk, head, kind="wage", monthly_fen=wage, since=on - timedelta(days=400),
                            source="申请人申报")
    for person in household.members.all():
        cases.record_authorization(clerk, id_number=person.id_number, signed_on=on, document=f"SQ{person.pk:08d}",
                                   person=person)
    return household


@transaction.atomic
def seed(households: int = 2000, seed: int = 2026, today: date | None = None, progress: bool = False) -> dict:
    """The demo city. Returns counts by state."""
    rng = random.Random(seed)
    today = today or clock.today()
    # The demo's history is a replay: each act as at its own date (cases.backdating).
    with replaying():
        return _seed(households, rng, today, progress, seed)


def _seed(households: int, rng: random.Random, today: date, progress: bool, seed: int) -> dict:
    villages = build_areas(townships=3, villages=3)
    demo_users()
    clerks, approvers, county_users = {}, {}, {}
    for township in Area.objects.filter(level=Area.Level.TOWNSHIP):
        clerks[township.code] = make_staff(f"clerk_{township.code}", "clerk", township.code)
        approvers[township.code] = make_staff(f"approver_{township.code}", "approver", township.code)
    for county in Area.objects.filter(level=Area.Level.COUNTY):
        county_users[county.code] = make_staff(f"county_{county.code}", "county", county.code)
    states = ["precheck", "accepted", "investigated", "notice", "approved", "refused", "review", "suspended",
              "ending", "terminated", "withdrawn", "approved", "approved", "approved"]
    for n in tqdm(range(households), desc="演示家庭", unit="户", disable=not progress):
        village = villages[n % len(villages)]
        township = village.code[:9]
        clerk, approver = clerks[township], approvers[township]
        target = states[n % len(states)] if n < households * 0.6 else None
        start = today - timedelta(days=rng.randint(30, 400) if target in ("approved", "review", "suspended", "ending",
                                                                              "terminated") else rng.randint(0, 25))
        household = make_household(clerk, village, rng, start, wage_fen=0 if target not in (None, "refused") else None)
        if target:
            _drive(household, target, start, today, clerk, approver, county_users[village.code[:6]], rng)
    _payroll_history(today, approvers, progress)
    from safetynet.site.demo_feeds import seed_feeds

    city = get_user_model().objects.get(username="city")
    seed_feeds(city, city, today, seed=seed)
    counts = {}
    for state in Case.objects.values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return counts


def _payroll_history(today: date, approvers: dict, progress: bool) -> None:
    """Every township's dibao and tekun payroll, month by month from the first entitlement to
    this month; all approved but this month's, left as a draft for the demo's approver."""
    from safetynet.payments import services as payments
    from safetynet.payments.models import Entitlement

    city = get_user_model().objects.get(username="city")
    first = Entitlement.objects.order_by("starts").values_list("starts", flat=True).first()
    if first is None:
        return
    months, month = [], first
    while month <= today.replace(day=1):
        months.append(month)
        month = first_of_next_month(month)
    paying = sorted({(code[:9], programme) for code, programme in
                     Entitlement.objects.values_list("area_code", "programme").distinct()})
    townships = {a.code: a for a in Area.objects.filter(level=Area.Level.TOWNSHIP)}
    for month in tqdm(months, desc="发放名册", unit="月", disable=not progress):
        for code, programme in paying:
            township = townships[code]
            # computed by the city, approved by the township: never one person for both
            run = payments.run_payroll(city, month=month, township=township, programme=programme)
            if month < today.replace(day=1):
                payments.approve_payroll(approvers[code], run)


def _drive(household: Household, target: str, start: date, today: date, clerk, approver, county_user,
           rng: random.Random) -> Case:
    """Take a new case through the services to ``target``, dating each act plausibly."""
    head = household.members.get(relation="head")
    programme = "tekun" if not head.able_obligor and rng.random() < 0.5 else "dibao"
    on = start
    case = cases.start_precheck(clerk, household=household, programme=programme, applicant=head, on=on)
    if target == "precheck":
        return case

    def step(days: int) -> date:
        nonlocal on
        on = min(add_working_days(on, days), today)
        return on
    case = cases.accept(clerk, case, version=case.version, on=step(1))
    if target == "withdrawn":
        return cases.withdraw(clerk, case, version=case.version, on=step(1), reason="申请人主动撤回")
    if target == "accepted":
        return case
    visitor = county_user if case.staff_relative else clerk
    case = cases.record_home_visit(visitor, case, version=case.version, on=step(1),
                                   investigators=["调查员甲", "调查员乙"], family_signed=True,
                                   findings="家庭成员、收入与申报一致。", county_level=case.staff_relative)
    if target == "investigated":
        return case
    eligible = case.assessment and (
        case.assessment["dibao"]["eligible"] if programme == "dibao"
        else any(m["eligible"] for m in case.assessment["tekun"]["members"] if m["id_number"] == head.id_number)
    )
    if target == "refused" or not eligible:
        reasons = "家庭人均收入不低于当地低保标准。"
        return cases.refuse(approver, case, version=case.version, on=step(1), reasons=reasons)
    case = cases.approve(approver, case, version=case.version, on=step(1))
    if target == "notice":
        return case
    on = max(on, case.notice_ends_on)
    case = cases.close_notice(approver, case, version=case.version, on=on)
    if target == "approved":
        return case
    if target == "review":
        return cases.start_review(clerk, case, version=case.version, on=step(5))
    if target == "suspended":
        return cases.suspend(approver, case, version=case.version, on=step(5), reason="外出务工，待核实")
    case = cases.give_termination_notice(approver, case, version=case.version, on=step(5), reason="家庭收入增加")
    if target == "ending":
        return case
    return cases.terminate(approver, case, version=case.version, on=max(on, case.notice_ends_on))
