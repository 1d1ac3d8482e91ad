"""Every write to the registry: one function each, in a transaction, each writing its audit record."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safetynet.policy import areas as policy_areas
from safetynet.policy import idnumber
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.household import DISABILITY_KINDS, HUKOU, RELATIONS
from safetynet.registry.models import (
    TRACKED_FIELDS,
    Area,
    Asset,
    Household,
    Income,
    Person,
    PersonChange,
    SupportObligor,
)
from safetynet.registry.selectors import acting_user, require_role
from safetynet.site.inputs import day_or_error
from safetynet.supervision.services import record

MAX_MEMBERS = 20
BOOLEAN_FIELDS = ("serious_illness", "able_obligor", "student", "supported_as_minor", "orphan_support",
                  "staff_relative")  # fmt: skip


def load_areas() -> int:
    """The city and its county-level areas from the policy floor; idempotent. Returns how many exist."""
    city = policy_areas.city()
    root, _ = Area.objects.update_or_create(
        code=city["code"][:4], defaults={"name": city["name"], "level": Area.Level.CITY}
    )
    for a in policy_areas.all_areas():
        Area.objects.update_or_create(
            code=a.code, defaults={"name": a.name, "level": Area.Level.COUNTY, "parent": root, "tier": a.tier}
        )
    return Area.objects.count()


# ---- what a person's facts may be: one check for every way in (API, pages, CLI, demo) -------------


def _text_error(value, path: str, max_length: int, *, required: bool = False) -> FieldError | None:
    if not isinstance(value, str):
        return FieldError(path, "type_string")
    if required and not value.strip():
        return FieldError(path, "required")
    if len(value.strip()) > max_length:
        return FieldError(path, "too_long", max=max_length, length=len(value.strip()))
    return None


def _fact_error(field: str, value, path: str) -> FieldError | None:
    """What is wrong with ``value`` for a person's ``field`` (a column of ``Person``), or None."""
    if field == "name":
        return _text_error(value, path, Person._meta.get_field("name").max_length, required=True)
    if field in ("phone", "bank_card"):
        return _text_error(value, path, Person._meta.get_field(field).max_length)
    if field == "relation":
        return None if value in RELATIONS else FieldError(path, "choice", value=value, choices=", ".join(RELATIONS))
    if field == "disability_kind":
        kinds = ", ".join(DISABILITY_KINDS)
        return None if value == "" or value in DISABILITY_KINDS else FieldError(path, "choice", value=value,
                                                                                  choices=kinds)  # fmt: skip
    if field in ("disability_grade", "adl_unmet"):
        if value is None and field == "disability_grade":
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            return FieldError(path, "type_int")
        low, high = (1, 4) if field == "disability_grade" else (0, 6)
        return None if low <= value <= high else FieldError(path, "range", low=low, high=high, value=value)
    if field in BOOLEAN_FIELDS:
        return None if isinstance(value, bool) else FieldError(path, "type_bool")
    return None


def _person_fields(data: dict, path: str, errors: list[FieldError]) -> dict | None:
    found = [e for k in TRACKED_FIELDS if k in data or k == "name"  # a name is required
             if (e := _fact_error(k, data.get(k, ""), f"{path}.{k}"))]  # fmt: skip
    if bool(data.get("disability_grade")) != bool(data.get("disability_kind")) and not any(
        e.path.endswith(("disability_grade", "disability_kind")) for e in found
    ):
        found.append(FieldError(f"{path}.disability_kind", "disability_kind_grade"))
    try:
        info = idnumber.parse(data.get("id_number"))
    except PolicyError as exc:
        found.append(FieldError(f"{path}.id_number", exc.code, **exc.params))
    errors.extend(found)
    if found:
        return None
    fields = {k: data[k] for k in TRACKED_FIELDS if k in data}
    for k in ("phone", "bank_card"):
        if k in fields:
            fields[k] = fields[k].strip()
    fields.update(id_number=info.number, birth_date=info.birth_date, sex=info.sex, name=data["name"].strip())
    return fields


def _source_errors(source, effective: date | None, date_field: str) -> list[FieldError]:
    """The word a change rests on (required, the column's size) and its date (within bounds)."""
    errors = [e for e in [_text_error(source, "source", 100, required=True)] if e]
    if effective is not None and (e := day_or_error(effective, date_field)):
        errors.append(e)
    return errors


def _clean(instance) -> None:
    """The model's own checks (sizes, choices, constraints) as the house's InputError."""
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise InputError(
            [FieldError(field if field != "__all__" else "", "invalid", detail="；".join(messages))
             for field, messages in exc.message_dict.items()]
        ) from None


@transaction.atomic
def create_household(
    actor, *, village: Area, hukou: str, address: str, members: list[dict], registered_poor: bool = False,
    household_no: str = "",
) -> Household:
    """A household with its members; every ID number checked, none already registered."""
    require_role(actor, ("clerk",), village.code, "登记家庭")
    errors: list[FieldError] = []
    if village.level != Area.Level.VILLAGE:
        errors.append(FieldError("village", "choice", value=village.code, choices="村居"))
    if hukou not in HUKOU:
        errors.append(FieldError("hukou", "choice", value=hukou, choices=", ".join(HUKOU)))
    if e := _text_error(address, "address", Household._meta.get_field("address").max_length, required=True):
        errors.append(e)
    if not members:
        errors.append(FieldError("members", "members_empty"))
    elif len(members) > MAX_MEMBERS:
        errors.append(FieldError("members", "range", low=1, high=MAX_MEMBERS, value=len(members)))
    people = [_person_fields(m, f"members[{i}]", errors) for i, m in enumerate(members)]
    household_no = household_no.strip()
    if len(household_no) > 32 or not household_no.isprintable():
        errors.append(FieldError("household_no", "type_string"))
    heads = sum(1 for m in members if m.get("relation") == "head")
    if members and heads != 1:
        errors.append(FieldError("members", "head_count", count=heads))
    first: dict[str, int] = {}
    for i, p in enumerate(people):
        if p is None:
            continue
        if p["id_number"] in first:
            errors.append(FieldError(f"members[{i}].id_number", "id_duplicate", other=first[p["id_number"]]))
        elif Person.objects.filter(id_number=p["id_number"]).exists():
            errors.append(FieldError(f"members[{i}].id_number", "id_registered", number=p["id_number"]))
        first.setdefault(p["id_number"], i)
    if errors:
        raise InputError(errors)
    household = Household.objects.create(
        village=village, hukou=hukou, address=address.strip(), registered_poor=registered_poor,
        household_no=household_no,
    )
    for p in people:
        Person.objects.create(household=household, **p)
    record(
        actor,
        "household.create",
        object_type="household",
        object_id=household.pk,
        area_code=village.code,
        details={"members": len(people), "hukou": hukou},
    )
    return household


@transaction.atomic
def change_person(actor, person: Person, changes: dict[str, Any], *, effective_on: date, source: str) -> Person:
    """Record a change of circumstances: the old and new value, from when, on whose word."""
    require_role(actor, ("clerk", "approver", "county"), person.household.village_id, "登记情况变更")
    person = Person.objects.select_for_update().get(pk=person.pk)
    unknown = [f for f in changes if f not in TRACKED_FIELDS]
    if unknown:
        raise InputError([FieldError(f, "unknown_field", known=", ".join(TRACKED_FIELDS)) for f in unknown])
    errors = [e for f, v in changes.items() if (e := _fact_error(f, v, f))]
    errors += _source_errors(source, effective_on, "effective_on")
    if errors:
        raise InputError(errors)
    changes = {f: v.strip() if isinstance(v, str) else v for f, v in changes.items()}
    changed = {}
    for field, new in changes.items():
        old = getattr(person, field)
        if old == new:
            continue
        PersonChange.objects.create(
            person=person,
            field=field,
            old_value=old,
            new_value=new,
            effective_on=effective_on,
            source=source,
            recorded_by=acting_user(actor),
        )
        setattr(person, field, new)
        changed[field] = new
    if changed:
        person.save(update_fields=list(changed))
        record(
            actor,
            "person.change",
            object_type="person",
            object_id=person.pk,
            area_code=person.household.village_id,
            details={"fields": sorted(changed), "effective_on": effective_on.isoformat(), "source": source},
        )
    return person


@transaction.atomic
def add_income(actor, person: Person, *, kind: str, monthly_fen: int, since: date, source: str) -> Income:
    require_role(actor, ("clerk", "approver", "county"), person.household.village_id, "登记收入")
    if errors := _source_errors(source, since, "since"):
        raise InputError(errors)
    income = Income(person=person, kind=kind, monthly_fen=monthly_fen, since=since, source=source.strip())
    _clean(income)
    income.save()
    record(
        actor,
        "income.add",
        object_type="person",
        object_id=person.pk,
        area_code=person.household.village_id,
        details={"kind": kind, "monthly_fen": monthly_fen, "since": since.isoformat(), "source": source},
    )
    return income


@transaction.atomic
def end_income(actor, income: Income, *, until: date, source: str) -> Income:
    """An income stops: it is closed from a date, never deleted, so earlier months stay explained."""
    require_role(actor, ("clerk", "approver", "county"), income.person.household.village_id, "登记收入变化")
    income = Income.objects.select_for_update().get(pk=income.pk)
    if income.until is not None:
        raise InputError([FieldError("until", "already_ended", until=income.until.isoformat())])
    if errors := _source_errors(source, until, "until"):
        raise InputError(errors)
    income.until = until
    income.save(update_fields=["until"])
    record(
        actor,
        "income.end",
        object_type="person",
        object_id=income.person_id,
        area_code=income.person.household.village_id,
        details={"income": income.pk, "until": until.isoformat(), "source": source},
    )
    return income


@transaction.atomic
def add_asset(actor, person: Person, *, kind: str, value_fen: int, since: date, source: str, use: str = "") -> Asset:
    require_role(actor, ("clerk", "approver", "county"), person.household.village_id, "登记财产")
    if errors := _source_errors(source, since, "since"):
        raise InputError(errors)
    asset = Asset(
        person=person, kind=kind, value_fen=value_fen, since=since, source=source.strip(),
        use=use if kind == "vehicle" else "",
    )
    _clean(asset)
    asset.save()
    record(
        actor,
        "asset.add",
        object_type="person",
        object_id=person.pk,
        area_code=person.household.village_id,
        details={"kind": kind, "value_fen": value_fen, "since": since.isoformat(), "source": source},
    )
    return asset


@transaction.atomic
def add_obligor(
    actor, person: Person, *, name: str, id_number: str, relation: str, able: bool, source: str
) -> SupportObligor:
    require_role(actor, ("clerk", "approver", "county"), person.household.village_id, "登记义务人")
    errors = [e for e in (_text_error(name, "name", 40, required=True),
                          _text_error(relation, "relation", 20, required=True)) if e]  # fmt: skip
    errors += _source_errors(source, None, "")
    try:
        number = idnumber.parse(id_number).number
    except PolicyError as exc:
        errors.append(FieldError("id_number", exc.code, **exc.params))
    if errors:
        raise InputError(errors)
    obligor = SupportObligor.objects.create(
        person=person, name=name.strip(), id_number=number, relation=relation.strip(), able=able, source=source.strip()
    )
    record(
        actor,
        "obligor.add",
        object_type="person",
        object_id=person.pk,
        area_code=person.household.village_id,
        details={"relation": relation, "able": able, "source": source},
    )
    return obligor
