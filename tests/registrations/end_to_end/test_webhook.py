"""The signed webhook end to end, over real HTTP, Redis and an RQ worker (issue 13, part 2): the province gives a
local receiver's address in the console and is shown the secret once; a registration sent on the form reaches
the receiver from the worker, signed with that secret, after a first refusal (the same delivery id on the retry);
a receiver that keeps refusing leaves a failed delivery that the console shows."""

import hashlib
import hmac
import json
import re

import httpx

from tests.pipeline.stack import add_province
from tests.registrations.end_to_end.support import MARRIAGE, console, form_link, seed


def test_each_registration_reaches_the_provinces_receiver_signed_and_failures_show_in_the_console(
        stack, zalo_sandbox, receiver):
    add_province(stack, zalo_sandbox, "bac-ninh", "Bắc Ninh")
    seed(stack)
    stack.app.config["REGISTRATION_WEBHOOK_RETRY_SECONDS"] = (1, 1)  # queued by the web process, in this one
    stack.start_workers(1)
    admin = console(stack)
    assert admin.post("/bac-ninh/admin/registrations/", data={
        "open": MARRIAGE, f"fields-{MARRIAGE}": ["full_name", "phone"]}).status_code == 302

    # Only https, or http to this machine outside production; the secret is shown once.
    refused = admin.post("/bac-ninh/admin/registrations/webhook", data={"url": "http://example.com/hook"})
    assert refused.status_code == 422 and "https://" in refused.text
    saved = admin.post("/bac-ninh/admin/registrations/webhook", data={"url": receiver.url})
    assert saved.status_code == 200
    secret = re.search(r'<code id="webhook-secret"[^>]*>([^<]+)</code>', saved.text)[1]
    page = admin.get("/bac-ninh/admin/registrations/webhook")
    assert receiver.url in page.text and secret not in page.text

    # A registration: refused once by the receiver, then taken, signed with the secret.
    receiver.statuses = [500, 200]
    form = httpx.post(form_link(stack, "8001"), data={"full_name": "Trần Thị Bình", "phone": "0987654321"},
                      timeout=10)
    assert form.status_code == 200 and not receiver.requests  # never sent in the citizen's request
    zalo_sandbox.wait_for(lambda: len(receiver.requests) >= 2, timeout=90)
    (first_headers, first_body), (headers, body) = receiver.requests
    assert headers["X-Motcua-Delivery"] == first_headers["X-Motcua-Delivery"]
    expected = hmac.new(secret.encode(), headers["X-Motcua-Timestamp"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Motcua-Signature"], f"sha256={expected}")
    payload = json.loads(body)
    assert payload["event"] == "registration.created" == headers["X-Motcua-Event"]
    assert payload["registration"]["answers"] == {"full_name": "Trần Thị Bình", "phone": "0987654321"}
    assert payload["registration"]["reference"] in form.text

    def delivery_row(reference: str) -> str:
        html = admin.get("/bac-ninh/admin/registrations/webhook").text
        return next((row for row in html.split("<tr") if reference in row), "")
    zalo_sandbox.wait_for(lambda: "Đã nhận" in delivery_row(payload["registration"]["reference"]), timeout=30)

    # A receiver that keeps refusing: three attempts, then the delivery is failed, and the console says so.
    receiver.statuses = [503]
    failing = httpx.post(form_link(stack, "8002"), data={"full_name": "Lê Văn C", "phone": "0912345678"},
                         timeout=10)
    reference = re.search(r"DK-[0-9A-F]{8}", failing.text)[0]
    zalo_sandbox.wait_for(lambda: "Thất bại" in delivery_row(reference), timeout=90)
    assert "HTTP 503" in delivery_row(reference) and len(receiver.requests) == 5
    assert "không gửi được tới webhook" in admin.get("/bac-ninh/admin/registrations/").text
