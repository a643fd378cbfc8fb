"""The suite in parallel (pytest-xdist, `make test`): how tests are handed out, and the tests that run alone.

- Each xdist worker is a separate pytest run with its own session fixtures (tests/conftest.py; tests/workers.py
  names the PostgreSQL database and the Redis database number a worker uses when they come from settings).
- `make test` hands out whole test files (`--dist loadfile`: module-scoped fixtures, such as a browser and its
  server, are set up once), with one exception: the tests marked `alone` form a single unit, handed out first.
- `@pytest.mark.alone`: a test whose assertions measure time (a province's message waits less than 3 s). A test
  whose progress only has deadlines is not (2,500 messages through a pipeline that is crashed on purpose,
  tests/pipeline/test_nothing_lost.py): its deadlines are loose enough to share the machine with the tests
  another worker runs meanwhile, so that core is not left idle for a minute. While an `alone` test runs,
  no other worker starts a test: it takes an exclusive lock that every other test takes shared. Such tests
  keep both cores busy with their own processes (workers, pump, web server, sandbox) anyway, so the run
  loses little by running them one at a time; handed out first, to one worker, they wait for one short
  test on each other worker at most, never for a long one.

Without xdist workers (`make test TEST_WORKERS=0`, or pytest run directly) none of this applies.
"""

import fcntl
import functools
from contextlib import contextmanager
from pathlib import Path

import pytest
from xdist.scheduler import LoadFileScheduling

from tests.workers import worker_id

ALONE = "the tests marked alone"  # the name of their unit of work

# --- handing out -------------------------------------------------------------------------------------------

def pytest_collection_modifyitems(config, items):
    """In a worker: the `alone` tests first (otherwise collection order), written down for the controller,
    which sees test ids only."""
    if not worker_id():
        return
    items.sort(key=lambda item: not _alone(item))
    alone = [item.nodeid for item in items if _alone(item)]
    (_run_folder(config) / f"alone-{worker_id()}.txt").write_text("\n".join(alone))


def _alone(item) -> bool:
    return item.get_closest_marker("alone") is not None


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") == "loadfile":
        return FilesAndTheAloneTests(config, log)
    return None


class FilesAndTheAloneTests(LoadFileScheduling):
    """`--dist loadfile`, except that the `alone` tests make one unit of work. Units go out in collection order
    when `--no-loadscope-reorder` is given (make test does), which puts that one first."""

    def _split_scope(self, nodeid: str) -> str:
        return ALONE if nodeid in self._alone else super()._split_scope(nodeid)

    @functools.cached_property
    def _alone(self) -> set[str]:
        """Read once the workers have all collected (they write before sending their collection)."""
        folder = _run_folder(self.config)
        return {nodeid for path in folder.glob("alone-*.txt") for nodeid in path.read_text().split("\n") if nodeid}


def _run_folder(config) -> Path:
    """The run's temporary folder, shared by its workers: xdist gives each <run>/popen-gwN."""
    if worker_id():
        return Path(config.option.basetemp).parent
    return config._tmp_path_factory.getbasetemp()


# --- tests that run alone ----------------------------------------------------------------------------------

@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Setup, call and teardown of each test under the run's lock: exclusive for `alone`, shared otherwise."""
    if not worker_id():
        return (yield)
    with _run_lock(item.config, exclusive=_alone(item)):
        return (yield)


@contextmanager
def _run_lock(config, exclusive: bool):
    """A readers-writer lock over files in the run's temporary folder (shared by its workers). The turnstile
    makes it fair: a waiting `alone` test holds it, so that no new test starts until it has had its turn."""
    folder = _run_folder(config)
    with open(folder / "motcua-turnstile.lock", "a") as turnstile, open(folder / "motcua-run.lock", "a") as run:
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        fcntl.flock(run, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        if not exclusive:
            fcntl.flock(turnstile, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(run, fcntl.LOCK_UN)
            fcntl.flock(turnstile, fcntl.LOCK_UN)
