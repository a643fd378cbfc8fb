"""Helpers of the end-to-end rating tests: a dossier returned through the public API, and the rating the stack
stored."""

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.ratings.models import Rating


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _one_stop_system(stack, province) -> httpx.Client:
    """The province's one-stop system: a client of the public API with the province's key."""
    return httpx.Client(base_url=f"{stack.url}/api/v1", headers={"Authorization": f"Bearer {province.api_key}"},
                        timeout=10)


def return_through_api(stack, province, code: str, applicant: dict) -> None:
    """As the province's one-stop system would: a dossier received three days ago, processed, its result
    ready, then returned (the event that invites the citizen to rate)."""
    received = datetime.now(UTC) - timedelta(days=3)
    created = _one_stop_system(stack, province).post("/dossiers", json={
        "code": code, "procedure_code": "1.004222", "received_at": iso(received),
        "due_at": iso(received + timedelta(days=9)), "applicant": applicant,
    })
    assert created.status_code == 201, created.text
    finish_through_api(stack, province, code)


def finish_through_api(stack, province, code: str) -> None:
    """The one-stop system reports the dossier processed, its result ready, then returned to the citizen."""
    api = _one_stop_system(stack, province)
    for status in ("processing", "result_ready", "returned"):
        response = api.post(f"/dossiers/{code}/events", json={"status": status, "occurred_at": iso(datetime.now(UTC))})
        assert response.status_code == 201, response.text


def stored_rating(stack, slug: str = "bac-ninh") -> Rating | None:
    with stack.app.app_context(), stack.in_tenant(slug):
        rating = db.session.scalar(select(Rating))
        db.session.remove()
        return rating
