"""A funeral claim names the deceased's registered area in words (its county, township and
village; outside the city its province), never as a raw area code; the statement names who
approved it, never by login."""

from __future__ import annotations

from django.test import Client

from safetynet.funerals.models import Statement

from .test_funerals import ELSEWHERE, claim, homes, records  # noqa: F401  (the fixtures)


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_claim_names_the_registered_area_not_its_code(city, homes, records):  # noqa: F811
    waived = claim(homes["ren_staff"])
    html = client_for(homes["ren_staff"]).get(f"/funerals/{waived.pk}/").content.decode()
    records_cell = html[html.index('id="claim-records"'):html.index("</dd>", html.index('id="claim-records"'))]
    assert "370811001001" not in records_cell
    # the county, the township and the village of 370811001001, as the register names them
    from safetynet.registry.models import Area

    county, township, village = (Area.objects.get(code=c).name for c in ("370811", "370811001", "370811001001"))
    # a township whose name carries its county's ("任城区城关街道") names the county once
    expected = f"{township} · {village}" if township.startswith(county) else f"{county} · {township} · {village}"
    assert expected in records_cell
    elsewhere = claim(homes["ren_staff"], id_number=ELSEWHERE, name="王老")
    assert "370102" not in elsewhere.reason and "山东省（济宁市以外）" in elsewhere.reason
    html = client_for(homes["ren_staff"]).get(f"/funerals/{elsewhere.pk}/").content.decode()
    assert "370102001001" not in html and "山东省（济宁市以外）" in html


def test_the_statement_names_its_approver_by_role_and_area_not_login(city, homes, records):  # noqa: F811
    claim(homes["ren_staff"])
    county = client_for(city["county"])
    county.post("/funerals/statements/", {"home": homes["ren"].pk, "month": "2024-02"})
    st = Statement.objects.get()
    county.post(f"/funerals/statements/{st.pk}/")
    html = county.get(f"/funerals/statements/{st.pk}/").content.decode()
    at = html.index('id="statement-approved-by"')
    cell = html[at:html.index("</span>", at)]
    assert city["county"].username not in cell and "县级监督人员" in cell
    city["county"].first_name, city["county"].last_name = "明", "李"
    city["county"].save()
    html = county.get(f"/funerals/statements/{st.pk}/").content.decode()
    assert "李" in html[html.index('id="statement-approved-by"'):][:60]
