"""The import contract of pyproject.toml ([tool.importlinter]): the layers of docs/architecture.md and no
package cycles. `make lint` runs it; here it is run on the tree as it is, and on a copy with one violation
added, to show that the contract would catch it."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """lint-imports with `root`'s pyproject.toml, on the platform_core package found in `root`."""
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, env={"PYTHONPATH": str(root)},
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def tree_copy(tmp_path) -> Path:
    shutil.copytree(REPO / "platform_core", tmp_path / "platform_core",
                    ignore=shutil.ignore_patterns("__pycache__", "templates", "static", "translations"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def add_import(root: Path, module: str, statement: str) -> None:
    path = root / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text() + f"\n{statement}  # added by the test\n")


def test_the_tree_keeps_the_contract():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_a_platform_layer_importing_a_feature_breaks_the_layers(tree_copy):
    add_import(tree_copy, "platform_core.delivery.outbox", "import platform_core.feedback.service")
    result = lint_imports(tree_copy)
    assert result.returncode == 1
    assert "platform_core.delivery.outbox -> platform_core.feedback.service" in result.stdout


def test_a_lower_layer_importing_a_higher_one_breaks_the_layers(tree_copy):
    add_import(tree_copy, "platform_core.db.lookup", "import platform_core.tenancy.models")
    result = lint_imports(tree_copy)
    assert result.returncode == 1
    assert "platform_core.db.lookup -> platform_core.tenancy.models" in result.stdout


def test_two_features_importing_each_other_break_the_acyclic_contract(tree_copy):
    add_import(tree_copy, "platform_core.feedback.service", "import platform_core.officials.service")
    result = lint_imports(tree_copy)
    assert result.returncode == 1
    assert "No cycles are allowed in platform_core" in result.stdout
    assert ".feedback -> .officials" in result.stdout or ".officials -> .feedback" in result.stdout
