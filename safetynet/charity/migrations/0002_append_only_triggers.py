"""The donations' and the supermarkets' books refuse UPDATE and DELETE in SQL too (charity.triggers)."""

from django.db import migrations

from safetynet.charity import triggers


def create(apps, schema_editor):
    for sql in triggers.create_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql, None)


def drop(apps, schema_editor):
    for sql in triggers.drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql, None)


class Migration(migrations.Migration):
    dependencies = [("charity", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
