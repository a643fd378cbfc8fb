"""Injected faults: the next N matching calls get a chosen answer (docs/zalo-oa.md §9 item 20).

A fault is {id, match:{host?, path?, app_id?, oa_id?, user_id?}, response:{...}?, times, delay_ms?}.
`response` may be a Zalo error code (wrapped in the host's own error shape), a raw body with any HTTP status
(an HTML 502 page), `invalid_json`, or `reset` (the TCP connection is reset). A fault with only `delay_ms`
slows the call down and then lets it through, for client timeout tests.
"""

import itertools

from platform_core.sandbox.calls import Reply, json_reply

HOSTS = {"oauth.zaloapp.com": "oauth", "openapi.zalo.me": "openapi", "business.openapi.zalo.me": "business"}
_ids = itertools.count(1)


def add_fault(state, spec: dict) -> dict:
    match = dict(spec.get("match") or {})
    if match.get("host") in HOSTS:
        match["host"] = HOSTS[match["host"]]
    fault = {"id": next(_ids), "match": match, "response": spec.get("response"),
             "times": int(spec.get("times", 1)), "delay_ms": int(spec.get("delay_ms") or 0), "hits": 0}
    with state.lock:
        state.faults.append(fault)
    return fault


def matches(fault: dict, facts: dict) -> bool:
    for key, wanted in fault["match"].items():
        if wanted in (None, ""):
            continue
        value = facts.get(key)
        if key == "path":
            if str(wanted) not in (value or ""):
                return False
        elif str(value) != str(wanted):
            return False
    return True


def take_fault(state, facts: dict) -> dict | None:
    """The first live matching fault, with one use consumed (times <= 0 means every time)."""
    with state.lock:
        for fault in state.faults:
            if matches(fault, facts):
                fault["hits"] += 1
                if fault["times"] > 0:
                    fault["times"] -= 1
                    if fault["times"] == 0:
                        state.faults.remove(fault)
                return fault
    return None


def fault_response(spec: dict, host: str) -> Reply:
    status = int(spec.get("http_status", 200))
    if spec.get("reset"):
        return Reply(reset=True)
    if spec.get("invalid_json"):
        return Reply(b'{"error": 0, "message": "Succ', status)
    if "body" in spec:
        body = spec["body"]
        if isinstance(body, dict | list):
            return json_reply(body, status=status)
        default_type = "text/html" if str(body).lstrip().startswith("<") else "text/plain"
        return Reply(str(body).encode("utf-8"), status, spec.get("content_type", default_type))
    return json_reply(_error_body(spec, host), status=status)


def _error_body(spec: dict, host: str) -> dict:
    code = int(spec.get("error", -200))
    message = spec.get("message") or "Injected fault"
    if host == "oauth":
        name = spec.get("error_name") or "injected_error"
        return {"error": code, "error_name": name, "error_reason": message, "error_description": message}
    return {"error": code, "message": message}
