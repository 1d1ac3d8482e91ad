"""The chain anchored outside the database: a keyed hash, and signed checkpoints that `audit
verify` compares, so a cut-off end, an emptied log or a re-hashed edit are all reported."""

from __future__ import annotations

import json
import os
import stat

import pytest
from django.db import IntegrityError, connection, transaction

from safetynet.supervision import selectors, services
from safetynet.supervision.models import HASH_PLAIN, AuditEvent, AuditVerification
from tests.supervision.test_audit import act_as_database_administrator, chain, forge, raw, record, run_cli


def wipe() -> None:
    act_as_database_administrator()
    raw("DELETE FROM supervision_auditevent", [])


def rewrite_all_unkeyed(details_of_second: dict) -> None:
    """What an administrator without the key can still do: rewrite every event as an old, plain
    SHA-256 event, with the edit, every hash recomputed and every link kept."""
    act_as_database_administrator()
    prev = services.GENESIS_HASH
    for e in AuditEvent.objects.order_by("id"):
        details = details_of_second if e.details.get("n") == 1 else e.details
        digest = services.event_digest(
            prev_hash=prev, at=e.at, actor_id=e.actor_id, actor_name=e.actor_name, action=e.action,
            object_type=e.object_type, object_id=e.object_id, area_code=e.area_code, details=details,
        )  # fmt: skip
        raw("UPDATE supervision_auditevent SET details = %s, prev_hash = %s, hash = %s, version = %s WHERE id = %s",
            [json.dumps(details), prev, digest, HASH_PLAIN, e.id])  # fmt: skip
        prev = digest


# --- the key -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_key_file_is_made_on_first_use_readable_by_its_owner_only(settings):
    assert not settings.SAFETYNET_AUDIT_KEY_FILE.exists()
    record(1)
    mode = stat.S_IMODE(os.stat(settings.SAFETYNET_AUDIT_KEY_FILE).st_mode)
    assert mode == 0o600
    assert selectors.verify_chain().ok


@pytest.mark.django_db
def test_a_key_from_the_environment_is_used_and_another_key_fails(settings):
    settings.SAFETYNET_AUDIT_KEY = "k" * 40
    chain(2)
    assert selectors.verify_chain().ok
    assert not settings.SAFETYNET_AUDIT_KEY_FILE.exists()
    settings.SAFETYNET_AUDIT_KEY = "x" * 40
    report = selectors.verify_chain()
    assert not report.ok and "或审计密钥不是写入时所用的密钥" in report.reason


@pytest.mark.django_db
def test_an_edit_rehashed_without_the_key_is_named_even_if_every_later_hash_is_recomputed():
    events = chain(4)
    act_as_database_administrator()
    forge(events[1].id, {"n": 99}, key=b"a guess at the key" * 2)
    report = selectors.verify_chain()
    assert report.first_broken_id == events[1].id
    assert "内容与其哈希不符" in report.reason


# --- checkpoints -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_emptied_log_with_checkpoints_is_not_an_empty_log():
    events = chain(3)
    services.write_checkpoint()
    wipe()
    report = selectors.verify_chain()
    assert not report.ok and report.checked == 0
    assert report.first_broken_id == events[-1].id
    assert report.reason.startswith("审计日志为空，但检查点") and "日志被清空" in report.reason


@pytest.mark.django_db
def test_a_chain_rewritten_with_plain_hashes_fails_against_the_checkpoint():
    events = chain(3)
    services.write_checkpoint()
    rewrite_all_unkeyed({"n": 99})
    assert AuditEvent.objects.get(pk=events[1].id).details == {"n": 99}
    report = selectors.verify_chain()
    assert not report.ok and report.first_broken_id == events[-1].id
    assert "所记不符（记录被改写后重新计算了哈希）" in report.reason


@pytest.mark.django_db
def test_an_unkeyed_event_after_keyed_ones_is_a_forgery():
    events = chain(3)
    act_as_database_administrator()
    raw("UPDATE supervision_auditevent SET version = %s WHERE id = %s", [HASH_PLAIN, events[2].id])
    report = selectors.verify_chain()
    assert report.first_broken_id == events[2].id and "旧的无密钥哈希" in report.reason


@pytest.mark.django_db
def test_old_unkeyed_events_verify_as_the_start_of_the_chain():
    # what migration 0006 leaves: events written before keyed hashing, then keyed ones after them
    old = chain(2)
    rewrite_all_unkeyed({"n": 1})
    with transaction.atomic():  # the triggers come back with the test's rollback only: put them back now
        from safetynet.supervision import dbtriggers

        dbtriggers.create(connection)
    new = chain(2)
    assert [e.version for e in AuditEvent.objects.order_by("id")] == [1, 1, 2, 2]
    assert new[0].prev_hash == AuditEvent.objects.get(pk=old[-1].id).hash
    assert selectors.verify_chain().ok


@pytest.mark.django_db
def test_a_checkpoint_line_altered_is_reported(settings):
    chain(2)
    services.write_checkpoint()
    path = settings.SAFETYNET_AUDIT_CHECKPOINTS
    line = json.loads(path.read_text())
    line["count"] = 1  # what someone would do to hide a deleted event
    path.write_text(json.dumps(line) + "\n")
    report = selectors.verify_chain()
    assert not report.ok and "签名无效" in report.reason


@pytest.mark.django_db
def test_checkpoints_are_written_every_n_events(settings, django_capture_on_commit_callbacks):
    settings.SAFETYNET_AUDIT_CHECKPOINT_EVERY = 2
    with django_capture_on_commit_callbacks(execute=True):
        events = chain(5)
    lines = [json.loads(x) for x in settings.SAFETYNET_AUDIT_CHECKPOINTS.read_text().splitlines()]
    prev_ids = [0] + [e.id for e in events[:-1]]  # ids need not start at 1 (PostgreSQL sequences)
    crossing = [e for e, prev in zip(events, prev_ids, strict=True) if e.id // 2 != prev // 2]
    assert 2 <= len(crossing) <= 3
    assert len(lines) == len(crossing)
    assert {line["head"] for line in lines} <= {e.hash for e in events}


@pytest.mark.django_db
def test_an_exported_checkpoint_file_catches_what_the_local_one_lost(settings, tmp_path):
    events = chain(3)
    kept = tmp_path / "auditor" / "kept.jsonl"
    kept.parent.mkdir()
    assert services.export_checkpoints(kept) == 1
    # the insider deletes the tail and the application's own checkpoint file
    act_as_database_administrator()
    raw("DELETE FROM supervision_auditevent WHERE id = %s", [events[-1].id])
    settings.SAFETYNET_AUDIT_CHECKPOINTS.unlink()
    assert selectors.verify_chain().ok  # nothing left here to compare with
    report = selectors.verify_chain([kept])
    assert not report.ok and report.first_broken_id == events[-1].id
    assert "kept.jsonl 第 1 行" in report.reason


# --- the commands ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_verify_writes_a_checkpoint_and_keeps_its_result(capsys, settings):
    chain(2)
    assert run_cli("audit", "verify") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "审计日志完整：共 2 条记录"
    line = json.loads(settings.SAFETYNET_AUDIT_CHECKPOINTS.read_text())
    assert line["count"] == 3  # the two, and the verification's own audit event
    result = AuditVerification.objects.get()
    assert (result.ok, result.checked, result.source, result.by_name) == (True, 2, "cli", "")

    assert run_cli("audit", "verify") == 0
    assert capsys.readouterr().out.startswith("审计日志完整：共 3 条记录，与 1 个检查点一致")


@pytest.mark.django_db
@pytest.mark.parametrize("tamper", ["tail", "all", "rehash"])
def test_verify_command_reports_each_tampering_with_exit_1(capsys, tamper):
    events = chain(3)
    assert run_cli("audit", "verify") == 0
    if tamper == "tail":
        act_as_database_administrator()
        raw("DELETE FROM supervision_auditevent WHERE id >= %s", [events[-1].id])
    elif tamper == "all":
        wipe()
    else:
        rewrite_all_unkeyed({"n": 99})
    capsys.readouterr()
    assert run_cli("audit", "verify") == 1
    out = capsys.readouterr().out
    assert out.startswith("审计日志在第 ") and "检查点" in out
    assert AuditVerification.objects.order_by("-id").first().ok is False


@pytest.mark.django_db
def test_checkpoint_command_and_export(capsys, tmp_path):
    chain(2)
    assert run_cli("audit", "checkpoint") == 0
    assert capsys.readouterr().out.startswith("已写入检查点：共 2 条记录，最后一条为第 ")
    export = tmp_path / "export.jsonl"
    assert run_cli("audit", "checkpoint", "--export", str(export)) == 0
    assert len(export.read_text().splitlines()) == 2
    assert run_cli("audit", "verify", "--checkpoints", str(export)) == 0
    assert "与 4 个检查点一致" in capsys.readouterr().out  # two in the file, the same two exported


@pytest.mark.django_db
def test_verify_with_a_missing_checkpoint_file_is_bad_input(capsys, tmp_path):
    assert run_cli("audit", "verify", "--checkpoints", str(tmp_path / "nope.jsonl")) == 2
    assert "找不到检查点文件" in capsys.readouterr().out


# --- the database ------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
@pytest.mark.django_db
def test_postgresql_refuses_to_truncate_the_audit_log():
    chain(2)
    raw("SET CONSTRAINTS ALL IMMEDIATE", [])  # as if committed: no foreign key check pending
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("TRUNCATE supervision_auditevent CASCADE", [])
    assert AuditEvent.objects.count() == 2
