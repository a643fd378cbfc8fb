"""Newest-first pages for the consoles' lists (audit log, dossiers, deliveries, feedback, ratings, ...).

One row more than the page is fetched to know whether a next page exists: no COUNT(*) over a province's
whole history on every page view.
"""

from dataclasses import dataclass

from platform_core.extensions import db

PER_PAGE = 50


@dataclass(frozen=True)
class Page:
    items: list
    number: int
    has_previous: bool
    has_next: bool


def page_number(raw) -> int:
    """A page number from the query string; anything odd is page 1."""
    try:
        return max(1, min(int(raw), 10_000))
    except (TypeError, ValueError):
        return 1


def paginate(statement, number: int, per_page: int = PER_PAGE) -> Page:
    rows = list(db.session.scalars(statement.limit(per_page + 1).offset((number - 1) * per_page)))
    return Page(rows[:per_page], number, number > 1, len(rows) > per_page)


@dataclass(frozen=True)
class NumberedPage:
    """One page of a list already in memory, numbered "page 2 of 40" (a search filtered in Python)."""

    items: list
    number: int
    pages: int
    total: int


def numbered_page(items: list, raw_number, per_page: int) -> NumberedPage:
    """The page `raw_number` (from the query string) of `items`; past the end is the last page."""
    pages = max(1, -(-len(items) // per_page))
    number = min(page_number(raw_number), pages)
    start = (number - 1) * per_page
    return NumberedPage(items[start:start + per_page], number, pages, len(items))
