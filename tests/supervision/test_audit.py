"""The audit log: append-only in Python and in SQL, and a hash chain that shows tampering."""

from __future__ import annotations

import json
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, connection, transaction

from safetynet.supervision import cli, selectors, services
from safetynet.supervision.models import AppendOnlyError, AuditEvent

VILLAGE = "370830101001"  # a village of county 370830


def record(n: int = 0, *, area_code: str = VILLAGE, actor=None, **details) -> AuditEvent:
    return services.record(
        actor, "household.create", object_type="household", object_id=n, area_code=area_code,
        details={"n": n, **details},
    )  # fmt: skip


def chain(n: int) -> list[AuditEvent]:
    return [record(i) for i in range(n)]


def act_as_database_administrator() -> None:
    """Drop the append-only triggers, as someone with the database password could.

    DDL is transactional on both databases, so the test's rollback puts the triggers back.
    """
    with connection.cursor() as cursor:
        for op in ("update", "delete"):
            on = " ON supervision_auditevent" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TRIGGER supervision_auditevent_no_{op}{on}")


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- the chain ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_chain_of_events_verifies():
    events = chain(5)
    report = selectors.verify_chain()
    assert report == selectors.ChainReport(ok=True, checked=5, last_hash=events[-1].hash)


@pytest.mark.django_db
def test_an_empty_log_verifies():
    assert selectors.verify_chain() == selectors.ChainReport(ok=True, checked=0)


@pytest.mark.django_db
def test_each_event_links_to_the_one_before():
    first, second = chain(2)
    assert first.prev_hash == services.GENESIS_HASH
    assert second.prev_hash == first.hash
    assert first.hash != second.hash


@pytest.mark.django_db
def test_the_stored_hash_is_the_digest_of_what_the_database_gives_back():
    # dates, Decimals, tuples and floats do not survive a JSON column unchanged (jsonb writes 1e16
    # as 10000000000000000); the hash must not care
    event = record(1, on=date(2025, 3, 1), amount=Decimal("390.00"), members=(1, 2), ratio=0.5, big=1e16)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.details == {
        "n": 1, "on": "2025-03-01", "amount": "390.00", "members": [1, 2], "ratio": "0.5", "big": "1e+16",
    }  # fmt: skip
    assert stored.at == event.at
    assert selectors.verify_chain().ok


@pytest.mark.django_db
def test_a_changed_row_is_named():
    events = chain(5)
    act_as_database_administrator()
    raw("UPDATE supervision_auditevent SET details = %s WHERE id = %s", ['{"n": 99}', events[2].id])

    report = selectors.verify_chain()
    assert not report.ok
    assert report.first_broken_id == events[2].id
    assert report.checked == 3
    assert report.reason == f"第 {events[2].id} 条记录的内容与其哈希不符（记录被修改）"


def forge(event_id: int, details: dict, key: bytes | None) -> None:
    """Edit an event's details and recompute its hash with ``key`` (None: plain SHA-256)."""
    e = AuditEvent.objects.get(pk=event_id)
    forged = services.event_digest(
        prev_hash=e.prev_hash, at=e.at, actor_id=e.actor_id, actor_name=e.actor_name, action=e.action,
        object_type=e.object_type, object_id=e.object_id, area_code=e.area_code, details=details, key=key,
    )  # fmt: skip
    raw("UPDATE supervision_auditevent SET details = %s, hash = %s WHERE id = %s", [json.dumps(details), forged, e.id])


@pytest.mark.django_db
def test_a_changed_row_with_its_hash_recomputed_without_the_key_is_named():
    events = chain(4)
    act_as_database_administrator()
    forge(events[1].id, {"n": 99}, key=None)
    assert selectors.verify_chain().first_broken_id == events[1].id


@pytest.mark.django_db
def test_a_changed_row_with_its_hash_recomputed_with_the_key_breaks_the_next_link():
    events = chain(4)
    act_as_database_administrator()
    forge(events[1].id, {"n": 99}, key=services.audit_key())
    report = selectors.verify_chain()
    assert report.first_broken_id == events[2].id


@pytest.mark.django_db
def test_a_deleted_middle_row_is_named_by_the_next_one():
    events = chain(5)
    act_as_database_administrator()
    raw("DELETE FROM supervision_auditevent WHERE id = %s", [events[2].id])

    report = selectors.verify_chain()
    assert not report.ok
    assert report.first_broken_id == events[3].id
    assert report.reason == f"第 {events[3].id} 条记录的前序哈希与第 {events[1].id} 条不符（其前有记录被删除或插入）"


@pytest.mark.django_db
def test_a_deleted_first_row_is_detected():
    events = chain(3)
    act_as_database_administrator()
    raw("DELETE FROM supervision_auditevent WHERE id = %s", [events[0].id])

    report = selectors.verify_chain()
    assert report.first_broken_id == events[1].id
    assert "其前有记录被删除" in report.reason


@pytest.mark.django_db
def test_a_deleted_last_row_shows_against_a_checkpoint():
    # a chain alone cannot show that its end was cut off; the checkpoint kept outside does
    events = chain(3)
    services.write_checkpoint()
    act_as_database_administrator()
    raw("DELETE FROM supervision_auditevent WHERE id = %s", [events[-1].id])

    report = selectors.verify_chain()
    assert not report.ok and report.checked == 2
    assert report.first_broken_id == events[-1].id
    assert f"现存记录只到第 {events[1].id} 条（日志尾部被删除）" in report.reason


@pytest.mark.django_db
def test_a_rolled_back_transaction_leaves_no_event():
    record(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        record(2)
        raise RuntimeError("the service failed after recording")
    record(3)
    assert [e.details["n"] for e in AuditEvent.objects.all()] == [1, 3]
    assert selectors.verify_chain().ok


# --- append-only -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_model_refuses_to_save_an_existing_row():
    event = record(1)
    event.details = {"n": 2}
    with pytest.raises(AppendOnlyError):
        event.save()
    fetched = AuditEvent.objects.get(pk=event.pk)
    fetched.action = "case.accept"
    with pytest.raises(AppendOnlyError):
        fetched.save()
    assert AuditEvent.objects.get(pk=event.pk).details == {"n": 1}


@pytest.mark.django_db
def test_the_model_refuses_to_delete():
    event = record(1)
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_the_model_refuses_queryset_update():
    event = record(1)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(details={"n": 2})
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(action="x")
    assert AuditEvent.objects.get(pk=event.pk).details == {"n": 1}


@pytest.mark.django_db
def test_the_database_refuses_a_raw_update():
    event = record(1)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("UPDATE supervision_auditevent SET details = %s WHERE id = %s", ['{"n": 2}', event.id])
    assert AuditEvent.objects.get(pk=event.pk).details == {"n": 1}


@pytest.mark.django_db
def test_the_database_refuses_a_raw_delete():
    event = record(1)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("DELETE FROM supervision_auditevent WHERE id = %s", [event.id])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_a_user_with_audit_events_cannot_be_deleted():
    from django.db.models import ProtectedError

    clerk = User.objects.create_user("clerk")
    record(1, actor=clerk)
    with pytest.raises(ProtectedError):
        clerk.delete()


@pytest.mark.django_db
def test_the_admin_shows_but_does_not_change(client):
    event = record(1)
    client.force_login(User.objects.create_superuser("admin"))
    assert client.get("/admin/supervision/auditevent/").status_code == 200
    page = client.get(f"/admin/supervision/auditevent/{event.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.get("/admin/supervision/auditevent/add/").status_code == 403
    assert client.post(f"/admin/supervision/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# --- actors ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_actor_is_linked_and_their_name_kept():
    clerk = User.objects.create_user("window_clerk")
    event = record(1, actor=clerk)
    assert (event.actor_id, event.actor_name) == (clerk.pk, "window_clerk")
    assert selectors.verify_chain().ok


@pytest.mark.django_db
@pytest.mark.parametrize("actor", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_no_user_is_the_system(actor):
    event = record(1, actor=actor)
    assert (event.actor_id, event.actor_name) == (None, "")


@pytest.mark.django_db
def test_an_unsaved_user_keeps_only_their_name():
    event = record(1, actor=User(username="not_yet_saved"))
    assert (event.actor_id, event.actor_name) == (None, "not_yet_saved")


@pytest.mark.django_db
def test_a_malformed_area_code_is_refused():
    with pytest.raises(ValueError):
        record(1, area_code="3708-30")
    assert not AuditEvent.objects.exists()


# --- scoped reading ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_events_for_filters_by_area_prefix():
    village = record(1, area_code="370830101001")
    township = record(2, area_code="370830102")
    other_county = record(3, area_code="370811001001")
    city_wide = record(4, area_code="")

    def ids(codes, **kw):
        return [e.id for e in selectors.events_for(codes, **kw)]

    assert ids(["370830"]) == [township.id, village.id]  # newest first
    assert ids(["370830101"]) == [village.id]
    assert ids(["370830101", "370811"]) == [other_county.id, village.id]
    assert ids(None) == [city_wide.id, other_county.id, township.id, village.id]
    assert ids([]) == []
    assert ids([""]) == []  # an empty code is not "everything"
    assert ids(None, limit=2, offset=1) == [other_county.id, township.id]


# --- the command line --------------------------------------------------------------------------


def run_cli(*argv: str) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="safetynet")
    cli.add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.mark.django_db
def test_audit_verify_command(capsys):
    events = chain(3)
    assert run_cli("audit", "verify") == 0
    assert capsys.readouterr().out.splitlines()[0] == "审计日志完整：共 3 条记录"

    act_as_database_administrator()
    raw("DELETE FROM supervision_auditevent WHERE id = %s", [events[1].id])
    assert run_cli("audit", "verify") == 1
    out = capsys.readouterr().out
    assert out.startswith(f"审计日志在第 {events[2].id} 条记录处断开：第 {events[2].id} 条记录的前序哈希")


@pytest.mark.django_db
def test_audit_tail_command(capsys):
    clerk = User.objects.create_user("clerk")
    chain(3)
    last = record(3, actor=clerk)
    assert run_cli("audit", "tail", "--n", "2") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[-1].startswith(f"{last.id}  ")
    assert "clerk  household.create  household:3  370830101001" in lines[-1]
    assert "系统" in lines[0]


# --- concurrent writers (PostgreSQL: SQLite has one writer at a time) ---------------------------


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="needs concurrent writers"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain():
    errors = []

    def write(worker: int) -> None:
        try:
            for i in range(10):
                with transaction.atomic():
                    record(worker * 100 + i)
        except Exception as exc:  # reported below: an assertion in a thread would be lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    report = selectors.verify_chain()
    # (A checkpoint may have been written: the ids go on from earlier tests and may cross a
    # multiple of SAFETYNET_AUDIT_CHECKPOINT_EVERY; it must agree with the chain like any other.)
    assert (report.ok, report.checked, report.last_hash) == (True, 80, AuditEvent.objects.last().hash)


@pytest.mark.django_db
def test_the_cli_verifies_the_chain_and_names_the_first_broken_record(capsys):
    from safetynet.cli import main

    events = chain(3)
    assert main(["audit", "verify"]) == 0
    assert "审计日志完整：共 3 条记录" in capsys.readouterr().out
    act_as_database_administrator()
    raw("UPDATE supervision_auditevent SET details = %s WHERE id = %s", ['{"n": 99}', events[1].id])
    assert main(["audit", "verify"]) == 1
    assert f"第 {events[1].pk} 条" in capsys.readouterr().out
