"""A synthetic Jining for the demo and the tests: townships and villages under the 14 real
county-level areas, staff of every role, households, and cases in every state, all made through
the services so that the timeline and the audit chain are real.

Besides dibao and tekun: a standby fund in every township (the county's allocation), temporary
assistance cases in every state in the two demo townships (``temporary_paths``), and the
referrals of every department in every state (``referrals.demo``).

Township and village names are invented; the counties and their standards are the real ones.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from safetynet.cases import programmes
from safetynet.cases import services as cases
from safetynet.cases.backdating import replaying
from safetynet.cases.models import Case
from safetynet.policy import idnumber
from safetynet.policy.months import first_of_next_month
from safetynet.policy.working_days import add_working_days
from safetynet.registry import services as registry
from safetynet.registry.cards import with_check_digit
from safetynet.registry.models import Area, Household, Person, Staff
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
    ("county_approver", "county", "县级审批"),  # temporary assistance above the township's limit
]
# The departments whose liaisons log in to the demo (referrals.demo names them so in every county).
DEMO_DEPARTMENTS = ("medical", "housing", "employment", "education", "disaster")
# The townships of the demo logins: temporary assistance in every state in each.
DEMO_TOWNSHIPS = ("370830001", "370811001")
VILLAGES_PER_TOWNSHIP = 3
# `make demo` promises to serve within two minutes of `make install` on a 2-core machine. The seed
# costs about 55 ms of CPU a household (a case's steps through the services: ~10 ms each, the
# assessment's polars, the audit record) besides ~30 s for the rest (a year of payrolls in every
# township, temporary assistance, referrals, feeds) and ~10 s of migrations: 500 households are
# ~70 s of CPU in all (2,000 were 2m40s); every state is in every township's reach either way.
DEMO_HOUSEHOLDS = 500
FUND_ALLOCATION_FEN = 3_000_000  # 30,000.00 yuan a township (invented; the seed names no sum)


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


def make_staff(username: str, role: str, area_code: str, password: str = DEMO_PASSWORD, *, department: str = "",
               unit: str = ""):
    """``department``: for the role ``department``, which one (registry.models.DEPARTMENTS);
    ``unit``: for the roles ``organisation`` and ``funeral_home``, the body's code."""
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.password = _password_hash(password)  # hashing once: a hundred demo users share it
        user.save(update_fields=["password"])
    Staff.objects.update_or_create(user=user, defaults={"role": role, "area": Area.objects.get(code=area_code),
                                                        "department": department, "unit": unit})
    if role in EXPORT_FULL_ID_ROLES or not created:  # a new user of another role has nothing to take away
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


def _demo_logins() -> Iterator[tuple[str, str, str, str]]:
    """The demo's logins: username, role, area code, department."""
    for county in ("370830", "370811"):
        township = f"{county}001"
        for role, level, _ in ROLES:
            area = {"township": township, "county": county, "city": "3708"}[level]
            if level == "city" and county != "370830":
                continue
            yield (f"{role}_{county}" if level != "city" else role), role, area, ""
        for code in DEMO_DEPARTMENTS:  # a liaison of each department, for the county (referrals.demo)
            yield f"department_{code}_{county}", "department", county, code


def demo_logins() -> list[tuple[str, str, str]]:
    """The demo's logins as ``demo_users`` returns them, without making them (they exist)."""
    names = dict(Area.objects.filter(code__in={a for _u, _r, a, _d in _demo_logins()}).values_list("code", "name"))
    return [(username, role, names[area]) for username, role, area, _d in _demo_logins()]


def demo_users(password: str = DEMO_PASSWORD) -> list[tuple[str, str, str]]:
    """One user per role, in the first township of 汶上县 (2 working days) and 任城区."""
    for username, role, area, department in _demo_logins():
        make_staff(username, role, area, password, department=department)
    return demo_logins()


def name_staff(seed: int) -> int:
    """A name for each member of staff the demo made without one (王芳: family name, given name), so
    that pages name them as real staff would be named; the same seed gives the same names."""
    users = list(get_user_model().objects.filter(staff__isnull=False, first_name="", last_name="").order_by("pk"))
    rng = random.Random(seed)
    for user in users:
        user.last_name = rng.choice(SURNAMES)
        user.first_name = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    get_user_model().objects.bulk_update(users, ["first_name", "last_name"])
    return len(users)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def make_household(clerk, village: Area, rng: random.Random, on: date, *, size: int | None = None,
                   wage_fen: int | None = None, poor: bool = False) -> Household:
    """A household of 1 to 5 with valid ID numbers issued in its county, and its incomes."""
    return _make_household(clerk, village, rng, on, size=size, wage_fen=wage_fen, poor=poor)[0]


def _make_household(clerk, village: Area, rng: random.Random, on: date, *, size: int | None = None,
                    wage_fen: int | None = None, poor: bool = False) -> tuple[Household, Person]:
    """``make_household`` and its head (read once: the seed's loop starts the head's case)."""
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
    people = list(household.members.all())
    head = next(p for p in people if p.relation == "head")
    wage = wage_fen if wage_fen is not None else rng.choice((0, 0, 30000, 50000, 80000, 150000))
    if wage:
        registry.add_income(clerk, head, kind="wage", monthly_fen=wage, since=on - timedelta(days=400),
                            source="申请人申报")
    for person in people:
        cases.record_authorization(clerk, id_number=person.id_number, signed_on=on, document=f"SQ{person.pk:08d}",
                                   person=person)
    return household, head


@transaction.atomic
def seed(households: int = DEMO_HOUSEHOLDS, seed: int = 2026, today: date | None = None,
         progress: bool = False) -> dict:
    """The demo city. Returns counts by state."""
    rng = random.Random(seed)
    today = today or clock.today()
    # The demo's history is a replay: each act as at its own date (cases.backdating).
    with replaying():
        return _seed(households, rng, today, progress, seed)


def _seed(households: int, rng: random.Random, today: date, progress: bool, seed: int) -> dict:
    villages = build_areas(townships=3, villages=VILLAGES_PER_TOWNSHIP)
    demo_users()
    clerks, approvers, county_users = {}, {}, {}
    for township in Area.objects.filter(level=Area.Level.TOWNSHIP):
        clerks[township.code] = make_staff(f"clerk_{township.code}", "clerk", township.code)
        approvers[township.code] = make_staff(f"approver_{township.code}", "approver", township.code)
    county_approvers = {}
    for county in Area.objects.filter(level=Area.Level.COUNTY):
        county_users[county.code] = make_staff(f"county_{county.code}", "county", county.code)
        county_approvers[county.code] = make_staff(f"county_approver_{county.code}", "county_approver", county.code)

    def household(village: Area, target: str | None) -> None:
        """A new household in ``village``, its case (if any) taken to ``target``."""
        township = village.code[:9]
        start = today - timedelta(days=rng.randint(30, 400) if target in ("approved", "review", "suspended", "ending",
                                                                              "terminated") else rng.randint(0, 25))
        made, head = _make_household(clerks[township], village, rng, start,
                                     wage_fen=0 if target not in (None, "refused") else None)
        if target:
            _drive(made, target, start, today, clerks[township], approvers[township], county_users[village.code[:6]],
                   rng, head=head)

    for n in tqdm(range(households), desc="演示家庭", unit="户", disable=not progress):
        household(villages[n % len(villages)], _target(n, households, len(villages)))
    if households >= len(villages):  # a city (a test's handful of households stays as it is)
        for code in DEMO_TOWNSHIPS:  # the demo logins' townships: every state, one more household for each missing
            mine = [v for v in villages if v.code.startswith(code)]
            have = set(Case.objects.filter(area_code__startswith=code).values_list("state", flat=True))
            for i, target in enumerate(t for t in dict.fromkeys(STATES) if t not in have):
                household(mine[i % len(mine)], target)
    _funds(today, county_users)
    after_payroll = _temporary(today, rng, clerks, approvers, county_approvers)
    from safetynet.referrals import demo as referrals_demo

    referrals_demo.seed(today, rng, clerks, make_staff, DEMO_PASSWORD)
    _payroll_history(today, approvers, progress)
    for act in after_payroll:
        act()
    from safetynet.site.demo_feeds import seed_feeds

    city = get_user_model().objects.get(username="city")
    seed_feeds(city, city, today, seed=seed)
    counts = {}
    for state in Case.objects.values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return counts


STATES = ["precheck", "accepted", "investigated", "notice", "approved", "refused", "review", "suspended", "ending",
          "terminated", "withdrawn", "approved", "approved", "approved"]  # fmt: skip


def _target(n: int, households: int, villages: int) -> str | None:
    """The state the ``n``-th household's case is taken to (the first 60% have one); it lives in
    village ``n % villages``. Each round over the villages moves on by a township's villages:
    else a village would only ever see one state (126 villages, 14 states) and its township three."""
    if n >= households * 0.6:
        return None
    return STATES[(n + VILLAGES_PER_TOWNSHIP * (n // villages)) % len(STATES)]


def catch_up_payrolls(today: date, progress: bool = False) -> None:
    """The payrolls the apps' demos made owed after the seed's history ran (a single-person dibao
    household moved to tekun by care's demo): each township's months of each programme not run yet,
    approved by the township's approver but this month's."""
    approvers = {s.area_id: s.user for s in Staff.objects.filter(role="approver").select_related("user")}
    _payroll_history(today, approvers, progress, skip_run=True)


def _payroll_history(today: date, approvers: dict, progress: bool, *, skip_run: bool = False) -> None:
    """Every township's payroll of each programme, month by month from its first entitlement to
    this month; all approved but this month's, left as a draft for the demo's approver. A one-off
    programme (temporary assistance) only in the months it owes something. Before a township's
    first entitlement of a programme its payroll would be empty: not run (a quarter of the runs,
    and each run and approval computes the township's payroll)."""
    from safetynet.payments import services as payments
    from safetynet.payments.models import Entitlement, PayrollRun

    city = get_user_model().objects.get(username="city")
    first = Entitlement.objects.order_by("starts").values_list("starts", flat=True).first()
    if first is None:
        return
    months, month = [], first
    while month <= today.replace(day=1):
        months.append(month)
        month = first_of_next_month(month)
    once = {d.code for d in programmes.all() if d.schedule == "one_off"}
    owing: dict[tuple[str, str], set[date]] = {}
    for code, programme, starts in Entitlement.objects.values_list("area_code", "programme", "starts").distinct():
        owing.setdefault((code[:9], programme), set()).add(starts)
    paying = sorted(owing)
    first_owed = {key: min(starts).replace(day=1) for key, starts in owing.items()}
    townships = {a.code: a for a in Area.objects.filter(level=Area.Level.TOWNSHIP)}
    # the runs made already (``skip_run``: a second pass fills only what the first could not know), in one query
    already = set(PayrollRun.objects.exclude(status=PayrollRun.Status.CANCELLED)
                  .values_list("month", "township_id", "programme")) if skip_run else set()  # fmt: skip
    for month in tqdm(months, desc="发放名册", unit="月", disable=not progress):
        for code, programme in paying:
            if programme in once and month not in owing[(code, programme)]:
                continue
            if month < first_owed[(code, programme)]:
                continue
            township = townships[code]
            if (month, code, programme) in already:
                continue
            # computed by the city, approved by the township: never one person for both
            run = payments.run_payroll(city, month=month, township=township, programme=programme)
            if month < today.replace(day=1):
                payments.approve_payroll(approvers[code], run)


def _drive(household: Household, target: str, start: date, today: date, clerk, approver, county_user,
           rng: random.Random, *, head: Person | None = None) -> Case:
    """Take a new case through the services to ``target``, dating each act plausibly."""
    head = head or household.members.get(relation="head")
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


# ---- the standby funds and temporary assistance (临时救助) ------------------------------------------


def _funds(today: date, county_users: dict) -> None:
    """Every township's standby fund, opened by its county's allocation on the first of the month
    three months back: before any payment from it (a fund's book runs in date order by month)."""
    from safetynet.funds import services as funds
    from safetynet.policy.months import add_months

    on = add_months(today.replace(day=1), -3)
    for n, township in enumerate(Area.objects.filter(level=Area.Level.TOWNSHIP).select_related("parent")
                                 .order_by("code"), start=1):  # fmt: skip
        county = township.parent
        funds.allocate(county_users[county.code], township_code=township.code, amount_fen=FUND_ALLOCATION_FEN, on=on,
                       document=f"{county.name}民政局〔{on.year}〕{n}号")  # fmt: skip


DESCRIPTIONS = {
    "fire": "夜间电线老化起火，住房两间及衣物被褥烧毁",
    "traffic": "户主骑电动车被撞伤住院，肇事方暂未赔付",
    "illness": "突发脑梗住院，家中无人照料，急需生活费用",
    "accident": "暴雨致院墙倒塌砸伤家人",
    "medical": "慢性肾病透析，医保报销后自付部分仍难承担",
    "education": "子女考入大学，学费和住宿费无力负担",
    "living": "家中主要劳动力病休，基本生活难以维持",
}
REPORTERS = (("", ""), ("王会计", "村委会"), ("李桂兰", "邻居"), ("张明", "网格员"))


def temporary_plan(today: date) -> list[dict]:
    """The temporary cases of one township: every state, both kinds, several causes. ``ago``: the
    days from the report to today; ``until``: the state it is left in."""
    last_month = (today - (today.replace(day=1) - timedelta(days=18))).days  # mid last month
    return [
        {"until": "reported", "cause": "fire", "ago": 0, "size": 3},  # the 24 hours running
        {"until": "reported", "cause": "accident", "ago": 2},  # the 24 hours over, not yet helped
        {"until": "helped", "cause": "traffic", "ago": 3},  # helped within the 24 hours
        {"until": "helped", "cause": "illness", "ago": 6, "late": True},  # helped after them
        {"until": "accepted", "cause": "fire", "ago": 8},  # the papers accepted
        {"until": "investigated", "cause": "traffic", "ago": 10, "size": 2},
        {"until": "county", "cause": "fire", "ago": 4, "size": 4, "county": True},  # waiting at the county
        {"until": "granted", "cause": "illness", "ago": 7, "size": 2},  # this month's payroll pays the rest
        {"until": "granted", "cause": "accident", "ago": 9, "size": 4, "county": True},
        {"until": "paid", "cause": "fire", "ago": 20, "paid": "cash"},
        {"until": "paid", "cause": "traffic", "ago": last_month, "size": 2, "paid": "payroll"},
        {"until": "paid", "kind": "spending", "cause": "medical", "ago": 25, "spending": "8000.00",
         "reimbursed": "5600.00", "paid": "cash"},
        {"until": "refused", "kind": "spending", "cause": "living", "ago": 15, "spending": "3000.00"},
        {"until": "refused", "kind": "spending", "cause": "medical", "ago": 18, "spending": "15000.00",
         "reimbursed": "5000.00", "county": True},  # refused by the county
        {"until": "withdrawn", "cause": "accident", "ago": 5},
        {"until": "precheck", "kind": "spending", "cause": "education", "ago": 1, "spending": "6000.00"},
        # seed: 视情先给予临时救助，再按照规定程序进行审批: helped while its dibao application runs
        {"until": "helped", "kind": "spending", "cause": "living", "ago": 4, "spending": "2000.00",
         "during_dibao": True},
        {"until": "helped", "cause": "fire", "ago": 7, "size": 2, "to_dibao": True},  # dibao opened from it
    ]  # fmt: skip


class _Township:
    """Who acts in one township, and its villages for the new households."""

    def __init__(self, code: str, clerk, approver, county_approver, rng: random.Random, today: date):
        self.code, self.clerk, self.approver, self.county_approver = code, clerk, approver, county_approver
        self.rng, self.today = rng, today
        self.villages = list(Area.objects.filter(parent_id=code).order_by("code"))
        self.made = 0
        self.after_payroll: list[Callable[[], object]] = []

    def household(self, on: date, size: int) -> Household:
        village = self.villages[self.made % len(self.villages)]
        self.made += 1
        return make_household(self.clerk, village, self.rng, on, size=size, wage_fen=0)

    def next_day(self, on: date) -> date:
        return min(add_working_days(on, 1), self.today)


def _temporary_case(t: _Township, *, until: str, cause: str, ago: int, kind: str = "emergency", size: int = 1,
                    late: bool = False, county: bool = False, paid: str = "", spending: str = "",
                    reimbursed: str = "", during_dibao: bool = False, to_dibao: bool = False) -> Iterator[date]:
    """One temporary case through the services to ``until``: yields each act's date before the act
    (``_in_date_order`` interleaves the cases, so each fund's book runs in date order)."""
    from safetynet.policy.money import fmt, to_fen
    from safetynet.temporary import rules
    from safetynet.temporary import selectors as temporary_selectors
    from safetynet.temporary import services as temporary

    rng = t.rng
    if ago == 0:  # reported two hours ago: the hours run while the demo is looked at
        reported_at = temporary_selectors.now() - timedelta(hours=2)
    else:
        reported_at = timezone.make_aware(datetime.combine(t.today - timedelta(days=ago),
                                                           time(rng.randint(8, 17), rng.choice((5, 20, 40)))))
    on = timezone.localtime(reported_at).date()
    yield on
    household = t.household(on, size)
    head = household.members.get(relation="head")
    from_case = cases.start_precheck(t.clerk, household=household, programme="dibao", applicant=head, on=on) \
        if during_dibao else None
    name, relation = rng.choice(REPORTERS) if kind == "emergency" else ("", "")
    case = temporary.report(
        t.clerk, household=household, applicant=head, kind=kind, cause=cause,
        occurred_on=max(on - timedelta(days=rng.choice((0, 0, 1))), on - timedelta(days=ago)), reported_at=reported_at,
        reported_by_name=name, reported_by_relation=relation, description=DESCRIPTIONS[cause], spending=spending,
        reimbursed=reimbursed, from_case=from_case,
    )  # fmt: skip
    if until in ("reported", "precheck"):
        return
    if until == "withdrawn":
        yield (on := t.next_day(on))
        cases.take_step(t.clerk, case, "withdraw", version=case.version, on=on, reason="亲属已资助，申请人不再申请")
        return
    if case.state == "reported":  # help first, from the township's standby fund
        helped_at = reported_at + timedelta(hours=52 if late else rng.randint(2, 20), minutes=rng.randint(0, 50))
        on = min(timezone.localtime(helped_at).date(), t.today)
        yield on
        most = to_fen(case.assessment["amount"])
        cash = rng.random() < 0.6
        case = cases.take_step(
            t.clerk, case, "help_first", version=case.version, on=on, amount=fmt(min(100_000, most // 200 * 100)),
            method="cash" if cash else "transfer", time=f"{timezone.localtime(helped_at):%H:%M}",
            receipt=f"SJ{case.pk:06d}" if cash else "",
        )  # fmt: skip
        if to_dibao:
            temporary.open_application(t.clerk, case, on=on, programme="dibao")
    if until == "helped":
        return
    yield (on := t.next_day(on))
    case = cases.take_step(t.clerk, case, "accept", version=case.version, on=on)
    if until == "accepted":
        return
    yield (on := t.next_day(on))
    case = cases.take_step(t.clerk, case, "record_home_visit", version=case.version, on=on,
                           investigators=["调查员甲", "调查员乙"], family_signed=True,
                           findings=f"{DESCRIPTIONS[cause]}，与求助登记一致。")  # fmt: skip
    if until == "investigated":
        return
    # A case left granted is granted today: this month's payroll (the demo's draft) owes its rest.
    yield (on := t.today if until == "granted" and not county else t.next_day(on))
    if until == "refused" and not county:
        cases.take_step(t.approver, case, "refuse", version=case.version, on=on,
                        reasons="经入户调查，亲属已承担该项支出，家庭未超出承受能力。",
                        opinion="不符合支出型临时救助条件。")  # fmt: skip
        return
    most = to_fen(case.assessment["amount"])
    limit = rules.township_limit_fen(case.area_code, on)
    if not county:
        case = cases.take_step(t.approver, case, "grant", version=case.version, on=on, amount=fmt(min(most, limit)),
                               opinion="符合临时救助条件，同意救助。")
    else:
        case = cases.take_step(t.approver, case, "refer_to_county", version=case.version, on=on, amount=fmt(most),
                               opinion=f"拟救助 {fmt(most)} 元，超过乡镇审批权限，报县民政局审批。")
        if until == "county":
            return
        yield (on := t.today if until == "granted" else t.next_day(on))
        if until == "refused":
            cases.take_step(t.county_approver, case, "county_refuse", version=case.version, on=on,
                            reasons="该项医疗费用已获医疗救助，不予重复救助。", opinion="不予批准。")
            return
        case = cases.take_step(t.county_approver, case, "county_grant", version=case.version, on=on,
                               opinion="同意乡镇意见。")
    if until == "granted":
        return
    if paid == "cash":
        yield (on := t.next_day(on))
        cases.take_step(t.clerk, case, "pay_cash", version=case.version, on=on, receipt=f"SJ{case.pk:06d}-2")
    else:  # the month's payroll pays the rest; the case is closed once it is approved
        t.after_payroll.append(lambda: cases.take_step(t.clerk, Case.objects.get(pk=case.pk), "close_paid",
                                                       version=Case.objects.get(pk=case.pk).version, on=t.today))


def _in_date_order(paths: list[Iterator[date]]) -> None:
    """Run the paths' acts interleaved by date (ties in the paths' order)."""
    heap: list[tuple[date, int, Iterator[date]]] = []

    def advance(i: int, path: Iterator[date]) -> None:
        on = next(path, None)
        if on is not None:
            heapq.heappush(heap, (on, i, path))

    for i, path in enumerate(paths):
        advance(i, path)
    while heap:
        _on, i, path = heapq.heappop(heap)
        advance(i, path)


def _temporary(today: date, rng: random.Random, clerks: dict, approvers: dict, county_approvers: dict) -> list:
    """Temporary cases in every state in the demo townships; returns the acts that wait for the
    payroll history (closing a case its payroll paid)."""
    townships = [_Township(code, clerks[code], approvers[code], county_approvers[code[:6]], rng, today)
                 for code in DEMO_TOWNSHIPS if code in clerks]  # fmt: skip
    _in_date_order([_temporary_case(t, **row) for t in townships for row in temporary_plan(today)])
    return [act for t in townships for act in t.after_payroll]
