"""The Zalo sandbox's ceiling: how many sends a second one sandbox process answers at a given latency.

The delivery bench is only meaningful if the sandbox outruns the product: at 50 ms per call, Zalo's ceiling
for 34 provinces (≈ 2,270 msg/s) needs about 115 calls in flight, and the sandbox must answer ≥ 3,000 calls/s.

Starts `python -m platform_core.sandbox --latency-ms 50` (a process of its own, as `make run` has it), gives
it an app without a rate limit, a token and a citizen, then sends from a separate client process (aiohttp,
hundreds of calls in flight, each waiting for its answer before the next) for a few seconds, and prints the
calls answered per second next to the target, the latency the client saw, the CPU each process used and the
machine's load (other work on the 2 cores lowers the figure). Prints figures, asserts nothing.

    python bench/sandbox_ceiling.py [--latency-ms 50] [--in-flight 256 512] [--seconds 5] [--kind cs|zns]

bench/delivery.py calls measure_ceiling(base_url) on the sandbox it runs.
"""

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import uvloop

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGET = 3000  # calls/s at 50 ms (issue 11: Zalo's ceiling for 34 provinces, with room to spare)
TEMPLATE_ID = "231001"
NOTICE = "Hồ sơ của Ông/Bà đã được tiếp nhận."
KINDS = {  # the path, and the body for a user id and a phone: the hot sends of the delivery engine
    "cs": ("/openapi/v3.0/oa/message/cs",
           lambda user, phone: {"recipient": {"user_id": user}, "message": {"text": NOTICE}}),
    "zns": ("/business/message/template",
            lambda user, phone: {"phone": phone, "template_id": TEMPLATE_ID, "tracking_id": "bench",
                                 "template_data": {"dossier_code": "H01.01-260302-0001"}}),
}


# --- the client (a separate process: a client in the sandbox's process would share its GIL) ---------------------

async def client(url: str, token: str, body: bytes, in_flight: int, seconds: float) -> dict:
    import aiohttp  # only the client process needs it at import time

    headers = {"access_token": token, "Content-Type": "application/json"}
    ok, errors, latencies = 0, {}, []
    connector = aiohttp.TCPConnector(limit=in_flight)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as session:

        async def send() -> tuple[str | None, float]:
            started = time.perf_counter()
            try:
                async with session.post(url, data=body, headers=headers) as answer:
                    payload = await answer.read()
                code = json.loads(payload).get("error") if answer.status == 200 else f"HTTP {answer.status}"
            except (TimeoutError, aiohttp.ClientError, ValueError) as error:
                code = type(error).__name__
            return (None if code == 0 else str(code)), time.perf_counter() - started

        async def loop(stop_at: float) -> None:
            nonlocal ok
            while time.perf_counter() < stop_at:
                problem, took = await send()
                latencies.append(took)
                if problem is None:
                    ok += 1
                else:
                    errors[problem] = errors.get(problem, 0) + 1

        await asyncio.gather(*(send() for _ in range(in_flight)))  # open the connections (not counted)
        print("window", flush=True)  # the parent samples the sandbox's CPU time now and after the result line
        started, cpu_started = time.perf_counter(), time.process_time()
        await asyncio.gather(*(loop(started + seconds) for _ in range(in_flight)))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    latencies.sort()
    return {"ok": ok, "errors": errors, "seconds": elapsed, "rate": ok / elapsed,
            "p50_ms": 1000 * latencies[len(latencies) // 2], "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)],
            "client_cpu_ms_per_call": 1000 * cpu / max(ok, 1)}


# --- measuring a running sandbox ----------------------------------------------------------------------------

def prepare(base_url: str, kind: str) -> tuple[str, str, bytes]:
    """An app of the bench's own without a rate limit, its token, and the body of one send to its citizen."""
    with httpx.Client(base_url=f"{base_url}/_fake", timeout=10) as control:
        app = control.post("/apps", json={"slug": "bench-ceiling", "oa_name": "Bench ceiling"}).json()
        control.post("/ratelimit", json={"limit": 10**9, "app_id": app["app_id"]}).raise_for_status()
        token = control.post(f"/apps/{app['app_id']}/tokens").json()["access_token"]
        user = control.post("/users", json={"app_id": app["app_id"], "display_name": "Trần Thị Bình",
                                            "phone": "0912000111", "last_interaction": "now"}).json()
        control.post("/templates", json={"template_id": TEMPLATE_ID, "oa_ids": [app["oa_id"]], "listParams": [
            {"name": "dossier_code", "require": True, "maxLength": 40}]}).raise_for_status()
    path, build = KINDS[kind]
    return f"{base_url}{path}", token, json.dumps(build(user["user_id"], user["phone"])).encode()


def measure_ceiling(base_url: str, in_flight: int = 256, seconds: float = 5.0, kind: str = "cs",
                    sandbox_pid: int | None = None) -> dict:
    """Calls answered per second by the sandbox at `base_url` (whatever latency it is set to), from a client
    process with `in_flight` calls outstanding: {"rate", "ok", "errors", "p50_ms", "p99_ms",
    "client_cpu_ms_per_call"}, and "sandbox_cpu_ms_per_call" when the sandbox's process is given."""
    url, token, body = prepare(base_url, kind)
    client = subprocess.Popen(  # noqa: S603 - this very script, as the client
        [sys.executable, __file__, "--client", url, token, body.decode(), str(in_flight), str(seconds)],
        stdout=subprocess.PIPE, text=True)
    try:
        client.stdout.readline()  # "window": the connections are open, the counted sends begin
        cpu_before = cpu_seconds(sandbox_pid) if sandbox_pid else 0.0
        result = json.loads(client.stdout.readline())
        if sandbox_pid:
            result["sandbox_cpu_ms_per_call"] = 1000 * (cpu_seconds(sandbox_pid) - cpu_before) / max(result["ok"], 1)
    finally:
        client.wait(timeout=30)
    return result


# --- the stand-alone run ------------------------------------------------------------------------------------

def start_sandbox(latency_ms: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "platform_core.sandbox", "--port", str(port), "--latency-ms", str(latency_ms)],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    process.stdout.readline()  # "oauth <url>": bound and about to serve
    return process, f"http://127.0.0.1:{port}"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=50, help="the sandbox's latency on every Zalo call")
    parser.add_argument("--in-flight", type=int, nargs="+", default=[256], help="calls outstanding (one run each)")
    parser.add_argument("--seconds", type=float, default=5.0, help="per run")
    parser.add_argument("--kind", choices=sorted(KINDS), default="cs", help="cs message or ZNS by phone")
    args = parser.parse_args()
    process, base_url = start_sandbox(args.latency_ms)
    try:
        print(f"sandbox: one process, latency {args.latency_ms} ms, {args.kind} sends; load before: "
              f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        for in_flight in args.in_flight:
            result = measure_ceiling(base_url, in_flight, args.seconds, args.kind, sandbox_pid=process.pid)
            sandbox_ms = result["sandbox_cpu_ms_per_call"]
            verdict = "meets" if result["rate"] >= TARGET else "BELOW"
            print(f"sandbox ceiling: {result['rate']:,.0f} calls/s with {in_flight} in flight "
                  f"({verdict} the target of {TARGET:,}); latency seen p50 {result['p50_ms']:.0f} ms, "
                  f"p99 {result['p99_ms']:.0f} ms; errors {result['errors'] or 0}; load {os.getloadavg()[0]:.2f}")
            print(f"  CPU per call: sandbox {sandbox_ms:.3f} ms (one free core: {1000 / sandbox_ms:,.0f} calls/s), "
                  f"client {result['client_cpu_ms_per_call']:.3f} ms")
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--client"]:
        url, token, body, in_flight, seconds = sys.argv[2:7]
        result = uvloop.run(client(url, token, body.encode(), int(in_flight), float(seconds)))  # as the sandbox
        print(json.dumps(result))
    else:
        main()
