"""What the console masks in free text before an operator reads it."""

import pytest

from platform_core.operator.redact import last_line, redact


@pytest.mark.parametrize(("text", "shown"), [
    ("LookupError: no Zalo account for 0912345678", "LookupError: no Zalo account for •••"),
    ("phone +84 912 345 678 refused", "phone ••• refused"),
    ("KeyError: 'Nguyễn Văn An'", "KeyError: •••"),
    ('dossier "H15.50.05.13-260715-0001" missing', "dossier ••• missing"),
    ("user 5550001112223334 blocked the OA", "user ••• blocked the OA"),
    ("mail an.nguyen@example.vn bounced", "mail ••• bounced"),
    ("ZaloError: -216 access token invalid", "ZaloError: -216 access token invalid"),  # codes stay readable
    ("", ""),
])
def test_redact(text, shown):
    assert redact(text) == shown


def test_last_line_is_the_exception():
    traceback = 'Traceback (most recent call last):\n  File "x.py", line 1\nValueError: bad\n\n'
    assert last_line(traceback) == "ValueError: bad"
