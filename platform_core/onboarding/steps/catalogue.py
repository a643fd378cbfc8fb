"""Setup step `catalogue`: start from the national defaults (with the province's own file laid over them),
choose the procedures the province offers and correct their agency, time or fee in place; or import a
CSV/XLSX file through the console's importer and preview.

The default path is one page and one click: everything starts chosen, and "Save and continue" stores the
catalogue (procedures not chosen are stored disabled, so they can be offered later from the console).
"""

from itertools import groupby

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from platform_core.auth.permissions import admin_required
from platform_core.catalogue.columns import CHOICES, as_text, parse_cells
from platform_core.catalogue.forms import UploadForm
from platform_core.catalogue.service import province_agencies
from platform_core.catalogue.views import confirm_upload, import_context, preview_upload, show_pending
from platform_core.extensions import db
from platform_core.onboarding import wizard
from platform_core.onboarding.constants import STEP_CATALOGUE
from platform_core.onboarding.views import onboarding_bp
from platform_core.provisioning import starting_catalogue

INLINE_COLUMNS = ("agency", "processing_time_value", "processing_time_unit", "fee_vnd")


@onboarding_bp.route("/catalogue", methods=["GET", "POST"])
@admin_required
def catalogue():
    starting = starting_catalogue.starting_values(g.tenant.slug)
    if request.method == "GET":
        chosen = {code for code, values in starting.items() if values["enabled"]}
        return _render(starting, chosen, typed={}, errors={})
    chosen = set(request.form.getlist("chosen")) & set(starting)
    edits, typed, errors = _read_edits(starting, chosen)
    if errors or not chosen:
        return _render(starting, chosen, typed, errors, nothing_chosen=not chosen), 422
    counts = starting_catalogue.save_setup_choices(g.tenant.slug, chosen, edits, actor=current_user)
    wizard.mark_done(STEP_CATALOGUE)
    db.session.commit()
    flash(_("Catalogue saved: %(offered)s procedures offered.", offered=counts["offered"]), "success")
    return redirect(wizard.step_url(wizard.next_step(STEP_CATALOGUE)))


@onboarding_bp.route("/catalogue/import", methods=["GET", "POST"])
@admin_required
def catalogue_import():
    if request.method == "GET":
        return _render_import(form=UploadForm())
    return preview_upload(_render_import, _starting_values, confirm_endpoint="onboarding.catalogue_import_confirm")


@onboarding_bp.get("/catalogue/import/<token>")
@admin_required
def catalogue_import_pending(token: str):
    return show_pending(token, _starting_values, _render_import, confirm_endpoint="onboarding.catalogue_import_confirm")


@onboarding_bp.post("/catalogue/import/<token>")
@admin_required
def catalogue_import_confirm(token: str):
    return confirm_upload(token, _starting_values, _render_import,
                          confirm_endpoint="onboarding.catalogue_import_confirm",
                          done=lambda counts: redirect(url_for("onboarding.catalogue")),
                          before_apply=lambda: starting_catalogue.load_starting_catalogue(g.tenant.slug))


def _starting_values() -> dict[str, dict]:
    return starting_catalogue.starting_values(g.tenant.slug)


def _read_edits(starting: dict, chosen: set[str]) -> tuple[dict, dict, dict]:
    """The inline edits of the chosen procedures: (values by code, the text typed by code, errors by code).
    Inputs absent from the form leave their value alone."""
    edits, typed, errors = {}, {}, {}
    for code in chosen:
        cells = {key: request.form[f"{key}-{code}"] for key in INLINE_COLUMNS if f"{key}-{code}" in request.form}
        typed[code] = cells
        edits[code], problems = parse_cells(cells, starting[code])
        if problems:
            errors[code] = problems
    return edits, typed, errors


def _render(starting: dict, chosen: set[str], typed: dict, errors: dict, nothing_chosen: bool = False):
    """The checklist, grouped by field in the catalogue's order; typed text is shown back after an error."""
    items = [{"code": code, "name": values["name"], "field": values["field"], "current": values,
              "chosen": code in chosen, "errors": errors.get(code, {}),
              "cells": {key: as_text(key, values[key]) for key in INLINE_COLUMNS} | typed.get(code, {})}
             for code, values in starting.items()]
    fields = list(dict.fromkeys(item["field"] for item in items))
    items.sort(key=lambda item: fields.index(item["field"]))
    groups = [(field, list(members)) for field, members in groupby(items, key=lambda item: item["field"])]
    return wizard.render_step(STEP_CATALOGUE, "onboarding/catalogue.html", groups=groups, CHOICES=CHOICES,
                              province_agencies=province_agencies(),
                              nothing_chosen=nothing_chosen, has_errors=bool(errors))


def _render_import(**context):
    return wizard.render_step(STEP_CATALOGUE, "onboarding/catalogue_import.html", **import_context(), **context)
