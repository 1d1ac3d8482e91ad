"""Database triggers that make the supervision logs append-only: UPDATE, DELETE and TRUNCATE refused.

They stop application code and casual SQL; an administrator who drops them is caught later by the
keyed hash chain and its checkpoints (``selectors.verify_chain``). SQLite has no TRUNCATE (its
``DELETE FROM t`` is refused row by row). On SQLite, a migration that alters one of these tables
rebuilds it and so drops its triggers: ``ensure`` (run after every ``migrate``, see ``apps.py``)
puts them back.

The audit log's UPDATE and DELETE triggers were created by migration 0002 with their own function;
their names are kept so nothing has to be dropped to upgrade.
"""

from __future__ import annotations

AUDIT = "supervision_auditevent"
TABLES = (AUDIT, "supervision_accesslog", "supervision_accesslogperson")
FUNCTION = "supervision_append_only"


def _ops(vendor: str) -> tuple[str, ...]:
    return ("update", "delete", "truncate") if vendor == "postgresql" else ("update", "delete")


def create_sql(vendor: str, table: str) -> list[str]:
    """Statements that (re)create the triggers of ``table``; safe to run when they exist."""
    if vendor == "sqlite":
        return [
            f"""CREATE TRIGGER IF NOT EXISTS {table}_no_{op} BEFORE {op.upper()} ON {table}
                BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"""
            for op in _ops(vendor)
        ]
    if vendor == "postgresql":
        # restrict_violation is an integrity error class: Django raises IntegrityError, as on SQLite.
        sql = [
            f"""CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only', ERRCODE = 'restrict_violation';
                END; $$"""
        ]
        for op in _ops(vendor):
            # Migration 0002's triggers of the audit log call their own function: keep them.
            function = "supervision_auditevent_append_only" if table == AUDIT and op != "truncate" else FUNCTION
            level = "STATEMENT" if op == "truncate" else "ROW"  # TRUNCATE triggers are per statement
            sql.append(
                f"""CREATE OR REPLACE TRIGGER {table}_no_{op} BEFORE {op.upper()} ON {table}
                    FOR EACH {level} EXECUTE FUNCTION {function}()"""
            )
        return sql
    raise NotImplementedError(f"append-only triggers for {vendor} are not written yet")


def drop_sql(vendor: str, table: str) -> list[str]:
    on = f" ON {table}" if vendor == "postgresql" else ""
    return [f"DROP TRIGGER IF EXISTS {table}_no_{op}{on}" for op in _ops(vendor)]


def create(target, tables=TABLES) -> None:
    """Create the triggers through a schema editor (in a migration) or a connection."""
    _execute(target, [sql for t in tables for sql in create_sql(_vendor(target), t)])


def drop(target, tables=TABLES) -> None:
    _execute(target, [sql for t in tables for sql in drop_sql(_vendor(target), t)])


def ensure(connection) -> None:
    """Create whatever trigger is missing (idempotent), if the tables exist yet."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    existing = set(connection.introspection.table_names())
    create(connection, [t for t in TABLES if t in existing])


def _is_schema_editor(target) -> bool:
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

    return isinstance(target, BaseDatabaseSchemaEditor)


def _vendor(target) -> str:
    return (target.connection if _is_schema_editor(target) else target).vendor


def _execute(target, statements: list[str]) -> None:
    if _is_schema_editor(target):
        for sql in statements:
            target.execute(sql, None)
        return
    with target.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
