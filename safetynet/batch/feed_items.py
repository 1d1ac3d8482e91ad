"""The 19 data items the verification centre receives from 13 departments (POLICY.md §8).

Each item is one file format, keyed by the resident ID number (``id_number``). This catalogue is
the format's one definition: the importer validates against it, the store keeps its typed
columns, ``safetynet feeds formats`` and ``docs/verification.md`` print it. Money is given in
yuan with at most two decimals and kept as integer fen; dates are ``YYYY-MM-DD``, months
``YYYY-MM``.

Column types: ``id`` (a valid ID number), ``text``, ``date``, ``month``, ``money``, ``int``,
``bool`` (``1/0``, ``true/false``, ``是/否``), or a tuple of allowed values. A column name ending
in ``?`` may be left empty.
"""

from __future__ import annotations

from dataclasses import dataclass

# The grouping into 13 departments follows the seed's count; which agency delivers securities and
# insurance data together is a local arrangement [to confirm].
DEPARTMENTS: dict[str, str] = {
    "public_security": "公安局",
    "civil_affairs": "民政局",
    "natural_resources": "自然资源和规划局（不动产登记）",
    "market_regulation": "市场监督管理局",
    "tax": "税务局",
    "hrss": "人力资源和社会保障局",
    "housing_fund": "住房公积金管理中心",
    "finance": "财政局",
    "disabled_federation": "残疾人联合会",
    "rural_revitalization": "乡村振兴局（扶贫办）",
    "medical_security": "医疗保障局",
    "banking": "银行业金融机构",
    "securities_insurance": "证券期货和保险机构",
}

RELATIONS = ("head", "spouse", "child", "parent", "other")
DISABILITY_KINDS = ("physical", "intellectual", "mental", "visual", "hearing", "speech", "multiple")
VEHICLE_TYPES = ("car", "truck", "motorcycle", "farm", "disability")
PROGRAMMES = ("dibao", "tekun")


@dataclass(frozen=True)
class Item:
    code: str
    department: str
    name: str
    # register: the population; event: dated facts; monthly: one row per person and month;
    # snapshot: balances as of a date (the latest delivery counts).
    kind: str
    columns: dict[str, object]
    use: str  # what the check does with it
    # a later delivery of the same key replaces the earlier one: a person's month (monthly), an
    # institution's statement (snapshot: banks deliver on their own days)
    key: tuple[str, ...] = ("id_number", "month")

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if not c.endswith("?"))

    def column_names(self) -> tuple[str, ...]:
        return tuple(c.rstrip("?") for c in self.columns)


ITEMS: dict[str, Item] = {
    item.code: item
    for item in (
        Item("household_registration", "public_security", "户籍登记", "register",
             {"id_number": "id", "name": "text", "household_no": "text", "area_code": "text",
              "hukou": ("urban", "rural"), "relation": RELATIONS, "father_id?": "id", "mother_id?": "id"},
             "the population register: households, members, hukou; parents link obligors"),
        Item("deaths", "public_security", "死亡（注销户口）", "event",
             {"id_number": "id", "death_date": "date"},
             "a member who died is not counted; a beneficiary who died is a finding"),
        Item("marriage", "civil_affairs", "婚姻登记", "event",
             {"id_number": "id", "spouse_id": "id", "status": ("married", "divorced"), "event_date": "date"},
             "the spouse is an obligor; a spouse not declared is a discrepancy"),
        Item("vehicles", "public_security", "机动车登记（公安交管）", "event",
             {"id_number": "id", "plate": "text", "vehicle_type": VEHICLE_TYPES, "registered_date": "date"},
             "vehicles in the asset test"),
        Item("real_estate", "natural_resources", "不动产登记", "event",
             {"id_number": "id", "certificate_no": "text", "use": ("residential", "commercial", "other"),
              "registered_date": "date"},
             "dwellings in the asset test"),
        Item("business", "market_regulation", "市场主体登记", "event",
             {"id_number": "id", "credit_code": "text", "entity_type": ("enterprise", "individual"),
              "status": ("active", "cancelled"), "registered_date": "date"},
             "registered businesses in the asset test"),
        Item("income_tax", "tax", "个人所得税（工资薪金）", "monthly",
             {"id_number": "id", "month": "month", "wage_income": "money", "tax": "money",
              "personal_insurance": "money"},
             "wage income net of tax and personal social insurance"),
        Item("pensions", "hrss", "养老金领取", "monthly",
             {"id_number": "id", "month": "month", "scheme": ("employee", "resident"), "amount": "money",
              "central_basic": "money"},
             "pension income; the central basic pension of the residents' scheme is listed apart",
             ("id_number", "month", "scheme")),
        Item("social_insurance", "hrss", "社会保险缴费", "monthly",
             {"id_number": "id", "month": "month",
              "insurance": ("employee_pension", "resident_pension", "employee_medical"),
              "contribution_base": "money", "employer?": "text"},
             "evidence of employment (reported, not counted as income)", ("id_number", "month", "insurance")),
        Item("unemployment", "hrss", "失业保险金", "monthly",
             {"id_number": "id", "month": "month", "amount": "money"},
             "unemployment benefit"),
        Item("housing_fund", "housing_fund", "住房公积金", "monthly",
             {"id_number": "id", "month": "month", "deposit": "money", "balance": "money"},
             "evidence of employment (reported, not counted)"),
        Item("deposits", "banking", "银行存款", "snapshot",
             {"id_number": "id", "institution": "text", "balance": "money", "as_of": "date"},
             "financial assets", ("institution",)),
        Item("securities", "securities_insurance", "证券资产", "snapshot",
             {"id_number": "id", "institution": "text", "market_value": "money", "as_of": "date"},
             "financial assets", ("institution",)),
        Item("insurance", "securities_insurance", "商业保险", "snapshot",
             {"id_number": "id", "institution": "text", "policy_no": "text", "cash_value": "money",
              "as_of": "date"},
             "financial assets (cash value)", ("institution",)),
        Item("public_payroll", "finance", "财政供养人员", "monthly",
             {"id_number": "id", "month": "month", "employer": "text",
              "role": ("civil_servant", "public_institution", "caseworker", "village_cadre"), "gross_pay": "money"},
             "on the public payroll; caseworkers and cadres for the relatives rule", ("id_number", "month", "employer")),
        Item("disability", "disabled_federation", "残疾人证", "event",
             {"id_number": "id", "disability_kind": DISABILITY_KINDS, "grade": "grade", "issued_date": "date"},
             "disability kind and grade for tekun and the single-person route"),
        Item("registered_poor", "rural_revitalization", "建档立卡贫困户", "event",
             {"id_number": "id", "poor_household_no": "text", "status": ("in_poverty", "out_of_poverty"),
              "year": "year"},
             "registered-poor share of rural dibao (reported)"),
        Item("medical", "medical_security", "医疗费用与门诊慢特病", "monthly",
             {"id_number": "id", "month": "month", "total_cost": "money", "self_paid": "money",
              "serious_illness": "bool"},
             "recognised serious illness for the single-person route; spending reported"),
        Item("assistance", "civil_affairs", "已享受社会救助", "event",
             {"id_number": "id", "programme": PROGRAMMES, "area_code": "text", "household_no": "text",
              "monthly_amount": "money", "since": "date"},
             "who is covered, where and by what: the other side of missed and wrongly covered"),
    )
}  # fmt: skip

assert len(ITEMS) == 19 and {i.department for i in ITEMS.values()} == set(DEPARTMENTS)


def item(code: str) -> Item:
    return ITEMS[code]
