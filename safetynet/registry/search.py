"""The one search of every list of persons, households and cases: by a member's name, a resident
ID number (whole, or its last four), or the household register number (户口簿户号).

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
    """Persons named ``text`` (a name or its part), or whose ID number is ``text`` or ends in it
    (four characters: the last four, as a resident reads them off a card)."""
    match = Q(name__contains=text)
    if ID_CHARS.fullmatch(text):
        if len(text) == 18:
            match = Q(id_number=text)
        elif len(text) == 4:
            # RIGHT(id_number, 4) = '…': an index on the expression serves it (a LIKE '%…' cannot)
            return Person.objects.annotate(last_four=Right("id_number", 4)).filter(Q(last_four=text) | match)
        else:
            match |= Q(id_number__endswith=text)
    return Person.objects.filter(match)


def number_match(field: str, text: str) -> Q:
    """A household register number: whole, its last four or five characters (the serial a clerk
    reads off the booklet), or any part of six or more."""
    match = Q(**{field: text})
    if 4 <= len(text) < 6:
        match |= Q(**{f"{field}__endswith": text})
    elif len(text) >= 6:
        match |= Q(**{f"{field}__contains": text})
    return match


def matching_households(text: str) -> QuerySet[Household]:
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
        # Two small subqueries, each run once: no join that repeats a household per member.
        match = Q(**{f"{key}__in": persons.values("household_id")}) | Q(
            **{f"{key}__in": matching_households(text).values("pk")})
    else:
        # the row's own numbers too: a person the population register knows and the registry not yet
        own = Q(**{f"{id_number}__endswith": text}) if len(text) == 4 else Q(**{id_number: text})
        match = Q(**{f"{id_number}__in": persons.values("id_number")}) | own | number_match(household_no, text)
    return rows.filter(match)
