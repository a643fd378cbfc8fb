"""The province's public pages: the front door (`/<slug>/`) and a dossier's lookup (`/<slug>/tra-cuu`).

The catalogue is searched and cut into pages on the server (a province may publish 5,000 procedures: all of
them made a 2.4 MB page). Lookups are rate-limited per address and province, as the feedback form is: a
dossier code is short and partly guessable (agency, date, sequence).
"""

from flask import current_app, g, render_template, request
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_limiter.util import get_remote_address

from platform_core.bot.lookup import desk
from platform_core.catalogue import service as catalogue
from platform_core.extensions import limiter
from platform_core.frontdoor.follow import follow_link
from platform_core.frontdoor.forms import CatalogueSearchForm, LookupForm
from platform_core.frontdoor.lookup import answer_for
from platform_core.tenancy.resolution import tenant_blueprint
from platform_core.web.paging import numbered_page

province_bp = tenant_blueprint("province", __name__)

PROCEDURES_PER_PAGE = 20


@province_bp.get("/")
def home():
    search = CatalogueSearchForm(request.args)
    search.field.choices = [("", _("All sectors"))] + [(name, name) for name in catalogue.fields()]
    search.validate()
    found = catalogue.search(search.q.data if not search.q.errors else "", search.field.data, enabled=True)
    found.sort(key=lambda procedure: (procedure.field, procedure.name))
    return render_template("frontdoor/home.html", tenant=g.tenant, follow=_follow(), search=search,
                           lookup=LookupForm(), procedures=numbered_page(found, request.args.get("page"),
                                                                         PROCEDURES_PER_PAGE))


def _lookup_limit() -> str:
    return current_app.config["DOSSIER_LOOKUP_RATE_LIMIT"]


def _address_in_province() -> str:
    return f"dossier-lookup:{g.tenant.id}:{get_remote_address()}"


@province_bp.get("/tra-cuu")
@limiter.limit(_lookup_limit, key_func=_address_in_province, exempt_when=lambda: "ma" not in request.args)
def lookup():
    """No code asked yet: the form. A code that is not one: 422. No such dossier here: 404, in the same words
    whatever the reason. Otherwise what the OA would answer about it."""
    form = LookupForm(request.args)
    if "ma" not in request.args:
        return render_template("frontdoor/lookup.html", form=LookupForm())
    if not form.validate():
        return render_template("frontdoor/lookup.html", form=form), 422
    answer = answer_for(form.code)
    return render_template("frontdoor/lookup.html", form=form, code=form.code, answer=answer,
                           follow=_follow()), 200 if answer else 404


@province_bp.errorhandler(RateLimitExceeded)
def _too_many(error):
    message = _("This address has looked up many dossiers already. Please try again in a few minutes, or "
                "write the code to the province's Zalo OA.")
    return render_template("frontdoor/lookup.html", form=LookupForm(), error=message), 429


def _follow():
    return follow_link(desk().oa_name)
