"""A snippet run in a new Python process that can `import wsgi`, as a worker or a pump starts: for tests of what a
process does at its start (tests/test_heap.py, tests/db/test_migrations.py)."""

import subprocess
import sys
from pathlib import Path

from platform_core.config import REPO_ROOT

# Named so that create_app does not start the instance's own Redis (which would outlive the test); nothing here
# connects to it.
UNUSED_REDIS = "redis://127.0.0.1:1/0"


def output_of(snippet: str, instance_path: Path) -> str:
    """The snippet's stdout; it runs with a settings-free environment but for its own instance folder."""
    env = {"PATH": "/usr/bin:/bin", "MOTCUA_INSTANCE_PATH": str(instance_path), "REDIS_URL": UNUSED_REDIS}
    return subprocess.run([sys.executable, "-c", snippet], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=60, check=True).stdout
