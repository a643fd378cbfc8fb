"""A message template's ZNS parameters, checked against the ZNS template Zalo approved for the OA.

What a ZNS template takes (parameter names, which are required, their maxLength) is known only to Zalo
(GET /template/info/v2, docs/zalo-oa.md §3), so this check needs the OA connected and Zalo answering. The editor
runs it when an admin saves a change to the ZNS fields, never for the live preview. When Zalo cannot be asked
the save goes ahead and the editor says the check was skipped: Zalo checks every message again when it is sent.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from platform_core.notices import rendering
from platform_core.notices.rendering import N_, Problem
from platform_core.zalo.client_registry import zalo_client
from platform_core.zalo.errors import Outcome, ZaloApiError, ZaloError
from platform_core.zalo.tokens import ZaloNotConnected, with_access_token

ENABLED = "ENABLE"
INVALID_TEMPLATE = -109
NOT_CONNECTED, NO_ANSWER = "not_connected", "no_answer"  # why a check was skipped
ZNS_SKIPPED = {  # what the admin is told then
    NOT_CONNECTED: _l("The ZNS parameters were not checked with Zalo: connect the Zalo OA to check them."),
    NO_ANSWER: _l("The ZNS parameters were not checked: Zalo did not answer. Save again later to check them."),
}


@dataclass(frozen=True)
class ZnsCheck:
    problems: dict[str, list[Problem]] = field(default_factory=dict)  # as rendering.validate's
    skipped: str | None = None  # NOT_CONNECTED or NO_ANSWER: nothing was checked


def check_zns(fields: Mapping) -> ZnsCheck:
    """Ask Zalo about `fields["zns_template_id"]` and compare its parameters with `fields["zns_params"]`,
    rendered with the sample dossiers (long values included). Call with nothing half-written in the session:
    it is committed before Zalo is called, so that no transaction stays open on the network."""
    template_id = fields.get("zns_template_id")
    if not template_id:
        return ZnsCheck()
    client = zalo_client()
    try:
        template = with_access_token(client, lambda token: client.zns_template(token, template_id))
    except ZaloNotConnected:
        return ZnsCheck(skipped=NOT_CONNECTED)
    except ZaloApiError as error:
        if error.outcome is not Outcome.PERMANENT:
            return ZnsCheck(skipped=NO_ANSWER)
        return ZnsCheck({"zns_template_id": [_refused(template_id, error)]})
    except ZaloError:
        return ZnsCheck(skipped=NO_ANSWER)
    return ZnsCheck(_problems(template, fields))


def _refused(template_id: str, error: ZaloError) -> Problem:
    if error.code == INVALID_TEMPLATE:
        return Problem(N_("Zalo has no ZNS template %(id)s for this OA"), id=template_id)
    return Problem(N_("Zalo refused ZNS template %(id)s (error %(code)s)"), id=template_id, code=error.code)


def _problems(template, fields: Mapping) -> dict[str, list[Problem]]:
    problems: dict[str, list[Problem]] = {}
    if template.status != ENABLED:
        problems["zns_template_id"] = [Problem(
            N_("ZNS template %(id)s is %(status)s at Zalo; only an enabled template can be sent"),
            id=template.template_id, status=template.status)]
    expected = {param.get("name"): param for param in template.params}
    given = dict(fields.get("zns_params") or {})
    missing = [name for name, param in expected.items() if param.get("require") and name not in given]
    if missing:
        problems.setdefault("zns_params", []).append(Problem(
            N_("ZNS template %(id)s also needs: %(names)s"), id=template.template_id, names=", ".join(missing)))
    for name in given:
        if name not in expected:
            problems.setdefault(f"zns_params.{name}", []).append(Problem(
                N_("ZNS template %(id)s has no parameter of this name"), id=template.template_id))
    for name, length in _longest(fields).items():
        limit = expected.get(name, {}).get("maxLength")
        if limit is not None and length > int(limit):
            problems.setdefault(f"zns_params.{name}", []).append(Problem(
                N_("can come to %(length)s characters (with long values); the ZNS template takes at most "
                   "%(limit)s, e.g. use |truncate(%(limit)s)"), length=length, limit=int(limit)))
    return problems


def _longest(fields: Mapping) -> dict[str, int]:
    """Each parameter's longest rendering over the sample dossiers; one that does not render is left to
    rendering.validate to report."""
    longest: dict[str, int] = {}
    for name, source in dict(fields.get("zns_params") or {}).items():
        one = {"zns_template_id": fields["zns_template_id"], "zns_params": {name: source}}
        try:
            longest[name] = max(len(rendering.render_zns(one, sample)[1][name])
                                for sample in rendering.SAMPLES.values())
        except rendering.RenderError:
            continue
    return longest
