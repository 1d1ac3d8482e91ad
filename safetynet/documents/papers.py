"""What each paper says, as it is issued (Chinese, whatever the interface language).

Each function reads the case, the household or the village and returns the paper's content, a
dict kept on the ``Document``; the PDF prints it. The decisions' words are the letters'
(``notices.letters``), never written twice. A served paper shows ID numbers masked, as a letter
does: the full number stays in the registry.
"""

from __future__ import annotations

from datetime import date

from django.utils import translation

from safetynet.cases import programmes
from safetynet.cases.models import Case, CaseEvent, HomeVisit
from safetynet.notices.letters import day_text, month_text, seal_name
from safetynet.policy.money import fmt
from safetynet.policy.reasons import cites
from safetynet.registry.models import Area, Household, Person
from safetynet.web.personal import mask_id

# The word of each kind's series in the township's register (the decisions keep the letters').
WORDS = {"application": "申请", "authorization": "授权", "home_visit": "调查", "village_notice": "公示",
         "proof": "证明"}  # fmt: skip
TITLES = {"application": "申请书", "authorization": "家庭经济状况核对授权书", "home_visit": "入户调查记录",
          "village_notice": "社会救助审核确认结果公示", "proof": "享受社会救助待遇证明"}  # fmt: skip


def _zh(fn):
    """Labels read from choices (relation, hukou) in Chinese, whatever the page's language."""

    def wrapped(*args, **kwargs):
        with translation.override("zh-hans"):
            return fn(*args, **kwargs)

    wrapped.__name__, wrapped.__doc__ = fn.__name__, fn.__doc__
    return wrapped


def _township(village: Area) -> Area:
    return village.parent


def _head(household: Household) -> dict:
    village = household.village
    township = _township(village)
    return {
        "township": township.name,
        "issuer": seal_name(township.name),
        "seal": f"{seal_name(township.name)}（盖章）",
        "village": f"{township.name}{village.name}",
        "address": household.address,
        "hukou": household.get_hukou_display(),
    }


def _members(household: Household, on: date) -> list[dict]:
    """The members living in the household on ``on`` (left members are not on a new paper)."""
    people = [p for p in household.members.all() if not (p.left_on and p.left_on <= on)]
    return [{"name": p.name, "relation": p.get_relation_display(), "id": mask_id(p.id_number),
             "birth": f"{p.birth_date.year}年{p.birth_date.month}月"} for p in people]  # fmt: skip


def _applicant(person: Person) -> dict:
    return {"applicant": person.name, "applicant_id": mask_id(person.id_number)}


@_zh
def application(case: Case, on: date) -> dict:
    """申请书: who applies, for which programme, the household, the applicant's statement."""
    declaration = programmes.get(case.programme)
    who = "本人（本户）" if declaration.unit == "household" else "本人"
    applied = case.accepted_on or case.opened_on
    return {
        **_head(case.household), **_applicant(case.applicant),
        "title": f"{declaration.label}{TITLES['application']}",
        "programme": declaration.label,
        "applied_text": day_text(applied),
        "members": _members(case.household, applied),
        "statement": (
            f"{who}因家庭生活困难，自愿申请{declaration.label}。{who}承诺所申报的家庭成员、收入和财产情况真实、完整，"
            "同意接受入户调查和家庭经济状况核对，同意将审核确认结果在村（居）公示；如有虚报、隐瞒、伪造，"
            "愿意承担相应的法律责任，并退回违规享受的救助金。"
        ),
        "basis": cites(("暂行办法", "第十一条")),
        "date_text": day_text(on),
    }


@_zh
def authorization(household: Household, on: date, *, with_obligors: bool = False) -> dict:
    """授权核对书: the members (and, where the programme needs it, their obligors) who authorise the
    check of their income and assets, with the authorisations already recorded."""
    from safetynet.cases.models import Authorization

    members = _members(household, on)
    people = [p for p in household.members.all() if not (p.left_on and p.left_on <= on)]
    obligors = []
    if with_obligors:
        for p in people:
            for o in p.obligors.all():
                obligors.append({"name": o.name, "relation": f"{p.name}的{o.relation}", "id": mask_id(o.id_number)})
    numbers = [p.id_number for p in people] + [o.id_number for p in people for o in p.obligors.all()]
    signed = {a.id_number: a for a in Authorization.objects.filter(id_number__in=numbers).order_by("signed_on", "id")}
    by_id = {mask_id(n): signed[n] for n in numbers if n in signed}
    for row in members + obligors:
        a = by_id.get(row["id"])
        row["signed"] = f"{day_text(a.signed_on)}（授权书编号 {a.document}）" if a else ""
    county = household.village.parent.parent
    return {
        **_head(household),
        "title": TITLES["authorization"],
        "members": members,
        "obligors": obligors,
        "statement": (
            f"本人及家庭成员{'（含赡养、抚养、扶养义务人）' if with_obligors else ''}同意并授权{county.name}民政局"
            "及其家庭经济状况核对机构，依法通过公安、人力资源社会保障、住房城乡建设、自然资源、市场监管、税务、"
            "医疗保障等部门和银行、证券、保险等机构，查询、核对本人的户籍、收入、车辆、住房、社会保险、"
            "工商登记、纳税、存款及有价证券等信息，用于社会救助的审核确认和复核。本授权自签署之日起，"
            "在申请和享受社会救助期间有效。核对所得信息仅用于社会救助，依法保密。"
        ),
        "basis": cites(("暂行办法", "第十一条"), ("低保-2021", "第十四条")),
        "date_text": day_text(on),
    }


@_zh
def home_visit(case: Case, visit: HomeVisit, on: date) -> dict:
    """入户调查记录: when, by whom, what was found, whether the family signed."""
    declaration = programmes.get(case.programme)
    return {
        **_head(case.household), **_applicant(case.applicant),
        "title": f"{declaration.label}{TITLES['home_visit']}",
        "programme": declaration.label,
        "visited_text": day_text(visit.visited_on),
        "county_level": visit.county_level,
        "investigators": list(visit.investigators),
        "family_signed": visit.family_signed,
        "findings": visit.findings,
        "members": _members(case.household, visit.visited_on),
        "basis": cites(("低保-2021", "第十五条、第十六条")),
        "date_text": day_text(on),
    }


@_zh
def village_notice(village: Area, lines: list, period: tuple[date, date], on: date) -> dict:
    """公示: the list posted on the village board (name, persons, amount), with its own period."""
    township = _township(village)
    return {
        "township": township.name,
        "issuer": seal_name(township.name),
        "seal": f"{seal_name(township.name)}（盖章）",
        "village": f"{township.name}{village.name}",
        "title": f"{village.name}{TITLES['village_notice']}",
        "period_text": f"{day_text(period[0])}至{day_text(period[1])}",
        "lines": [{"name": x.name, "programme": x.programme, "persons": x.household_size,
                   "amount": x.monthly_amount, "decision": x.decision,
                   "period": f"{x.notice_starts_on.month}月{x.notice_starts_on.day}日至"
                             f"{x.notice_ends_on.month}月{x.notice_ends_on.day}日"} for x in lines],  # fmt: skip
        "objection": f"对公示结果有异议的，可在公示期内向{township.name}社会救助窗口反映。",
        "basis": cites(("低保-2021", "第二十条")),
        "date_text": day_text(on),
    }


@_zh
def proof(case: Case, amount_fen: int, basis: CaseEvent, on: date) -> dict:
    """享受待遇证明: who, which programme, how much a month, since when, and that it is still so on
    the day issued."""
    declaration = programmes.get(case.programme)
    who = "该户" if declaration.unit == "household" else "该同志"
    persons = case.persons_covered if getattr(case, "persons_covered", None) else None
    since = month_text(case.entitlement_from)
    covered = f"，保障人口 {persons} 人" if persons else ""
    return {
        **_head(case.household), **_applicant(case.applicant),
        "title": TITLES["proof"],
        "programme": declaration.label,
        "since_text": since,
        "amount": fmt(amount_fen),
        "persons": persons or "",
        "body": (
            f"兹证明{case.applicant.name}（公民身份号码 {mask_id(case.applicant.id_number)}），"
            f"住{case.household.village.parent.name}{case.household.village.name}，{who}经审核确认，"
            f"自{since}起享受{declaration.label}待遇{covered}，现每月救助金额 {fmt(amount_fen)} 元。"
            f"截至{day_text(on)}，{who}仍在享受上述待遇。"
        ),
        "validity": "本证明所载为出具之日的情况；此后待遇如有变更或终止，以扫描二维码或输入核验码查询的结果为准。",
        "decided_text": day_text(basis.on),
        "date_text": day_text(on),
    }
