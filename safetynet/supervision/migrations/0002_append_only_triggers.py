"""Database triggers that refuse UPDATE and DELETE on the audit log.

They stop application code and casual SQL; an administrator who drops them is caught later by the
hash chain. Caution for later migrations: on SQLite, altering this table rebuilds it, which drops
these triggers; such a migration must create them again (the statements in ``STATEMENTS``).
"""

from django.db import migrations

MESSAGE = "audit log is append-only"

SQLITE_CREATE = [
    f"""CREATE TRIGGER supervision_auditevent_no_{op.lower()}
        BEFORE {op} ON supervision_auditevent
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"""
    for op in ("UPDATE", "DELETE")
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS supervision_auditevent_no_{op}" for op in ("update", "delete")]

# restrict_violation is an integrity error class, so Django raises IntegrityError, as on SQLite.
POSTGRESQL_CREATE = [
    f"""CREATE OR REPLACE FUNCTION supervision_auditevent_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
        END;
        $$""",
    *(
        f"""CREATE TRIGGER supervision_auditevent_no_{op.lower()}
            BEFORE {op} ON supervision_auditevent
            FOR EACH ROW EXECUTE FUNCTION supervision_auditevent_append_only()"""
        for op in ("UPDATE", "DELETE")
    ),
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS supervision_auditevent_no_update ON supervision_auditevent",
    "DROP TRIGGER IF EXISTS supervision_auditevent_no_delete ON supervision_auditevent",
    "DROP FUNCTION IF EXISTS supervision_auditevent_append_only()",
]

STATEMENTS = {"sqlite": (SQLITE_CREATE, SQLITE_DROP), "postgresql": (POSTGRESQL_CREATE, POSTGRESQL_DROP)}


def _run(schema_editor, which: int) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotImplementedError(f"append-only triggers for {vendor} are not written yet")
    for sql in STATEMENTS[vendor][which]:
        schema_editor.execute(sql)


def create_triggers(apps, schema_editor):
    _run(schema_editor, 0)


def drop_triggers(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
