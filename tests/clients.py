"""The web test client every test uses, and the cheap password hashing for tests."""

import contextvars
import itertools

from argon2 import PasswordHasher
from flask.testing import FlaskClient

# Argon2id at production cost takes ~0.3 s a hash; tests exercise the flows, not the cost.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

_addresses = itertools.count(1)


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context, as in production.

    The autouse db_session fixture keeps an app context pushed for the whole test, and Flask reuses it for
    requests, so `g` (Flask-Login's cached user, the tenant, Babel's locale) would otherwise leak from one
    request to the next. The requests still share the test's rolled-back connection.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def fresh_address() -> str:
    """An IP address no other test in this run uses, so rate-limit counters never spill over."""
    number = next(_addresses)
    return f"10.77.{number // 250}.{number % 250 + 1}"


def isolated_client(app) -> IsolatedClient:
    client = IsolatedClient(app, app.response_class, use_cookies=True)
    client.environ_base["REMOTE_ADDR"] = fresh_address()
    return client
