"""Backup and restore: a small city backed up and restored into an empty database is the same, row
for row and byte for byte, and its audit chain verifies; a damaged backup is refused, naming the file.

The restore runs as the real command in a subprocess against a second, empty database (a new SQLite
file, or a new PostgreSQL database beside the test database), as an office would run it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import pickle
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from safetynet.cases import services as cases
from safetynet.cli import main
from safetynet.payments import services as payments
from safetynet.registry.models import Area, Household
from safetynet.site import backup
from safetynet.supervision import services as audit
from safetynet.supervision.models import AuditEvent
from tests.office.conftest import city, poor_household  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parent.parent
FEED_BYTES = bytes(range(256)) * 40  # every byte value, as a Parquet file holds


def snapshot() -> dict[str, list]:
    """Every row of every table but django_migrations, read plainly through Django's cursor, sorted."""
    q = connection.ops.quote_name
    out = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table != "django_migrations":
                cursor.execute(f"SELECT * FROM {q(table)}")
                rows = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in cursor.fetchall()]
                out[table] = sorted(rows, key=repr)
    return out


@pytest.fixture
def office(city, poor_household, feed_store):  # noqa: F811
    """A city with an approved dibao case, an approved payroll and a file in the feed store."""
    head = poor_household.members.get(relation="head")
    c = cases.start_precheck(city["clerk"], household=poor_household, programme="dibao", applicant=head,
                             on=date(2024, 3, 4))
    c = cases.accept(city["clerk"], c, version=c.version, on=date(2024, 3, 4))
    c = cases.record_home_visit(city["clerk"], c, version=c.version, on=date(2024, 3, 5), investigators=["甲", "乙"],
                                family_signed=True, findings="属实")
    c = cases.approve(city["approver"], c, version=c.version, on=date(2024, 3, 6))
    cases.close_notice(city["approver"], c, version=c.version, on=date(2024, 3, 14))
    run = payments.run_payroll(city["city_admin"], month=date(2024, 4, 1), township=Area.objects.get(code="370811001"),
                               programme="dibao")
    payments.approve_payroll(city["approver"], run)
    (feed_store / "department=civil" / "item=X01").mkdir(parents=True)
    (feed_store / "department=civil" / "item=X01" / "part-0.parquet").write_bytes(FEED_BYTES)
    audit.write_checkpoint(by="test")
    return city


@pytest.fixture
def empty_database(tmp_path):
    """A DATABASE_URL of a new, empty database of the test database's vendor; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    s = connection.settings_dict
    name = f"{s['NAME']}_restored"
    admin = dict(host=s["HOST"], port=s["PORT"] or 5432, user=s["USER"], password=s["PASSWORD"], dbname="postgres")
    with psycopg.connect(**admin, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}/{name}"
    with psycopg.connect(**admin, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def command(args: list[str], database_url: str, tmp_path: Path, **kwargs) -> subprocess.CompletedProcess:
    """``python -m safetynet ARGS`` as another installation: its own database, data dir, feed store and
    checkpoint file; the audit key is the one the office kept apart (the test's key file)."""
    env = {**os.environ, "DATABASE_URL": database_url, "SAFETYNET_DATA_DIR": str(tmp_path / "restored-data"),
           "SAFETYNET_FEED_STORE": str(tmp_path / "restored-feeds"), "SAFETYNET_AUDIT_KEY": "",
           "SAFETYNET_AUDIT_KEY_FILE": str(settings.SAFETYNET_AUDIT_KEY_FILE),
           "SAFETYNET_AUDIT_CHECKPOINTS": str(tmp_path / "restored-data" / "audit-checkpoints.jsonl")}
    return subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, timeout=300, **kwargs)


def python(code: str, database_url: str, tmp_path: Path) -> bytes:
    setup = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'safetynet.site.settings'; django.setup()\n"
    done = command(["-c", setup + code], database_url, tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def test_a_city_restored_into_an_empty_database_is_the_same_row_for_row(office, feed_store, tmp_path,
                                                                        empty_database):
    out = tmp_path / "backup"
    manifest = backup.backup(out, progress=False)
    before = snapshot()
    assert {t["name"]: t["rows"] for t in manifest["tables"]} == {t: len(r) for t, r in before.items()}
    assert manifest["audit_head"]["events"] == AuditEvent.objects.count() > 5
    assert before["payments_payment"] and before["cases_case"] and before["supervision_auditevent"]

    done = command(["-m", "safetynet", "restore", str(out)], empty_database, tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert "审计日志完整" in done.stdout.decode()

    after = pickle.loads(python("import pickle, sys; from tests.test_backup import snapshot; "
                                "sys.stdout.buffer.write(pickle.dumps(snapshot()))", empty_database, tmp_path))
    # The restore's own verification is kept for the auditor's page: one result, one audit event.
    assert len(after.pop("supervision_auditverification")) == 1
    assert not before.pop("supervision_auditverification")
    (event,) = [r for r in after["supervision_auditevent"] if r not in before["supervision_auditevent"]]
    assert "audit.verify" in event
    after["supervision_auditevent"].remove(event)
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    restored = tmp_path / "restored-feeds" / "department=civil" / "item=X01" / "part-0.parquet"
    assert restored.read_bytes() == FEED_BYTES
    checkpoints = (tmp_path / "restored-data" / "audit-checkpoints.jsonl").read_bytes()
    assert checkpoints.startswith(settings.SAFETYNET_AUDIT_CHECKPOINTS.read_bytes())  # and the restore's own

    # The office carries on: the chain verifies, and the next event gets a new id and links to the last.
    assert command(["-m", "safetynet", "audit", "verify"], empty_database, tmp_path).returncode == 0
    python("from safetynet.supervision.services import record; from safetynet.supervision.selectors import "
           "verify_chain; record(None, 'test.after_restore', object_type='x', object_id=1, area_code=''); "
           "assert verify_chain().ok", empty_database, tmp_path)


def rewrite(out: Path, table: str, change) -> None:
    """Change one table's file in a backup and write every checksum again, as a forger would."""
    manifest = json.loads((out / "manifest.json").read_text())
    (entry,) = [t for t in manifest["tables"] if t["name"] == table]
    path = out / entry["file"]
    rows = change(gzip.decompress(path.read_bytes()))
    path.write_bytes(gzip.compress(rows))
    entry["rows"] = rows.count(b"\n")
    manifest["files"][entry["file"]] = {"sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                                        "size": path.stat().st_size}
    return manifest


def save(out: Path, manifest: dict) -> None:
    (out / "manifest.json").write_text(json.dumps(manifest))
    (out / "SHA256SUMS").write_text("".join(
        f"{hashlib.sha256((out / n).read_bytes()).hexdigest()}  {n}\n" for n in [*manifest["files"], "manifest.json"]))


def test_an_edited_event_fails_verification_after_restore(office, tmp_path, empty_database):
    """Checksums catch damage, not forgery: the keyed chain shows that history was rewritten."""
    out = tmp_path / "backup"
    backup.backup(out, progress=False)
    save(out, rewrite(out, "supervision_auditevent", lambda rows: rows.replace(b"clerk", b"clerx", 1)))
    first = AuditEvent.objects.order_by("id").first()

    done = command(["-m", "safetynet", "restore", str(out)], empty_database, tmp_path)
    assert done.returncode == 1
    said = done.stderr.decode()
    assert said.startswith(f"审计日志校验未通过，请勿开始办理业务：第 {first.id} 条记录的内容与其哈希不符"), said


def test_a_cut_off_end_fails_verification_after_restore(office, tmp_path, empty_database):
    """The last events removed and the manifest made to agree: the checkpoint taken before still shows it."""
    out = tmp_path / "backup"
    backup.backup(out, progress=False)
    manifest = rewrite(out, "supervision_auditevent", lambda rows: b"".join(rows.splitlines(keepends=True)[:-2]))
    last = AuditEvent.objects.order_by("-id")[2]
    manifest["audit_head"] = {"events": manifest["audit_head"]["events"] - 2, "last_id": last.id,
                              "last_hash": last.hash}
    save(out, manifest)

    done = command(["-m", "safetynet", "restore", str(out)], empty_database, tmp_path)
    assert done.returncode == 1
    assert "审计日志校验未通过" in done.stderr.decode() and "尾部被删除" in done.stderr.decode()


def test_a_restore_needs_the_audit_key_kept_apart(office, tmp_path, capsys):
    out = tmp_path / "backup"
    backup.backup(out, progress=False)
    settings.SAFETYNET_AUDIT_KEY_FILE = tmp_path / "elsewhere.key"
    assert main(["restore", str(out)]) == 2
    assert "本机没有审计密钥" in capsys.readouterr().err
    settings.SAFETYNET_AUDIT_KEY = "another key, of at least thirty-two characters"
    assert main(["restore", str(out)]) == 2
    assert "不是备份时所用的密钥" in capsys.readouterr().err


def test_a_damaged_file_is_refused_naming_it(office, tmp_path, capsys):
    out = tmp_path / "backup"
    backup.backup(out, progress=False)
    (person,) = (out / "db").glob("registry_person.*")
    data = bytearray(person.read_bytes())
    data[len(data) // 2] ^= 1
    person.write_bytes(bytes(data))
    households = Household.objects.count()

    assert main(["restore", str(out)]) == 2
    assert f"db/{person.name}" in capsys.readouterr().err
    assert Household.objects.count() == households


def test_a_missing_or_damaged_manifest_is_refused(office, tmp_path, capsys):
    out = tmp_path / "backup"
    backup.backup(out, progress=False)
    manifest = (out / "manifest.json").read_bytes()
    (out / "manifest.json").write_bytes(manifest.replace(b'"rows": 1', b'"rows": 2', 1))
    assert main(["restore", str(out)]) == 2
    assert "manifest.json 已损坏" in capsys.readouterr().err
    (out / "manifest.json").unlink()
    assert main(["restore", str(out)]) == 2
    assert "缺少备份清单 manifest.json" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "nowhere")]) == 2
    assert "备份不存在" in capsys.readouterr().err


def test_a_database_with_data_is_not_overwritten_without_force(office, tmp_path, capsys):
    out = tmp_path / "backup.tar"
    assert main(["backup", "--out", str(out)]) == 0
    assert out.is_file()
    capsys.readouterr()
    households = Household.objects.count()

    assert main(["restore", str(out)]) == 2
    err = capsys.readouterr().err
    users = get_user_model().objects.count()
    assert "目标不是空的" in err and f"auth_user 有 {users} 行" in err and "--force" in err
    assert Household.objects.count() == households
    assert main(["backup", "--out", str(out)]) == 2  # nor is an earlier backup
    assert "已存在" in capsys.readouterr().err
