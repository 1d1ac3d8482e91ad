"""One form page for every write: shown, checked, confirmed on a page of its own when the entry
cannot be undone (the books: only a reversing entry corrects them), then written; the service's
refusals come back beside their fields with everything typed kept."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from safetynet.policy.errors import InputError
from safetynet.policy.money import fmt

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def answers(form) -> list[tuple[str, str]]:
    out = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name in ("amount", "value", "budget") and isinstance(value, int):
            shown = fmt(value)
        elif hasattr(field, "choices") and not hasattr(field, "queryset"):
            shown = str(dict(field.choices).get(value, value)) or "—"
        elif value in (None, ""):
            shown = "—"
        else:
            shown = str(value)
        out.append((str(field.label), shown))
    return out


def form_page(request, *, form, title: str, back: str, write, confirm: str | None = None, formset=None,
              success: str = "", context: dict | None = None):
    """``write()`` calls the service and returns the address to go to; a refusal (InputError,
    PermissionDenied) stays on the form."""
    context = {"form": form, "formset": formset, "title": title, "back": back, **(context or {})}
    valid = request.method == "POST" and form.is_valid() and (formset is None or formset.is_valid())
    if valid:
        step = request.POST.get("step")
        if step == "edit":
            pass
        elif confirm is not None and step != "confirmed":
            extra = [(str(f.fields["id_number"].label), f.cleaned_data.get("id_number"))
                     for f in formset if f.cleaned_data.get("id_number")] if formset is not None else []
            return render(request, "charity/confirm.html", {**context, "question": confirm,
                                                            "answers": answers(form) + extra})
        else:
            try:
                target = write()
            except InputError as exc:
                form.add_service_errors(exc)
                if formset is not None:
                    _formset_errors(formset, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, success or title)
                return redirect(target)
    return render(request, "charity/form.html", context, status=200)


def _formset_errors(formset, exc: InputError) -> None:
    """``recipients[i]`` -> the i-th filled row's field."""
    filled = [f for f in formset if f.cleaned_data.get("id_number")]
    for e in exc.errors:
        if e.path.startswith("recipients[") and e.path.endswith("]"):
            i = int(e.path[len("recipients["):-1])
            if i < len(filled):
                filled[i].add_error("id_number", e.message("zh"))
