"""The policy explainer (政策明白纸) of a county-level area, generated from the parameters in force
on the day asked: the standards, the conditions in plain words, how to apply, the time limits,
the appeal route and the hotline (seed: 在所有村(居)张贴社会救助政策明白纸；全面公开全市各级民政部门
社会救助服务热线; POLICY.md §§2-6, 12).

Every figure is read with ``policy.parameters.lookup`` at that day, the values the city entered
in the office included, so the paper is never stale and a later standard changes it from its
date. A figure whose value is not confirmed (``confirmed: false``) is marked ※ and the paper
says it stands until the county publishes its own. The paper is an official one: in Chinese,
like the letters, whatever the language of the page around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from safetynet.notices.letters import appeal_route
from safetynet.policy import areas
from safetynet.policy.dibao import SEVERE_DISABILITY_GRADES, SEVERE_GRADE3_KINDS
from safetynet.policy.parameters import lookup, parameter
from safetynet.policy.reasons import DISABILITY_KINDS_ZH
from safetynet.policy.tekun import UNABLE_DISABILITY_GRADES

CHINESE_NUMBERS = "零一二三四五六七八九十"


@dataclass(frozen=True)
class Figure:
    """One value of the paper, as printed, with the parameter it comes from."""

    name: str
    text: str
    confirmed: bool
    effective: date
    reference: str


Segment = str | Figure
Sentence = tuple[Segment, ...]


@dataclass
class Section:
    title: str
    sentences: list[Sentence] = field(default_factory=list)


@dataclass
class Explainer:
    area: areas.Area
    on: date
    standards: list[tuple[str, Figure, Figure]]  # (standard, urban, rural), yuan a person a month
    care: list[tuple[str, Figure]]  # tekun care standard by self-care level
    sections: list[Section]
    hotline: Figure
    figures: list[Figure]  # every figure printed, in order: the sources' list and the ※ marks

    @property
    def unconfirmed(self) -> bool:
        return any(not f.confirmed for f in self.figures)

    @property
    def sources(self) -> list[tuple[str, str, date, str, bool]]:
        """(parameter, its description, effective date, reference, confirmed), each parameter once."""
        seen: dict[str, tuple] = {}
        for f in self.figures:
            if f.name not in seen:
                seen[f.name] = (f.name, public_description(parameter(f.name).description), f.effective, f.reference,
                                f.confirmed)  # fmt: skip
        return list(seen.values())


ASCII_WORD = re.compile(r"[A-Za-z_]{2,}")
ASIDE = re.compile(r"（([^（）]*)）")


def public_description(text: str) -> str:
    """A parameter's description for the public: a remark in brackets written for the office in
    the code's words (``资产 use 为 disability 或 farm 者不计``) is left out, the plain part of the
    same remark kept ("（残疾人功能性补偿代步车与低值农用车除外）")."""

    def plain(match: re.Match) -> str:
        parts = [p for p in re.split(r"[：；]", match.group(1)) if not ASCII_WORD.search(p)]
        return f"（{'；'.join(parts)}）" if parts else ""

    return ASIDE.sub(plain, text)


def yuan_text(amount: Decimal) -> str:
    """630.00 -> "630", 467.50 -> "467.50": whole yuan as people write them, fen kept when there."""
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"


def count_text(n: int) -> str:
    """Small counts in words, as a paper writes them (1 -> 一); larger ones in digits."""
    return CHINESE_NUMBERS[n] if 0 <= n <= 10 else str(n)


def grades_text(top: int) -> str:
    return "一级" if top == 1 else f"一至{CHINESE_NUMBERS[top]}级"


class _Reader:
    """Reads each parameter of one area on one day and keeps every figure it printed."""

    def __init__(self, area_code: str, on: date) -> None:
        self.area, self.on, self.figures = area_code, on, []

    def figure(self, name: str, show=str, **keys: str) -> Figure:
        value, entry = lookup(name, self.area, self.on, **keys)
        fig = Figure(name, show(value), entry.confirmed, entry.effective, entry.reference)
        self.figures.append(fig)
        return fig


def build(area_code: str, on: date) -> Explainer:
    """The explainer of ``area_code`` (a county-level area) with the values in force on ``on``.
    A day before a parameter's first value is the parameter's PolicyError (naming that date)."""
    area = areas.get_area(area_code)
    r = _Reader(area.code, on)
    money = yuan_text

    dibao = {h: r.figure("dibao_standard", money, hukou=h) for h in ("urban", "rural")}
    basic = {h: r.figure("tekun_basic_standard", money, hukou=h) for h in ("urban", "rural")}
    standards = [("最低生活保障标准", dibao["urban"], dibao["rural"]),
                 ("特困人员基本生活标准", basic["urban"], basic["rural"])]  # fmt: skip
    care = [
        (label, r.figure("tekun_care_standard", money, care_level=level))
        for level, label in (
            ("complete", "完全丧失生活自理能力"),
            ("partial", "部分丧失生活自理能力"),
            ("self_care", "具备生活自理能力"),
        )
    ]

    severe = "、".join(grades_text(g) for g in (max(SEVERE_DISABILITY_GRADES),))
    severe_mind = "、".join(DISABILITY_KINDS_ZH[k] for k in SEVERE_GRADE3_KINDS)
    dibao_section = Section("一、最低生活保障（低保）", [
        ("共同生活的家庭成员人均月收入低于当地低保标准（城市", dibao["urban"], "元、农村", dibao["rural"],
         "元/人·月）。家庭收入按申请前", r.figure("income_reference_months"), "个月的月平均收入计算。"),
        ("家庭财产符合规定：存款、有价证券、商业保险等金融资产，人均不超过", r.figure("financial_asset_months"),
         "个月的当地低保标准；除残疾人功能性补偿代步车和低值农用车外，",
         r.figure("max_vehicles", lambda n: "没有机动车辆" if n == 0 else f"机动车辆不超过{n}辆"), "；",
         r.figure("max_dwellings", lambda n: f"住房不超过{count_text(n)}套"), "；",
         r.figure("max_registered_businesses", lambda n: "没有登记注册的企业" if n == 0 else f"企业不超过{n}家"),
         "。"),
        ("家庭不符合条件、但人均收入低于低保标准", r.figure("edge_family_factor", lambda v: f"{v.normalize()}"),
         f"倍且财产符合规定的，家中的{severe}重度残疾人（三级{severe_mind}残疾人）和重病患者，可以单独申请低保（单人户）。"),
        ("低保金 = 低保标准 × 保障人数 − 家庭月收入，按月发放。",),
    ])  # fmt: skip

    unable = "，".join(f"{grades_text(top)}{DISABILITY_KINDS_ZH[kind]}残疾人"
                      for kind, top in UNABLE_DISABILITY_GRADES.items())  # fmt: skip
    tekun_section = Section("二、特困人员救助供养（特困）", [
        ("同时具备以下三个条件：",),
        ("1. 无劳动能力：年满", r.figure("tekun_elderly_age"), "周岁的老年人，未满", r.figure("tekun_minor_age"),
         f"周岁的未成年人，或{unable}；"),
        ("2. 无生活来源：收入低于当地低保标准，且财产符合低保的财产规定；",),
        ("3. 无法定赡养、抚养、扶养义务人，或者其法定义务人无履行义务能力。",),
        ("救助供养金 = 基本生活标准 + 照料护理标准（按生活自理能力评估结果），按月发放；可以在敬老院集中供养，"
         "也可以在家分散供养。",),
    ])  # fmt: skip

    temporary_section = Section("三、临时救助", [
        ("急难型：因火灾、交通事故、突发重大疾病等意外事件，基本生活暂时出现严重困难的家庭或个人，"
         "救助金额按当地月低保标准 ×", r.figure("temporary_emergency_months"), "个月 × 家庭人口计算，每次最高",
         r.figure("temporary_emergency_cap", money), "元。"),
        ("支出型：因医疗、教育等生活必需支出突然增加、超出家庭承受能力的家庭，家庭人均收入低于当地低保标准",
         r.figure("temporary_spending_income_factor", lambda v: f"{v.normalize()}"), "倍的，每次最高",
         r.figure("temporary_spending_cap", money), "元。"),
        ("同一家庭一年内累计最高", r.figure("temporary_yearly_cap", money), "元；救助金额",
         r.figure("temporary_township_limit", money), "元以下（含）的由乡镇（街道）直接审批，",
         "超过的报县级民政部门审批。"),
    ])  # fmt: skip

    apply_section = Section("四、如何申请", [
        ("向户籍所在地乡镇人民政府（街道办事处）社会救助服务窗口提出申请，一个窗口受理全部社会救助事项；"
         "急难情况也可以向村（居）委会或乡镇（街道）求助，他人可以代为报告。",),
        ("带上居民身份证、户口簿，申请人和共同生活的家庭成员签署家庭经济状况核对授权书（先核对、后申请）；"
         "民政部门能够通过部门数据共享查询的信息，不再要求群众提供证明。",),
        ("办理时限：乡镇（街道）受理后", r.figure("investigation_start_limit"), "个工作日内入户调查；县级核对机构",
         r.figure("verification_time_limit"), "个工作日内完成家庭经济状况核对；自受理之日起",
         r.figure("decision_time_limit"), "个工作日内作出审核确认决定。"),
        ("审核确认结果在村（居）公示", r.figure("public_notice_days"), "天；不予确认的，",
         r.figure("refusal_notice_limit"), "个工作日内书面告知申请人并说明理由。"),
        ("低保金、特困供养金自确认的次月起，按月发放到本人的银行账户（社会保障卡）。",),
        ("急难型临时救助：", r.figure("temporary_help_first_hours"), "小时内先行救助，之后",
         r.figure("temporary_papers_limit"), "个工作日内补齐申请、核对、公示手续。"),
    ])  # fmt: skip

    appeal_section = Section(
        "五、救济途径",
        [
            (
                "不服乡镇（街道）审核确认决定的，可以申请行政复议或者提起行政诉讼。决定书上载明：“"
                + appeal_route(area.code, area.name)
                + "”",
            ),
        ],
    )
    hotline = r.figure("assistance_hotline")
    hotline_section = Section("六、求助和监督举报", [
        ("社会救助服务热线：", hotline, "。发现身边有生活困难的群众，或对社会救助办理有意见、发现违规享受的，"
         "都可以拨打热线反映。",),
    ])  # fmt: skip
    return Explainer(area=area, on=on, standards=standards, care=care,
                     sections=[dibao_section, tekun_section, temporary_section, apply_section, appeal_section,
                               hotline_section],
                     hotline=hotline, figures=r.figures)  # fmt: skip
