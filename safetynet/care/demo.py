"""The demo's tekun in practice: a township home for the aged (敬老院) in each demo county with its
residents (the persons who cannot care for themselves first), the others supported at home with
a caregiver and a care agreement (one without either, one agreement ending soon), visits (one
overdue), a third-party assessment of each and one that changes the level (the case re-decided
from the next month). ``seed_demo`` calls ``seed`` after the cases exist."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model

from safetynet.care import selectors, services
from safetynet.care.models import ACTIVITIES, Institution, Placement
from safetynet.cases import services as cases
from safetynet.cases.backdating import replaying
from safetynet.policy import idnumber
from safetynet.registry import services as registry
from safetynet.registry.models import Area
from safetynet.site.demo import DEMO_TOWNSHIPS


def _achieved(unmet: int) -> dict:
    return {k: i >= unmet for i, k in enumerate(ACTIVITIES)}


# Persons alone in each demo township, by daily activities not achieved: tekun cases of every level.
PERSONS_ADL = (6, 5, 4, 4, 2, 0, 0, 1)


def _home(county: Area) -> Institution:
    users = get_user_model().objects
    township = Area.objects.filter(parent=county, level=Area.Level.TOWNSHIP).order_by("code").first()
    name = f"{township.name if township else county.name}敬老院"
    return Institution.objects.filter(county=county, name=name).first() or services.register_institution(
        users.get(username=f"county_{county.code}"), name=name, county=county.code,
        township=township.code if township else "", capacity=5)


def _tekun_persons(township: Area, today) -> None:
    """Single elderly persons with no able obligor, taken through the case services to approval;
    the approval decides the support mode: the home for those who cannot care for themselves while
    it has beds (two kept free), the others at home."""
    users = get_user_model().objects
    clerk, approver = (users.get(username=f"{r}_{township.code}") for r in ("clerk", "approver"))
    village = Area.objects.filter(parent=township).order_by("code").first()
    home = _home(township.parent)
    opened = today - timedelta(days=100)
    for i, adl in enumerate(PERSONS_ADL):
        number = idnumber.generate(township.code[:6], opened.replace(year=1940 + i, day=1), 480 + i, "male")
        # the county's two digits in the name: the city's lists never show two persons alike
        name = f"孤老{township.code[4:6]}{township.code[-3:]}{i}"
        household = registry.create_household(clerk, village=village, hukou="rural", address=f"{village.name}敬老{i}号",
                                              members=[{"id_number": number, "name": name,
                                                        "relation": "head", "able_obligor": False,
                                                        "adl_unmet": adl}])  # fmt: skip
        head = household.members.get()
        cases.record_authorization(clerk, id_number=number, signed_on=opened, document=f"TK{head.pk:08d}", person=head)
        c = cases.start_precheck(clerk, household=household, programme="tekun", applicant=head, on=opened)
        c = cases.accept(clerk, c, version=c.version, on=opened + timedelta(days=1))
        c = cases.record_home_visit(clerk, c, version=c.version, on=opened + timedelta(days=2),
                                    investigators=["调查员甲", "调查员乙"], family_signed=True,
                                    findings="独居，无劳动能力，无法定义务人")  # fmt: skip
        on = opened + timedelta(days=5)
        # two beds kept free: the level change's admission, and one for a walk-through's decision
        concentrated = adl >= 4 and services.residents(home, on) < home.capacity - 2
        c = services.approve_tekun(approver, c, on=on, opinion="符合特困人员救助供养条件，同意",
                                   support_mode="concentrated" if concentrated else "dispersed",
                                   institution=home.pk if concentrated else None)  # fmt: skip
        cases.close_notice(approver, c, version=c.version, on=c.notice_ends_on)


def _awaiting_approval(township: Area, today) -> None:
    """One more person alone, unable to care for themselves, taken to the step before the approval
    (applied, the departments' data checked where the demo has it, the home visit recorded): the
    township approver finds it on the desk and decides the support mode (a bed is kept free)."""
    from safetynet.verification import services as verification

    users = get_user_model().objects
    clerk = users.get(username=f"clerk_{township.code}")
    village = Area.objects.filter(parent=township).order_by("code").first()
    opened = today - timedelta(days=6)
    number = idnumber.generate(township.code[:6], opened.replace(year=1938, day=1), 499, "male")
    household = registry.create_household(clerk, village=village, hukou="rural", address=f"{village.name}敬老待批1号",
                                          members=[{"id_number": number, "name": f"孤老{township.code[-3:]}待批",
                                                    "relation": "head", "able_obligor": False,
                                                    "adl_unmet": 5}])  # fmt: skip
    head = household.members.get()
    cases.record_authorization(clerk, id_number=number, signed_on=opened, document=f"TK{head.pk:08d}", person=head)
    if verification.has_data(verification.store_path()):  # 先核对、后申请
        verification.check_household(clerk, household, month=opened.replace(day=1), programme="tekun")
    c = cases.start_precheck(clerk, household=household, programme="tekun", applicant=head, on=opened)
    c = cases.accept(clerk, c, version=c.version, on=opened + timedelta(days=1))
    cases.record_home_visit(clerk, c, version=c.version, on=opened + timedelta(days=2),
                            investigators=["调查员甲", "调查员乙"], family_signed=True,
                            findings="独居，双下肢瘫痪，生活不能自理，无法定义务人")  # fmt: skip


def seed(today) -> int:
    with replaying():
        return _seed(today)


def _seed(today) -> int:
    users = get_user_model().objects
    for code in DEMO_TOWNSHIPS:
        _tekun_persons(Area.objects.get(code=code), today)
    for county in Area.objects.filter(code__in={t[:6] for t in DEMO_TOWNSHIPS}):
        bureau = users.get(username=f"county_{county.code}")
        at_home = 0
        for case in selectors.tekun_cases(county.code, today).filter(applicant__name__startswith="孤老"):
            placement = services.current_placement(case)
            start = placement.started_on if placement else max(case.approved_on, today - timedelta(days=60))
            services.record_assessment(bureau, case, achieved=_achieved(case.applicant.adl_unmet),
                                       assessor_kind="third_party", assessor="济宁市康养服务评估中心",
                                       assessed_on=start)  # fmt: skip
            if placement is None or placement.mode == "concentrated":
                continue
            at_home += 1
            if at_home == 3:  # the third at home: neither caregiver nor agreement yet
                continue
            carer = services.add_caregiver(
                bureau, case, name=f"照料人{case.pk}", relation="邻居", phone=f"1390000{case.pk % 10000:04d}",
                id_number=idnumber.generate(county.code, start.replace(year=start.year - 45), case.pk % 500, "female"),
                since=start,
            )
            ends = today + timedelta(days=20) if at_home == 2 else today + timedelta(days=300)  # the second: ending
            services.record_agreement(bureau, case, caregiver=carer, number=f"WT{county.code}-{case.pk:05d}",
                                      parties=f"乡镇人民政府、{case.applicant.name}、{carer.name}", starts_on=start,
                                      ends_on=ends, duties="日常起居照料、代购生活用品、就医陪护、安全看护",
                                      allowance_to="caregiver")  # fmt: skip
            if at_home != 1:  # the first not visited since support at home began: overdue
                services.record_visit(bureau, case, visited_on=today - timedelta(days=7), visitor="村民政协理员",
                                      findings="居住安全，饮食正常，照料到位")  # fmt: skip
    _one_level_change(today)
    # after the figures above (it is no tekun person yet): the approver of the first demo township
    _awaiting_approval(Area.objects.get(code=DEMO_TOWNSHIPS[0]), today)
    return Placement.objects.count()


def _one_level_change(today) -> None:
    """A person at home whose self-care worsened: reported, reassessed by the township approver,
    the case re-decided (the care standard of the new level from the next month)."""
    users = get_user_model().objects
    for row in selectors.home_care("", today):
        case = row["case"]
        approver = users.filter(username=f"approver_{case.area_code[:9]}").first()
        if approver is None or case.state != "approved" or case.applicant.adl_unmet >= 4:
            continue
        services.report_change(approver, case, reason="change", reported_on=today - timedelta(days=3),
                               note="照料护理人报告：跌倒后行动不便")  # fmt: skip
        services.record_assessment(approver, case, achieved=_achieved(4), assessor_kind="third_party",
                                   assessor="济宁市康养服务评估中心",
                                   assessed_on=today - timedelta(days=1))  # fmt: skip
        # no longer able to care for themself: admitted to the county's home by a decision
        case.refresh_from_db()
        home = _home(Area.objects.get(code=case.area_code[:6]))
        if services.residents(home, today) < home.capacity:
            services.change_support(approver, case, version=case.version, on=today, support_mode="concentrated",
                                    institution=home.pk, reason="经评估完全丧失生活自理能力，本人同意入住敬老院")
        return
