"""The demo's discovery tasks: in each demo township, one of each source and outcome (a hotline
call still open, one overdue, an emergency; a village's report visited and closed with no need; a
department's notice referred; a hotline call turned into an application and one into temporary
help), made through the services at plausible past moments. Screening findings of missed coverage
become tasks by themselves once the demo's screening commits. ``seed_demo`` calls ``seed``."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from safetynet.discovery import services
from safetynet.discovery.selectors import now
from safetynet.registry.models import Household
from safetynet.site.demo import DEMO_TOWNSHIPS


def _at(today, days_ago: int):
    """``days_ago`` days before now on the office's clock, two hours earlier in the day."""
    return now() - timedelta(days=days_ago, hours=2)


def seed(today) -> int:
    users = get_user_model().objects
    made = 0
    for township in DEMO_TOWNSHIPS:
        county = users.get(username=f"county_{township[:6]}")
        clerk = users.get(username=f"clerk_{township}")
        # households without a case: the ones a lead may bring in
        free = list(Household.objects.filter(village__code__startswith=township, cases__isnull=True)
                    .prefetch_related("members").order_by("id")[:4])  # fmt: skip

        def lead(source, who, days_ago, *, emergency=False, household=None, reporter="来电群众", situation=None,
                 township=township):
            person = household.members.order_by("id").first() if household else None
            return services.record_lead(
                who, source=source, area_code=township, emergency=emergency, reporter=reporter,
                situation=situation or "独居老人行动不便，生活困难，无人照料", reported_at=_at(today, days_ago),
                **({"id_number": person.id_number} if person else {"name": "刘某", "address": "镇驻地东街 12 号"}))

        lead("hotline", county, 1)  # open, in time
        lead("hotline", county, 12, situation="来电反映邻居家中断粮，无收入来源")  # overdue
        lead("hotline", county, 0, emergency=True, situation="突发火灾，房屋烧毁，无处居住")  # emergency, 24 hours
        village = lead("village", clerk, 6, reporter="村委会主任", situation="村民长期患病，家庭收入低")
        services.visit(clerk, village, on=today - timedelta(days=4), note="已入户，家庭已有子女赡养，暂无需救助")
        services.close(clerk, village, outcome="no_need", note="子女履行赡养义务，生活有保障")
        made += 4
        if free:
            from safetynet.referrals import services as referrals

            notice = lead("department", clerk, 5, household=free[0], reporter="县医保局",
                          situation="住院自付费用高，家庭无力承担")  # fmt: skip
            referral = referrals.refer(clerk, household=free[0], department="medical", category="inpatient",
                                       need="住院自付费用高，申请医疗救助", on=today - timedelta(days=3),
                                       amount="8000.00")  # fmt: skip
            services.close(clerk, notice, outcome="referred", note="转介医保部门办理医疗救助", referral=referral)
            made += 1
        if len(free) > 1:
            apply = lead("hotline", county, 3, household=free[1], situation="家庭成员均无劳动能力，收入低")
            member = free[1].members.order_by("id").first()
            services.open_application(clerk, apply, programme="dibao", applicant=member, on=today)
            made += 1
        if len(free) > 2:
            urgent = lead("hotline", county, 0, emergency=True, household=free[2],
                          situation="户主突发重病住院，家中断炊")  # fmt: skip
            member = free[2].members.order_by("id").first()
            reported = timezone.localtime(urgent.reported_at)
            services.temporary_help(clerk, urgent, applicant=member, kind="emergency", cause="illness",
                                    occurred_on=reported.date(), reported_at=urgent.reported_at,
                                    reported_by_name="来电群众", reported_by_relation="热线求助",
                                    description=urgent.situation)  # fmt: skip
            made += 1
    return made
