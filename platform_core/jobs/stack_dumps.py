"""`kill -USR1 <pid>` prints every thread's Python stack to the process's stderr, and the process goes on.

For the long-running background processes (`flask worker`, `flask delivery pump`, `flask scheduler`): when one
does not stop on SIGTERM or stops making progress, its stacks say where it waits, without a debugger on the
machine (the test stack asks for them before it kills such a process: tests/pipeline/stack.py). Not for the web
processes: gunicorn uses SIGUSR1 to reopen its log files.
"""

import faulthandler
import signal


def dump_stacks_on_sigusr1() -> None:
    faulthandler.register(signal.SIGUSR1, all_threads=True)
