"""Every write of a discovery task, one function per step, each in a transaction that locks the
row, checks the role, the area and the state, writes the timeline and the audit record.

    open 待走访 -> visited 已走访 -> closed 已办结 (no need | referred | application | temporary help)
    open -> closed (the outcome without a separate visit: the help came first)

Who records a lead: the hotline's calls the county or city staff who answer it (or the township's
window), assigning it to a township; a village's report the township's window; a department's
notice the township or the county. Screening findings of missed coverage become tasks by
``from_ledger`` (once per finding: the task's one-to-one link to the ledger item). The township's
window visits and closes; an application or temporary assistance opened from the task closes it
with the case linked, in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from safetynet.cases import services as case_services
from safetynet.cases.models import Case
from safetynet.discovery import selectors
from safetynet.discovery.models import OPEN_STATES, DiscoveryTask, Outcome, Source, State, TaskEvent
from safetynet.discovery.selectors import now
from safetynet.policy import idnumber
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.parameters import value
from safetynet.policy.working_days import add_working_days
from safetynet.referrals.models import Referral
from safetynet.registry.models import Area, Household, Person
from safetynet.registry.selectors import acting_user, require_role
from safetynet.supervision.models import LedgerItem
from safetynet.supervision.services import record
from safetynet.web import clock
from safetynet.web.errors import Conflict
from safetynet.web.inputs import day_or_error

ACTION_NAMES = {
    "record": "登记主动发现线索", "identify": "关联登记家庭", "visit": "登记入户走访", "close": "办结主动发现任务",
    "apply": "从主动发现任务受理申请", "temporary": "从主动发现任务登记临时救助", "screening": "筛查漏保转为任务",
    "link": "办结并关联在办案件",
}  # fmt: skip
# Who records a lead of each source (the screening's are the system's).
RECORDERS = {
    "hotline": ("county", "city", "clerk"),
    "village": ("clerk", "approver"),
    "department": ("clerk", "approver", "county", "city"),
}
TOWNSHIP = ("clerk", "approver")  # the township visits and closes
MISSED = ("missed_dibao", "missed_tekun")  # the screening's findings of missed coverage (batch.screen)
BATCH = 2000  # rows a query names at once (SQLite's variables)
TEXT_MAX = 2000


class DiscoveryStateError(Conflict):
    """A step the task's state does not allow (it moved meanwhile): the API's 409."""


def _text(raw, path: str, limit: int, errors: list[FieldError], *, required: bool = False) -> str:
    text = raw.strip() if isinstance(raw, str) else ""
    if required and not text:
        errors.append(FieldError(path, "required"))
    elif len(text) > limit:
        errors.append(FieldError(path, "too_long", max=limit, length=len(text)))
    return text


def due_at(area_code: str, reported_at: datetime, emergency: bool) -> datetime:
    """When the visit is due: ``temporary_help_first_hours`` from the report for an emergency (the
    same 24 hours as help first, seed: 急难对象24小时先行救助), else the end of the
    ``discovery_visit_limit``-th working day after the day of the report."""
    local = timezone.localtime(reported_at)
    if emergency:
        return reported_at + timedelta(hours=value("temporary_help_first_hours", area_code[:6], local.date()))
    day = add_working_days(local.date(), value("discovery_visit_limit", area_code[:6], local.date()))
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def _event(actor, task: DiscoveryTask, action: str, from_state: str, *, note: str = "", data=None) -> dict:
    """The timeline's step; returns the audit record's arguments (each service records its own code)."""
    TaskEvent.objects.create(task=task, actor=acting_user(actor), action=action, from_state=from_state,
                             to_state=task.state, note=note, data=data or {})  # fmt: skip
    return {"object_type": "discovery_task", "object_id": task.pk, "area_code": task.area_code,
            "details": {"source": task.source, "from": from_state, "to": task.state, **(data or {})}}


def _person(actor_area: str, id_number: str, errors: list[FieldError], path: str = "id_number") -> Person | None:
    """The registered person of this ID number in the area, if any; a malformed number is an error."""
    try:
        number = idnumber.parse(id_number).number
    except PolicyError as exc:
        errors.append(FieldError(path, exc.code, **exc.params))
        return None
    return (Person.objects.select_related("household").filter(id_number=number,
                                                             household__village__code__startswith=actor_area)
            .first())  # fmt: skip


def record_lead(actor, *, source: str, area_code: str, situation: str, reported_at: datetime,
                emergency: bool = False, reporter: str = "", reporter_phone: str = "", id_number: str = "",
                name: str = "", address: str = "", phone: str = "") -> DiscoveryTask:
    """登记线索: a hotline call, a village's report or a department's notice, assigned to a
    township (or a village of it). A person whose ID number is on the register is linked with
    their household; anyone else by name, address and village."""
    errors: list[FieldError] = []
    if source not in RECORDERS:
        errors.append(FieldError("source", "choice", value=str(source)[:40], choices=", ".join(RECORDERS)))
        raise InputError(errors)
    area = Area.objects.filter(code=area_code, level__in=(Area.Level.TOWNSHIP, Area.Level.VILLAGE)).first() \
        if isinstance(area_code, str) else None  # fmt: skip
    if area is None:
        raise InputError([FieldError("area", "discovery_area", code=str(area_code)[:12])])
    require_role(actor, RECORDERS[source], area.code, ACTION_NAMES["record"])
    situation = _text(situation, "situation", TEXT_MAX, errors, required=True)
    reporter = _text(reporter, "reporter", 60, errors, required=source != "hotline")
    reporter_phone = _text(reporter_phone, "reporter_phone", 20, errors)
    name = _text(name, "name", 40, errors)
    address = _text(address, "address", 200, errors)
    phone = _text(phone, "phone", 20, errors)
    id_number = _text(id_number, "id_number", 18, errors).upper()
    person = _person(area.code[:9], id_number, errors) if id_number else None
    if isinstance(reported_at, datetime) and timezone.is_naive(reported_at):
        reported_at = timezone.make_aware(reported_at)  # a time without its zone is the office's
    if not isinstance(reported_at, datetime):
        errors.append(FieldError("reported_at", "date_format", value=str(reported_at)[:40]))
    elif e := day_or_error(timezone.localtime(reported_at).date(), "reported_at"):
        errors.append(e)
    elif reported_at > now() + timedelta(minutes=1):
        errors.append(FieldError("reported_at", "discovery_reported_future",
                                 at=f"{timezone.localtime(reported_at):%Y-%m-%d %H:%M}"))  # fmt: skip
    if person is None and not name and not any(e.path == "id_number" for e in errors):
        errors.append(FieldError("name", "discovery_who"))
    if errors:
        raise InputError(errors)
    where = person.household.village_id if person else area.code
    with transaction.atomic():
        task = DiscoveryTask.objects.create(
            source=source, area_code=where, household=person.household if person else None, person=person,
            name=person.name if person else name, id_number=id_number, address=address, phone=phone,
            situation=situation, emergency=bool(emergency), reporter=reporter, reporter_phone=reporter_phone,
            reported_at=reported_at, recorded_by=acting_user(actor), due_at=due_at(where, reported_at, emergency),
        )  # fmt: skip
        record(actor, "discovery.record", **_event(actor, task, "record", "", note=situation, data={
            "emergency": task.emergency, "due_at": timezone.localtime(task.due_at).isoformat(),
            "person": person.pk if person else None, "reported_at": timezone.localtime(reported_at).isoformat(),
        }))  # fmt: skip
    return task


def _locked(actor, task: DiscoveryTask, action: str, states: tuple[str, ...]) -> DiscoveryTask:
    locked = DiscoveryTask.objects.select_for_update().get(pk=task.pk)
    require_role(actor, TOWNSHIP, locked.area_code, ACTION_NAMES[action])
    if locked.state not in states:
        raise DiscoveryStateError("discovery_state", state=State(locked.state).label, action=ACTION_NAMES[action])
    return locked


def identify(actor, task: DiscoveryTask, *, id_number: str) -> DiscoveryTask:
    """关联家庭: the person found, once registered, by their ID number (the task moves to their village)."""
    errors: list[FieldError] = []
    with transaction.atomic():
        locked = _locked(actor, task, "identify", OPEN_STATES)
        person = _person(locked.area_code[:9], id_number, errors)
        if person is None and not errors:
            errors.append(FieldError("id_number", "discovery_person_unknown", id=str(id_number)[:18]))
        if errors:
            raise InputError(errors)
        locked.person, locked.household, locked.area_code = person, person.household, person.household.village_id
        locked.id_number, locked.name = person.id_number, person.name
        locked.save()
        record(actor, "discovery.identify", **_event(actor, locked, "identify", locked.state,
                                                     data={"person": person.pk, "household": person.household_id}))
    return locked


def _reached(task: DiscoveryTask) -> None:
    if task.reached_at is None:
        task.reached_at = now()


def visit(actor, task: DiscoveryTask, *, on, note: str) -> DiscoveryTask:
    """入户走访: the township saw the person; what it found."""
    errors: list[FieldError] = []
    note = _text(note, "note", TEXT_MAX, errors, required=True)
    if on is None or on > clock.today():
        errors.append(FieldError("on", "date_future" if on else "required", on=str(on)))
    if errors:
        raise InputError(errors)
    with transaction.atomic():
        locked = _locked(actor, task, "visit", ("open",))
        locked.state, locked.visited_on, locked.visit_note = State.VISITED, on, note
        _reached(locked)
        locked.save()
        record(actor, "discovery.visit", **_event(actor, locked, "visit", "open", note=note,
                                                  data={"on": on.isoformat(), "in_time": locked.in_time}))
    return locked


def _close(actor, locked: DiscoveryTask, outcome: str, note: str, *, referral: Referral | None = None,
           case: Case | None = None) -> DiscoveryTask:
    from_state = locked.state
    locked.state, locked.outcome, locked.outcome_note = State.CLOSED, outcome, note
    locked.referral, locked.case = referral, case
    locked.closed_at, locked.closed_by = now(), acting_user(actor)
    _reached(locked)
    locked.save()
    record(actor, "discovery.close", **_event(actor, locked, "close", from_state, note=note, data={
        "outcome": outcome, "referral": referral.pk if referral else None, "case": case.pk if case else None,
        "in_time": locked.in_time,
    }))  # fmt: skip
    return locked


def close(actor, task: DiscoveryTask, *, outcome: str, note: str, referral: Referral | None = None) -> DiscoveryTask:
    """办结: no need for help, or referred to another department (the household's referral linked).
    An application or temporary help closes the task from its own step, with the case."""
    errors: list[FieldError] = []
    note = _text(note, "note", TEXT_MAX, errors, required=True)
    if outcome in (Outcome.APPLICATION, Outcome.TEMPORARY):
        errors.append(FieldError("outcome", "discovery_outcome_link", outcome=Outcome(outcome).label))
    elif outcome not in Outcome.values:
        errors.append(FieldError("outcome", "choice", value=str(outcome)[:40], choices="no_need, referred"))
    elif outcome == Outcome.REFERRED and referral is None:
        errors.append(FieldError("referral", "discovery_referral_required"))
    if errors:
        raise InputError(errors)
    with transaction.atomic():
        locked = _locked(actor, task, "close", OPEN_STATES)
        if referral is not None and (outcome != Outcome.REFERRED or referral.household_id != locked.household_id):
            raise InputError([FieldError("referral", "discovery_referral_household", referral=referral.pk)])
        return _close(actor, locked, outcome, note, referral=referral)


def _with_household(actor, task: DiscoveryTask, action: str) -> DiscoveryTask:
    locked = _locked(actor, task, action, OPEN_STATES)
    if locked.household_id is None:
        raise InputError([FieldError("household", "discovery_no_household")])
    return locked


def open_application(actor, task: DiscoveryTask, *, programme: str, applicant: Person, on) -> Case:
    """受理申请 from the task: the economic check starts (先核对、后申请, the frame's ``start_precheck``)
    and the task closes with the case, in one transaction."""
    with transaction.atomic():
        locked = _with_household(actor, task, "apply")
        case = case_services.start_precheck(actor, household=locked.household, programme=programme,
                                            applicant=applicant, on=on)  # fmt: skip
        _close(actor, locked, Outcome.APPLICATION, f"{case.get_programme_display()} #{case.pk}", case=case)
    return case


def link_case(actor, task: DiscoveryTask, *, case: Case, note: str = "") -> DiscoveryTask:
    """办结并关联在办案件: the household already has a live case that answers the task (for a
    screening finding, the case of the programme it concerns); the task closes naming it."""
    errors: list[FieldError] = []
    note = _text(note, "note", TEXT_MAX, errors)
    if errors:
        raise InputError(errors)
    with transaction.atomic():
        locked = _with_household(actor, task, "link")
        allowed = selectors.linkable(locked, selectors.live_cases([locked.household_id]).get(locked.household_id, []))
        if case.pk not in {c.pk for c in allowed}:
            raise InputError([FieldError("case", "discovery_case_not_live", case=case.pk)])
        said = f"{case.get_programme_display()} #{case.pk}（{case.get_state_display()}）"
        return _close(actor, locked, Outcome.LIVE_CASE, f"{said}：{note}" if note else said, case=case)


def temporary_help(actor, task: DiscoveryTask, **report) -> Case:
    """临时救助 from the task: the report (``temporary.services.report``, the 24 hours running
    from the report) and the task closed with the case, in one transaction."""
    from safetynet.temporary import services as temporary

    with transaction.atomic():
        locked = _with_household(actor, task, "temporary")
        case = temporary.report(actor, household=locked.household, **report)
        _close(actor, locked, Outcome.TEMPORARY, f"临时救助 #{case.pk}", case=case)
    return case


def _ledger_task(item: LedgerItem, persons: dict[str, Person], households: dict[str, list]) -> DiscoveryTask:
    person = persons.get(item.id_number) if item.id_number else None
    household = person.household if person else None
    if household is None and item.household_no:
        household = next((h for h in households.get(item.household_no, ()) if h.village_id.startswith(item.area_id)),
                         None)  # fmt: skip
    where = household.village_id if household else item.area_id
    day = item.found_by.finished_at if item.found_by and item.found_by.finished_at else None
    reported = timezone.make_aware(datetime.combine(timezone.localtime(day).date() if day else clock.today(), time(9)))
    return DiscoveryTask(
        source=Source.SCREENING, area_code=where, household=household, person=person,
        name=person.name if person else "", id_number=item.id_number, situation=item.evidence[:TEXT_MAX],
        reporter="核对中心全人口筛查", reported_at=reported, due_at=due_at(where, reported, False), ledger_item=item,
    )  # fmt: skip


def _settled_by(item: LedgerItem, task: DiscoveryTask, live: dict[int, list[Case]]) -> Case | None:
    """The live case of the programme the finding concerns, if the household (or the person, for
    tekun) has one: an application already running or a case on the rolls is no missed coverage."""
    if task.household_id is None:
        return None
    programme = selectors.MISSED_PROGRAMMES.get(item.kind, item.programme)
    return selectors.live_case_of(programme, live.get(task.household_id, []), person_id=task.person_id,
                                  id_number=item.id_number)  # fmt: skip


def settled_outcome(case: Case) -> str:
    """The ledger's 核查结果 of a finding a live case already answers."""
    return (f"已有{case.get_programme_display()}案件 #{case.pk}（{case.get_state_display()}），"
            f"非漏保，不再派发主动发现任务")


def from_ledger(actor=None, items=None) -> int:
    """筛查发现的漏保转为任务: every open missed-coverage item of the problem ledger (or of
    ``items``) without a task gets one, in its township's queue; never twice for one item (the
    one-to-one link, and the row lock on the item). A finding the household (or the person, for
    tekun) already has a live case of its programme for is no missed coverage: no task, the
    item closed (销号) naming the case; a live case of another programme is named on the task's
    first line. The tasks and their timelines are written in bulk, one audit record per township
    naming its tasks and items (a city's screening finds hundreds), one per item closed. Returns
    how many tasks were made."""
    rows = LedgerItem.objects.filter(kind__in=MISSED, status=LedgerItem.Status.OPEN, discovery_task__isnull=True,
                                     area__level__in=(Area.Level.TOWNSHIP, Area.Level.VILLAGE))  # fmt: skip
    if items is not None:
        rows = rows.filter(pk__in=[i.pk for i in items])
    with transaction.atomic():
        found = list(rows.select_related("found_by").select_for_update(of=("self",)).order_by("pk"))
        # the persons and households found, read a batch at a time (a screening finds hundreds)
        persons: dict[str, Person] = {}
        households: dict[str, list] = {}
        for at in range(0, len(found), BATCH):
            batch = found[at:at + BATCH]
            persons |= {p.id_number: p for p in Person.objects.select_related("household").filter(
                id_number__in=[i.id_number for i in batch if i.id_number])}
            for h in Household.objects.filter(household_no__in=[i.household_no for i in batch if i.household_no]):
                households.setdefault(h.household_no, []).append(h)
        planned = [_ledger_task(item, persons, households) for item in found]
        live = selectors.live_cases({t.household_id for t in planned if t.household_id})
        made, settled = [], []
        for item, task in zip(found, planned, strict=True):
            case = _settled_by(item, task, live)
            if case is None:
                made.append(task)
            else:
                settled.append((item, case))
        today, user = clock.today(), acting_user(actor)
        for item, case in settled:
            item.status, item.outcome, item.closed_on, item.closed_by = (
                LedgerItem.Status.CLOSED, settled_outcome(case), today, user)
        LedgerItem.objects.bulk_update([i for i, _c in settled], ["status", "outcome", "closed_on", "closed_by"],
                                       batch_size=BATCH)  # fmt: skip
        tasks = DiscoveryTask.objects.bulk_create(made, batch_size=BATCH)
        TaskEvent.objects.bulk_create([
            TaskEvent(task_id=t.pk, actor=user, action="screening", to_state=t.state, note=t.situation,
                      data={"ledger_item": t.ledger_item_id, "kind": t.ledger_item.kind,
                            "month": t.ledger_item.month.isoformat(),
                            "live_cases": [c.pk for c in live.get(t.household_id, [])]})
            for t in tasks
        ], batch_size=BATCH)  # fmt: skip
        townships: dict[str, list[DiscoveryTask]] = {}
        for t in tasks:
            townships.setdefault(t.area_code[:9], []).append(t)
        for code, part in sorted(townships.items()):
            record(actor, "discovery.screening", object_type="discovery_task", object_id=part[0].pk, area_code=code,
                   details={"source": "screening", "to": "open", "tasks": [t.pk for t in part],
                            "ledger_items": [t.ledger_item_id for t in part]})  # fmt: skip
        for item, case in settled:  # as a township's 销号 is recorded, with the case that answers it
            record(actor, "ledger.close", object_type="ledger_item", object_id=item.pk, area_code=item.area_id,
                   details={"kind": item.kind, "household_no": item.household_no, "outcome": item.outcome,
                            "case": case.pk})  # fmt: skip
    return len(tasks)
