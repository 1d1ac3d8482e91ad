"""The auditor's page: the trail and the access log, filtered and paginated, the last
verification and "verify now"; for auditors and the city only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safetynet.site import demo
from safetynet.supervision import services
from safetynet.supervision.models import AuditEvent, AuditVerification

COUNTY, OTHER = "370811", "370830"


@pytest.fixture
def staff(db):
    demo.build_areas(counties=[COUNTY, OTHER], townships=1, villages=1)
    return {
        "auditor": demo.make_staff("auditor", "auditor", "3708"),
        "county_auditor": demo.make_staff("county_auditor", "auditor", COUNTY),
        "city": demo.make_staff("city", "city", "3708"),
        "clerk": demo.make_staff("clerk", "clerk", f"{COUNTY}001"),
    }


def event(actor, action="case.accept", *, area=f"{COUNTY}001001", object_id=1) -> AuditEvent:
    return services.record(actor, action, object_type="case", object_id=object_id, area_code=area, details={"x": 1})


def rows(response, prefix: str) -> list[int]:
    import re

    return [int(n) for n in re.findall(rf'id="{prefix}-(\d+)"', response.content.decode())]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["clerk", None])
def test_the_page_is_forbidden_to_a_clerk_and_to_anyone_without_a_role(client, staff, role):
    if role:
        client.force_login(staff[role])
        for url in ("/audit/", "/audit/access/"):
            assert client.get(url).status_code == 403
        assert client.post("/audit/verify/").status_code == 403
        assert not AuditVerification.objects.exists()
        assert "/audit/" not in client.get("/desk/").content.decode()  # no link in the menu
    else:
        assert client.get("/audit/").status_code == 302  # to the login page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["auditor", "city"])
def test_auditors_and_the_city_see_the_trail_and_the_menu_link(client, staff, role):
    e = event(staff["clerk"])
    client.force_login(staff[role])
    page = client.get("/audit/")
    assert page.status_code == 200
    assert rows(page, "event") == [e.id]
    assert 'href="/audit/"' in page.content.decode()
    assert "尚未校验过" in page.content.decode()


@pytest.mark.django_db
def test_the_trail_filters(client, staff):
    clerk, city = staff["clerk"], staff["city"]
    a = event(clerk, "case.accept", object_id=1)
    b = event(city, "payroll.approve", area=f"{OTHER}001", object_id=2)
    c = event(clerk, "case.approve", object_id=3)
    client.force_login(staff["auditor"])

    def ids(**q):
        return rows(client.get("/audit/", q), "event")

    assert ids() == [c.id, b.id, a.id]
    assert ids(actor="clerk") == [c.id, a.id]
    assert ids(action="case.") == [c.id, a.id]
    assert ids(action="payroll.approve") == [b.id]
    assert ids(object_type="case", object_id="3") == [c.id]
    assert ids(area=OTHER) == [b.id]
    today = timezone.localdate()
    assert ids(since=today.isoformat(), until=today.isoformat()) == [c.id, b.id, a.id]
    assert ids(until=(today - timedelta(days=1)).isoformat()) == []
    bad = client.get("/audit/", {"since": "2025-13-01"})  # ignored, and said so
    assert rows(bad, "event") == [c.id, b.id, a.id] and "不是有效日期" in bad.content.decode()


@pytest.mark.django_db
def test_a_county_auditor_sees_only_their_county_even_when_asking_for_another(client, staff):
    mine = event(staff["clerk"])
    event(None, area=f"{OTHER}001")
    event(None, area="")  # city-wide: only for the city
    client.force_login(staff["county_auditor"])
    assert rows(client.get("/audit/"), "event") == [mine.id]
    assert rows(client.get("/audit/", {"area": OTHER}), "event") == []
    assert rows(client.get("/audit/", {"area": "3708"}), "event") == [mine.id]


@pytest.mark.django_db
def test_the_trail_is_paginated_25_a_page(client, staff):
    events = [event(None, object_id=i) for i in range(30)]
    client.force_login(staff["auditor"])
    first = client.get("/audit/", {"action": "case."})
    assert rows(first, "event") == [e.id for e in reversed(events)][:25]
    assert "1 / 2" in first.content.decode() and "action=case." in first.content.decode()
    second = client.get("/audit/", {"action": "case.", "page": 2})
    assert rows(second, "event") == [e.id for e in reversed(events)][25:]


@pytest.mark.django_db
def test_the_access_log_filters_by_person_actor_and_area(client, staff):
    clerk = staff["clerk"]
    services.record_access(clerk, purpose="household.view", person_ids=[7, 8], object_type="household",
                           object_id=1, area_code=f"{COUNTY}001001")  # fmt: skip
    services.record_access(None, purpose="ledger.export", person_ids=[8], object_type="ledger", object_id="all",
                           area_code=OTHER, count=300, full_id=False)  # fmt: skip
    client.force_login(staff["auditor"])

    def ids(**q):
        return len(rows(client.get("/audit/access/", q), "access"))

    assert ids() == 2
    assert ids(person_id="7") == 1 and ids(person_id="8") == 2
    assert ids(actor="clerk") == 1
    assert ids(area=OTHER) == 1
    assert ids(purpose="ledger") == 1
    page = client.get("/audit/access/").content.decode()
    assert "300" in page and "否（掩码）" in page
    client.force_login(staff["county_auditor"])
    assert ids() == 1


@pytest.mark.django_db
def test_verify_now_keeps_and_shows_the_result(client, staff):
    event(staff["clerk"])
    client.force_login(staff["auditor"])
    response = client.post("/audit/verify/", follow=True)
    assert "审计日志完整：共 1 条记录" in response.content.decode()
    result = AuditVerification.objects.get()
    assert (result.ok, result.by_name, result.source) == (True, "auditor", "web")
    page = client.get("/audit/").content.decode()
    assert "最近一次校验" in page and "完整" in page and "auditor" in page
    # the verification is itself on the trail
    assert AuditEvent.objects.filter(action="audit.verify", actor_name="auditor").exists()


@pytest.mark.django_db
def test_a_broken_chain_is_shown_with_where_it_broke(client, staff):
    from tests.supervision.test_audit import act_as_database_administrator, raw

    events = [event(None, object_id=i) for i in range(3)]
    services.write_checkpoint()
    act_as_database_administrator()
    raw("DELETE FROM supervision_auditevent WHERE id = %s", [events[-1].id])
    client.force_login(staff["city"])
    client.post("/audit/verify/")
    page = client.get("/audit/").content.decode()
    assert "断开" in page and f"第 {events[-1].id} 条记录处" in page and "日志尾部被删除" in page


@pytest.mark.django_db
def test_the_trail_and_the_log_name_actions_objects_and_purposes_in_words(client, staff):
    event(staff["clerk"], "payroll.cancel", object_id=17)
    services.record_access(staff["clerk"], purpose="view", person_ids=[7], object_type="household", object_id=3,
                           area_code=f"{COUNTY}001001")  # fmt: skip
    client.force_login(staff["auditor"])
    trail = client.get("/audit/", {"action": "payroll."}).content.decode()
    row = trail.split('id="event-')[1].split("</tr>")[0]
    assert "作废发放名册" in row and "案件 #17" in row
    assert ">payroll.cancel<" not in row and "case:17" not in row  # the codes only in the tooltip
    assert '<option value="payroll." selected>发放名册（全部操作）</option>' in trail
    log = client.get("/audit/access/").content.decode().split('<tr id="access-')[1].split("</tr>")[0]
    assert "查看" in log and "家庭 #3" in log and ">view<" not in log


@pytest.mark.django_db
def test_an_english_page_keeps_the_codes_instead_of_chinese_words(client, staff):
    event(staff["clerk"], "payroll.cancel", object_id=17)
    client.force_login(staff["auditor"])
    client.cookies["django_language"] = "en"
    page = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "作废发放名册" not in page and ">payroll.cancel<" in page and "（全部操作）" not in page


@pytest.mark.django_db
def test_the_details_name_programmes_and_states_in_words(client, staff):
    services.record(staff["clerk"], "case.approve", object_type="case", object_id=5, area_code=f"{COUNTY}001001",
                    details={"programme": "dibao", "from": "investigated", "to": "notice", "note": "dibao 以外的字"})
    client.force_login(staff["auditor"])
    row = client.get("/audit/").content.decode().split('id="event-')[1].split("</tr>")[0]
    assert "最低生活保障" in row and "已入户调查" in row and "公示中" in row
    assert '"dibao"' not in row and "dibao 以外的字" in row  # a free text is shown as written
    assert AuditEvent.objects.get(object_id=5).details["programme"] == "dibao"  # the record keeps its codes
