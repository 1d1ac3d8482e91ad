"""Staff are named on every page by their full name (or role and area), never by their login: a
login is half of a credential, not a name (``registry.selectors.staff_name``)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.utils import translation

from safetynet.registry.models import RELATION_LABELS
from safetynet.registry.selectors import staff_name
from safetynet.site.models import Job
from tests.office.test_care import _mode
from tests.office.test_care import tekun as tekun  # noqa: F401  (the fixture)
from tests.office.test_fact_changes import post_change
from tests.office.test_local_parameters import form_data
from tests.office.test_referrals import refer

# Logins no page text could contain by chance, and the names the pages must show instead.
NAMES = {"clerk": ("zz_login_clerk_7731", "周晓梅"), "approver": ("zz_login_approver_7731", "蔡文华"),
         "city_admin": ("zz_login_city_7731", "孔令军"), "county": ("zz_login_county_7731", "马秀英")}


@pytest.fixture
def named(city):
    for key, (login, name) in NAMES.items():
        user = city[key]
        user.username, user.first_name = login, name
        user.save(update_fields=["username", "first_name"])
    return city


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def shows_names_not_logins(page: str, *who: str):
    for key in who:
        login, name = NAMES[key]
        assert name in page, f"{name} not on the page"
    for login, _name in NAMES.values():
        assert login not in page, f"the login {login} is on the page"


def test_a_referral_names_who_sent_it(named, poor_household):
    referral = refer(named, poor_household)
    page = client_for(named["clerk"]).get(f"/referrals/{referral.pk}/").content.decode()
    shows_names_not_logins(page, "clerk")


def test_the_parameter_pages_name_who_entered_the_value(named, client):
    client.force_login(named["city_admin"])
    assert client.post("/administration/parameters/dibao_standard/new/", form_data()).status_code == 302
    shows_names_not_logins(client.get("/administration/parameters/").content.decode(), "city_admin")
    from safetynet.administration.models import ParameterValue

    row = ParameterValue.objects.get()
    shows_names_not_logins(client.get(f"/administration/parameters/values/{row.pk}/").content.decode(), "city_admin")


def test_the_household_history_names_who_recorded_a_change(named, poor_household):
    head = poor_household.members.get(relation="head")
    answer = post_change(named["clerk"], poor_household, f"person-{head.pk}", name=head.name, relation="head",
                         adl_unmet="3", phone=head.phone, effective_on="2024-04-01", source="入户调查")
    assert answer.status_code == 302
    page = client_for(named["clerk"]).get(f"/households/{poor_household.pk}/").content.decode()
    assert 'id="history"' in page
    shows_names_not_logins(page, "clerk")


def test_a_job_names_who_started_it(named):
    job = Job.objects.create(kind=Job.Kind.PAYROLL, title="编制发放名册", area_code="3708",
                             requested_by=named["city_admin"])
    shows_names_not_logins(client_for(named["city_admin"]).get(f"/jobs/{job.pk}/").content.decode(), "city_admin")


def test_the_care_page_names_who_decided_the_support_mode(named, tekun):  # noqa: F811
    _mode(named, tekun, "dispersed", on=date(2024, 3, 20))
    page = client_for(named["approver"]).get(f"/care/cases/{tekun.pk}/").content.decode()
    shows_names_not_logins(page, "approver")


def test_without_a_full_name_the_role_and_area_in_the_languages_brackets(city):
    clerk = city["clerk"]
    assert staff_name(clerk).endswith("（任城区城关街道）")
    assert clerk.username not in staff_name(clerk)
    with translation.override("en"):
        english = staff_name(clerk)
        assert "（" not in english and " (" in english and english.endswith(")")
        assert staff_name(None, translation.gettext("系统")) == "System"


def test_a_relation_in_english():
    with translation.override("en"):
        assert [str(RELATION_LABELS[r]) for r in ("head", "spouse", "child")] == ["Head", "Spouse", "Child"]
    assert str(RELATION_LABELS["spouse"]) == "配偶"
