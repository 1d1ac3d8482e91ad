"""Every write to the registry: one function each, in a transaction, each writing its audit record."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from safetynet.policy import areas as policy_areas
from safetynet.policy import idnumber
from safetynet.policy.errors import FieldError, InputError, PolicyError
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
from safetynet.supervision.services import record


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


def _person_fields(data: dict, path: str, errors: list[FieldError]) -> dict | None:
    try:
        info = idnumber.parse(data.get("id_number"))
    except PolicyError as exc:
        errors.append(FieldError(f"{path}.id_number", exc.code, **exc.params))
        return None
    if not str(data.get("name", "")).strip():
        errors.append(FieldError(f"{path}.name", "required"))
        return None
    fields = {k: data[k] for k in TRACKED_FIELDS if k in data}
    fields.update(id_number=info.number, birth_date=info.birth_date, sex=info.sex, name=str(data["name"]).strip())
    return fields


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
    if hukou not in ("urban", "rural"):
        errors.append(FieldError("hukou", "choice", value=hukou, choices="urban, rural"))
    people = [_person_fields(m, f"members[{i}]", errors) for i, m in enumerate(members)]
    household_no = household_no.strip()
    if len(household_no) > 32 or not household_no.isprintable():
        errors.append(FieldError("household_no", "type_string"))
    heads = sum(1 for m in members if m.get("relation") == "head")
    if heads != 1:
        errors.append(FieldError("members", "head_count", count=heads))
    for i, p in enumerate(people):
        if p and Person.objects.filter(id_number=p["id_number"]).exists():
            errors.append(FieldError(f"members[{i}].id_number", "id_registered", number=p["id_number"]))
    if errors:
        raise InputError(errors)
    household = Household.objects.create(
        village=village, hukou=hukou, address=address, registered_poor=registered_poor, household_no=household_no
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
    if not source.strip():
        raise InputError([FieldError("source", "required")])
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
        person.full_clean(exclude=["household", "id_number"])
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
    income = Income(person=person, kind=kind, monthly_fen=monthly_fen, since=since, source=source)
    income.full_clean()
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
    asset = Asset(
        person=person, kind=kind, value_fen=value_fen, since=since, source=source, use=use if kind == "vehicle" else ""
    )
    asset.full_clean()
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
    try:
        number = idnumber.parse(id_number).number
    except PolicyError as exc:
        raise InputError([FieldError("id_number", exc.code, **exc.params)]) from None
    obligor = SupportObligor.objects.create(
        person=person, name=name, id_number=number, relation=relation, able=able, source=source
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
