"""The waiver of basic funeral fees (issue 12 point 5; seed, 邹城市: 960 yuan of basic services and a
300 yuan urn): a funeral home records the deceased, the claim is checked against the public
security bureau's death records and household register (the verification centre's feed store) and
waived up to the limits, or refused with its reason; the county reimburses each home monthly;
a home's staff see only their own home's records; every write is audited."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import pytest
from django.test import Client
from openpyxl import load_workbook

from safetynet.batch import feeds
from safetynet.funerals import services
from safetynet.funerals.models import FuneralClaim, FuneralHome, Statement
from safetynet.policy import idnumber
from safetynet.policy.errors import InputError
from safetynet.site import demo
from safetynet.supervision.models import AuditEvent

DIED = date(2024, 2, 20)
DEAD = idnumber.generate("370811", date(1940, 5, 1), 11)
ALIVE = idnumber.generate("370811", date(1945, 6, 1), 12)
ELSEWHERE = idnumber.generate("370102", date(1938, 1, 1), 13)  # 济南: dead, registered outside the city


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def keyed(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.with_columns(pl.col("id_number").str.slice(0, 17).cast(pl.Int64).alias("person_key"))


@pytest.fixture
def records(settings, tmp_path):
    store = tmp_path / "feeds"
    settings.FEED_STORE = store
    register = pl.DataFrame({
        "id_number": [DEAD, ALIVE, ELSEWHERE], "name": ["张老", "李老", "王老"], "household_no": ["H1", "H2", "H3"],
        "area_code": ["370811001001", "370811001002", "370102001001"], "hukou": ["rural", "rural", "urban"],
        "relation": ["head", "head", "head"], "father_id": [None, None, None], "mother_id": [None, None, None],
    }, schema_overrides={"father_id": pl.String, "mother_id": pl.String})  # fmt: skip
    feeds.write_item(store, "household_registration", date(2024, 1, 31), keyed(register))
    deaths = pl.DataFrame({"id_number": [DEAD, ELSEWHERE], "death_date": [DIED, DIED]})
    feeds.write_item(store, "deaths", date(2024, 2, 29), keyed(deaths))
    return store


@pytest.fixture
def homes(city):
    ren = services.register_home(city["county"], code="FH-RC", name="任城区殡仪馆", county="370811")
    wen = services.register_home(city["city_admin"], code="FH-WS", name="汶上县殡仪馆", county="370830")
    return {
        "ren": ren, "wen": wen,
        "ren_staff": demo.make_staff("funeral_home_FH-RC", "funeral_home", "370811", unit="FH-RC"),
        "wen_staff": demo.make_staff("funeral_home_FH-WS", "funeral_home", "370830", unit="FH-WS"),
    }  # fmt: skip


def claim(user, id_number=DEAD, name="张老", **prices):
    prices = prices or {"transport": "200.00", "storage": "160.00", "cremation": "700.00"}
    return services.claim(user, id_number=id_number, name=name, death_date=DIED, served_on=date(2024, 2, 22),
                          services=prices, urn="380.00")  # fmt: skip


def test_a_resident_who_died_is_waived_up_to_the_limits(city, homes, records):
    c = claim(homes["ren_staff"])
    # 1060 of services: 960 waived; a 380 urn: 300 waived; the family pays 100 + 80
    assert (c.status, c.services_fen, c.waived_services_fen, c.waived_urn_fen, c.family_pays_fen) == (
        "waived", 106000, 96000, 30000, 18000)
    assert c.records == {"death_date": "2024-02-20", "area_code": "370811001001", "hukou": "rural"}
    page = client_for(homes["ren_staff"]).get(f"/funerals/{c.pk}/")
    assert page.status_code == 200 and "960.00" in page.content.decode()


def test_refused_for_a_person_alive_in_the_records_and_for_a_second_claim(city, homes, records):
    staff = client_for(homes["ren_staff"])
    response = staff.post("/funerals/new/", {"id_number": ALIVE, "name": "李老", "death_date": "2024-02-20",
                                             "served_on": "2024-02-22", "service_cremation": "700.00"})  # fmt: skip
    alive = FuneralClaim.objects.get(id_number=ALIVE)
    assert response.status_code == 302 and response["Location"] == f"/funerals/{alive.pk}/"
    assert (alive.status, alive.refusal, alive.waived_fen, alive.family_pays_fen) == ("refused", "not_dead", 0, 70000)
    assert "死亡" in staff.get(f"/funerals/{alive.pk}/").content.decode()

    first = claim(homes["ren_staff"])
    again = claim(homes["wen_staff"])  # another home, the same person
    assert first.status == "waived" and (again.status, again.refusal) == ("refused", "claimed")
    assert "已享受过" in again.reason
    elsewhere = claim(homes["ren_staff"], id_number=ELSEWHERE, name="王老")
    assert (elsewhere.status, elsewhere.refusal) == ("refused", "not_resident")
    # the database holds one waiver per person, whatever the service's check
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        FuneralClaim.objects.filter(pk=again.pk).update(status="waived")


def test_bad_input_is_said_beside_the_field_and_nothing_is_written(city, homes, records):
    with pytest.raises(InputError) as exc:
        wrong = DEAD[:17] + ("1" if DEAD[17] != "1" else "2")
        services.claim(homes["ren_staff"], id_number=wrong, name="", death_date=DIED,
                       served_on=date(2024, 2, 1), services={"cremation": "abc"})  # fmt: skip
    assert {e.path for e in exc.value.errors} == {"id_number", "name", "served_on", "services.cremation"}
    response = client_for(homes["ren_staff"]).post("/funerals/new/", {
        "id_number": DEAD, "name": "张老", "death_date": "2024-02-20", "served_on": "2024-02-22",
        "service_cremation": "七百"})
    assert response.status_code == 422 and "七百" in response.content.decode()
    assert not FuneralClaim.objects.exists()


def test_a_home_sees_only_its_own_records(city, homes, records):
    ren = claim(homes["ren_staff"])
    wen_client = client_for(homes["wen_staff"])
    assert wen_client.get(f"/funerals/{ren.pk}/").status_code == 404
    assert wen_client.get(f"/api/v1/funerals/claims/{ren.pk}").status_code == 404
    assert wen_client.get("/api/v1/funerals/claims").json()["count"] == 0
    assert [c.pk for c in client_for(homes["ren_staff"]).get("/funerals/").context["page"].object_list] == [ren.pk]
    # the rest of the office is closed to them; the county sees its own homes
    assert wen_client.get("/households/").status_code == 403
    assert client_for(city["county"]).get(f"/funerals/{ren.pk}/").status_code == 200
    assert client_for(city["wenshang_clerk"]).get("/funerals/").status_code == 403


def test_the_county_reimburses_each_home_monthly(city, homes, records):
    c = claim(homes["ren_staff"])
    county = client_for(city["county"])
    response = county.post("/funerals/statements/", {"home": homes["ren"].pk, "month": "2024-02"})
    st = Statement.objects.get()
    assert response.status_code == 302 and (st.claims_count, st.waived_fen) == (1, c.waived_fen)
    assert county.post(f"/funerals/statements/{st.pk}/").status_code == 302
    st.refresh_from_db()
    assert st.state == "approved" and st.approved_by == city["county"]
    again = county.post("/funerals/statements/", {"home": homes["ren"].pk, "month": "2024-02"})
    assert again.status_code == 422 and "已审核" in again.content.decode()
    book = load_workbook(io.BytesIO(county.get(f"/funerals/statements/{st.pk}.xlsx").content))
    assert book.active["H3"].value == "1260.00"
    fig = county.get("/funerals/figures/")
    assert fig.context["total"]["n"] == 1 and fig.context["total"]["amount"] == 126000
    assert county.get("/api/v1/funerals/figures").json()["total"] == {"count": 1, "refused": 0, "amount": "1260.00"}
    codes = set(AuditEvent.objects.filter(action__startswith="funeral.").values_list("action", flat=True))
    assert codes == {"funeral.register_home", "funeral.claim", "funeral.prepare_statement",
                     "funeral.approve_statement"}  # fmt: skip
    assert FuneralHome.objects.count() == 2


def test_the_household_page_shows_all_help(city, homes, poor_household, settings, tmp_path, monkeypatch):
    from safetynet.discovery import services as discovery
    from safetynet.referrals import services as referrals

    member = poor_household.members.order_by("id").first()
    store = tmp_path / "store"
    settings.FEED_STORE = store
    register = pl.DataFrame({"id_number": [member.id_number], "name": [member.name], "household_no": ["H1"],
                             "area_code": [poor_household.village_id], "hukou": ["rural"], "relation": ["head"],
                             "father_id": [None], "mother_id": [None]},
                            schema_overrides={"father_id": pl.String, "mother_id": pl.String})  # fmt: skip
    feeds.write_item(store, "household_registration", date(2024, 1, 31), keyed(register))
    feeds.write_item(store, "deaths", date(2024, 2, 29), keyed(pl.DataFrame({"id_number": [member.id_number],
                                                                             "death_date": [DIED]})))  # fmt: skip
    claim(homes["ren_staff"], id_number=member.id_number, name=member.name)
    referrals.refer(city["clerk"], household=poor_household, department="medical", category="inpatient",
                    need="住院自付费用高", on=date(2024, 3, 4), amount="12000.00")  # fmt: skip
    from django.utils import timezone

    discovery.record_lead(city["clerk"], source="village", area_code="370811001", situation="老人去世，家庭困难",
                          reported_at=timezone.now(), reporter="村主任",
                          id_number=poor_household.members.last().id_number)  # fmt: skip

    def charity(user, household):
        return [{"source": "慈善超市", "kind": "物资领取", "on": date(2024, 3, 1), "amount_fen": 5000,
                 "description": "米、面、油"}]  # fmt: skip

    # helper H's charity app answers through ``household_help``: stood in for here
    from safetynet.discovery import help as all_help

    monkeypatch.setattr(all_help, "charity_source", lambda: charity)
    page = client_for(city["clerk"]).get(f"/households/{poor_household.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="all-help"' in html
    for source in ("殡葬减免", "转介", "主动发现", "慈善超市"):
        assert f'data-source="{source}"' in html, source
    # the waiver (960 + 300) and the supermarket's goods (50) are the sums with money
    assert "1310.00" in html
