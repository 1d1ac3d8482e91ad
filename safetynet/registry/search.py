"""The one search of every list of persons, households and cases: by a member's name (from its
beginning), a resident ID number (whole, or its last four), or the household register number.

Every list (household search, desk, deadline board, payroll lines, the problem ledger, the API)
calls ``search``; a list says only how its rows reach a household, or, for rows that name a
person by ID number and a household by number (the ledger), which fields hold them.
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from django.db.models.functions import Right

from safetynet.registry.models import Household, Person

ID_CHARS = re.compile(r"[0-9]{1,17}[0-9X]?")


def normalize(query: str) -> str:
    """What was typed, without spaces; an ID's check character as the register writes it (X)."""
    return re.sub(r"\s+", "", query or "")[:40].upper()


def matching_persons(text: str) -> QuerySet[Person]:
    """Persons whose name begins with ``text`` (the surname, or the whole name), or whose ID
    number is ``text`` or ends in it (four characters: the last four, read off a card)."""
    if not ID_CHARS.fullmatch(text):  # a name has no digits: digits are an ID number or its end
        # from its beginning (the surname, or the whole name): an index serves it, a part inside not
        return Person.objects.filter(name__startswith=text)
    if len(text) == 18:
        return Person.objects.filter(id_number=text)
    if len(text) == 4:
        # RIGHT(id_number, 4) = '…': the index on the expression serves it (a LIKE '%…' cannot)
        return Person.objects.annotate(last_four=Right("id_number", 4)).filter(last_four=text)
    return Person.objects.filter(id_number__endswith=text)


def number_match(field: str, text: str) -> Q:
    """A household register number: whole, its last four or five characters (the serial a clerk
    reads off the booklet), or any part of six or more."""
    match = Q(**{field: text})
    if 4 <= len(text) < 6:
        match |= Q(**{f"{field}__endswith": text})
    elif len(text) >= 6:
        match |= Q(**{f"{field}__contains": text})
    return match


def matching_households(text: str) -> QuerySet[Household] | None:
    """Households by register number, whole or a part of six or more characters (a shorter
    part is an ID number's end: the registry's four digits would match thousands of numbers)."""
    if len(text) < 6:
        return None
    return Household.objects.filter(number_match("household_no", text))


def search(rows: QuerySet, query: str, *, household: str | None = "household", id_number: str = "",
           household_no: str = "") -> QuerySet:
    """``rows`` narrowed to those matching ``query`` (all of them for an empty query).

    ``household``: the path from a row to its household (``""`` for households themselves,
    ``"recipient__household"`` for payroll lines). ``None`` for rows that carry the ID number and
    household number themselves (the ledger): then ``id_number`` and ``household_no`` name those
    fields."""
    text = normalize(query)
    if not text:
        return rows
    persons = matching_persons(text)
    if household is not None:
        key = f"{household}_id" if household else "pk"
        # Small subqueries, each run once: no join that repeats a household per member.
        match = Q(**{f"{key}__in": persons.values("household_id")})
        if (households := matching_households(text)) is not None:
            match |= Q(**{f"{key}__in": households.values("pk")})
    else:
        # the row's own numbers too: a person the population register knows and the registry not yet
        own = Q(**{f"{id_number}__endswith": text}) if len(text) == 4 else Q(**{id_number: text})
        match = Q(**{f"{id_number}__in": persons.values("id_number")}) | own | number_match(household_no, text)
    return rows.filter(match)
