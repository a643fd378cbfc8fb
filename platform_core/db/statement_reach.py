"""Which tenant tables a SQL statement reaches, and how: through an ORM entity of a TenantScoped model (which
the session's loader criteria scope) or around the ORM (a Core `Table` or column, a table named in `text()`),
which nothing scopes on SQLite. platform_core/db/session.py refuses the latter unless the caller marks it.

The statement is walked element by element; an ORM entity's elements are not entered (its table and aliases
are the ORM's). SQLAlchemy's own `get_children()` is not used: a SELECT lists there the FROMs it derives from
its columns, and an ORM column's FROM is its bare Table, which would look like a Core reference.
"""

import re

from sqlalchemy.orm import Mapper
from sqlalchemy.sql.expression import ColumnClause, TableClause, TextClause
from sqlalchemy.sql.visitors import InternalTraversal

from platform_core.db.base import TenantScoped, tenant_tables


def tenant_reach(statement) -> tuple[bool, bool]:
    """(through the ORM, around it): whether `statement` reaches a tenant table through a TenantScoped entity,
    which the loader criteria scope, and whether it reaches one by a Core table or column or by name in SQL
    text, which they cannot. Everything an ORM entity brings in (its table, an alias) is the ORM's."""
    scoped, mentions = _scoped_table_names(), _tenant_table_mention()
    through = around = False
    pending, seen = [statement], {id(_get_clause_of(statement))}
    while pending:
        element = pending.pop()
        if id(element) in seen:
            continue
        seen.add(id(element))
        mapper = getattr(element, "_annotations", {}).get("parentmapper")
        if mapper is not None:
            through = through or issubclass(mapper.class_, TenantScoped)
            continue
        if isinstance(element, TableClause):
            around = around or element.name in scoped
        elif isinstance(element, TextClause):
            around = around or bool(mentions.search(element.text))
        elif isinstance(element, ColumnClause) and element.is_literal:
            around = around or bool(mentions.search(element.name))
        pending.extend(_children(element))
    return through, around


def _get_clause_of(statement):
    """The primary-key criterion `session.get()` puts on the entity it loads: built from the entity's own
    columns (Core ones), but on the entity's FROM, which the loader criteria scope."""
    mapper = getattr(statement, "_propagate_attrs", {}).get("plugin_subject")
    return mapper._get_clause[0] if isinstance(mapper, Mapper) else None


_ONE, _SEVERAL, _NESTED = 1, 2, 3
_WALKED = {
    InternalTraversal.dp_clauseelement: _ONE,
    InternalTraversal.dp_clauseelement_list: _SEVERAL, InternalTraversal.dp_clauseelement_tuple: _SEVERAL,
    InternalTraversal.dp_memoized_select_entities: _SEVERAL,
    InternalTraversal.dp_clauseelement_tuples: _NESTED, InternalTraversal.dp_setup_join_tuple: _NESTED,
    InternalTraversal.dp_dml_values: _NESTED, InternalTraversal.dp_dml_ordered_values: _NESTED,
    InternalTraversal.dp_dml_multi_values: _NESTED,
}
_PLANS: dict[type, tuple] = {}


def _children(element) -> list:
    """The SQL elements `element` is made of, read from its traversal attributes that hold elements (not types,
    options or hints); a Core column's include its table. The plan per class is worked out once."""
    plan = _PLANS.get(type(element))
    if plan is None:
        plan = _PLANS[type(element)] = tuple(
            (name, _WALKED[kind]) for name, kind in getattr(element, "_traverse_internals", ()) if kind in _WALKED)
    found = []
    for name, mode in plan:
        value = getattr(element, name, None)
        if value is None:
            continue
        if mode == _ONE:
            found.append(value)
        elif mode == _SEVERAL:
            found.extend(value)
        else:
            found.extend(_leaves(value))
    return found


def _leaves(value) -> list:
    """The elements inside nested tuples, lists and dicts (CASE's WHENs, joins, DML values); not plain values."""
    if hasattr(value, "_traverse_internals"):
        return [value]
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple):
        return [leaf for item in value for leaf in _leaves(item)]
    return []


_SCOPED_TABLES: frozenset[str] | None = None
_MENTION: re.Pattern | None = None


def _scoped_table_names() -> frozenset[str]:
    global _SCOPED_TABLES
    if _SCOPED_TABLES is None:
        _SCOPED_TABLES = frozenset(tenant_tables())
    return _SCOPED_TABLES


def _tenant_table_mention() -> re.Pattern:
    """A tenant table's name as a word of SQL text (`delivery`, `"delivery"`; not `delivery_id`)."""
    global _MENTION
    if _MENTION is None:
        names = "|".join(re.escape(name) for name in sorted(_scoped_table_names(), key=len, reverse=True))
        _MENTION = re.compile(rf"\b(?:{names})\b", re.IGNORECASE)
    return _MENTION
