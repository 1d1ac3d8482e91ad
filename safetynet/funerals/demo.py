"""The demo's funeral waiver: a funeral home in each demo county with its staff's login
``funeral_home_<code>``, waivers of the persons the public security bureau's demo deliveries
report dead, one claim refused for a person alive in the records and one for a second claim, and
the county's approved statement. ``seed_demo`` calls ``seed`` once the feed store exists."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model

from safetynet.batch.feeds import scan_item
from safetynet.funerals import services
from safetynet.funerals.models import FuneralClaim, FuneralHome
from safetynet.registry.models import Person
from safetynet.site.demo import DEMO_PASSWORD, make_staff

HOMES = {"370830": ("FH370830", "汶上县殡仪馆"), "370811": ("FH370811", "任城区殡仪馆")}
PRICES = {"transport": "240.00", "storage": "150.00", "cremation": "600.00"}


def seed(today) -> int:
    users = get_user_model().objects
    staff = {}
    for county, (code, name) in HOMES.items():
        if not FuneralHome.objects.filter(code=code).exists():
            services.register_home(users.get(username=f"county_{county}"), code=code, name=name, county=county)
        staff[county] = make_staff(f"funeral_home_{code}", "funeral_home", county, DEMO_PASSWORD, unit=code)
    dead = (scan_item(settings.FEED_STORE, "deaths", today).select("id_number", "death_date")
            .sort("id_number").collect())  # fmt: skip
    people = {p.id_number: p for p in Person.objects.filter(id_number__in=dead["id_number"].to_list())}
    made = []
    for row in dead.iter_rows(named=True):
        person = people.get(row["id_number"])
        county = row["id_number"][:6] if row["id_number"][:6] in staff else "370811"
        served = min(row["death_date"] + timedelta(days=2), today)
        made.append(services.claim(staff[county], id_number=row["id_number"], name=person.name if person else "逝者",
                                   death_date=row["death_date"], served_on=served, services=PRICES, urn="300.00"))
    alive = Person.objects.exclude(id_number__in=dead["id_number"].to_list()).filter(
        household__village__code__startswith="370811").order_by("id").first()
    if alive is not None:  # the records say this person is alive: refused
        services.claim(staff["370811"], id_number=alive.id_number, name=alive.name,
                       death_date=today - timedelta(days=3), services=PRICES, served_on=today - timedelta(days=1),
                       urn="300.00")  # fmt: skip
    if made:  # the same person again, at the other home: refused
        first = made[0]
        other = next(s for c, s in staff.items() if c != first.area_code)
        services.claim(other, id_number=first.id_number, name=first.name, death_date=first.death_date,
                       served_on=first.served_on, services=PRICES)
        statement = services.prepare_statement(users.get(username=f"county_{first.area_code}"), first.home,
                                               first.served_on.replace(day=1))  # fmt: skip
        services.approve_statement(users.get(username=f"county_{first.area_code}"), statement)
    return FuneralClaim.objects.count()
