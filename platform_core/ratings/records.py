"""What ratings hold about a citizen, for the export and erasure of citizens/records.py (registered in
platform_core/wiring.py): rating invitations, whose contact is blanked on erasure, and ratings, which are scores
without contact and are kept."""

from sqlalchemy import select, update

from platform_core.citizens.consent import Citizen
from platform_core.citizens.records import execute, rows
from platform_core.ratings.models import Rating, RatingInvitation


def export_invitations(who: Citizen, dossier_ids: list) -> list[dict]:
    return rows(select(RatingInvitation).where(who.matches(RatingInvitation.zalo_user_id, RatingInvitation.phone_e164)))


def export_ratings(who: Citizen, dossier_ids: list) -> list[dict]:
    return rows(select(Rating).where(Rating.dossier_id.in_(dossier_ids)))


def erase_invitations(who: Citizen) -> int:
    return execute(update(RatingInvitation).where(
        who.matches(RatingInvitation.zalo_user_id, RatingInvitation.phone_e164))
        .values(zalo_user_id=None, phone_e164=None))
