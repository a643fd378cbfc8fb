"""What the console's satisfaction page reads: the recent ratings (filtered, paged) and one rating in full."""

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from platform_core.dossiers.models import Dossier
from platform_core.extensions import db
from platform_core.ratings.models import Rating
from platform_core.ratings.reports import bounds
from platform_core.web.paging import Page, paginate


@dataclass(frozen=True)
class RatingFilter:
    start: date
    end: date
    procedure_code: str | None = None
    score: int | None = None


@dataclass(frozen=True)
class RatingRow:
    rating: Rating
    dossier_code: str


def recent_ratings(chosen: RatingFilter, number: int) -> Page:
    """Ratings first given in the period, last changed first, each with its dossier's code."""
    start, end = bounds(chosen.start, chosen.end)
    statement = select(Rating).where(Rating.submitted_at >= start, Rating.submitted_at < end)
    if chosen.procedure_code:
        statement = statement.where(Rating.procedure_code == chosen.procedure_code)
    if chosen.score:
        statement = statement.where(Rating.score == chosen.score)
    page = paginate(statement.order_by(Rating.updated_at.desc(), Rating.id.desc()), number)
    codes = _codes({rating.dossier_id for rating in page.items})
    rows = [RatingRow(rating, codes.get(rating.dossier_id, "")) for rating in page.items]
    return Page(rows, page.number, page.has_previous, page.has_next)


def rating_detail(rating_id: uuid.UUID) -> RatingRow | None:
    """The tenant's rating with this id, or None (another province's rating is not found)."""
    rating = db.session.scalar(select(Rating).where(Rating.id == rating_id))
    if rating is None:
        return None
    return RatingRow(rating, _codes({rating.dossier_id}).get(rating.dossier_id, ""))


def _codes(dossier_ids: set) -> dict:
    if not dossier_ids:
        return {}
    return dict(db.session.execute(select(Dossier.id, Dossier.code).where(Dossier.id.in_(dossier_ids))).all())
