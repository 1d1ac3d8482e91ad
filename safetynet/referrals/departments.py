"""The five departments the window refers to, declared once: the needs each takes and the facts
of a household each may see (data minimisation).

Since the 2018 reorganisation these programmes of the "8" are run outside civil affairs; the
township window takes the request and passes it on with the household's verified facts
(一门受理、协同办理: POLICY.md §11; 意见-2020). What is passed is limited to what the
department's own programme decides on: 个人信息保护法 第六条 (collection limited to the smallest
scope the purpose needs) and 暂行办法 第六十一条 (personal information learnt in assistance work
kept confidential). Each department's fields follow the target group and forms of its programme
in 社会救助暂行办法 (暂行办法; cited per department below). Nothing else leaves: no bank card,
no phone but the contact's, no income or asset detail, and ID numbers only where the department
registers the person (medical, employment and education assistance are paid or enrolled per
person).

``snapshot(household, department, on)`` builds what is sent; a test checks it holds exactly the
declared fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from safetynet.policy.errors import PolicyError
from safetynet.policy.tekun import UNABLE_DISABILITY_GRADES

# Working age for the employment department: from 16 (劳动法 第十五条: no employment under 16)
# to below 60, the statutory retirement age of men (国发〔1978〕104号). Women's earlier ages are
# not applied: a member one way or the other is the department's to judge, not a leak.
WORKING_AGE = (16, 60)
# Children for the education department: under 18 (未成年人保护法 第二条), and students of any age.
CHILD_AGE = 18


@dataclass(frozen=True)
class Department:
    code: str
    categories: tuple[tuple[str, str], ...]  # the needs it takes: code, label
    household: tuple[str, ...]  # household facts sent (HOUSEHOLD_FIELDS)
    members: tuple[str, ...]  # facts of each member sent (MEMBER_FIELDS), for the members ``who`` picks
    who: str  # "all" | "working_age" | "children_and_students"
    basis: str  # why these facts: its programme's target group and forms


WHO_LABELS = {
    "all": "全体在户成员",
    "working_age": f"劳动年龄成员（{WORKING_AGE[0]} 至 {WORKING_AGE[1] - 1} 周岁）",
    "children_and_students": f"未满 {CHILD_AGE} 周岁的成员和全日制在校生",
}

# The facts a referral can carry, with their labels (the referral page shows them in this order).
HOUSEHOLD_FIELDS = {
    "area": "乡镇（街道）· 村居",
    "contact": "联系人及电话",
    "address": "住址",
    "hukou": "户籍类别",
    "household_size": "家庭人口",
    "income_per_head": "月人均收入（元，按低保核算口径）",
    "dwellings": "家庭成员名下住房（套）",
    "programmes": "享受低保、特困、临时救助情况",
    "registered_poor": "建档立卡贫困户",
    "checked_on": "最近一次家庭经济状况核对",
}
MEMBER_FIELDS = {
    "name": "姓名",
    "id_number": "公民身份号码",
    "relation": "与户主关系",
    "sex": "性别",
    "age": "年龄",
    "disability": "残疾",
    "serious_illness": "重病",
    "work_capacity": "劳动能力",
    "employment": "就业和收入",
    "student": "全日制在校生",
}

# fmt: off
DEPARTMENTS: dict[str, Department] = {d.code: d for d in (
    Department(
        "medical",
        categories=(("inpatient", "住院医疗费用"), ("outpatient", "门诊（慢性病、特殊病）医疗费用"),
                    ("insurance", "资助参加城乡居民基本医疗保险"), ("other", "其他")),
        household=("area", "contact", "programmes", "registered_poor", "checked_on"),
        members=("name", "id_number", "relation", "age", "disability", "serious_illness"),
        who="all",
        basis="暂行办法 第二十八条（医疗救助对象：低保家庭成员、特困供养人员等）、第二十九条（资助参保，"
              "门诊、住院自负费用补助）：按人核定，须身份证号码；医疗支出见需求所填金额",
    ),
    Department(
        "housing",
        categories=(("dilapidated", "农村危房改造"), ("rental", "配租公共租赁住房或发放租赁补贴"), ("other", "其他")),
        household=("area", "contact", "address", "hukou", "household_size", "income_per_head", "dwellings",
                   "programmes", "checked_on"),
        members=(),
        who="all",
        basis="暂行办法 第三十七条（住房救助对象：住房困难的低保家庭、分散供养的特困人员）、第三十八条"
              "（公租房、租赁补贴、农村危房改造）：按户核定，不需成员身份信息",
    ),
    Department(
        "employment",
        categories=(("job", "职业介绍、就业岗位"), ("training", "职业培训"), ("public_post", "公益性岗位安置"),
                    ("other", "其他")),
        household=("area", "contact", "programmes", "checked_on"),
        members=("name", "id_number", "sex", "age", "work_capacity", "employment"),
        who="working_age",
        basis="暂行办法 第四十二条（低保家庭中有劳动能力并处于失业状态的成员；贷款贴息、社会保险补贴、"
              "岗位补贴、培训补贴、公益性岗位安置）、第四十三条：只及劳动年龄成员",
    ),
    Department(
        "education",
        categories=(("fees", "学费、住宿费等费用减免"), ("grant", "助学金、生活补助"), ("other", "其他")),
        household=("area", "contact", "programmes", "registered_poor", "checked_on"),
        members=("name", "id_number", "age", "student"),
        who="children_and_students",
        basis="暂行办法 第三十三条（在学的低保家庭成员、特困供养人员）、第三十四条（减免费用、助学金、"
              "生活补助）：只及未成年人和在校生，学籍以身份证号码登记",
    ),
    Department(
        "disaster",
        categories=(("living", "应急和过渡期生活救助"), ("house", "倒损住房恢复重建"), ("other", "其他")),
        household=("area", "contact", "address", "household_size", "programmes"),
        members=("name", "relation", "age"),
        who="all",
        basis="暂行办法 第二十条至第二十六条（受灾人员救助：应急救助、过渡期生活救助、倒损住房恢复重建）："
              "按户按人安排，受灾情况见需求说明",
    ),
)}
# fmt: on


def categories(department: str) -> dict[str, str]:
    d = DEPARTMENTS.get(department)
    return dict(d.categories) if d else {}


def category_label(department: str, category: str) -> str:
    return categories(department).get(category, category)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _valid_on(rows, on: date) -> list:
    return [r for r in rows if r.since <= on and (r.until is None or r.until > on)]


def _unable_to_work(person) -> bool:
    top = UNABLE_DISABILITY_GRADES.get(person.disability_kind or "")
    return bool(person.disability_grade and top and person.disability_grade <= top)


def _work_capacity(person) -> str:
    # The disabilities that mean no capacity to work: 特困-2021 第五条 (policy.tekun).
    if _unable_to_work(person):
        return "丧失劳动能力（残疾）"
    if person.serious_illness:
        return "重病"
    if person.student:
        return "在校学习"
    return "有劳动能力"


def _employment(person, on: date) -> str:
    kinds = {i.kind for i in _valid_on(person.incomes.all(), on)}
    if "unemployment_benefit" in kinds:
        return "领取失业保险金"
    if kinds & {"wage", "business"}:
        return "有工资性或经营性收入"
    return "无工资性或经营性收入"


def _member_value(field: str, person, on: date):
    age = _age(person.birth_date, on)
    if field == "name":
        return person.name
    if field == "id_number":
        return person.id_number
    if field == "relation":
        return person.get_relation_display()
    if field == "sex":
        return person.get_sex_display()
    if field == "age":
        return age
    if field == "disability":
        return f"{person.get_disability_kind_display()}{person.disability_grade} 级" if person.disability_grade else ""
    if field == "serious_illness":
        return bool(person.serious_illness)
    if field == "work_capacity":
        return _work_capacity(person)
    if field == "employment":
        return _employment(person, on)
    if field == "student":
        return bool(person.student)
    raise KeyError(field)


def _picks(who: str, person, on: date) -> bool:
    age = _age(person.birth_date, on)
    if who == "working_age":
        return WORKING_AGE[0] <= age < WORKING_AGE[1]
    if who == "children_and_students":
        return age < CHILD_AGE or person.student
    return True


def _programmes(household) -> str:
    """Each programme's latest case of the household and its state ("最低生活保障：保障中")."""
    latest: dict[str, object] = {}
    for case in sorted(household.cases.all(), key=lambda c: c.pk):
        latest[case.programme] = case
    return "；".join(f"{c.get_programme_display()}：{c.get_state_display()}" for c in latest.values()) or "无"


def _income_per_head(household, on: date) -> str:
    """Counted income per head as the dibao rules count it (POLICY.md §4), for the month of ``on``."""
    from safetynet.policy.assessment import assess
    from safetynet.registry.selectors import assessment_input

    try:
        return assess(assessment_input(household, on.replace(day=1)))["dibao"]["per_capita_income"]
    except PolicyError:  # a month before the first standard known: nothing to say, never a guess
        return ""


def _checked_on(household) -> str:
    from safetynet.verification.selectors import latest_check

    result = latest_check(household.pk)
    if result is None:
        return "未经部门数据核对"
    return f"{result.run.requested_at:%Y-%m-%d}（{result.get_impact_display()}）"


def _household_value(field: str, household, members: list, on: date):
    if field == "area":
        village = household.village
        return f"{village.parent.name} · {village.name}" if village.parent_id else village.name
    if field == "contact":
        head = next((p for p in members if p.relation == "head"), members[0] if members else None)
        return f"{head.name} {head.phone}".strip() if head else ""
    if field == "address":
        return household.address
    if field == "hukou":
        return household.get_hukou_display()
    if field == "household_size":
        return len(members)
    if field == "income_per_head":
        return _income_per_head(household, on)
    if field == "dwellings":
        return sum(1 for p in members for a in _valid_on(p.assets.all(), on) if a.kind == "house")
    if field == "programmes":
        return _programmes(household)
    if field == "registered_poor":
        return bool(household.registered_poor)
    if field == "checked_on":
        return _checked_on(household)
    raise KeyError(field)


def snapshot(household, department: str, on: date) -> tuple[dict, list[int]]:
    """What ``department`` is sent about ``household`` on ``on``: the declared fields only, and
    the registry ids of the persons whose data it carries (for the access log)."""
    d = DEPARTMENTS[department]
    members = [p for p in household.members.all() if p.member_in(on)]
    facts: dict = {
        "as_of": on.isoformat(),
        "household": {f: _household_value(f, household, members, on) for f in d.household},
    }
    shown = [p for p in members if _picks(d.who, p, on)] if d.members else []
    if d.members:
        facts["members"] = [{f: _member_value(f, p, on) for f in d.members} for p in shown]
    # Whose data leaves: the members listed, and the contact named in the household's facts.
    people = {p.pk for p in shown}
    if "contact" in d.household and members:
        people.add(next((p for p in members if p.relation == "head"), members[0]).pk)
    return facts, sorted(people)


def labelled(facts: dict) -> dict:
    """The facts as a page shows them: household rows (label, value) and member columns."""
    household = [(HOUSEHOLD_FIELDS.get(k, k), v) for k, v in (facts.get("household") or {}).items()]
    rows = facts.get("members")
    columns = list(rows[0]) if rows else []
    return {
        "household": household,
        "member_columns": [(c, MEMBER_FIELDS.get(c, c)) for c in columns],
        "members": rows,
        "has_members": rows is not None,
    }
