"""What registrations hold about a citizen, for the export and erasure of citizens/records.py (registered in
platform_core/wiring.py; `who` is its Citizen, read through `matches` only, so that this package does not import
citizens/, which imports it for the retention purge). The export gives the forms with their answers; erasure
blanks the answers and keeps the rows (which procedure, when, which dossier it became), as the dossier is kept."""

from sqlalchemy import select

from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.registrations.models import Registration
from platform_core.registrations.service import blank_answers


def export_registrations(who, dossier_ids: list) -> list[dict]:
    found = db.session.scalars(select(Registration).where(who.matches(Registration.zalo_user_id))
                               .order_by(Registration.created_at))
    return [{"reference": item.reference, "procedure_code": item.procedure_code,
             "procedure_name": item.procedure_name, "status": item.status, "answers": item.answers,
             "dossier_code": item.dossier_code, "created_at": item.created_at.isoformat()} for item in found]


def erase_registrations(who) -> int:
    return blank_answers(who.matches(Registration.zalo_user_id), utcnow())
