"""Every audit action the code records has a label (console/constants.AUDIT_ACTION_LABELS), so no row of an
audit log reads "Other change" or a raw code. The actions are read from the source with ast, not listed by hand:
the action argument of each call to an audit entry point, that is record_event or record_platform_event
(platform_core/audit/service.py) or a function that passes its own parameter on to one (auth's
_record_in_tenant). A call whose action the scan cannot read fails the test until DYNAMIC says what it records."""

import ast
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from platform_core.console.constants import AUDIT_ACTION_LABELS
from platform_core.feedback.constants import OFFICER_ACTIONS
from platform_core.settings.definitions import SETTINGS

PACKAGE = Path(__file__).resolve().parents[2] / "platform_core"
AUDIT_SERVICE = "platform_core.audit.service"
ENTRY_POINTS = {"record_event": 0, "record_platform_event": 0}  # name -> position of the action argument
# Entry points reached through a listener rather than an import: wiring.py registers record_platform_event
# as tenancy's audit listener, which `_audit(action, ...)` calls.
LISTENED = {"tenancy/service.py": {"_audit": 0}}
# Calls whose action is computed, by file and argument as written: the actions each can record.
DYNAMIC = {
    ("feedback/service.py", "f'feedback_{action}'"): {f"feedback_{action}" for action in OFFICER_ACTIONS},
    ("settings/service.py", "definition.audit_action"): {setting.audit_action for setting in SETTINGS.values()},
}


@dataclass
class Scan:
    actions: dict[str, set[str]] = field(default_factory=dict)  # action -> the files that record it
    unreadable: list[str] = field(default_factory=list)


def _entry_points(path: str, tree: ast.Module) -> dict[str, int]:
    """The module's names for the audit entry points, then its own functions forwarding a parameter to one."""
    entries = dict(LISTENED.get(path, {}))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == AUDIT_SERVICE:
            entries |= {alias.asname or alias.name: ENTRY_POINTS[alias.name]
                        for alias in node.names if alias.name in ENTRY_POINTS}
    if path == "audit/service.py":
        entries |= ENTRY_POINTS
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    while True:
        found = {function.name: position for function in functions if function.name not in entries
                 for position in [_forwarded(function, entries)] if position is not None}
        if not found:
            return entries
        entries |= found


def _forwarded(function: ast.FunctionDef, entries: dict[str, int]) -> int | None:
    """The position of the parameter `function` passes on as an entry point's action, if it does."""
    parameters = [argument.arg for argument in function.args.args]
    calls = _forwarding_calls(function, entries)
    return parameters.index(_action_argument(calls[0], entries).id) if calls else None


def _forwarding_calls(function: ast.FunctionDef, entries: dict[str, int]) -> list[ast.Call]:
    """The calls in `function` whose action is one of its parameters: its own callers say which."""
    parameters = {argument.arg for argument in function.args.args}
    return [call for call in _calls(function, entries)
            if isinstance(action := _action_argument(call, entries), ast.Name) and action.id in parameters]


def _calls(tree: ast.AST, entries: dict[str, int]) -> list[ast.Call]:
    return [node for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in entries]


def _action_argument(call: ast.Call, entries: dict[str, int]) -> ast.expr | None:
    position = entries[call.func.id]
    if len(call.args) > position:
        return call.args[position]
    return next((keyword.value for keyword in call.keywords if keyword.arg == "action"), None)


def _constants(tree: ast.Module) -> dict[str, str]:
    """The module's `NAME = "text"` assignments."""
    return {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            for target in node.targets if isinstance(target, ast.Name)}


def _actions(path: str, expression: ast.expr | None, constants: dict[str, str]) -> set[str] | None:
    """The actions `expression` can be, or None when the scan cannot tell."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return {expression.value}
    if isinstance(expression, ast.IfExp):
        body, orelse = (_actions(path, branch, constants) for branch in (expression.body, expression.orelse))
        return None if body is None or orelse is None else body | orelse
    if isinstance(expression, ast.Name) and expression.id in constants:
        return {constants[expression.id]}
    return DYNAMIC.get((path, ast.unparse(expression))) if expression is not None else None


@cache
def scan() -> Scan:
    """Parsed once for the four tests (parsing the package costs a second or more)."""
    result = Scan()
    for file in sorted(PACKAGE.rglob("*.py")):
        path = file.relative_to(PACKAGE).as_posix()
        tree = ast.parse(file.read_text(), filename=str(file))
        entries, constants = _entry_points(path, tree), _constants(tree)
        forwarded = {id(call) for function in ast.walk(tree) if isinstance(function, ast.FunctionDef)
                     and function.name in entries for call in _forwarding_calls(function, entries)}
        for call in _calls(tree, entries):
            if id(call) in forwarded:
                continue  # the wrapper's own callers are scanned instead
            actions = _actions(path, _action_argument(call, entries), constants)
            if actions is None:
                result.unreadable.append(f"{path}:{call.lineno}: {ast.unparse(call)[:80]}")
                continue
            for action in actions:
                result.actions.setdefault(action, set()).add(path)
    return result


def test_every_recorded_action_has_a_label():
    found = scan()
    missing = {action: sorted(paths) for action, paths in found.actions.items() if action not in AUDIT_ACTION_LABELS}
    assert not missing, f"audit actions with no label in console/constants.AUDIT_ACTION_LABELS: {missing}"


def test_the_scan_reads_every_audit_call():
    assert not scan().unreadable, "teach DYNAMIC which actions these calls record"


def test_the_scan_finds_actions_however_they_are_recorded():
    actions = scan().actions
    for action in ("login_failed",  # a literal, on the platform's log
                   "role_granted",  # through auth's _record_in_tenant
                   "tenant_created",  # through tenancy's audit listener
                   "cross_tenant_access",  # inside the audit service itself
                   "templates_reviewed",  # a module constant
                   "profile_created", "profile_updated",  # a conditional
                   "feedback_accept", "result_sources_changed"):  # computed (DYNAMIC)
        assert action in actions, action


def test_every_label_names_a_recorded_action():
    assert not set(AUDIT_ACTION_LABELS) - set(scan().actions), "labels for actions nothing records"
