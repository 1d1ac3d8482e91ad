"""Reason codes of the rules, and ``explain`` that turns them into sentences with their basis.

Every rule that decides something adds a code to its row's ``reasons`` list. A code means the
same in every result; the sentence fills in the row's figures (``facts``) and the basis names the
document and article in force in the month decided. Documents by short name as in POLICY.md.
"""

from __future__ import annotations

import bisect
from datetime import date
from decimal import Decimal

import polars as pl

from safetynet.policy.money import fmt

# The documents the bases cite, by the short names of POLICY.md (code only: no page shows a short
# name), as a letter prints them: the full title in 《》 and the document's number.
DOCUMENTS = {
    "暂行办法": "《社会救助暂行办法》（国务院令第649号，2019年修订）",
    "低保-2012": "《最低生活保障审核审批办法（试行）》（民发〔2012〕220号）",
    "低保-2021": "《最低生活保障审核确认办法》（民发〔2021〕57号）",
    "特困-2016": "《特困人员认定办法》（民发〔2016〕178号）",
    "特困-2021": "《特困人员认定办法》（民发〔2021〕43号）",
    "通知-2020": "《民政部 财政部关于进一步做好困难群众基本生活保障工作的通知》（2020年）",
    # The city's own, named in the 2020 reports we hold: its dibao measure and its standards.
    "济宁-低保办法": "《济宁市最低生活保障管理办法》（2020年）",
    "济宁-标准": "济宁市民政局《我市社会救助标准再次提高》（自2020年7月1日起执行）",
    "复议法": "《中华人民共和国行政复议法》（2023年修订）",
    "诉讼法": "《中华人民共和国行政诉讼法》",
}


def cite(*parts: str) -> str:
    """A basis as printed: ``cite("暂行办法", "第九条")`` -> 《社会救助暂行办法》（…）第九条. Each
    part is a short name of ``DOCUMENTS`` (replaced by its full title) or the text after it."""
    return "".join(DOCUMENTS.get(p, p) for p in parts)


def cites(*items: tuple[str, ...] | str) -> str:
    """Several documents, joined as a letter joins them (；)."""
    return "；".join(cite(*((i,) if isinstance(i, str) else i)) for i in items)


_2021 = date(2021, 7, 1)

# code -> zh and en sentence templates, and the basis: a string, or {first date: string}.
REASONS: dict[str, dict] = {
    "dibao.income_excluded": {
        "zh": "家庭有 {other_excluded_income} 元/月的收入依规定不计入家庭收入（优抚、计生奖励、奖学金、见义勇为奖励、社会救助等）",
        "en": "{other_excluded_income} yuan a month of the household's income is not counted "
        "(youfu, family-planning awards, scholarships, heroism awards, social assistance and the like)",
        "basis": {
            date(2012, 12, 12): cite("低保-2012", "关于家庭收入认定的规定"),
            _2021: cite("低保-2021", "第十三条"),
        },
    },
    "dibao.pension_basic_counted": {
        "zh": "城乡居民基本养老保险基础养老金 {pension_basic} 元/月计入家庭收入（2021 年 7 月 1 日前的规定）",
        "en": "the residents' basic pension of {pension_basic} yuan a month is counted (rule before 2021-07-01)",
        "basis": cite("低保-2012", "关于家庭收入认定的规定"),
    },
    "dibao.pension_basic_excluded": {
        "zh": "城乡居民基本养老保险基础养老金 {pension_basic} 元/月不计入家庭收入",
        "en": "the residents' basic pension of {pension_basic} yuan a month is not counted",
        "basis": cite("低保-2021", "第十三条"),
    },
    "dibao.income_below_standard": {
        "zh": "家庭月收入 {income} 元、{members} 人，人均 {per_capita_income} 元，低于低保标准 {standard} 元",
        "en": "household income {income} yuan for {members} members, {per_capita_income} per person, "
        "is below the standard of {standard}",
        "basis": cite("暂行办法", "第九条"),
    },
    "dibao.income_not_below_standard": {
        "zh": "家庭月收入 {income} 元、{members} 人，人均 {per_capita_income} 元，不低于低保标准 {standard} 元",
        "en": "household income {income} yuan for {members} members, {per_capita_income} per person, "
        "is not below the standard of {standard}",
        "basis": cite("暂行办法", "第九条"),
    },
    "dibao.assets_financial_over": {
        "zh": "存款、有价证券和商业保险合计 {financial_assets} 元，超过上限 {financial_limit} 元"
        "（每人 {asset_months} 个月低保标准）",
        "en": "deposits, securities and insurance of {financial_assets} yuan exceed the limit of "
        "{financial_limit} ({asset_months} months of the standard per member)",
        "basis": cites(("暂行办法", "第十条"), ("济宁-低保办法", "关于家庭财产状况的规定")),
    },
    "dibao.assets_vehicle": {
        "zh": "拥有机动车 {vehicles_ordinary} 辆（残疾人代步车、低值农用车除外），超过上限 {max_vehicles} 辆",
        "en": "owns {vehicles_ordinary} motor vehicles (disability and low-value farm vehicles excepted), "
        "more than the limit of {max_vehicles}",
        "basis": cites(("暂行办法", "第十条"), ("济宁-低保办法", "关于家庭财产状况的规定")),
    },
    "dibao.assets_dwellings": {
        "zh": "拥有住房 {dwellings} 套，超过上限 {max_dwellings} 套",
        "en": "owns {dwellings} dwellings, more than the limit of {max_dwellings}",
        "basis": cites(("暂行办法", "第十条"), ("济宁-低保办法", "关于家庭财产状况的规定")),
    },
    "dibao.assets_business": {
        "zh": "登记企业（市场主体）{businesses} 个，超过上限 {max_businesses} 个",
        "en": "holds {businesses} registered enterprises, more than the limit of {max_businesses}",
        "basis": cites(("暂行办法", "第十条"), ("济宁-低保办法", "关于家庭财产状况的规定")),
    },
    "dibao.eligible": {
        "zh": "符合最低生活保障条件：保障金 = 标准 {standard} 元 × {members} 人 − 家庭收入 {income} 元 "
        "= {family_amount} 元/月",
        "en": "eligible for dibao: {standard} × {members} members − income {income} = {family_amount} yuan a month",
        "basis": {
            date(2012, 12, 12): cites(("暂行办法", "第十二条"), ("低保-2012", "第二十七条")),
            _2021: cites(("暂行办法", "第十二条"), "低保-2021"),
        },
    },
    "dibao.edge_family": {
        "zh": "人均收入低于低保标准的 {edge_factor} 倍（{edge_line} 元）且财产符合规定，属低保边缘家庭",
        "en": "income per person is below {edge_factor} × the standard ({edge_line} yuan) and assets are "
        "within the rules: an edge family",
        "basis": {date(2020, 1, 1): cite("通知-2020"), _2021: cites("通知-2020", ("低保-2021", "第八条"))},
    },
    "dibao.single_person": {
        "zh": "边缘家庭中 {single_count} 名重度残疾或重病成员按单人户单独纳入低保，合计 {single_amount} 元/月",
        "en": "{single_count} severely disabled or seriously ill members of the edge family are covered "
        "as single-person households, {single_amount} yuan a month in all",
        "basis": {date(2020, 1, 1): cite("通知-2020"), _2021: cites("通知-2020", ("低保-2021", "第八条"))},
    },
    "tekun.unable_elderly": {
        "zh": "年满 {elderly_age} 周岁（{age} 岁），属无劳动能力",
        "en": "aged {elderly_age} or over ({age}): unable to work",
        "basis": {date(2016, 10, 10): cite("特困-2016", "第五条"), _2021: cite("特困-2021", "第五条")},
    },
    "tekun.unable_minor": {
        "zh": "未满 {minor_age} 周岁（{age} 岁），属无劳动能力",
        "en": "under {minor_age} ({age}): unable to work",
        "basis": {
            date(2016, 10, 10): cite("特困-2016", "第五条"),
            date(2020, 7, 1): cites(
                ("特困-2016", "第五条"), ("通知-2020", "关于特困人员中未成年人年龄延长至18周岁的规定")
            ),
            _2021: cites(("特困-2021", "第五条"), ("通知-2020", "关于特困人员中未成年人年龄延长至18周岁的规定")),
        },
    },
    "tekun.unable_disability": {
        "zh": "{disability_grade} 级{disability_kind_zh}残疾，属无劳动能力",
        "en": "grade {disability_grade} {disability_kind} disability: unable to work",
        "basis": {date(2016, 10, 10): cite("特困-2016", "第五条"), _2021: cite("特困-2021", "第五条")},
    },
    "tekun.unable_student": {
        "zh": "年满 {minor_age} 周岁仍在校就读，特困供养待遇延续",
        "en": "aged {minor_age} or over and still in school: support continues",
        "basis": cite("特困-2021", "第二十四条"),
    },
    "tekun.able_to_work": {
        "zh": "{age} 岁，不属于无劳动能力情形",
        "en": "aged {age}: not among those unable to work",
        "basis": {date(2016, 10, 10): cite("特困-2016", "第四条、第五条"), _2021: cite("特困-2021", "第四条、第五条")},
    },
    "tekun.income_below": {
        "zh": "本人月收入 {own_income} 元低于当地低保标准 {standard} 元，且财产符合规定",
        "en": "own income of {own_income} yuan is below the dibao standard of {standard}, assets within the rules",
        "basis": {
            date(2016, 10, 10): cite("特困-2016", "关于无生活来源的认定"),
            _2021: cite("特困-2021", "关于无生活来源的认定"),
        },
    },
    "tekun.income_not_below": {
        "zh": "本人月收入 {own_income} 元不低于当地低保标准 {standard} 元",
        "en": "own income of {own_income} yuan is not below the dibao standard of {standard}",
        "basis": {
            date(2016, 10, 10): cite("特困-2016", "关于无生活来源的认定"),
            _2021: cite("特困-2021", "关于无生活来源的认定"),
        },
    },
    "tekun.assets_over": {
        "zh": "本人财产超出规定（金融资产 {own_financial_assets} 元，上限 {own_financial_limit} 元；"
        "机动车 {vehicles_ordinary} 辆；住房 {dwellings} 套；企业 {businesses} 个）",
        "en": "own assets exceed the rules (financial {own_financial_assets} yuan, limit {own_financial_limit}; "
        "{vehicles_ordinary} vehicles; {dwellings} dwellings; {businesses} enterprises)",
        "basis": {
            date(2016, 10, 10): cite("特困-2016", "关于无生活来源的认定"),
            _2021: cite("特困-2021", "关于无生活来源的认定"),
        },
    },
    "tekun.no_able_obligor": {
        "zh": "无法定赡养、抚养、扶养义务人，或义务人无履行义务能力",
        "en": "no person with a legal support duty, or none able to support",
        "basis": {
            date(2016, 10, 10): cite("特困-2016", "第四条"),
            _2021: cite("特困-2021", "第四条（无法定义务人或者其无履行义务能力）"),
        },
    },
    "tekun.able_obligor": {
        "zh": "有具备履行能力的法定赡养、抚养、扶养义务人",
        "en": "has a person with a legal support duty who is able to support",
        "basis": {
            date(2016, 10, 10): cite("特困-2016", "第四条"),
            _2021: cite("特困-2021", "第四条（无法定义务人或者其无履行义务能力）"),
        },
    },
    "tekun.orphan_support": {
        "zh": "未满 18 周岁，已纳入孤儿或事实无人抚养儿童保障范围，不认定为特困人员",
        "en": "a minor supported as an orphan or de-facto unsupported child: not tekun",
        "basis": cite("特困-2021", "第九条"),
    },
    "tekun.care_self_care": {
        "zh": "六项日常生活活动均能完成，具备生活自理能力，照料护理标准 {care} 元",
        "en": "all six daily activities achieved: self-care, care standard {care} yuan",
        "basis": {
            date(2016, 10, 10): cites(("特困-2016", "关于生活自理能力评估的规定"), ("济宁-标准", "规定的照料护理标准")),
            _2021: cites(("特困-2021", "第二十条至第二十三条"), ("济宁-标准", "规定的照料护理标准")),
        },
    },
    "tekun.care_partial": {
        "zh": "{adl_unmet} 项日常生活活动不能完成，部分丧失生活自理能力，照料护理标准 {care} 元",
        "en": "{adl_unmet} of six daily activities not achieved: partial loss of self-care, care standard {care}",
        "basis": {
            date(2016, 10, 10): cites(("特困-2016", "关于生活自理能力评估的规定"), ("济宁-标准", "规定的照料护理标准")),
            _2021: cites(("特困-2021", "第二十条至第二十三条"), ("济宁-标准", "规定的照料护理标准")),
        },
    },
    "tekun.care_complete": {
        "zh": "{adl_unmet} 项日常生活活动不能完成，完全丧失生活自理能力，照料护理标准 {care} 元",
        "en": "{adl_unmet} of six daily activities not achieved: complete loss of self-care, care standard {care}",
        "basis": {
            date(2016, 10, 10): cites(("特困-2016", "关于生活自理能力评估的规定"), ("济宁-标准", "规定的照料护理标准")),
            _2021: cites(("特困-2021", "第二十条至第二十三条"), ("济宁-标准", "规定的照料护理标准")),
        },
    },
    "tekun.eligible": {
        "zh": "符合特困人员救助供养条件：基本生活标准 {basic} 元 + 照料护理标准 {care} 元 = {amount} 元/月",
        "en": "eligible for tekun support: basic {basic} + care {care} = {amount} yuan a month",
        "basis": {
            date(2016, 10, 10): cites(("特困-2016", "第四条"), ("济宁-标准", "规定的基本生活标准和照料护理标准")),
            _2021: cites(("特困-2021", "第四条"), ("济宁-标准", "规定的基本生活标准和照料护理标准")),
        },
    },
}


# Temporary assistance (临时救助, POLICY.md §6; rules in temporary.py). Where our documents give
# no article number, the basis names the provision by its subject, as a letter would.
DOCUMENTS.update(
    {
        "临救-2014": "《国务院关于全面建立临时救助制度的通知》（国发〔2014〕47号）",
        "临救-2018": "《民政部 财政部 国务院扶贫办关于进一步加强和改进临时救助工作的意见》（民发〔2018〕23号）",
        "济宁-2020": "济宁市民政局《巧做“加减乘除”法 高质量打赢脱贫攻坚战》（2020年）",
        "汶上-2020": "汶上县民政局《统筹社会救助 助力脱贫攻坚》（2020年）",
    }
)
_TEMPORARY_STANDARD = cites(("临救-2014", "关于救助标准的规定"), ("临救-2018", "关于急难型临时救助的规定"))
_TEMPORARY_SPENDING = cites(("临救-2014", "关于对象范围和救助标准的规定"), ("临救-2018", "关于支出型临时救助的规定"))
_TEMPORARY_UNEMPLOYED = cites(("通知-2020", "关于对未参保失业人员发放一次性临时救助金的规定"), "济宁-2020")
_TEMPORARY_APPROVAL = cites(
    ("汶上-2020", "（在镇街建立临时救助备用金制度，3000元以下的小额临时救助由镇街直接审批）"),
    ("临救-2018", "关于审批权限的规定"),
)
REASONS.update(
    {
        "temporary.emergency_amount": {
            "zh": "急难型临时救助（{cause_zh}）：当地月低保标准 {standard} 元 × {months_of_standard} 个月 × {persons} 人 "
            "= {need} 元",
            "en": "emergency assistance ({cause_en}): the monthly dibao standard of {standard} yuan × "
            "{months_of_standard} months × {persons} persons = {need} yuan",
            "basis": _TEMPORARY_STANDARD,
        },
        "temporary.from_elsewhere": {
            "zh": "非本地户籍人员遭遇急难，由急难发生地按当地标准救助",
            "en": "a person from elsewhere is helped in an emergency where it happened, at the local standard",
            "basis": cite("临救-2014", "关于对象范围和申请受理的规定"),
        },
        "temporary.spending_from_elsewhere": {
            "zh": "支出型临时救助由户籍地或居住证所在地受理；既无本地户籍也无本地居住证的，不适用"
            "（遭遇急难的可申请急难型临时救助）",
            "en": "spending-type assistance is for those with a local hukou or residence permit; a person from "
            "elsewhere may be helped in an emergency",
            "basis": cite("临救-2014", "关于申请受理的规定"),
        },
        "temporary.spending_income_below_line": {
            "zh": "家庭月收入 {income} 元、{members} 人，人均 {per_capita_income} 元，低于低保标准的 {spending_factor} 倍"
            "（{spending_line} 元）",
            "en": "household income {income} yuan for {members} members, {per_capita_income} per person, is below "
            "{spending_factor} × the dibao standard ({spending_line} yuan)",
            "basis": _TEMPORARY_SPENDING,
        },
        "temporary.spending_income_over_line": {
            "zh": "家庭月收入 {income} 元、{members} 人，人均 {per_capita_income} 元，不低于低保标准的 {spending_factor} 倍"
            "（{spending_line} 元），不属于支出超出家庭承受能力的困难家庭",
            "en": "household income {income} yuan for {members} members, {per_capita_income} per person, is not below "
            "{spending_factor} × the dibao standard ({spending_line} yuan): the spending is within its means",
            "basis": _TEMPORARY_SPENDING,
        },
        "temporary.spending_bearable": {
            "zh": "家庭可承担部分：家庭月收入 {income} 元超出低保标准 {standard} 元 × {members} 人的部分 {excess_income} 元"
            " × {bearable_months} 个月 = {bearable} 元",
            "en": "what the household can bear: its monthly income of {income} yuan above the standard of {standard} × "
            "{members} members, {excess_income} yuan, × {bearable_months} months = {bearable} yuan",
            "basis": _TEMPORARY_SPENDING,
        },
        "temporary.spending_amount": {
            "zh": "支出型临时救助（{cause_zh}）：刚性支出 {spending} 元 − 医保等报销 {reimbursed} 元 − 其他救助 "
            "{other_assistance} 元 − 家庭可承担 {bearable} 元 = {need} 元",
            "en": "spending-type assistance ({cause_en}): spending {spending} − reimbursed {reimbursed} − other "
            "assistance {other_assistance} − what the household can bear {bearable} = {need} yuan",
            "basis": _TEMPORARY_SPENDING,
        },
        "temporary.spending_covered": {
            "zh": "刚性支出 {spending} 元扣除报销 {reimbursed} 元和其他救助 {other_assistance} 元后余 {uncovered} 元，"
            "不超过家庭可承担部分 {bearable} 元，无需临时救助",
            "en": "of the spending of {spending} yuan, {uncovered} remain after {reimbursed} reimbursed and "
            "{other_assistance} other assistance: within the {bearable} yuan the household can bear",
            "basis": _TEMPORARY_SPENDING,
        },
        "temporary.unemployed_amount": {
            "zh": "未参保失业人员一次性临时救助：连续 {months_without_income} 个月无收入、未参加失业保险、未纳入低保，"
            "按当地月低保标准 {standard} 元 × {months_of_standard} 个月发放 {need} 元",
            "en": "one-off assistance to an uninsured unemployed person: {months_without_income} months without "
            "income, no unemployment insurance, not in dibao: the standard of {standard} × {months_of_standard} "
            "months = {need} yuan",
            "basis": _TEMPORARY_UNEMPLOYED,
        },
        "temporary.unemployed_2020_outside_period": {
            "zh": "未参保失业人员一次性临时救助仅在 {periods} 施行，{month_text} 不在施行期内",
            "en": "the one-off assistance to uninsured unemployed persons applied {periods} only, not in {month_text}",
            "basis": _TEMPORARY_UNEMPLOYED,
        },
        "temporary.unemployed_insured": {
            "zh": "参加了失业保险，不属于失业保险政策无法覆盖的未参保失业人员",
            "en": "covered by unemployment insurance: not among the uninsured unemployed",
            "basis": _TEMPORARY_UNEMPLOYED,
        },
        "temporary.unemployed_in_dibao": {
            "zh": "已纳入低保，不发放未参保失业人员一次性临时救助金",
            "en": "already in dibao: no one-off assistance to the uninsured unemployed",
            "basis": _TEMPORARY_UNEMPLOYED,
        },
        "temporary.unemployed_short": {
            "zh": "连续无收入 {months_without_income} 个月，不足 {min_months_without_income} 个月",
            "en": "{months_without_income} months without income, fewer than {min_months_without_income}",
            "basis": _TEMPORARY_UNEMPLOYED,
        },
        "temporary.capped": {
            "zh": "测算金额 {need} 元超过每次救助上限 {cap} 元，按上限 {cap} 元计",
            "en": "the {need} yuan computed exceed the cap of {cap} per event: {cap} yuan",
            "basis": cite("临救-2014", "关于救助标准的规定"),
        },
        "temporary.yearly_capped": {
            "zh": "本年度已获临时救助 {paid_this_year} 元，年度上限 {yearly_cap} 元，尚余 {yearly_left} 元，按余额计",
            "en": "{paid_this_year} yuan already received this year, yearly cap {yearly_cap}: {yearly_left} yuan left",
            "basis": cite("临救-2014", "关于救助标准的规定"),
        },
        "temporary.yearly_cap_reached": {
            "zh": "本年度已获临时救助 {paid_this_year} 元，已达年度上限 {yearly_cap} 元，本次不再救助",
            "en": "{paid_this_year} yuan already received this year reach the yearly cap of {yearly_cap}: nothing more",
            "basis": cite("临救-2014", "关于救助标准的规定"),
        },
        "temporary.help_first": {
            "zh": "急难型：乡镇（街道）在求助后 {help_first_hours} 小时内先行救助，{papers_limit} 个工作日内补齐申请、"
            "核对和公示手续",
            "en": "emergency: the township helps first within {help_first_hours} hours of the report and completes the "
            "application, check and notice within {papers_limit} working days",
            "basis": cites(
                ("临救-2014", "关于紧急程序的规定"),
                ("临救-2018", "关于先行救助的规定"),
                ("济宁-2020", "（急难对象24小时先行救助）"),
            ),
        },
        "temporary.township_approval": {
            "zh": "救助金额 {amount} 元不超过乡镇（街道）审批限额 {township_limit} 元，由乡镇（街道）审批",
            "en": "{amount} yuan is within the township's limit of {township_limit}: the township approves",
            "basis": _TEMPORARY_APPROVAL,
        },
        "temporary.county_approval": {
            "zh": "救助金额 {amount} 元超过乡镇（街道）审批限额 {township_limit} 元，报县级民政部门审批",
            "en": "{amount} yuan is above the township's limit of {township_limit}: the county civil affairs bureau "
            "approves",
            "basis": _TEMPORARY_APPROVAL,
        },
    }
)


def reason_codes(row: dict, columns: dict[str, tuple[str, object]]) -> list[str]:
    """The codes a result row carries: each code whose decision column has its value."""
    return [code for code, (column, value) in columns.items() if row[column] == value]


def reason_mask(columns: dict[str, tuple[str, object]]) -> pl.Expr:
    """The same codes for a whole frame, as a bit mask (bit i is the i-th code of ``columns``):
    a few integer operations per row instead of a list of strings."""
    return pl.sum_horizontal(
        (pl.col(column) == value).fill_null(False).cast(pl.UInt64) * pl.lit(1 << i, pl.UInt64)
        for i, (column, value) in enumerate(columns.values())
    )


def codes_from_mask(mask: int, columns: dict[str, tuple[str, object]]) -> list[str]:
    return [code for i, code in enumerate(columns) if mask >> i & 1]


DISABILITY_KINDS_ZH = {
    "physical": "肢体",
    "intellectual": "智力",
    "mental": "精神",
    "visual": "视力",
    "hearing": "听力",
    "speech": "言语",
    "multiple": "多重",
}


def basis(code: str, month: date) -> str:
    spec = REASONS[code]["basis"]
    if isinstance(spec, str):
        return spec
    dates = sorted(spec)
    return spec[dates[max(bisect.bisect_right(dates, month) - 1, 0)]]


class _Facts(dict):
    def __missing__(self, key: str) -> str:
        return "—"


def facts_for_text(row: dict) -> dict:
    """A result row's figures as the sentences show them: ``*_fen`` columns become yuan strings."""
    out = _Facts()
    for key, val in row.items():
        if key.endswith("_fen") and isinstance(val, int):
            out[key[:-4]] = fmt(val)
        elif isinstance(val, Decimal):
            out[key] = f"{val.normalize():f}"
        else:
            out[key] = val
    if row.get("disability_kind"):
        out["disability_kind_zh"] = DISABILITY_KINDS_ZH[row["disability_kind"]]
    return out


def explain(
    reasons: list[str] | int, lang: str = "zh", facts: dict | None = None, month: date | None = None
) -> list[dict]:
    """``[{"code", "text", "basis"}]`` for the reason codes of one result row."""
    figures = facts_for_text(facts or {})
    on = month or date.today()
    return [
        {"code": code, "text": REASONS[code][lang].format_map(figures), "basis": basis(code, on)} for code in reasons
    ]
