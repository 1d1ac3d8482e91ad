"""The demo's children and students: in each demo township an orphan raised in an institution,
an orphan living with relatives and a de-facto unsupported child (father in prison, mother
dead), applied for at the window, checked by the township and approved by the county; a student
of a dibao family with the year's aid granted (a second application for the same school year
refused at the window) and an orphan at university with the orphan aid (reported by the township,
confirmed by the county, paid in quarterly parts).
Then each township's payrolls of the three programmes, month by month to last month, computed by
the city and approved by the township, so the figures show what was paid. ``seed_demo`` calls
``seed`` after the cases exist (requests-J.md)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model

from safetynet.cases import programmes
from safetynet.cases import services as cases
from safetynet.cases.backdating import replaying
from safetynet.children import services
from safetynet.policy import idnumber
from safetynet.policy.education_aid import school_year_of
from safetynet.policy.errors import InputError
from safetynet.policy.months import first_of_next_month
from safetynet.registry import services as registry
from safetynet.registry.models import Area
from safetynet.site.demo import DEMO_TOWNSHIPS

# (name suffix, born years before today, father, mother, placement)
CHILDREN = (
    ("孤儿甲", 9, "dead", "dead", "concentrated"),
    ("孤儿乙", 12, "dead", "missing", "dispersed"),
    ("事实无人抚养", 7, "imprisoned", "dead", "dispersed"),
)


def _person(clerk, village: Area, name: str, born: date, serial: int, address: str):
    number = idnumber.generate(village.code[:6], born, serial, "female")
    household = registry.create_household(clerk, village=village, hukou="rural", address=address,
                                          members=[{"id_number": number, "name": name, "relation": "head",
                                                    "able_obligor": False}])  # fmt: skip
    return household, household.members.get()


def _seed(today: date) -> int:
    users = get_user_model().objects
    made = 0
    for code in DEMO_TOWNSHIPS:
        township = Area.objects.get(code=code)
        clerk, approver = (users.get(username=f"{r}_{code}") for r in ("clerk", "approver"))
        county = users.get(username=f"county_approver_{code[:6]}")
        village = Area.objects.filter(parent=township).order_by("code").first()
        opened = today - timedelta(days=60)
        for i, (name, age, father, mother, placement) in enumerate(CHILDREN):
            born = opened.replace(year=opened.year - age, day=1)
            household, child = _person(clerk, village, f"{name}{code[-3:]}", born, 430 + i, f"{village.name}儿童{i}号")
            case = services.apply_child(clerk, household=household, applicant=child, father=father, mother=mother,
                                        placement=placement, documents="父母死亡证明、判决书（演示）", on=opened)
            case = cases.record_home_visit(clerk, case, version=case.version, on=opened + timedelta(days=2),
                                           investigators=["调查员甲", "调查员乙"], family_signed=True,
                                           findings="由祖父母照料（演示）")  # fmt: skip
            case = cases.take_step(approver, case, "submit_child", version=case.version,
                                   on=opened + timedelta(days=5), opinion="情况属实，报县级审批")
            cases.take_step(county, case, "county_approve_child", version=case.version,
                            on=opened + timedelta(days=9), opinion="同意")
            made += 1
        # Students: a dibao family's second-year student, and an orphan at university.
        applied = today - timedelta(days=20)
        year = school_year_of(applied, code[:6])
        for i, (name, orphan, family) in enumerate((("大学生", False, "dibao"), ("孤儿大学生", True, "none"))):
            born = date(year - 20, 3, 1)
            address = f"{village.name}学生{i}号"
            _household, student = _person(clerk, village, f"{name}{code[-3:]}", born, 450 + i, address)
            case = services.apply_aid(clerk, student=student, level="bachelor", admission_year=year - 1,
                                      family=family, orphan=orphan, school="济宁学院（演示）",
                                      proof=f"在校证明 {code}-{i}", on=applied)  # fmt: skip
            if orphan:  # the county confirms the orphan's aid (seed), after the township's report
                case = cases.take_step(approver, case, "submit_aid", version=case.version,
                                       on=applied + timedelta(days=2), opinion="学籍属实，报县级确认")
                cases.take_step(county, case, "county_grant_aid", version=case.version,
                                on=applied + timedelta(days=3), opinion="确认孤儿身份，同意")
            else:
                cases.take_step(approver, case, "grant_aid", version=case.version, on=applied + timedelta(days=3),
                                opinion="同意")
            made += 1
            try:  # the same school year again: refused at the window
                services.apply_aid(clerk, student=student, level="bachelor", admission_year=year - 1,
                                   family=family, orphan=orphan, school="济宁学院（演示）", proof="重复申请",
                                   on=applied + timedelta(days=4))  # fmt: skip
            except InputError:
                pass
    return made


def _pay(today: date) -> int:
    """The demo townships' payrolls of children's allowances and education aid up to last month,
    each approved: a monthly programme every month from its first owed month, a one-off in the
    months a grant falls due (a part owed before its grant is paid in the grant's month)."""
    from safetynet.payments import services as payments
    from safetynet.payments.models import Entitlement

    users = get_user_model().objects
    city = users.get(username="city")
    this_month, runs = today.replace(day=1), 0
    for code in DEMO_TOWNSHIPS:
        township = Area.objects.get(code=code)
        approver = users.get(username=f"approver_{code}")
        for programme in ("orphan", "unsupported_child", "education_aid"):
            rows = Entitlement.objects.filter(area_code__startswith=code, programme=programme).select_related("case")
            due = {max(e.starts, e.case.decision_month or e.starts) for e in rows}
            if not due:
                continue
            if programmes.get(programme).schedule == "monthly":
                month, due = min(due), set()
                while month < this_month:
                    due.add(month)
                    month = first_of_next_month(month)
            for month in sorted(m for m in due if m < this_month):
                payments.approve_payroll(approver, payments.run_payroll(city, month=month, township=township,
                                                                        programme=programme))  # fmt: skip
                runs += 1
    return runs


def seed(today: date) -> int:
    with replaying():
        made = _seed(today)
    _pay(today)
    return made
