"""What a merge does with each table that holds a `tenant_id`, found from the metadata (docs/domain.md §5.3).

Every such table needs a rule here: `check_rules()` refuses a merge when one has none (a table added later
cannot be forgotten silently), and the tests run it. A table either moves (its source rows are copied into the
target, parents first, then the originals deleted, children first) or stays with the merged province, which
keeps it as its archive (nothing is lost either way). A moved table names what happens to each unique key that
can collide with the target's:
- `suffix`: a colliding value gets the source's tag ("…~48"), so the source's dossier or feedback code stays
  findable and the target's own keeps its meaning;
- `unite_on`: a colliding row is the target's own (the same national procedure code): it is not copied, the
  rows that point at it point at the target's, and the source's row stays in its archive.
A unique key that includes a reference to a moved table cannot collide (ids are UUIDv7, unique everywhere).
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Table, UniqueConstraint, and_, not_, select

from platform_core.delivery.constants import PENDING, SENDING
from platform_core.extensions import db
from platform_core.mergers.constants import FAREWELL_KIND
from platform_core.text import code_key

MOVE, STAY, REPOINT = "move", "stay", "repoint"


@dataclass(frozen=True)
class Rule:
    action: str
    why: str
    suffix: tuple[str, ...] = ()
    unite_on: str | None = None
    keep: Callable[[Table, object], ColumnElement] | None = None  # source rows that stay although the table moves
    transform: Callable[[dict], dict] | None = None  # applied to each copied row


def _farewell_notifications(table: Table, source_id) -> ColumnElement:
    return table.c.event_kind == FAREWELL_KIND


def _farewell_deliveries(table: Table, source_id) -> ColumnElement:
    notification = db.metadata.tables["notification"]
    farewells = select(notification.c.id).where(notification.c.tenant_id == source_id,
                                                notification.c.event_kind == FAREWELL_KIND)
    return table.c.notification_id.in_(farewells)


def _dossier_code_key(row: dict) -> dict:
    return {**row, "code_key": code_key(row["code"])}


def _unpin_unsent(row: dict) -> dict:
    """An unsent delivery pinned the source's template version, which stays behind: it takes the target's
    current text when it is sent."""
    if row["state"] in (PENDING, SENDING):
        return {**row, "template_id": None, "template_version": None}
    return row


_OA = "belongs to the merged province's OA: Zalo user ids and messages are scoped to one OA (docs/zalo-oa.md §5)"
_SETTING = "a setting of the merged province: the successor's own applies"

RULES: dict[str, Rule] = {
    # the citizens' and the province's records: they move
    "procedure": Rule(MOVE, "the catalogue; the successor's procedure with the same code is kept",
                      unite_on="code"),
    "dossier": Rule(MOVE, "dossiers", suffix=("code",), transform=_dossier_code_key),
    "dossier_event": Rule(MOVE, "dossiers' histories", suffix=("idempotency_key",)),
    "notification": Rule(MOVE, "notices sent and pending", suffix=("idempotency_key",),
                         keep=_farewell_notifications),
    "delivery": Rule(MOVE, "deliveries of those notices", keep=_farewell_deliveries, transform=_unpin_unsent),
    "feedback": Rule(MOVE, "feedback (phản ánh, kiến nghị)", suffix=("code",)),
    "feedback_event": Rule(MOVE, "feedback histories"),
    "feedback_attachment": Rule(MOVE, "feedback images"),
    "rating": Rule(MOVE, "satisfaction ratings"),
    "rating_invitation": Rule(MOVE, "rating invitations", suffix=("nonce",)),
    "registration": Rule(MOVE, "registrations made on Zalo: the successor's one-stop software fetches them",
                         suffix=("token_digest",)),
    "appointment_slot": Rule(MOVE, "appointment slots and their bookings (registrations point at them)"),
    "registration_webhook_delivery": Rule(MOVE, "the registrations' webhook deliveries, failures included"),
    "dossier_result": Rule(MOVE, "dossiers' electronic results (their files are named by id, not by province)"),
    "consent": Rule(MOVE, "citizens' consents and withdrawals: a 'stop' keeps being honoured"),
    "data_subject_request": Rule(MOVE, "citizens' data requests and their deadlines"),
    "zalo_event": Rule(MOVE, "what citizens wrote (data requests point at it)", suffix=("event_key",)),
    "broadcast": Rule(MOVE, "policy news sent"),
    "official_profile": Rule(MOVE, "officials' profiles; an official with a profile in both keeps the successor's",
                             unite_on="user_id", suffix=("external_ref",)),
    "internal_notice": Rule(MOVE, "notices to officials", suffix=("ack_code", "idempotency_key")),
    "audit_event": Rule(MOVE, "the province's audit log"),
    # bound to the merged province's OA or its own settings: they stay in its archive
    "zalo_connection": Rule(STAY, "one OA is kept: the successor's"),
    "zalo_follower": Rule(STAY, _OA),
    "zalo_follower_import": Rule(STAY, _OA),
    "follower_tag": Rule(STAY, _OA),
    "promotion_ledger": Rule(STAY, _OA),
    "zalo_message_receipt": Rule(STAY, _OA),
    "staff_link_code": Rule(STAY, _OA),
    "zalo_site_verification": Rule(STAY, "the merged province's Zalo app"),
    "message_template": Rule(STAY, "the successor's message texts speak for the merged province"),
    "province_setting": Rule(STAY, _SETTING),
    "registration_procedure": Rule(STAY, _SETTING),
    "registration_webhook": Rule(STAY, "the merged province's integration stops, as its API keys do"),
    "province_logo": Rule(STAY, _SETTING),
    "rate_policy": Rule(STAY, _SETTING),
    "setup_progress": Rule(STAY, _SETTING),
    "guest_list_entry": Rule(STAY, "the merged province's trial guest list"),
    "go_live_request": Rule(STAY, "the merged province's onboarding history"),
    "invitation": Rule(STAY, "invitations to the merged province; the successor invites its team itself"),
    "api_key": Rule(STAY, "the merged province's integrations stop; the successor issues its own keys"),
    "membership": Rule(STAY, "access is never granted by a merge: the successor's admins invite the team"),
    "tenant_history": Rule(STAY, "the merged province's own history"),
    "tenant_slug_alias": Rule(REPOINT, "old addresses of the merged province lead to the successor"),
}


class RulesIncomplete(RuntimeError):
    """A table holds tenant rows and no rule says what a merge does with them."""


def tenant_tables() -> list[Table]:
    """Every table with a `tenant_id`, parents before children."""
    return [table for table in db.metadata.sorted_tables if "tenant_id" in table.c]


def moved_tables() -> list[Table]:
    return [table for table in tenant_tables() if RULES[table.name].action == MOVE]


def check_rules() -> None:
    problems = [problem for table in tenant_tables() for problem in _problems(table)]
    if problems:
        raise RulesIncomplete("; ".join(problems))


def _problems(table: Table) -> list[str]:
    rule = RULES.get(table.name)
    if rule is None:
        return [f"{table.name}: no merge rule"]
    problems = []
    for fk in table.foreign_key_constraints:
        parent = fk.referred_table.name
        if parent == "tenant" or parent not in RULES:
            continue
        moves, parent_moves = rule.action == MOVE, RULES[parent].action == MOVE
        if moves != parent_moves:
            problems.append(f"{table.name} ({rule.action}) refers to {parent} ({RULES[parent].action})")
    if rule.action == MOVE:
        problems += [f"{table.name}: unique key {columns} has no collision rule"
                     for columns in unresolved_unique_keys(table, rule)]
    return problems


def unresolved_unique_keys(table: Table, rule: Rule) -> list[tuple[str, ...]]:
    handled = {*rule.suffix, rule.unite_on, *_references_to_moved(table)}
    unresolved = []
    for constraint in table.constraints:
        if not isinstance(constraint, UniqueConstraint):
            continue
        columns = tuple(column.name for column in constraint.columns if column.name != "tenant_id")
        if columns and not handled.intersection(columns):
            unresolved.append(columns)
    return unresolved


def _references_to_moved(table: Table) -> set[str]:
    return {element.parent.name for fk in table.foreign_key_constraints
            if RULES.get(fk.referred_table.name, Rule(STAY, "")).action == MOVE
            for element in fk.elements if element.parent.name != "tenant_id"}


def united_references(table: Table) -> list[tuple[str, Table, str]]:
    """(column, parent table, the parent's unite key) for each reference to a table whose rows may unite."""
    found = []
    for fk in table.foreign_key_constraints:
        parent = fk.referred_table
        unite_on = RULES.get(parent.name, Rule(STAY, "")).unite_on
        if unite_on:
            found += [(element.parent.name, parent, unite_on)
                      for element in fk.elements if element.parent.name != "tenant_id"]
    return found


def moving_rows(table: Table, source_id) -> ColumnElement:
    """The source's rows of a moved table that move (a `keep` clause holds some back)."""
    rule = RULES[table.name]
    clause = table.c.tenant_id == source_id
    return and_(clause, not_(rule.keep(table, source_id))) if rule.keep else clause
