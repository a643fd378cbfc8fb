"""Message templates: a sandboxed Jinja engine over a dossier's fields, and what it builds for each channel.

Province staff write these templates, so to the workers that render them they are untrusted input:
- Jinja's SandboxedEnvironment refuses attribute tricks (`''.__class__.__mro__`) with SecurityError;
- a template sees only CONTEXT_FIELDS: no globals (range(), lipsum()), no function or method calls, and a
  short list of filters; the operators that let a few characters build a huge value are checked;
- `validate` refuses what must never be saved: syntax errors, unknown fields, constructs a chat message has
  no use for ({% set %}, macros, includes, nested loops), texts over Zalo's limits (the fixed text alone, and
  a render with long but ordinary values) and anything that fails to render with the sample dossiers.
Autoescape is off: these are chat texts, not HTML. At send time `render_text`, `build_card` and `render_zns`
raise RenderError and nothing else, so a batch fails one delivery and goes on.

`validate`'s messages are Problems: English strings (the API, logs and tests read them as they are) that the
editor translates into the admin's language. This module runs in workers too, where there is no request and
so no language: it marks the messages (N_) and leaves translating to the page.
"""

import re
from collections.abc import Mapping
from functools import lru_cache

from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from platform_core.notices.context import CONTEXT_FIELDS
from platform_core.text import fit
from platform_core.zalo.messages import (
    MAX_HEADER,
    MAX_ROW_VALUE,
    MAX_TEXT_MESSAGE,
    ROW_STYLES,
    Button,
    CardError,
    TableRow,
    TextBlock,
    TransactionCard,
)

TEMPLATE_FIELDS = ("text", "card_header", "card_text", "status_colour", "zns_template_id", "zns_params")
# Rendered length limits (docs/zalo-oa.md §2): cs text, card header, card text element.
TEXT_LIMITS = {"text": MAX_TEXT_MESSAGE, "card_header": MAX_HEADER, "card_text": TransactionCard.MAX_TEXT}

# Zalo names transaction template types after the business object (billing, order, booking, event, ...);
# none is "administrative dossier". The dossier is the citizen's own transaction with the authority and
# every one of our kinds is an update of it, so "transaction_transaction" fits all seven; "_booking" would
# fit only the receipt's appointment, "_event" reads as an event the citizen attends.
CARD_TEMPLATE_TYPE = "transaction_transaction"
LOOKUP_BUTTON_TITLE = "Tra cứu"
LOOKUP_PAYLOAD = "tra cứu {code}"  # the bot answers this text with the dossier's status

MAX_SOURCE = 4000       # characters of template source per field
SOURCE_LIMITS = {"card_header": 200}  # ... or what its column holds (MessageTemplate.card_header)
MAX_RENDERED = 10_000   # characters any one render may produce before it is stopped
MAX_INT_BITS = 64       # numbers in templates stay machine-sized ...
MAX_EXPONENT = 64       # ... so that 9**9**9 cannot pin a worker
ZNS_PARAM_NAME = re.compile(r"^[A-Za-z0-9_]{1,50}$")
ZNS_TEMPLATE_ID = re.compile(r"^\d{1,40}$")


def N_(message: str) -> str:
    """Marks `message` for the catalogue without translating it here (see Problem)."""
    return message


class Problem(str):
    """Why a template may not be saved: the English message as a plain string, plus what the editor needs to
    show it in the admin's language (`translate(gettext)`)."""

    msgid: str
    params: dict

    def __new__(cls, msgid: str, **params):
        problem = super().__new__(cls, msgid % params if params else msgid)
        problem.msgid, problem.params = msgid, params
        return problem

    def translate(self, gettext) -> str:
        params = {name: value.translate(gettext) if isinstance(value, Problem) else value
                  for name, value in self.params.items()}
        return gettext(self.msgid, **params)

# A realistic dossier for previews (Bắc Ninh, a residence registration received 15/07/2025, 7 working days).
SAMPLE_CONTEXT = {
    "ma_ho_so": "H15.50.05.13-250715-0012",
    "ten_thu_tuc": "Đăng ký thường trú",
    "ma_thu_tuc": "1.004222",
    "nguoi_nop": "Nguyễn Thị Hoa",
    "trang_thai": "Đã tiếp nhận",
    "ngay_tiep_nhan": "15/07/2025",
    "ngay_hen_tra": "24/07/2025",
    "ngay_hen_moi": "31/07/2025",
    "giay_to_can_bo_sung": [
        "Tờ khai thay đổi thông tin cư trú (Mẫu CT01)",
        "Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp",
    ],
    "ly_do": "Cần xác minh thông tin về chỗ ở hợp pháp với cơ quan liên quan",
    "ghi_chu": "Ông/Bà có thể nộp bổ sung trực tuyến trên Cổng Dịch vụ công quốc gia",
    "co_quan": "Công an phường Kinh Bắc",
    "ten_tinh": "Bắc Ninh",
    "dia_danh": "thành phố Bắc Ninh",
    "ten_oa": "Trung tâm PVHCC thành phố Bắc Ninh",
}
# Long but ordinary values: a template that overflows Zalo's limits with these is refused on save. Longer
# real values are cut with "…" when the message is built, rather than failing the delivery.
WORST_CASE_CONTEXT = {
    **SAMPLE_CONTEXT,
    "ma_ho_so": "000.00.04.G18-20260609-0092637",
    "ten_thu_tuc": "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, "
                   "quyền sở hữu tài sản gắn liền với đất lần đầu",
    "nguoi_nop": "Tôn Nữ Hoàng Thị Phương Thảo",
    "trang_thai": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "giay_to_can_bo_sung": [
        "Bản sao Giấy chứng nhận quyền sử dụng đất đã được chứng thực",
        "Tờ khai thay đổi thông tin cư trú (Mẫu CT01) có xác nhận",
        "Văn bản ủy quyền có công chứng hoặc chứng thực hợp lệ",
    ],
    "ly_do": "Hồ sơ cần lấy ý kiến của cơ quan quản lý đất đai và xác minh nguồn gốc sử dụng đất tại địa "
             "phương trước khi trình ký",
    "ghi_chu": "Đề nghị Ông/Bà nộp bản gốc để đối chiếu khi đến nhận kết quả; mang theo căn cước và giấy "
               "tiếp nhận hồ sơ",
    "co_quan": "Văn phòng Đăng ký đất đai tỉnh – Chi nhánh khu vực Quế Võ",
    "ten_tinh": "Thành phố Hồ Chí Minh",
    "dia_danh": "thành phố Hồ Chí Minh",
    "ten_oa": "Trung tâm Phục vụ hành chính công Thành phố Hồ Chí Minh",
}
# What an event may leave blank (no appointment for a refusal, no documents outside a supplement request).
SPARSE_CONTEXT = {
    **SAMPLE_CONTEXT,
    "ngay_hen_tra": "", "ngay_hen_moi": "", "giay_to_can_bo_sung": [], "ly_do": "", "ghi_chu": "",
}


# validate() renders every template with each of these; the label says which one failed.
SAMPLES = {
    N_("with the sample dossier"): SAMPLE_CONTEXT,
    N_("when optional fields are empty: no appointment, documents, reason or note"): SPARSE_CONTEXT,
    N_("with long values"): WORST_CASE_CONTEXT,
}


class RenderError(ValueError):
    """A template could not be turned into a message for this context; `field` names the part."""

    def __init__(self, field: str, message: str | Problem):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# --- the engine --------------------------------------------------------------------------------------------

class _MessageSandbox(SandboxedEnvironment):
    """The sandbox, minus what a chat template never needs and an attacker would use."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context, operator, left, right):
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(self, context, obj, /, *args, **kwargs):
        """No calls at all: str.format, ljust(10**9) and friends are one call away from exhausting memory;
        filters (`{{ x|upper }}`) cover what a message needs."""
        raise SecurityError("calling functions or methods is not available in message templates; use a filter")


def _check_binop(operator: str, left, right) -> None:
    if operator == "%":
        if isinstance(left, str):
            raise SecurityError("“%” formatting is not available in message templates")
        return
    if any(isinstance(value, int) and value.bit_length() > MAX_INT_BITS for value in (left, right)):
        raise SecurityError("number too large")
    if operator == "**" and isinstance(right, int) and right > MAX_EXPONENT:
        raise SecurityError("exponent too large")
    if operator == "*" and _repeated_length(left, right) > MAX_RENDERED:
        raise SecurityError("repetition too long")


def _repeated_length(left, right) -> int:
    for sequence, count in ((left, right), (right, left)):
        if isinstance(sequence, str | list | tuple) and isinstance(count, int):
            return len(sequence) * count
    return 0


def bullets(items) -> str:
    """One "- item" line per entry: the supplement request lists each missing document on its own line."""
    if isinstance(items, str):
        items = [items]
    return "\n".join(f"- {item}" for item in items)


# Filters that take no size or count a template could blow up (center, indent, replace, format are out).
SAFE_FILTERS = ("capitalize", "count", "d", "default", "first", "join", "last", "length", "lower", "string",
                "title", "trim", "truncate", "upper")

_env = _MessageSandbox(autoescape=False, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_env.filters = {**{name: _env.filters[name] for name in SAFE_FILTERS}, "bullets": bullets}
_env.globals.clear()
_env.policies["truncate.leeway"] = 0  # `truncate(30)` must give at most 30 characters (ZNS parameter limits)

# Constructs refused on save, with the words the editor shows.
REFUSED_NODES = {
    nodes.Assign: N_("{% set %} is not available"),
    nodes.AssignBlock: N_("{% set %} is not available"),
    nodes.With: N_("{% with %} is not available"),
    nodes.Macro: N_("macros are not available"),
    nodes.CallBlock: N_("{% call %} is not available"),
    nodes.Call: N_("calling functions or methods is not available; use a filter (e.g. {{ ten_thu_tuc|upper }})"),
    nodes.Include: N_("other templates cannot be included"),
    nodes.Import: N_("other templates cannot be imported"),
    nodes.FromImport: N_("other templates cannot be imported"),
    nodes.Extends: N_("other templates cannot be extended"),
    nodes.Block: N_("{% block %} is not available"),
}


@lru_cache(maxsize=1024)
def _compile(source: str):
    return _env.from_string(source)


def _render(field: str, source: str, context: Mapping) -> str:
    """Render with the output capped, every failure as RenderError (the sandbox's SecurityError is the cause)."""
    pieces, size = [], 0
    try:
        for piece in _compile(source).generate(dict(context)):
            size += len(piece)
            if size > MAX_RENDERED:
                raise RenderError(field, Problem(N_("renders to more than %(limit)s characters"), limit=MAX_RENDERED))
            pieces.append(piece)
    except RenderError:
        raise
    except Exception as error:  # whatever untrusted template code raises fails this delivery only
        raise RenderError(field, _describe(error)) from error
    return "".join(pieces).strip()


def _describe(error: Exception) -> Problem:
    if isinstance(error, SecurityError):
        return Problem(N_("refused by the sandbox: %(error)s"), error=str(error))
    return Problem(N_("cannot be rendered: %(error)s"), error=str(error))


def fields_of(template) -> dict:
    """The template fields of a MessageTemplate row, or of a plain mapping (an unsaved edit)."""
    if isinstance(template, Mapping):
        return {name: template.get(name) for name in TEMPLATE_FIELDS}
    return {name: getattr(template, name) for name in TEMPLATE_FIELDS}


# --- validation --------------------------------------------------------------------------------------------

def validate(template_fields: Mapping) -> dict[str, list[Problem]]:
    """Problems by field ({} when the template may be saved); `zns_params.<name>` for a ZNS parameter."""
    errors: dict[str, list[Problem]] = {}
    for name in sorted(set(template_fields) - set(TEMPLATE_FIELDS)):
        errors.setdefault(name, []).append(Problem(N_("unknown field")))
    for name, limit in TEXT_LIMITS.items():
        _check_template(errors, name, template_fields.get(name), limit)
    if template_fields.get("status_colour") not in ROW_STYLES:
        errors.setdefault("status_colour", []).append(
            Problem(N_("must be one of %(choices)s"), choices=", ".join(ROW_STYLES)))
    _check_zns(errors, template_fields.get("zns_template_id"), template_fields.get("zns_params"))
    return errors


def _check_template(errors: dict, field: str, source, limit: int | None) -> None:
    problems = _template_problems(field, source, limit)
    if problems:
        errors.setdefault(field, []).extend(problems)


def _template_problems(field: str, source, limit: int | None) -> list[Problem]:
    """The first stage that fails reports; later stages would only repeat it."""
    if not isinstance(source, str) or not source.strip():
        return [Problem(N_("must not be empty"))]
    most = SOURCE_LIMITS.get(field, MAX_SOURCE)
    if len(source) > most:
        return [Problem(N_("must be at most %(limit)s characters (now %(length)s)"), limit=most, length=len(source))]
    try:
        ast = _env.parse(source)
        names = meta.find_undeclared_variables(ast)  # compiles the template: an unknown filter fails here
    except TemplateSyntaxError as error:
        return [_syntax_problem(error, source)]
    return _structure_problems(source, ast, names) or _length_problems(field, source, ast, limit)


# Jinja's own messages are English and technical ("expected token 'end of print statement', got '}'"): each
# known kind is said in plain words, with the line and what is written there; the rest keep a generic hint.
_UNCLOSED = re.compile(r"^Unexpected end of template.*?innermost block that needs to be closed is '(\w+)'", re.S)
_UNKNOWN_TAG = re.compile(r"^Encountered unknown tag '(\w+)'")
_UNKNOWN_FILTER = re.compile(r"^No filter named '(\w+)'")
MAX_QUOTED = 40  # characters of the faulty line quoted back
BRACES_HINT = N_("braces are not written as expected: a field is {{ field_name }}, an instruction "
                 "{% if field_name %} … {% endif %}")


def _syntax_problem(error: TemplateSyntaxError, source: str) -> Problem:
    message, line = error.message or "", error.lineno
    unclosed, tag = _UNCLOSED.match(message), _UNKNOWN_TAG.match(message)
    unknown_filter = _UNKNOWN_FILTER.match(message)
    if unclosed:
        what = Problem(N_("a {%% %(block)s %%} is never closed: add {%% end%(block)s %%} where it should end"),
                       block=unclosed[1])
    elif tag:
        what = Problem(N_("“%(tag)s” is not an instruction templates know (if, elif, else, endif, for, endfor)"),
                       tag=tag[1])
    elif unknown_filter:
        what = Problem(N_("there is no filter “%(name)s”"), name=unknown_filter[1])
    else:
        what = Problem(BRACES_HINT)
    return Problem(N_("syntax error on line %(line)s (“%(text)s”): %(what)s"), line=line,
                   text=_line_of(source, line), what=what)


def _line_of(source: str, number: int) -> str:
    lines = source.splitlines() or [""]
    text = lines[min(max(number, 1), len(lines)) - 1].strip()
    return text if len(text) <= MAX_QUOTED else text[: MAX_QUOTED - 1] + "…"


def _structure_problems(source: str, ast: nodes.Template, names: set[str]) -> list[Problem]:
    problems = [_unknown_field(source, ast, name) for name in sorted(names - set(CONTEXT_FIELDS))]
    for node_type, message in REFUSED_NODES.items():
        if next(ast.find_all(node_type), None) is not None and message not in problems:
            problems.append(Problem(message))
    if any(next(loop.find_all(nodes.For), None) for loop in ast.find_all(nodes.For)):
        problems.append(Problem(N_("a loop inside a loop is not available")))
    return problems


def _unknown_field(source: str, ast: nodes.Template, name: str) -> Problem:
    """Names the field, and in a text of several lines the first line that uses it."""
    if "\n" not in source.strip():
        return Problem(N_("unknown field “%(name)s”"), name=name)
    line = min(node.lineno for node in ast.find_all(nodes.Name) if node.name == name)
    return Problem(N_("unknown field “%(name)s” on line %(line)s"), name=name, line=line)


def _length_problems(field: str, source: str, ast: nodes.Template, limit: int | None) -> list[Problem]:
    fixed = sum(len(node.data) for node in ast.find_all(nodes.TemplateData))
    if limit and fixed > limit:
        return [Problem(N_("the fixed text alone is %(length)s characters; at most %(limit)s"), length=fixed,
                        limit=limit)]
    longest = 0
    for label, sample in SAMPLES.items():
        try:
            longest = max(longest, len(_render(field, source, sample)))
        except RenderError as error:
            return [Problem(N_("%(problem)s (%(sample)s)"), problem=error.message, sample=Problem(label))]
    if limit and longest > limit:
        return [Problem(N_("with long values (e.g. a %(name_length)s-character procedure name) it comes to "
                           "%(length)s characters; at most %(limit)s"),
                        name_length=len(WORST_CASE_CONTEXT["ten_thu_tuc"]), length=longest, limit=limit)]
    return []


def validate_zns(template_id, params) -> dict[str, list[Problem]]:
    """`validate` for the ZNS fields alone (a ZNS-only setting, such as the ratings' template)."""
    errors: dict[str, list[Problem]] = {}
    _check_zns(errors, template_id, params)
    return errors


def _check_zns(errors: dict, template_id, params) -> None:
    if template_id is not None and not (isinstance(template_id, str) and ZNS_TEMPLATE_ID.match(template_id)):
        errors.setdefault("zns_template_id", []).append(Problem(N_("must be the ZNS template's id in Zalo (digits)")))
    if params is None:
        return
    if not isinstance(params, Mapping):
        errors.setdefault("zns_params", []).append(Problem(N_("must map ZNS parameter names to expressions")))
        return
    for name, source in params.items():
        if not (isinstance(name, str) and ZNS_PARAM_NAME.match(name)):
            errors.setdefault("zns_params", []).append(
                Problem(N_("“%(name)s” is not a ZNS parameter name (letters, digits, _)"), name=name))
        else:
            _check_template(errors, f"zns_params.{name}", source, None)


# --- building messages (send time) -------------------------------------------------------------------------

def render_text(template, context: Mapping) -> str:
    """The consultation (cs) message text."""
    text = _render("text", fields_of(template)["text"], context)
    if not text:
        raise RenderError("text", "renders empty")
    return fit(text, MAX_TEXT_MESSAGE)


def build_card(template, context: Mapping) -> TransactionCard:
    """A transaction card: header and text from the template, a table Zalo accepts (the "Mã hồ sơ" row
    identifies it, the "Trạng thái" row carries the colour) and a "Tra cứu" button the bot answers."""
    fields = fields_of(template)
    header = fit(_render("card_header", fields["card_header"], context), MAX_HEADER)
    text = fit(_render("card_text", fields["card_text"], context), TransactionCard.MAX_TEXT)
    code = _value(context, "ma_ho_so")
    card = TransactionCard(
        template_type=CARD_TEMPLATE_TYPE,
        language="VI",
        header=TextBlock(header) if header else None,
        text=TextBlock(text) if text else None,
        table=_table(context, fields["status_colour"]),
        buttons=[Button(title=LOOKUP_BUTTON_TITLE, type="oa.query.show", payload=LOOKUP_PAYLOAD.format(code=code))],
    )
    try:
        card.validate()
    except CardError as error:
        raise RenderError("card", str(error)) from error
    return card


def _table(context: Mapping, colour: str) -> list[TableRow]:
    rows = [
        ("Mã hồ sơ", _value(context, "ma_ho_so")),
        ("Thủ tục", context.get("ten_thu_tuc") or ""),
        ("Ngày hẹn trả", context.get("ngay_hen_moi") or context.get("ngay_hen_tra") or ""),
    ]
    table = [TableRow(key, fit(str(value), MAX_ROW_VALUE)) for key, value in rows if str(value).strip()]
    status = context.get("trang_thai") or "Đang cập nhật"
    return [*table, TableRow("Trạng thái", fit(str(status), MAX_ROW_VALUE), style=colour)]


def _value(context: Mapping, name: str) -> str:
    value = str(context.get(name) or "").strip()
    if not value:
        raise RenderError(name, "missing from the message context")
    return value


def render_zns(template, context: Mapping) -> tuple[str, dict[str, str]]:
    """(ZNS template id, template_data): every parameter rendered to a string, as Zalo wants them."""
    fields = fields_of(template)
    if not fields["zns_template_id"]:
        raise RenderError("zns_template_id", "no ZNS template is set for this message")
    params = {
        name: _render(f"zns_params.{name}", source, context) for name, source in (fields["zns_params"] or {}).items()
    }
    return fields["zns_template_id"], params
