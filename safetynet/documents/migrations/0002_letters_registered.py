"""The letters issued before the register: each entered with its own number and a new code."""

import secrets

from django.db import migrations

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # safetynet.documents.codes, frozen here as a migration must


def _check(body: str) -> str:
    n, total, factor = len(ALPHABET), 0, 2
    for ch in reversed(body):
        addend = factor * ALPHABET.index(ch)
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def _code(taken: set) -> str:
    while True:
        body = "".join(secrets.choice(ALPHABET) for _ in range(15))
        code = body + _check(body)
        if code not in taken:
            taken.add(code)
            return code


def register_letters(apps, schema_editor):
    Letter = apps.get_model("notices", "Letter")
    Document = apps.get_model("documents", "Document")
    taken = set(Document.objects.values_list("code", flat=True))
    rows = [
        Document(kind=letter.kind, township_id=letter.township_id, year=letter.year, word="救助", serial=letter.serial,
                 number=letter.number, code=_code(taken), area_code=letter.case.area_code,
                 household_id=letter.case.household_id, case_id=letter.case_id, event_id=letter.event_id,
                 letter_id=letter.pk, issued_on=letter.issued_on, issued_by_id=letter.issued_by_id,
                 content={"letter": letter.pk})
        for letter in Letter.objects.filter(document__isnull=True).select_related("case").iterator()
    ]
    Document.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(register_letters, migrations.RunPython.noop)]
