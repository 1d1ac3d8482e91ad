"""Every write of tekun in practice, each in a transaction with its audit record.

- ``register_institution`` / ``change_capacity``: the county (or city) registers a support
  institution (敬老院) with its beds.
- ``support_errors`` / ``write_placement``: where a tekun person is supported is part of the
  decision (``care.decision``): the approval records it and a later change is its own decision
  step (``change_support``); each writes the placement from its event, in its transaction;
  admission, transfer and return home close the current placement the same day; an admission
  beyond the beds is refused with the institution's count.
- ``add_caregiver``, ``record_agreement``, ``record_visit``: a dispersed person's caregiver
  (照料护理人), care agreement (委托照料协议) and visits (seed: "五有").
- ``report_change``: a reported change of self-care or a request: a reassessment owed within
  ``tekun_reassessment_limit`` working days.
- ``record_assessment``: the six activities scored; the count is recorded on the person
  (registry ``change_person``, the fact the rules read) and, when the level changes, the case is
  re-decided through the review (``cases.services.start_review`` + ``continue_after_review``):
  the new amount applies from the month after the assessment.
- ``move_to_tekun`` / ``complete_move``: a single-person dibao household meeting the tekun
  conditions moved by one decision (the tekun case approved, the dibao termination posted), then
  both notices closed the same day: the dibao ends the month the tekun starts.
- ``record_dibao_choice``: the person stays on dibao by signed voluntary choice.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q

from safetynet.care import messages as _messages  # noqa: F401  (registers the messages)
from safetynet.care.levels import care_level
from safetynet.care.models import (
    ACTIVITIES,
    Agreement,
    Assessment,
    AssessorKind,
    Caregiver,
    DibaoChoice,
    Institution,
    Level,
    Mode,
    Move,
    Placement,
    Reassessment,
    Recipient,
    Visit,
)
from safetynet.cases import services as cases
from safetynet.cases.models import TRANSITIONS, Case, CaseEvent
from safetynet.policy import idnumber
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.parameters import value
from safetynet.policy.working_days import add_working_days
from safetynet.registry import services as registry
from safetynet.registry.models import Area
from safetynet.registry.selectors import acting_user, require_role, staff_of
from safetynet.supervision.services import record
from safetynet.web import clock
from safetynet.web.inputs import day_or_error

BUREAU = ("county", "city")  # registers institutions
TOWNSHIP = ("clerk", "approver", "county")  # records placements, caregivers, visits, assessments
DECIDERS = ("approver",)  # decides a move to tekun (the township decides, like the case)
SUPPORTED_STATES = ("approved", "review", "suspended", "ending", "graduated_exit")
ACTION_NAMES = {
    "register": "登记供养服务机构", "capacity": "调整床位数", "change_support": "变更供养方式",
    "caregiver": "登记照料护理人", "agreement": "登记委托照料协议", "visit": "登记探访",
    "report": "登记自理能力变化（评估申请）", "assess": "登记生活自理能力评估", "move": "单人户转为特困人员",
    "choice": "登记自愿保留低保",
}  # fmt: skip


def _text(errors: list, path: str, raw, max_length: int, *, required: bool = True) -> str:
    text = (raw or "").strip() if isinstance(raw, str) or raw is None else str(raw)
    if required and not text:
        errors.append(FieldError(path, "required"))
    elif len(text) > max_length:
        errors.append(FieldError(path, "too_long", max=max_length, length=len(text)))
    return text


def _day(errors: list, path: str, on, *, future: bool = False) -> date | None:
    if not isinstance(on, date):
        errors.append(FieldError(path, "required"))
        return None
    if e := day_or_error(on, path):
        errors.append(e)
    elif not future and on > clock.today():
        errors.append(FieldError(path, "care_future", on=on.isoformat()))
    return on


def _tekun_case(case: Case) -> Case:
    if case.programme != "tekun" or case.state not in SUPPORTED_STATES:
        raise InputError([FieldError("case", "care_not_tekun")])
    return case


# ---- institutions ---------------------------------------------------------------------------


def in_force(on: date):
    """The placements holding on ``on``: started, not ended, of a case still supported (or whose
    approval is on notice: its bed is kept); a person whose support ended, or whose application was
    refused or withdrawn after an objection, no longer holds a bed."""
    return (Placement.objects.filter(started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
            .exclude(case__entitlement_until__lte=on).exclude(case__state__in=("refused", "withdrawn")))  # fmt: skip


def residents(institution: Institution, on: date | None = None, *, excluding: Case | None = None) -> int:
    """Persons placed in the institution on ``on`` (today): counted from the placements."""
    rows = in_force(on or clock.today()).filter(institution=institution)
    return (rows.exclude(case=excluding) if excluding else rows).count()


def register_institution(actor, *, name: str, county: str, capacity, township: str = "") -> Institution:
    errors: list[FieldError] = []
    name = _text(errors, "name", name, 100)
    area = Area.objects.filter(code=county, level=Area.Level.COUNTY).first() if isinstance(county, str) else None
    if area is None:
        errors.append(FieldError("county", "care_county", code=str(county)[:12]))
    town = None
    if township:
        town = Area.objects.filter(code=township, level=Area.Level.TOWNSHIP, parent=area).first() if area else None
        if town is None:
            errors.append(FieldError("township", "care_township", code=str(township)[:12]))
    if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 1:
        errors.append(FieldError("capacity", "range", low=1, high=100000, value=capacity))
    if area and name and Institution.objects.filter(county=area, name=name).exists():
        errors.append(FieldError("name", "care_institution_name", name=name))
    if errors:
        raise InputError(errors)
    require_role(actor, BUREAU, area.code, ACTION_NAMES["register"])
    with transaction.atomic():
        home = Institution.objects.create(name=name, county=area, township=town, capacity=capacity)
        record(actor, "care.register_institution", object_type="care_institution", object_id=home.pk,
               area_code=area.code, details={"name": name, "capacity": capacity})  # fmt: skip
    return home


@transaction.atomic
def change_capacity(actor, institution: Institution, *, capacity) -> Institution:
    require_role(actor, BUREAU, institution.county_id, ACTION_NAMES["capacity"])
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 1:
        raise InputError([FieldError("capacity", "range", low=1, high=100000, value=capacity)])
    count = residents(institution)
    if capacity < count:
        raise InputError([FieldError("capacity", "care_capacity_below", residents=count)])
    old, institution.capacity = institution.capacity, capacity
    institution.save(update_fields=["capacity"])
    record(actor, "care.change_capacity", object_type="care_institution", object_id=institution.pk,
           area_code=institution.county_id, details={"old": old, "new": capacity})  # fmt: skip
    return institution


# ---- placements -----------------------------------------------------------------------------


def current_placement(case: Case) -> Placement | None:
    return Placement.objects.filter(case=case, ended_on__isnull=True).select_related("institution").first()


def support_errors(case: Case, on: date, mode, institution) -> tuple[dict, list[FieldError]]:
    """The support mode a decision gives (``mode``, and the institution's id for 集中供养): what
    the decision records (``data["support"]``), or the field errors. An institution must be of the
    person's county and have a free bed on ``on`` (counted again, locked, when it is written)."""
    errors: list[FieldError] = []
    home = None
    if mode not in Mode.values:
        errors.append(FieldError("support_mode", "care_mode_required"))
    elif mode == Mode.CONCENTRATED:
        try:
            pk = int(institution) if institution not in (None, "") else None
        except (TypeError, ValueError):
            pk = None
        home = Institution.objects.filter(pk=pk).first() if pk else None
        if institution in (None, ""):
            errors.append(FieldError("institution", "care_institution_required"))
        elif home is None or home.county_id != case.area_code[:6]:
            errors.append(FieldError("institution", "care_institution_other_county"))
        elif (count := residents(home, on, excluding=case)) >= home.capacity:
            errors.append(FieldError("institution", "care_capacity", name=home.name, capacity=home.capacity,
                                     residents=count))  # fmt: skip
    elif institution not in (None, ""):
        errors.append(FieldError("institution", "care_institution_not_allowed"))
    if errors:
        return {}, errors
    support = {"mode": mode, "institution": home.pk if home else None, "institution_name": home.name if home else ""}
    return {"support": support}, []


def write_placement(actor, case: Case, support: dict, decision: CaseEvent) -> Placement:
    """The placement a decision sets going, from its date, in its transaction: admission,
    transfer or support at home; the current placement ends the same day. The institution is
    locked and its beds counted again, so two decisions at once cannot both take the last bed."""
    on, mode = decision.on, support["mode"]
    institution = None
    if support.get("institution"):
        institution = Institution.objects.select_for_update().get(pk=support["institution"])
        count = residents(institution, on, excluding=case)
        if count >= institution.capacity:
            raise InputError([FieldError("institution", "care_capacity", name=institution.name,
                                         capacity=institution.capacity, residents=count)])  # fmt: skip
    current = current_placement(case)
    kind = ("dispersed" if mode == Mode.DISPERSED
            else "transfer" if current and current.mode == Mode.CONCENTRATED else "admission")  # fmt: skip
    if current:
        ends = {"transfer": "转院", "admission": "入住供养服务机构", "dispersed": "分散供养"}
        current.ended_on = max(on, current.started_on)
        current.end_reason = "重新审核确认" if decision.transition == "approve" else ends[kind]
        current.save(update_fields=["ended_on", "end_reason"])
    placement = Placement.objects.create(case=case, area_code=case.area_code, mode=mode, institution=institution,
                                         started_on=on, kind=kind, decision=decision,
                                         recorded_by=acting_user(actor))  # fmt: skip
    action = {"admission": "care.admission", "transfer": "care.transfer", "dispersed": "care.dispersed"}[kind]
    record(actor, action, object_type="care_placement", object_id=placement.pk, area_code=case.area_code,
           details={"case": case.pk, "mode": mode, "institution": institution.pk if institution else None,
                    "on": on.isoformat(), "previous": current.pk if current else None,
                    "decision": decision.pk})  # fmt: skip
    return placement


def change_support(actor, case: Case, *, version: int, on: date, support_mode: str = "", institution=None,
                   reason: str = "", care_acknowledged: bool = False) -> Case:  # fmt: skip
    """变更供养方式: a decision on the approved case (the approver's, like the approval): admission
    to an institution, a transfer, or leaving it for support at home. The step's event records the
    new mode and the previous one; the placement is written from it in the same transaction."""
    require_role(actor, TRANSITIONS["change_support"][2], case.area_code, ACTION_NAMES["change_support"])
    errors: list[FieldError] = []
    reason = _text(errors, "reason", reason, 200)
    recorded, more = support_errors(case, on, support_mode, institution)
    errors += more
    current = current_placement(case)
    if current and recorded:
        support = recorded["support"]
        if current.mode == support["mode"] and current.institution_id == support["institution"]:
            errors.append(FieldError("support_mode", "care_same_placement"))
        elif isinstance(on, date) and on < current.started_on:
            errors.append(FieldError("on", "care_before_current", since=current.started_on.isoformat()))
    unattended = bool(recorded) and _unattended_at_home(case, recorded["support"]["mode"])
    if unattended and not care_acknowledged:
        errors.append(FieldError("support_mode", "care_dispersed_unattended"))
    if errors:
        raise InputError(errors)
    if unattended:  # the approver's acknowledgement is part of the decision's record
        recorded = {**recorded, "care_acknowledged": True}
    previous = ({"mode": current.mode, "institution": current.institution_id,
                 "institution_name": current.institution.name if current.institution else ""} if current else None)
    with transaction.atomic():
        decided = cases.transition(actor, case, "change_support", version=version, on=on, note=reason,
                                   data={**recorded, "previous_support": previous})  # fmt: skip
        event = decided.events.filter(transition="change_support").order_by("-id").first()
        write_placement(actor, decided, recorded["support"], event)
    return decided


def _unattended_at_home(case: Case, mode: str) -> bool:
    """To 分散供养 a person who has completely lost the ability to care for themselves, with no
    caregiver recorded: such a person is to be offered 集中供养 first (国发〔2016〕14号), and at
    home a caregiver and a care agreement must follow (docs/care.md). The caregiver can only be
    recorded once the person is supported at home, so the approver acknowledges it instead."""
    if mode != Mode.DISPERSED or care_level(case.applicant.adl_unmet) != Level.COMPLETE:
        return False
    return not Caregiver.objects.filter(case=case, until__isnull=True).exists()


# ---- care at home ---------------------------------------------------------------------------


def _dispersed(case: Case) -> Case:
    case = _tekun_case(case)
    current = current_placement(case)
    if current is None or current.mode != Mode.DISPERSED:
        raise InputError([FieldError("case", "care_not_dispersed")])
    return case


@transaction.atomic
def add_caregiver(actor, case: Case, *, name: str, id_number: str, relation: str, phone: str, since: date
                  ) -> Caregiver:  # fmt: skip
    """The dispersed person's caregiver from ``since``; the previous one ends the same day."""
    require_role(actor, TOWNSHIP, case.area_code, ACTION_NAMES["caregiver"])
    case = _dispersed(case)
    errors: list[FieldError] = []
    name = _text(errors, "name", name, 40)
    number = _text(errors, "id_number", id_number, 18).upper()
    if number:
        try:
            idnumber.parse(number)
        except PolicyError as e:
            errors.append(FieldError("id_number", "care_id_number", problem=e.message("zh")))
        else:
            if number == case.applicant.id_number:
                errors.append(FieldError("id_number", "care_caregiver_is_person"))
    relation = _text(errors, "relation", relation, 20)
    phone = _text(errors, "phone", phone, 20)
    _day(errors, "since", since)
    if errors:
        raise InputError(errors)
    Caregiver.objects.filter(case=case, until__isnull=True).update(until=since)
    caregiver = Caregiver.objects.create(case=case, name=name, id_number=number, relation=relation, phone=phone,
                                         since=since, recorded_by=acting_user(actor))  # fmt: skip
    record(actor, "care.caregiver", object_type="care_caregiver", object_id=caregiver.pk, area_code=case.area_code,
           details={"case": case.pk, "name": name, "relation": relation, "since": since.isoformat()})  # fmt: skip
    return caregiver


@transaction.atomic
def record_agreement(actor, case: Case, *, caregiver: Caregiver | None, number: str, parties: str, starts_on: date,
                     ends_on: date, duties: str, allowance_to: str) -> Agreement:  # fmt: skip
    require_role(actor, TOWNSHIP, case.area_code, ACTION_NAMES["agreement"])
    case = _dispersed(case)
    errors: list[FieldError] = []
    if caregiver is None or caregiver.case_id != case.pk:
        errors.append(FieldError("caregiver", "care_caregiver_of_case"))
    number = _text(errors, "number", number, 40)
    parties = _text(errors, "parties", parties, 200)
    duties = _text(errors, "duties", duties, 2000)
    _day(errors, "starts_on", starts_on)
    _day(errors, "ends_on", ends_on, future=True)
    if isinstance(starts_on, date) and isinstance(ends_on, date) and ends_on <= starts_on:
        errors.append(FieldError("ends_on", "care_term"))
    if allowance_to not in Recipient.values:
        errors.append(FieldError("allowance_to", "choice", value=str(allowance_to)[:20],
                                 choices=", ".join(Recipient.values)))  # fmt: skip
    if errors:
        raise InputError(errors)
    agreement = Agreement.objects.create(case=case, caregiver=caregiver, number=number, parties=parties,
                                         starts_on=starts_on, ends_on=ends_on, duties=duties,
                                         allowance_to=allowance_to, recorded_by=acting_user(actor))  # fmt: skip
    record(actor, "care.agreement", object_type="care_agreement", object_id=agreement.pk, area_code=case.area_code,
           details={"case": case.pk, "number": number, "caregiver": caregiver.pk, "starts_on": starts_on.isoformat(),
                    "ends_on": ends_on.isoformat(), "allowance_to": allowance_to})  # fmt: skip
    return agreement


@transaction.atomic
def record_visit(actor, case: Case, *, visited_on: date, visitor: str, findings: str) -> Visit:
    require_role(actor, TOWNSHIP, case.area_code, ACTION_NAMES["visit"])
    case = _dispersed(case)
    errors: list[FieldError] = []
    visitor = _text(errors, "visitor", visitor, 60)
    findings = _text(errors, "findings", findings, 2000)
    _day(errors, "visited_on", visited_on)
    if errors:
        raise InputError(errors)
    visit = Visit.objects.create(case=case, visited_on=visited_on, visitor=visitor, findings=findings,
                                 recorded_by=acting_user(actor))  # fmt: skip
    record(actor, "care.visit", object_type="care_visit", object_id=visit.pk, area_code=case.area_code,
           details={"case": case.pk, "visited_on": visited_on.isoformat(), "visitor": visitor})  # fmt: skip
    return visit


# ---- self-care assessment -------------------------------------------------------------------


@transaction.atomic
def report_change(actor, case: Case, *, reason: str, reported_on: date, note: str = "") -> Reassessment:
    """A reported change of self-care (due within ``tekun_reassessment_limit`` working days) or a
    request for reassessment (the same time limit)."""
    require_role(actor, TOWNSHIP, case.area_code, ACTION_NAMES["report"])
    case = _tekun_case(case)
    errors: list[FieldError] = []
    if reason not in Reassessment.Reason.values:
        errors.append(FieldError("reason", "choice", value=str(reason)[:20],
                                 choices=", ".join(Reassessment.Reason.values)))  # fmt: skip
    note = _text(errors, "note", note, 200, required=False)
    _day(errors, "reported_on", reported_on)
    if errors:
        raise InputError(errors)
    due = add_working_days(reported_on, value("tekun_reassessment_limit", case.area_code[:6], reported_on))
    owed = Reassessment.objects.create(case=case, area_code=case.area_code, reason=reason, reported_on=reported_on,
                                       due_on=due, note=note)  # fmt: skip
    record(actor, "care.report_change", object_type="care_reassessment", object_id=owed.pk, area_code=case.area_code,
           details={"case": case.pk, "reason": reason, "due_on": due.isoformat()})  # fmt: skip
    return owed


def score(achieved: dict) -> tuple[int, str]:
    """(activities not achieved, the level they give): the policy floor's definition."""
    unmet = sum(1 for k in ACTIVITIES if not achieved[k])
    return unmet, care_level(unmet)


@transaction.atomic
def record_assessment(actor, case: Case, *, achieved: dict, assessor_kind: str, assessor: str, assessed_on: date
                      ) -> Assessment:  # fmt: skip
    """The assessment, the count on the person from its date, and when the level changes the
    case re-decided through the review (the amount of the new level from the next month). The
    re-decision is the township approver's (``continue_after_review``); a clerk's assessment of a
    changed level is refused by that step's role check, and nothing is written."""
    require_role(actor, TOWNSHIP, case.area_code, ACTION_NAMES["assess"])
    case = _tekun_case(Case.objects.select_for_update().get(pk=case.pk))
    errors: list[FieldError] = []
    achieved = achieved if isinstance(achieved, dict) else {}
    missing = [str(label) for k, label in ACTIVITIES.items() if not isinstance(achieved.get(k), bool)]
    if missing:
        errors.append(FieldError("achieved", "care_items", missing="、".join(missing)))
    if assessor_kind not in AssessorKind.values:
        errors.append(FieldError("assessor_kind", "choice", value=str(assessor_kind)[:20],
                                 choices=", ".join(AssessorKind.values)))  # fmt: skip
    assessor = _text(errors, "assessor", assessor, 100)
    _day(errors, "assessed_on", assessed_on)
    if errors:
        raise InputError(errors)
    person = case.applicant
    unmet, level = score(achieved)
    previous = care_level(person.adl_unmet)
    decision = None
    deciders = TRANSITIONS["continue_after_review"][2]
    if level != previous and getattr(staff_of(actor), "role", None) not in deciders:
        raise InputError([FieldError("case", "care_level_decider", level=str(Level(level).label))])
    if unmet != person.adl_unmet:
        registry.change_person(actor, person, {"adl_unmet": unmet}, effective_on=assessed_on,
                               source=f"生活自理能力评估（{assessor}，{assessed_on:%Y-%m-%d}）")  # fmt: skip
    if level != previous and case.state == "approved":
        # The existing change-of-amount path: the facts changed since the last decision apply
        # from the month after the assessment (cases.services.facts_changed).
        on = clock.today()  # the re-decision is taken today; the facts date it (facts_changed)
        reviewing = cases.start_review(actor, case, version=case.version, on=on)
        decided = cases.continue_after_review(actor, reviewing, version=reviewing.version, on=on)
        decision = CaseEvent.objects.filter(case=decided, transition="continue_after_review").order_by("-id").first()
    elif level != previous:
        raise InputError([FieldError("case", "care_not_tekun")])
    assessment = Assessment.objects.create(
        case=case, person=person, area_code=case.area_code, assessed_on=assessed_on, assessor_kind=assessor_kind,
        assessor=assessor, achieved={k: achieved[k] for k in ACTIVITIES}, unmet=unmet, level=level,
        previous_level=previous, decision=decision, recorded_by=acting_user(actor),
    )
    Reassessment.objects.filter(case=case, answered_by__isnull=True, reported_on__lte=assessed_on).update(
        answered_by=assessment)
    record(actor, "care.assess", object_type="care_assessment", object_id=assessment.pk, area_code=case.area_code,
           details={"case": case.pk, "unmet": unmet, "level": level, "previous_level": previous,
                    "decision": decision.pk if decision else None})  # fmt: skip
    return assessment


# ---- single-person dibao households ---------------------------------------------------------


def _single_meeting_tekun(case: Case) -> None:
    from safetynet.care.selectors import meets_tekun, single_person

    if case.programme != "dibao" or case.state not in SUPPORTED_STATES:
        raise InputError([FieldError("case", "care_not_single")])
    if not single_person(case):
        raise InputError([FieldError("case", "care_not_single")])
    if not meets_tekun(case):
        raise InputError([FieldError("case", "care_not_meeting_tekun")])
    if Move.objects.filter(dibao=case).exists() or DibaoChoice.objects.filter(case=case).exists():
        raise InputError([FieldError("case", "care_already_decided")])


def approve_tekun(actor, case: Case, *, on: date, opinion: str, support_mode: str, institution) -> Case:
    """The tekun approval with its support mode: the decision's part (``care.decision``), checked
    with the approval, recorded on its event, the placement written in its transaction."""
    return cases.approve(actor, case, version=case.version, on=on, opinion=opinion,
                         part={"support_mode": support_mode, "institution": institution})  # fmt: skip


@transaction.atomic
def move_to_tekun(actor, dibao: Case, *, tekun: Case, on: date, support_mode: str = "", institution=None) -> Move:
    """One decision: the person's tekun case (investigated, its check done) approved with its
    support mode and the dibao case's termination posted, the same day; ``complete_move`` closes
    both notices."""
    require_role(actor, DECIDERS, dibao.area_code, ACTION_NAMES["move"])
    dibao = Case.objects.select_for_update().get(pk=dibao.pk)
    _single_meeting_tekun(dibao)
    if tekun.programme != "tekun" or tekun.applicant_id != dibao.applicant_id or tekun.state != "investigated":
        raise InputError([FieldError("tekun", "care_tekun_case")])
    tekun = approve_tekun(actor, tekun, on=on, opinion="低保单人户符合特困人员救助供养条件，转为特困供养",
                           support_mode=support_mode, institution=institution)  # fmt: skip
    cases.give_termination_notice(actor, dibao, version=dibao.version, on=on,
                                  reason="符合特困人员救助供养条件，转为特困人员救助供养")  # fmt: skip
    move = Move.objects.create(dibao=dibao, tekun=tekun, area_code=dibao.area_code, decided_on=on,
                               recorded_by=acting_user(actor))  # fmt: skip
    record(actor, "care.move", object_type="care_move", object_id=move.pk, area_code=dibao.area_code,
           details={"dibao": dibao.pk, "tekun": tekun.pk, "on": on.isoformat()})  # fmt: skip
    return move


@transaction.atomic
def complete_move(actor, move: Move, *, on: date) -> Move:
    """Both notices run: the tekun case approved from the next month, the dibao case ended at the
    same month (entitlement_until exclusive = tekun's entitlement_from): never both paid."""
    require_role(actor, DECIDERS, move.area_code, ACTION_NAMES["move"])
    move = Move.objects.select_for_update().get(pk=move.pk)
    if move.completed_on:
        raise InputError([FieldError("move", "care_move_done")])
    tekun = cases.close_notice(actor, move.tekun, version=move.tekun.version, on=on)
    dibao = cases.terminate(actor, move.dibao, version=move.dibao.version, on=on)
    move.completed_on = on
    move.save(update_fields=["completed_on"])
    record(actor, "care.complete_move", object_type="care_move", object_id=move.pk, area_code=move.area_code,
           details={"dibao_until": dibao.entitlement_until.isoformat(),
                    "tekun_from": tekun.entitlement_from.isoformat()})  # fmt: skip
    return move


@transaction.atomic
def record_dibao_choice(actor, dibao: Case, *, signed_on: date, document: str) -> DibaoChoice:
    require_role(actor, TOWNSHIP, dibao.area_code, ACTION_NAMES["choice"])
    dibao = Case.objects.select_for_update().get(pk=dibao.pk)
    _single_meeting_tekun(dibao)
    errors: list[FieldError] = []
    document = _text(errors, "document", document, 40)
    _day(errors, "signed_on", signed_on)
    if errors:
        raise InputError(errors)
    choice = DibaoChoice.objects.create(case=dibao, area_code=dibao.area_code, signed_on=signed_on,
                                        document=document, recorded_by=acting_user(actor))  # fmt: skip
    record(actor, "care.dibao_choice", object_type="care_dibao_choice", object_id=choice.pk,
           area_code=dibao.area_code, details={"case": dibao.pk, "signed_on": signed_on.isoformat(),
                                               "document": document})  # fmt: skip
    return choice
