"""Dossier notices as the sender renders them (delivery/renderers.py): the pinned version of the province's
template for the notice's kind, rendered with the context stored on the notification. platform_core/wiring.py
registers it for every kind in kinds.MESSAGE_KINDS."""

from collections.abc import Mapping

from platform_core.delivery.renderers import Renderer
from platform_core.notices import rendering, templates


def _has_zns_template(template, context: Mapping) -> bool:
    return bool(template and template.zns_template_id)


DOSSIER_NOTICE = Renderer(
    text=rendering.render_text, card=rendering.build_card, zns=rendering.render_zns, has_zns=_has_zns_template,
    current_template=templates.current_template, load_templates=templates.pinned_templates,
)
