"""Backup and restore of the whole office: the database, the department feed store, the audit checkpoints.

    safetynet backup --out DIR|FILE.tar
    safetynet restore DIR|FILE.tar [--force]

A backup is a directory (or the same directory packed in one uncompressed ``.tar``)::

    manifest.json          what is in it: version, time, database vendor, migration state, tables
                           with their columns and row counts, sequences, the audit chain's head,
                           and the size and SHA-256 of every other file
    SHA256SUMS             the same checksums and manifest.json's, for ``sha256sum -c``
    db/<table>.<ext>.gz    every table of the database, one file each (not django_migrations:
                           the manifest keeps the migration state instead)
    feeds.tar              the department feed store (``settings.FEED_STORE``), if it has files
    files/<name>           files kept beside the database: the audit checkpoints, the holidays file

Every table is included, whatever app made it, so parameters an administrator enters in the app
are in the backup without anyone listing them. Rows are kept in the database's own exact form, so
the restored rows are the same bytes and the audit chain's hashes still match: on PostgreSQL the
text format of ``COPY`` (what ``pg_dump`` writes); on SQLite the stored values (integers, reals,
text, blobs) as JSON lines, read past Django's type converters. So a backup restores into the
same database vendor only; to move between vendors, restore first, then use ``manage dumpdata``.

The audit key is not in the backup: it is what keeps the chain from being rewritten, so whoever
holds a backup must not hold it too. Keep it apart (``SAFETYNET_AUDIT_KEY``, or the key file); the
manifest names it by a fingerprint, and a restore refuses to start on a machine without it.

A restore checks every checksum and the audit key, refuses a database or feed store that holds data (unless
``--force``, which drops every table and moves the old feed store aside), migrates the empty
database to the backup's migration state, inserts every row in one transaction (foreign keys are
checked at commit, so the order of tables and of rows within a table does not matter; the audit
log's triggers refuse only updates and deletes), sets the sequences, migrates forward to this
version, and then verifies the audit chain against its checkpoints and the head in the manifest.
A chain that does not verify is reported and the command exits 1: the office must not open on it.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import hmac
import json
import os
import shutil
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

FORMAT = "safetynet-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
FEEDS_TAR = "feeds.tar"
# Rows that `migrate` itself writes: a freshly migrated database still counts as empty.
WRITTEN_BY_MIGRATE = {"django_migrations", "django_content_type", "auth_permission"}
CHUNK = 5000


class BackupError(Exception):
    """Bad input (a missing or damaged backup, a target that is not empty): the command exits 2."""


@dataclass
class RestoreReport:
    manifest: dict
    rows: int = 0
    feed_files: int = 0
    chain_ok: bool = False
    chain_message: str = ""
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- files kept beside the database


def side_files() -> dict[str, Path]:
    """Files outside the database that a restore needs: name in the backup -> path on this machine."""
    from safetynet.supervision.services import checkpoints_path

    files = {"audit-checkpoints.jsonl": checkpoints_path()}
    holidays = os.environ.get("SAFETYNET_HOLIDAYS_FILE")
    if holidays:  # the calendar an administrator extended, when kept outside the package
        files["holidays.yaml"] = Path(holidays)
    return files


def _key_fingerprint() -> str:
    """Names the audit key without revealing it, so a restore can tell it has the right one."""
    from safetynet.supervision.services import audit_key

    return hmac.new(audit_key(), b"safetynet-backup:audit-key", hashlib.sha256).hexdigest()[:16]


def _check_audit_key(manifest: dict) -> None:
    """The key is not in the backup (it is what makes the chain unforgeable): it must be here already."""
    from django.conf import settings

    if not manifest["audit_head"]["events"]:
        return
    key_file = Path(getattr(settings, "SAFETYNET_AUDIT_KEY_FILE", Path(settings.DATA_DIR) / "audit.key"))
    if not getattr(settings, "SAFETYNET_AUDIT_KEY", "") and not key_file.is_file():
        raise BackupError(
            f"本机没有审计密钥（密钥不随备份保存）：请先设置 SAFETYNET_AUDIT_KEY，或放回密钥文件 {key_file}"
        )
    if _key_fingerprint() != manifest["audit_key"]:
        raise BackupError("本机的审计密钥不是备份时所用的密钥：请设置原来的 SAFETYNET_AUDIT_KEY 或放回原来的密钥文件")


# ---------------------------------------------------------------- backup


def backup(out: Path, *, progress: bool | None = None) -> dict:
    """Write a backup of the database, the feed store and the side files to ``out``; return its manifest.

    ``out`` must not exist. It is built under a ``.partial`` name and renamed when complete, so a
    backup that stopped halfway is never mistaken for a whole one.
    """
    from django.conf import settings

    out = Path(out)
    if out.exists():
        raise BackupError(f"{out}: 已存在，请指定一个新的目录或 .tar 文件")
    if not out.parent.is_dir():
        raise BackupError(f"{out.parent}: 目录不存在")
    work, packing = out.with_name(out.name + ".partial"), out.with_name(out.name + ".packing")
    if work.exists():
        shutil.rmtree(work)
    work.mkdir()
    try:
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "safetynet_version": _version(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        # Side files before the database snapshot: every checkpoint then names events the backup holds.
        manifest["side_files"] = _copy_side_files(work)
        manifest.update(_dump_database(work, progress))
        manifest["feed_store"] = _pack_feed_store(Path(settings.FEED_STORE), work, progress)
        manifest["files"] = {
            name: _checksum(work / name) for name in sorted(_relative_files(work)) if name not in (MANIFEST, SUMS)
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        sums = {name: f["sha256"] for name, f in manifest["files"].items()}
        sums[MANIFEST] = _checksum(work / MANIFEST)["sha256"]
        (work / SUMS).write_text("".join(f"{digest}  {name}\n" for name, digest in sorted(sums.items())))
        if out.suffix == ".tar":
            with tarfile.open(packing, "w") as tar:
                for name in sorted(_relative_files(work)):
                    tar.add(work / name, arcname=name, recursive=False)
            packing.rename(out)
            shutil.rmtree(work)
        else:
            work.rename(out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        packing.unlink(missing_ok=True)
        raise
    return manifest


def _version() -> str:
    from safetynet import __version__

    return __version__


def _copy_side_files(work: Path) -> list[dict]:
    kept = []
    for name, path in side_files().items():
        if path.is_file():
            (work / "files").mkdir(exist_ok=True)
            shutil.copyfile(path, work / "files" / name)
            kept.append({"name": name, "file": f"files/{name}", "path": str(path)})
    return kept


def _dump_database(work: Path, progress: bool | None) -> dict:
    """Every table, its columns and row count, the sequences, the migration state and the audit head,
    all read in one snapshot of the database."""
    from django.db import connection, transaction
    from django.db.migrations.recorder import MigrationRecorder
    from tqdm import tqdm

    (work / "db").mkdir()
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持的数据库：{vendor}（仅 SQLite 与 PostgreSQL）")
    # Inside a caller's transaction (a test), the snapshot is the caller's.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                if outermost:  # one consistent view of every table, and no writes
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                _pin_text_format(cursor)
        applied: dict[str, list[str]] = {}
        for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
            applied.setdefault(app, []).append(name)
        with connection.cursor() as cursor:
            names = sorted(set(connection.introspection.table_names(cursor)) - {"django_migrations"})
            tables = []
            bar = tqdm(names, desc="备份数据库", unit="表", disable=_quiet(progress), file=sys.stderr)
            for table in bar:
                columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
                key = connection.introspection.get_primary_key_column(cursor, table)
                file = f"db/{table}.{'copy' if vendor == 'postgresql' else 'jsonl'}.gz"
                dump = _dump_postgresql if vendor == "postgresql" else _dump_sqlite
                rows = dump(cursor, table, columns, key, work / file)
                tables.append({"name": table, "columns": columns, "rows": rows, "file": file})
            sequences = _sequences(cursor, vendor)
        head = _audit_head()
    return {
        "audit_key": _key_fingerprint(),
        "database": {"vendor": vendor, "server_version": _server_version(connection)},
        "migrations": applied,
        "tables": tables,
        "sequences": sequences,
        "audit_head": head,
    }


def _quiet(progress: bool | None) -> bool | None:
    return None if progress is None else not progress  # None: tqdm shows a bar on a terminal only


def _server_version(connection) -> str:
    if connection.vendor == "postgresql":
        return str(connection.pg_version)
    import sqlite3

    return sqlite3.sqlite_version


def _order(key: str | None, quote) -> str:
    return f" ORDER BY {quote(key)}" if key else ""


def _pin_text_format(cursor) -> None:
    """COPY writes dates, intervals and floats as the session says: the same settings on both sides,
    whatever the server's defaults, so what is written is read back as the same value."""
    for sql in ("SET LOCAL DateStyle = 'ISO, YMD'", "SET LOCAL IntervalStyle = 'postgres'",
                "SET LOCAL extra_float_digits = 1", "SET LOCAL TimeZone = 'UTC'"):
        cursor.execute(sql)


def _dump_postgresql(cursor, table: str, columns: list[str], key: str | None, path: Path) -> int:
    from django.db import connection

    q = connection.ops.quote_name
    cols = ", ".join(q(c) for c in columns)
    rows = 0
    with gzip.open(path, "wb", compresslevel=6) as out:
        sql = f"COPY (SELECT {cols} FROM {q(table)}{_order(key, q)}) TO STDOUT"
        with cursor.cursor.copy(sql) as copy:
            for data in copy:
                out.write(data)
                rows += bytes(data).count(b"\n")  # the text format escapes newlines in values: one line a row
    return rows


def _dump_sqlite(cursor, table: str, columns: list[str], key: str | None, path: Path) -> int:
    from django.db import connection

    q = connection.ops.quote_name
    # "+col AS col" is the stored value itself: an expression has no declared type, so none of the
    # converters Django registers (dates, booleans, decimals) touches it.
    cols = ", ".join(f"+{q(c)} AS {q(c)}" for c in columns)
    cursor.execute(f"SELECT {cols} FROM {q(table)}{_order(key, q)}")
    rows = 0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as out:
        while batch := cursor.fetchmany(CHUNK):
            for row in batch:
                out.write(json.dumps([_plain(v) for v in row], ensure_ascii=False) + "\n")
            rows += len(batch)
    return rows


def _plain(value):
    return {"b64": base64.b64encode(value).decode()} if isinstance(value, bytes) else value


def _unplain(value):
    return base64.b64decode(value["b64"]) if isinstance(value, dict) else value


def _sequences(cursor, vendor: str) -> dict[str, int]:
    """Where each sequence stands, so ids go on as they would have (deleted tail rows not reused)."""
    if vendor == "postgresql":
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema() "
            "AND last_value IS NOT NULL ORDER BY sequencename"
        )
    else:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'")
        if not cursor.fetchone()[0]:
            return {}
        cursor.execute("SELECT name, seq FROM sqlite_sequence ORDER BY name")
    # django_migrations is not restored from the backup: `migrate` numbers its own rows.
    return {name: int(value) for name, value in cursor.fetchall() if not name.startswith("django_migrations")}


def _audit_head() -> dict:
    from safetynet.supervision.models import AuditEvent

    last = AuditEvent.objects.order_by("-id").values("id", "hash").first()
    return {"events": AuditEvent.objects.count(), "last_id": last and last["id"], "last_hash": last and last["hash"]}


def _pack_feed_store(store: Path, work: Path, progress: bool | None) -> dict | None:
    from tqdm import tqdm

    files = sorted(p for p in store.rglob("*") if p.is_file()) if store.is_dir() else []
    if not files:
        return None
    size = 0
    with tarfile.open(work / FEEDS_TAR, "w") as tar:  # Parquet is compressed already
        for path in tqdm(files, desc="备份部门数据", unit="文件", disable=_quiet(progress), file=sys.stderr):
            tar.add(path, arcname=str(PurePosixPath("feeds", *path.relative_to(store).parts)), recursive=False)
            size += path.stat().st_size
    return {"file": FEEDS_TAR, "files": len(files), "bytes": size, "path": str(store)}


def _relative_files(root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]


def _checksum(path: Path) -> dict:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return {"sha256": digest.hexdigest(), "size": path.stat().st_size}


# ---------------------------------------------------------------- reading and checking a backup


def open_backup(source: Path, scratch: Path) -> Path:
    """The backup's directory: ``source`` itself, or ``source`` (a .tar) unpacked into ``scratch``."""
    source = Path(source)
    if source.is_dir():
        return source
    if not source.exists():
        raise BackupError(f"{source}: 备份不存在")
    try:
        with tarfile.open(source) as tar:
            tar.extractall(scratch, filter="data")  # "data": no absolute paths, links out or devices
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{source}: 不是可读的备份 .tar 文件（{exc}）") from None
    return scratch


def check_backup(root: Path, *, progress: bool | None = None) -> dict:
    """Read the manifest and check every file's size and checksum; return the manifest.

    Raises ``BackupError`` naming the first file that is missing or damaged.
    """
    from tqdm import tqdm

    sums = _read_sums(root)
    manifest_path = root / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{root}: 缺少备份清单 {MANIFEST}，不是 safetynet 的备份")
    if MANIFEST not in sums or _checksum(manifest_path)["sha256"] != sums[MANIFEST]:
        raise BackupError(f"备份清单 {MANIFEST} 已损坏：校验和与 {SUMS} 不符")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"备份清单 {MANIFEST} 已损坏：{exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"备份清单 {MANIFEST} 不是 safetynet 的备份清单")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"备份格式版本 {manifest.get('format_version')} 不受支持（本程序读取版本 {FORMAT_VERSION}）")
    files = manifest.get("files", {})
    for name, meta in tqdm(sorted(files.items()), desc="校验备份", unit="文件", disable=_quiet(progress),
                           file=sys.stderr):
        path = root / _safe_name(name)
        if not path.is_file():
            raise BackupError(f"备份文件缺失：{name}")
        actual = _checksum(path)
        if actual != {"sha256": meta["sha256"], "size": meta["size"]} or sums.get(name) != meta["sha256"]:
            raise BackupError(f"备份文件已损坏（大小或校验和不符）：{name}")
    return manifest


def _read_sums(root: Path) -> dict[str, str]:
    try:
        text = (root / SUMS).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BackupError(f"{root}: 缺少校验和文件 {SUMS}，不是完整的 safetynet 备份") from None
    except (UnicodeDecodeError, OSError) as exc:
        raise BackupError(f"校验和文件 {SUMS} 无法读取：{exc}") from None
    sums = {}
    for line in text.splitlines():
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            raise BackupError(f"校验和文件 {SUMS} 已损坏：{line[:80]!r}")
        sums[name] = digest
    return sums


def _safe_name(name: str) -> str:
    parts = PurePosixPath(name).parts
    if not parts or PurePosixPath(name).is_absolute() or ".." in parts:
        raise BackupError(f"备份清单中的文件名不安全：{name}")
    return name


# ---------------------------------------------------------------- restore


def restore(source: Path, *, force: bool = False, progress: bool | None = None) -> RestoreReport:
    """Restore a backup into this installation's database and feed store, then verify the audit chain."""
    with tempfile.TemporaryDirectory(prefix="safetynet-restore-") as scratch:
        root = open_backup(Path(source), Path(scratch))
        manifest = check_backup(root, progress=progress)
        return _restore_checked(root, manifest, force=force, progress=progress)


def _restore_checked(root: Path, manifest: dict, *, force: bool, progress: bool | None) -> RestoreReport:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"这是 {vendor} 数据库的备份，不能恢复到 {connection.vendor} 数据库")
    targets = _migration_targets(manifest["migrations"])
    _check_audit_key(manifest)
    store = Path(settings.FEED_STORE)
    occupied = _occupied(store)
    if occupied and not force:
        shown = "；".join(occupied[:5]) + ("；等" if len(occupied) > 5 else "")
        raise BackupError(f"目标不是空的，拒绝恢复：{shown}。如确要以备份覆盖，请加 --force")

    report = RestoreReport(manifest)
    if occupied:
        report.notes.append("已按 --force 清空原有数据库")
    _drop_tables()
    _migrate_to(targets)
    report.rows = _load(root, manifest, progress)
    call_command("migrate", interactive=False, verbosity=0)  # to this version, if the backup is older
    report.feed_files = _unpack_feed_store(root, manifest.get("feed_store"), store, report)
    _put_side_files(root, manifest.get("side_files", []), report)
    report.chain_ok, report.chain_message = _verify_audit(manifest["audit_head"])
    return report


def _migration_targets(applied: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The last migration the backup had applied in each app. A migration this version does not
    know means the backup comes from a newer version."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(connection, ignore_no_migrations=True).graph
    nodes = {(app, name) for app, names in applied.items() for name in names}
    unknown = sorted(f"{app}.{name}" for app, name in nodes if (app, name) not in graph.nodes)
    if unknown:
        raise BackupError("备份来自更新的版本，本版本没有这些数据库迁移：" + "、".join(unknown[:5]))
    return sorted(n for n in nodes if not any(c[0] == n[0] and c in nodes for c in graph.node_map[n].children))


def _occupied(store: Path) -> list[str]:
    """What would be overwritten: tables with rows (beyond what `migrate` writes), feed store files."""
    from django.db import connection

    found = []
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(set(connection.introspection.table_names(cursor)) - WRITTEN_BY_MIGRATE):
            cursor.execute(f"SELECT count(*) FROM {q(table)}")
            if rows := cursor.fetchone()[0]:
                found.append(f"数据库表 {table} 有 {rows} 行")
    if store.is_dir() and any(p.is_file() for p in store.rglob("*")):
        found.append(f"部门数据目录 {store} 不为空")
    return found


def _drop_tables() -> None:
    from django.db import connection

    q = connection.ops.quote_name
    tables = connection.introspection.table_names()
    if not tables:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS " + ", ".join(q(t) for t in tables) + " CASCADE")
        return
    with connection.constraint_checks_disabled(), connection.cursor() as cursor:  # no implicit checks on drop
        for table in tables:
            cursor.execute(f"DROP TABLE IF EXISTS {q(table)}")


def _migrate_to(targets: list[tuple[str, str]]) -> None:
    # The executor, not the migrate command: no post_migrate signal, so content types and
    # permissions come from the backup with their own ids, not freshly made ones.
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(targets, plan=executor.migration_plan(targets, clean_start=True))


def _load(root: Path, manifest: dict, progress: bool | None) -> int:
    from django.db import connection, transaction
    from tqdm import tqdm

    q = connection.ops.quote_name
    total = sum(t["rows"] for t in manifest["tables"])
    bar = tqdm(total=total, desc="恢复数据库", unit="行", disable=_quiet(progress), file=sys.stderr)
    with transaction.atomic(), connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        if connection.vendor == "postgresql":
            _pin_text_format(cursor)
        for table in manifest["tables"]:
            name, columns = table["name"], table["columns"]
            if name not in present:
                raise BackupError(f"备份中的数据库表 {name} 在迁移到备份时的状态后不存在")
            have = [c.name for c in connection.introspection.get_table_description(cursor, name)]
            if sorted(have) != sorted(columns):
                raise BackupError(f"数据库表 {name} 的列与备份不符：备份 {columns}，数据库 {have}")
            cursor.execute(f"SELECT count(*) FROM {q(name)}")
            if cursor.fetchone()[0]:  # written by a data migration: the backup's rows replace them
                cursor.execute(f"DELETE FROM {q(name)}")
            load = _load_postgresql if connection.vendor == "postgresql" else _load_sqlite
            load(cursor, name, columns, root / _safe_name(table["file"]), bar)
            cursor.execute(f"SELECT count(*) FROM {q(name)}")
            if (rows := cursor.fetchone()[0]) != table["rows"]:
                raise BackupError(f"数据库表 {name} 恢复了 {rows} 行，备份清单记载 {table['rows']} 行")
        _set_sequences(cursor, manifest.get("sequences", {}))
    bar.close()
    return total


def _load_postgresql(cursor, table: str, columns: list[str], path: Path, bar) -> None:
    from django.db import connection

    q = connection.ops.quote_name
    with gzip.open(path, "rb") as src, cursor.cursor.copy(
        f"COPY {q(table)} ({', '.join(q(c) for c in columns)}) FROM STDIN"
    ) as copy:
        while block := src.read(1 << 20):
            copy.write(block)
            bar.update(block.count(b"\n"))


def _load_sqlite(cursor, table: str, columns: list[str], path: Path, bar) -> None:
    from django.db import connection

    q = connection.ops.quote_name
    sql = f"INSERT INTO {q(table)} ({', '.join(q(c) for c in columns)}) VALUES ({', '.join('?' * len(columns))})"
    raw = cursor.cursor  # sqlite3's own cursor: values go in exactly as they came out
    with gzip.open(path, "rt", encoding="utf-8") as src:
        batch = []
        for line in src:
            batch.append([_unplain(v) for v in json.loads(line)])
            if len(batch) == CHUNK:
                raw.executemany(sql, batch)
                bar.update(len(batch))
                batch = []
        raw.executemany(sql, batch)
        bar.update(len(batch))


def _set_sequences(cursor, sequences: dict[str, int]) -> None:
    from django.db import connection

    for name, value in sequences.items():
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(%s, %s, true)", [connection.ops.quote_name(name), value])
        else:
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [name])
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [name, value])


def _unpack_feed_store(root: Path, feed_store: dict | None, store: Path, report: RestoreReport) -> int:
    if store.exists() and any(store.iterdir()):  # only with --force: kept aside, not deleted
        aside = store.with_name(f"{store.name}.before-restore-{datetime.now().strftime('%Y%m%d%H%M%S')}")
        store.rename(aside)
        report.notes.append(f"原部门数据目录已移到 {aside}")
    if not feed_store:
        return 0
    store.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=store.parent, prefix=".restore-") as scratch:
        with tarfile.open(root / _safe_name(feed_store["file"])) as tar:
            members = tar.getmembers()
            if any(PurePosixPath(m.name).parts[:1] != ("feeds",) for m in members):
                raise BackupError(f"{feed_store['file']}: 含有 feeds/ 以外的文件")
            tar.extractall(scratch, members=members, filter="data")
        if store.exists():
            store.rmdir()  # empty (checked above)
        (Path(scratch) / "feeds").rename(store)
    return feed_store["files"]


def _put_side_files(root: Path, side: list[dict], report: RestoreReport) -> None:
    """Put back the side files this machine lacks. One it has is left alone: the audit checkpoints
    are kept where the application does not rewrite them, and a restore is no exception."""
    here = side_files()
    for entry in side:
        target = here.get(entry["name"])
        if target is None:
            report.notes.append(f"备份中的 {entry['name']} 未恢复：本机没有配置其位置")
        elif target.exists():
            same = _checksum(target)["sha256"] == _checksum(root / _safe_name(entry["file"]))["sha256"]
            if not same:
                report.notes.append(f"{target} 已存在且与备份中的不同，保留本机的文件（审计校验以它为准）")
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / _safe_name(entry["file"]), target)
            report.notes.append(f"已恢复 {target}")


def _verify_audit(head: dict) -> tuple[bool, str]:
    """The audit chain checked against its checkpoints, and its head against the manifest's. The
    result is kept like any ``audit verify`` (the auditor's page shows it), and a whole chain is
    anchored with a new checkpoint."""
    from safetynet.supervision import services
    from safetynet.supervision.selectors import CheckpointFileError

    try:
        chain, _ = services.verify(None, source="cli")
    except (CheckpointFileError, services.AuditKeyError) as exc:
        return False, str(exc)
    if not chain.ok:
        return False, chain.reason
    if (chain.checked, chain.last_hash) != (head["events"], head["last_hash"]):
        return False, (f"审计日志与备份清单不符：恢复后 {chain.checked} 条、末条哈希 {chain.last_hash}；"
                       f"清单记载 {head['events']} 条、末条哈希 {head['last_hash']}")
    against = f"与 {chain.checkpoints} 个检查点一致，" if chain.checkpoints else ""
    return True, f"审计日志完整：共 {chain.checked} 条记录，{against}末条哈希与备份清单一致"


# ---------------------------------------------------------------- the commands


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetynet.site.settings")
    import django

    django.setup()


def cmd_backup(args: argparse.Namespace) -> int:
    _setup_django()
    try:
        manifest = backup(Path(args.out))
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return 2
    rows = sum(t["rows"] for t in manifest["tables"])
    feeds = manifest["feed_store"]
    print(f"备份完成：{args.out}")
    print(f"  数据库（{manifest['database']['vendor']}）：{len(manifest['tables'])} 张表，{rows} 行")
    print(f"  部门数据：{feeds['files'] if feeds else 0} 个文件")
    print(f"  审计日志：{manifest['audit_head']['events']} 条，末条哈希 {manifest['audit_head']['last_hash']}")
    for side in manifest["side_files"]:
        print(f"  {side['name']}：{side['path']}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    _setup_django()
    try:
        report = restore(Path(args.source), force=args.force)
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return 2
    m = report.manifest
    print(f"已恢复 {m['created_at']} 的备份（safetynet {m['safetynet_version']}）：")
    print(f"  数据库：{len(m['tables'])} 张表，{report.rows} 行；部门数据：{report.feed_files} 个文件")
    for note in report.notes:
        print(f"  {note}")
    if report.chain_ok:
        print(report.chain_message)
        return 0
    print(f"审计日志校验未通过，请勿开始办理业务：{report.chain_message}", file=sys.stderr)
    return 1


def add_commands(subparsers) -> None:
    """Add ``backup`` and ``restore`` to the ``safetynet`` command's subparsers."""
    p = subparsers.add_parser("backup", help="备份数据库、部门数据与审计检查点 (backup)")
    p.add_argument("--out", required=True, help="新的备份目录，或以 .tar 结尾的单个文件")
    p.set_defaults(func=cmd_backup)
    p = subparsers.add_parser("restore", help="从备份恢复，并校验审计日志 (restore)")
    p.add_argument("source", help="备份目录或 .tar 文件")
    p.add_argument("--force", action="store_true", help="目标数据库或部门数据目录不为空时，仍以备份覆盖")
    p.set_defaults(func=cmd_restore)
