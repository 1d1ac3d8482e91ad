"""The PIPL access log: who saw which persons' personal data, when and for what; append-only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction

from safetynet.supervision import selectors, services
from safetynet.supervision.models import AccessLog, AccessLogPerson, AppendOnlyError, AuditEvent

VILLAGE = "370830101001"


def seen(actor=None, *, person_ids=(1, 2), **kw) -> AccessLog:
    kw = {"purpose": "household.view", "object_type": "household", "object_id": 7, "area_code": VILLAGE, **kw}
    services.record_access(actor, person_ids=person_ids, **kw)
    return AccessLog.objects.order_by("-id").first()


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_an_access_records_who_saw_whom_when_and_why():
    clerk = User.objects.create_user("clerk")
    log = seen(clerk, person_ids=[5, 3, 5], full_id=False)
    assert (log.actor_id, log.actor_name, log.purpose, log.full_id) == (clerk.pk, "clerk", "household.view", False)
    assert (log.object_type, log.object_id, log.area_code) == ("household", "7", VILLAGE)
    assert sorted(log.persons.values_list("person_id", flat=True)) == [3, 5]
    assert log.count == 2  # the persons named, unless a list says how many it showed


@pytest.mark.django_db
def test_an_export_counts_more_persons_than_it_names():
    log = seen(person_ids=[], purpose="roster.export", count=1200)
    assert log.count == 1200 and not log.persons.exists()


@pytest.mark.django_db
def test_an_access_does_not_touch_the_audit_chain():
    seen()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [{"purpose": ""}, {"area_code": "37-08"}, {"count": -1}])
def test_bad_input_is_refused(bad):
    with pytest.raises(ValueError):
        seen(**bad)
    assert not AccessLog.objects.exists()


@pytest.mark.django_db
def test_the_model_refuses_change_and_removal():
    log = seen()
    log.purpose = "x"
    with pytest.raises(AppendOnlyError):
        log.save()
    for attempt in (log.delete, AccessLog.objects.all().delete, AccessLogPerson.objects.all().delete,
                    lambda: AccessLog.objects.update(purpose="x"), lambda: log.persons.first().delete()):  # fmt: skip
        with pytest.raises(AppendOnlyError):
            attempt()
    assert AccessLog.objects.get().purpose == "household.view"
    assert AccessLogPerson.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("table", ["supervision_accesslog", "supervision_accesslogperson"])
@pytest.mark.parametrize("sql", ["UPDATE {t} SET id = id", "DELETE FROM {t}"])
def test_the_database_refuses_raw_update_and_delete(table, sql):
    seen()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw(sql.format(t=table))
    assert AccessLogPerson.objects.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
@pytest.mark.django_db
@pytest.mark.parametrize("table", ["supervision_accesslog", "supervision_accesslogperson", "supervision_auditevent"])
def test_postgresql_refuses_truncate(table):
    seen()
    services.record(None, "x.y", object_type="x", object_id=1, area_code="")
    raw("SET CONSTRAINTS ALL IMMEDIATE")  # as if committed: no foreign key check pending
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw(f"TRUNCATE {table} CASCADE")
    assert AccessLog.objects.count() == 1 and AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_the_auditor_lists_accesses_by_person_and_area():
    clerk = User.objects.create_user("clerk")
    a = seen(clerk, person_ids=[1, 2])
    b = seen(None, person_ids=[2], area_code="370811001001")
    ids = lambda qs: [x.id for x in qs]  # noqa: E731
    assert ids(selectors.access_logs_for(None)) == [b.id, a.id]
    assert ids(selectors.access_logs_for(None, person_id=1)) == [a.id]
    assert ids(selectors.access_logs_for(None, person_id=2)) == [b.id, a.id]
    assert ids(selectors.access_logs_for(["370830"])) == [a.id]
    assert ids(selectors.access_logs_for(None, actor="clerk")) == [a.id]
    assert ids(selectors.access_logs_for([])) == []
