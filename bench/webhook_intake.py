"""How fast POST /zalo/webhook/<slug> answers: verify the signature, store the raw event, queue a job.

Zalo wants a 200 within 2 s and the product promises "well under 100 ms", with no worker running (the job
just waits in Redis). Builds the app on a temporary SQLite database and the bundled Redis, connects one
tenant, then posts N distinct signed events through the WSGI app (no network) and prints latency
percentiles. Prints figures, asserts nothing.

    python bench/webhook_intake.py [--events 2000] [--max-seconds 60]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support import live_province, migrated_app  # noqa: E402
from platform_core.db.tenant_context import tenant_context  # noqa: E402
from platform_core.extensions import db  # noqa: E402
from platform_core.jobs.embedded_redis import start_server  # noqa: E402
from platform_core.zalo.connection import get_or_create_connection, save_credentials, store_token_pair  # noqa: E402
from platform_core.zalo.webhooks import expected_signature  # noqa: E402

APP_ID, OA_ID, OA_SECRET = "1001001", "3003001", "bench-oa-secret-key"


def build(workdir: Path, redis_url: str):
    app = migrated_app(workdir, redis_url)
    with app.app_context(), tenant_context(live_province()):
        connection = get_or_create_connection()
        save_credentials(connection, app_id=APP_ID, app_secret="s", oa_id=OA_ID, oa_secret_key=OA_SECRET)
        store_token_pair(connection, "a", "r", 90_000)
        db.session.commit()
    return app


def signed_event(n: int) -> tuple[bytes, dict]:
    body = {"app_id": APP_ID, "sender": {"id": f"user-{n % 500}"}, "recipient": {"id": OA_ID},
            "event_name": "user_send_text", "message": {"text": "HS-2025-0001", "msg_id": f"bench-{n}"},
            "timestamp": str(int(time.time() * 1000))}
    raw = json.dumps(body).encode()
    mac = expected_signature(APP_ID, raw, body["timestamp"], OA_SECRET)
    return raw, {"X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--max-seconds", type=float, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        redis_process, redis_url = start_server(workdir / "redis")
        try:
            app = build(workdir, redis_url)
            client = app.test_client()
            latencies, deadline, cpu = [], time.monotonic() + args.max_seconds, time.process_time()
            for n in range(args.events):
                raw, headers = signed_event(n)
                started = time.perf_counter()
                response = client.post("/zalo/webhook/bench-tinh", data=raw, headers=headers)
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"event {n}: HTTP {response.status_code} {response.get_data(as_text=True)}")
                if time.monotonic() > deadline:
                    break
            cpu = time.process_time() - cpu
        finally:
            redis_process.terminate()
    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(len(latencies) * p))]  # noqa: E731
    print(f"webhook intake, SQLite + bundled Redis, no worker: {len(latencies)} events")
    print(f"  p50 {pct(0.50):.2f} ms   p95 {pct(0.95):.2f} ms   p99 {pct(0.99):.2f} ms   max {latencies[-1]:.2f} ms")
    mean = statistics.mean(latencies)
    print(f"  mean {mean:.2f} ms  ->  {1000 / mean:.0f} events/s, one thread; CPU {cpu / len(latencies) * 1000:.2f} ms "
          f"per event in this process (Redis's not counted); load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")


if __name__ == "__main__":
    main()
