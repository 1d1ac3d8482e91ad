"""Database triggers that refuse UPDATE and DELETE of the charity's books (the donations' and
the supermarkets' goods), beside the model's refusal (``AppendOnlyModel``): corrections are
reversing entries. PostgreSQL: row triggers (TRUNCATE, which the test runner empties tables with,
is not refused). SQLite drops a table's triggers when a migration rebuilds it: ``ensure`` runs
after every migrate. A test that commits (transactional) and leaves rows in these tables must
drop the triggers first (``drop``), as the test suite does for the audit log.
"""

from __future__ import annotations

TABLES = ("charity_donationentry", "charity_stockentry")
OPS = ("update", "delete")
FUNCTION = "charity_append_only"


def create_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"""CREATE TRIGGER IF NOT EXISTS {t}_no_{op} BEFORE {op.upper()} ON {t}
                    BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END""" for t in TABLES for op in OPS]
    if vendor == "postgresql":
        sql = [f"""CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
                   BEGIN
                       RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only',
                                             ERRCODE = 'restrict_violation';
                   END; $$"""]
        sql += [f"""CREATE OR REPLACE TRIGGER {t}_no_{op} BEFORE {op.upper()} ON {t}
                    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()""" for t in TABLES for op in OPS]
        return sql
    return []  # another database: the model's refusal alone


def drop_sql(vendor: str) -> list[str]:
    if vendor not in ("sqlite", "postgresql"):
        return []
    on = vendor == "postgresql"
    return [f"DROP TRIGGER IF EXISTS {t}_no_{op}" + (f" ON {t}" if on else "") for t in TABLES for op in OPS]


def ensure(connection) -> None:
    if not set(TABLES) <= set(connection.introspection.table_names()):
        return
    with connection.cursor() as cursor:
        for sql in create_sql(connection.vendor):
            cursor.execute(sql)


def drop(connection) -> None:
    with connection.cursor() as cursor:
        for sql in drop_sql(connection.vendor):
            cursor.execute(sql)
