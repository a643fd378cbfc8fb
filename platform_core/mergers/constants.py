"""A merge's phases and statuses, with the labels its pages show."""

from flask_babel import lazy_gettext as _l

PLANNED, RUNNING, DONE, FAILED = "planned", "running", "done", "failed"
STATUSES = {PLANNED: _l("Planned"), RUNNING: _l("Running"), DONE: _l("Done"), FAILED: _l("Failed")}

# The order a merge goes through (service.advance); each phase records its progress as it goes.
FAREWELL = "farewell"  # the source's followers are told, through its own OA, where to follow now
FAREWELL_WAIT = "farewell_wait"  # ... and the source stays served until those messages are sent
FREEZE = "freeze"  # the source becomes `merged`, pointing at the target: nothing new reaches it
COPY = "copy"  # its rows are copied into the target, parents first
DELETE = "delete"  # the copied originals are deleted, children first
FINISHED = "finished"
PHASES = (FAREWELL, FAREWELL_WAIT, FREEZE, COPY, DELETE, FINISHED)
PHASE_LABELS = {
    FAREWELL: _l("Telling the followers where to follow"),
    FAREWELL_WAIT: _l("Waiting for those messages to be sent"),
    FREEZE: _l("Closing the merged province"),
    COPY: _l("Copying its records"),
    DELETE: _l("Removing the copied originals"),
    FINISHED: _l("Finished"),
}

FAREWELL_KIND = "merge_farewell"  # the notification kind of the message to the source's followers
FAREWELL_MAX_WAIT_HOURS = 24  # then the merge goes on and counts what was not sent
