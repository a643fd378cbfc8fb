"""The setup wizard's progress: which steps are done, which comes next, and how a step page is rendered.

Steps are resumable: what a step saves is stored at once (profile, account, connection, catalogue,
templates), so going back shows what was entered; `completed_steps` only records that a step was finished.
"""

from flask import render_template, url_for
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.onboarding.constants import STEP_KEYS, STEPS
from platform_core.onboarding.models import SetupProgress


def progress() -> SetupProgress:
    """The tenant-in-context's progress row, created on first use."""
    row = db.session.scalar(select(SetupProgress))
    if row is None:
        row = SetupProgress(completed_steps=[])
        db.session.add(row)
        db.session.flush()
    return row


def is_done(step: str) -> bool:
    return step in progress().completed_steps


def mark_done(step: str) -> None:
    if step not in STEP_KEYS:
        raise ValueError(f"unknown setup step {step!r}")
    row = progress()
    if step not in row.completed_steps:
        row.completed_steps = [*row.completed_steps, step]  # a new list: JSON columns track assignment only


def first_incomplete() -> str | None:
    done = set(progress().completed_steps)
    return next((key for key in STEP_KEYS if key not in done), None)


def next_step(after: str) -> str | None:
    index = STEP_KEYS.index(after)
    return STEP_KEYS[index + 1] if index + 1 < len(STEP_KEYS) else None


def previous_step(before: str) -> str | None:
    index = STEP_KEYS.index(before)
    return STEP_KEYS[index - 1] if index > 0 else None


def step_url(step: str) -> str:
    """Each step is the view `onboarding.<step key>`."""
    return url_for(f"onboarding.{step}")


def resume_url() -> str:
    """Where an administrator comes back to the setup once the invitation link is used up: step 1's address
    (signed out, it asks to sign in and returns there; the progress list leads on to the next step)."""
    return url_for(f"onboarding.{STEP_KEYS[0]}", _external=True)


def render_step(step: str, template: str, **context) -> str:
    """Render a step page inside the wizard layout (progress list, step number, back link)."""
    done = set(progress().completed_steps)
    return render_template(
        template,
        wizard_steps=STEPS,
        wizard_current=step,
        wizard_done=done,
        wizard_number=STEP_KEYS.index(step) + 1,
        wizard_total=len(STEP_KEYS),
        wizard_previous=previous_step(step),
        **context,
    )
