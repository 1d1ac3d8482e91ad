"""Each step of a case, declared once for the web: the page's form, the API's body, the page's
partial. The case page, its POST view (``views.take_step``), the API's routes (one per step,
``POST /api/v1/cases/{case_id}/steps/{name}``) and the OpenAPI schema are all made from
``STEPS``.

What a step is in the workflow is declared beside it, once each: the states it starts from,
leads to and the roles that may take it in ``models.TRANSITIONS``; what it does in the service
of ``services.py`` named after it (``services.STEP_FUNCTIONS``). A new step (or a programme's
own step) adds a row to ``TRANSITIONS``, its service, and a ``Step`` here; see ``docs/office.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ImproperlyConfigured

from safetynet.cases import forms, schemas, services
from safetynet.cases.models import TRANSITIONS


@dataclass(frozen=True)
class Step:
    name: str
    form_class: type[forms.StepForm] = forms.StepForm
    schema: type[schemas.StepIn] = schemas.StepIn
    partial: str = "cases/steps/_step.html"
    # A refused form comes back with its errors beside its fields (422), nothing typed lost; the
    # other steps (a date and a button) answer with a message above the case.
    inline_errors: bool = False

    @property
    def service(self):
        return services.STEP_FUNCTIONS[self.name]

    @property
    def from_states(self) -> tuple[str, ...]:
        return TRANSITIONS[self.name][0]

    @property
    def to_state(self) -> str:
        return TRANSITIONS[self.name][1]

    @property
    def roles(self) -> tuple[str, ...]:
        return TRANSITIONS[self.name][2]

    @property
    def label(self) -> str:
        return services.ACTION_NAMES[self.name]

    def form(self, case, data=None, *, today: date | None = None) -> forms.StepForm:
        """The step's form for ``case``: bound to ``data`` (a POST), or empty with the case's
        version and ``today``."""
        from safetynet.cases import programmes

        initial = {"version": case.version, "on": today}
        form = self.form_class(data, case=case, initial=initial, auto_id=f"{self.name}-%s")
        if part := programmes.step_part(case, self.name):
            # its programme's own fields (a tekun approval's support mode), after the day and
            # before the step's own words (the opinion), as the decision reads
            common = [k for k in form.fields if k in forms.StepForm.base_fields]
            fields = {k: form.fields[k] for k in common} | part.fields(case)
            form.fields = fields | {k: v for k, v in form.fields.items() if k not in fields}
        return form

    def take(self, actor, case, fields: dict):
        """The step through the services, with the form's or the body's fields: the case, or the
        act filed for a second approver (补录)."""
        return services.take_step(actor, case, self.name, **fields)


STEPS: dict[str, Step] = {
    step.name: step
    for step in [
        Step("accept"),
        Step("record_home_visit", forms.HomeVisitForm, schemas.HomeVisitIn, inline_errors=True),
        Step("approve", forms.ApproveForm, schemas.ApproveIn, "cases/steps/_approve.html", inline_errors=True),
        Step("refuse", forms.RefuseForm, schemas.RefuseIn, inline_errors=True),
        Step("object", forms.ObjectionForm, schemas.ObjectionIn, inline_errors=True),
        Step("close_notice"),
        Step("start_review"),
        Step("continue_after_review"),
        Step("suspend", forms.ReasonForm, schemas.ReasonIn, inline_errors=True),
        Step("resume"),
        Step("give_termination_notice", forms.TerminationNoticeForm, schemas.TerminationNoticeIn, inline_errors=True),
        Step("terminate"),
        Step("start_graduated_exit", forms.GraduatedExitForm, schemas.GraduatedExitIn, inline_errors=True),
        Step("end_graduated_exit"),
        Step("withdraw", forms.ReasonForm, schemas.ReasonIn, inline_errors=True),
    ]
}
if set(STEPS) != set(TRANSITIONS):  # every transition is a step of the web, and nothing else is
    raise ImproperlyConfigured(f"cases.steps.STEPS and TRANSITIONS differ: {sorted(set(STEPS) ^ set(TRANSITIONS))}")
