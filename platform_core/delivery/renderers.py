"""How a notification's words are made, found by its event kind (`renderer_for`).

Three kinds are delivery's own, their words carried in the notification's context: the bot's replies
(BOT_REPLY: a chat text), its requests for the citizen's phone (BOT_INFO_REQUEST: Zalo's request_user_info
card, sent only as a consultation message) and composed messages (delivery/composed.py: any event kind a
feature chose, marked in the context). Every other kind is registered by the package that owns it
(`register_renderer`; the dossier notices of notices/renderer.py, listed in platform_core/wiring.py).

A renderer is plain functions of values (a kind whose message needs more than its stored context, such as a
file to upload, says how to add it, `enrich`): each takes the pinned template version (None for kinds without
templates) and the notification's context, and returns the message for one channel, or raises ValueError (or
a subclass) when it cannot be built, which fails that delivery only. A kind with templates also says how to
find the version to pin on a first attempt (`current_template`) and how to load pinned versions in bulk by
(tenant id, template id, version) (`load_templates`), so that a batch renders its rows from one query.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from platform_core.delivery import composed
from platform_core.delivery.outbox import BOT_INFO_REQUEST, BOT_REPLY


def _never(template, context: Mapping) -> bool:
    return False


@dataclass(frozen=True)
class Renderer:
    text: Callable  # (template, context) -> the consultation (cs) text
    card: Callable | None = None  # (template, context) -> zalo.messages.TransactionCard
    promotion: Callable | None = None  # (template, context) -> zalo.messages.PromotionCard
    zns: Callable | None = None  # (template, context) -> (ZNS template id, {parameter: value})
    has_zns: Callable[..., bool] = _never  # (template, context) -> whether ZNS can reach a phone
    current_template: Callable[[str], object] | None = None  # event kind -> the version to pin
    load_templates: Callable[[Iterable[tuple]], dict] | None = None  # keys -> {(tenant, id, version): template}
    info_request: Callable | None = None  # (template, context) -> (title, subtitle, image_url): cs as that card
    attachment: Callable | None = None  # (template, context) -> (file name, bytes): cs as an uploaded file
    # context -> the context the send reads, made before the send in the app's context (the sends run on
    # threads without it): a stored file's bytes, a link signed at sending time. The stored context is unchanged.
    enrich: Callable[[Mapping], dict] | None = None


def _reply_text(template, context: Mapping) -> str:
    return context["text"]


def _composed(build: Callable) -> Callable:
    return lambda template, context: build(composed.ComposedMessage.from_context(context))


def _composed_zns(template, context: Mapping) -> tuple[str, dict]:
    message = composed.ComposedMessage.from_context(context)
    if message.zns is None:
        raise ValueError("a composed message cannot go by zns")
    return message.zns.template_id, message.zns.params


def _info_request(template, context: Mapping) -> tuple[str, str, str]:
    return context["title"], context["subtitle"], context["image_url"]


REPLY = Renderer(text=_reply_text)
INFO_REQUEST = Renderer(text=lambda template, context: context["subtitle"], info_request=_info_request)
COMPOSED = Renderer(
    text=_composed(composed.cs_text), card=_composed(composed.transaction_card),
    promotion=_composed(composed.promotion_card), zns=_composed_zns,
    has_zns=lambda template, context: composed.has_zns(context),
)

_renderers: dict[str, Renderer] = {BOT_REPLY: REPLY, BOT_INFO_REQUEST: INFO_REQUEST}


def register_renderer(event_kinds: Iterable[str], renderer: Renderer) -> None:
    for kind in event_kinds:
        _renderers[kind] = renderer


def renderer_for(notification) -> Renderer:
    if composed.is_composed(notification.context):
        return COMPOSED
    try:
        return _renderers[notification.event_kind]
    except KeyError:
        raise LookupError(f"no renderer is registered for event kind {notification.event_kind!r}") from None
