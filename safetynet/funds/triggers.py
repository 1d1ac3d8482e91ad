"""A database trigger that refuses UPDATE of the fund's entries, beside the model's own refusal
(``AppendOnlyModel``): an entry is written once, and a correction is a new entry.

DELETE is not refused here, unlike the audit log's tables: the test databases are emptied by
DELETE (SQLite) after transactional tests, and their fixture drops only the supervision triggers.
A removed entry still shows: the balances of the entries no longer follow one from the other
(``selectors.reconcile``), and each entry is in the audit chain.

SQLite drops a table's triggers when a migration rebuilds it: ``ensure`` runs after every migrate.
"""

from __future__ import annotations

TABLE = "funds_fundentry"
FUNCTION = "funds_append_only"


def create_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE}
                    BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END"""]
    if vendor == "postgresql":
        return [
            f"""CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only', ERRCODE = 'restrict_violation';
                END; $$""",
            f"""CREATE OR REPLACE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
                FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()""",
        ]
    return []  # another database: the model's refusal alone


def drop_sql(vendor: str) -> list[str]:
    if vendor not in ("sqlite", "postgresql"):
        return []
    return [f"DROP TRIGGER IF EXISTS {TABLE}_no_update" + (f" ON {TABLE}" if vendor == "postgresql" else "")]


def ensure(connection) -> None:
    if TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for sql in create_sql(connection.vendor):
            cursor.execute(sql)
