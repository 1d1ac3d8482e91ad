"""The demo's social forces: incubation bases, organisations (one with a login,
``organisation_1``), their projects with deliveries to households on the rolls, donations (one
restricted) and their spending, charity supermarkets with the households they serve, and a
福彩帮 venture-philanthropy round. Every write goes through the services (audited), as the
bureau's or the organisation's staff would enter it."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model

from safetynet.cases.models import Case
from safetynet.charity import rolls
from safetynet.charity.models import IncubationBase
from safetynet.charity.services import donations, organisations, supermarkets
from safetynet.policy import creditcode
from safetynet.registry.models import Area
from safetynet.web import clock

KINDS = {"51": "social_group", "52": "social_service", "53": "foundation"}  # the code's first two characters
NAMES = ["慈善总会", "阳光社会工作服务中心", "爱心助老协会", "春晖助学基金会", "邻里互助服务中心", "红十字志愿服务队",
         "夕阳红居家养老服务中心", "同心助残协会"]  # fmt: skip
ITEMS = [("大米 5kg", 2_500), ("食用油 5L", 6_000), ("面粉 5kg", 2_000), ("棉被", 9_000)]


def _code(county: str, n: int, kind_prefix: str) -> str:
    # 17 characters: the registering body and kind, the county, a demo sequence in the alphabet
    body = f"{kind_prefix}{county}MJ{'ABCDEFGH'[n % 8]}{n:05d}"
    return creditcode.make(body[:17].ljust(17, "0"))


def seed(today: date | None = None, seed: int = 2026) -> list[tuple[str, str, str]]:
    """The demo's charity; returns the login it made (username, role, area name)."""
    from safetynet.site.demo import DEMO_PASSWORD, make_staff

    rng = random.Random(seed)
    today = today or clock.today()
    city = get_user_model().objects.get(username="city")
    counties = list(Area.objects.filter(level=Area.Level.COUNTY).order_by("code"))
    start = date(today.year, 1, 1) if today.month > 2 else date(today.year - 1, 1, 1)
    on = max(start, today - timedelta(days=20))

    bases = [organisations.register_base(city, name=f"{c.name}社会组织孵化基地", area_code=c.code,
                                         opened_on=date(2019, 6, 1)) for c in counties[:3]]  # fmt: skip
    orgs = []
    for n, name in enumerate(NAMES):
        county = counties[n % len(counties)]
        prefix = list(KINDS)[n % 3]
        base = bases[n % len(bases)] if n % 2 else None
        orgs.append(organisations.register_organisation(
            city, code=_code(county.code, n + 1, prefix), name=f"{county.name}{name}", kind=KINDS[prefix],
            authority=f"{county.name}民政局", area_code=county.code, registered_on=date(2015 + n % 6, 3, 1),
            incubation_base=base))
    first = orgs[0]
    login = make_staff("organisation_1", "organisation", "3708", DEMO_PASSWORD, unit=first.code)

    on_rolls = [c.household for c in Case.objects.filter(state="approved").select_related("household")
                .order_by("id")[:60]]  # fmt: skip
    heads = [h.members.order_by("id").first().id_number for h in on_rolls]
    for n, org in enumerate(orgs):
        actor = login if org == first else city
        project = organisations.create_project(
            actor, org, name="情暖万家" if n == 0 else f"{org.name[-6:]}关爱行动",
            kind="social_work" if n % 3 == 1 else "charity", target_group="低保、特困家庭", area_code=org.area_id,
            budget_fen=rng.randint(5, 50) * 1_000_000, starts_on=start, ends_on=date(today.year, 12, 31))
        recipients = heads[n * 5:(n + 1) * 5]
        organisations.record_delivery(actor, project, on=on, description="节日慰问：米面油", recipients=recipients,
                                      value_fen=30_000, anonymous_persons=rng.randint(10, 40),
                                      staff_times=rng.randint(3, 12), staff_hours=str(rng.randint(6, 40)),
                                      volunteer_times=rng.randint(5, 30), volunteer_hours=str(rng.randint(10, 80)))
        gift = donations.receive(actor, org, donor=f"济宁{['某', '爱心', '惠民'][n % 3]}企业", on=on,
                                 amount_fen=rng.randint(2, 20) * 1_000_000,
                                 purpose="study" if n == 0 else "")  # the first: restricted to study
        donations.spend(actor, org, receipt=gift.receipt, on=on, amount_fen=gift.amount_fen // 4,
                        purpose="study" if n == 0 else "living", project=project)
    goods = donations.receive(login, first, donor="济宁某粮油公司", on=on, amount_fen=500_000, goods="大米 200 袋")

    markets = []
    for n, township in enumerate(Area.objects.filter(level=Area.Level.TOWNSHIP).order_by("code")[:12]):
        operator = orgs[n % len(orgs)]
        markets.append(supermarkets.register(city, name=f"{township.name}慈善超市", area_code=township.code,
                                             opened_on=date(2018, 5, 1), operator=operator))
    market = next((m for m in markets if m.operator_id == first.pk), markets[0])
    spent = donations.spend(login, first, receipt=goods.receipt, on=on, amount_fen=500_000, purpose="supermarket",
                            supermarket=market)
    supermarkets.stock_in(login, market, on=on, item="大米 5kg", quantity=200, value_fen=500_000, donation=spent)
    for m in markets:
        writer = login if m.operator_id == first.pk else city
        for item, each in ITEMS:
            supermarkets.stock_in(writer, m, on=on, item=item, quantity=100, value_fen=100 * each)
        local = [h for h in on_rolls if h.village_id.startswith(m.area_id)][:6]
        for h in local:
            number = h.members.order_by("id").first().id_number
            if rolls.covering_case(h, on) is None:
                continue
            supermarkets.enrol(writer, m, id_number=number, on=on)
            item, each = ITEMS[rng.randrange(len(ITEMS))]
            supermarkets.give(writer, m, id_number=number, on=on, item=item, quantity=1, points=each // 100)

    rnd = organisations.create_round(city, name=f"{start.year} 年福彩帮公益创投大赛", year=start.year,
                                     budget_fen=50_000_000, closes_on=start + timedelta(days=40))
    for n, org in enumerate(orgs[:5]):
        application = organisations.apply(login if org == first else city, rnd, org, title=f"{org.name[-6:]}微公益",
                                          requested_fen=rng.randint(5, 20) * 100_000, on=start)
        organisations.score(city, application, points=rng.randint(60, 95))
        organisations.decide(city, application, funded_fen=application.requested_fen if n < 4 else 0,
                             area_code=org.area_id, starts_on=start, ends_on=date(today.year, 12, 31),
                             target_group="困难群众")
    return [("organisation_1", "organisation", first.name)]


__all__ = ["seed", "IncubationBase"]
