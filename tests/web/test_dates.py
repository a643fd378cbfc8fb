"""Dates on pages: one filter (web/dates.py), dd/mm/yyyy in Vietnam time, whatever the language."""

import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from platform_core.config import REPO_ROOT
from platform_core.extensions import db
from platform_core.web.dates import vn_date
from tests import factories
from tests.auth.support import sign_in

TEMPLATE_FOLDERS = [REPO_ROOT / "platform_core" / "templates", REPO_ROOT / "platform_core" / "sandbox" / "templates"]


def test_an_instant_is_written_in_vietnam_time():
    assert vn_date(datetime(2026, 2, 3, 17, 30, tzinfo=UTC)) == "04/02/2026 00:30"
    assert vn_date(datetime(2026, 2, 3, 9, 5, tzinfo=timezone(timedelta(hours=-5)))) == "03/02/2026 21:05"


def test_an_instant_without_a_zone_is_utc_as_stored():
    assert vn_date(datetime(2026, 12, 31, 18, 0)) == "01/01/2027 01:00"


def test_the_day_only_of_an_instant_is_the_day_in_vietnam():
    assert vn_date(datetime(2026, 2, 3, 17, 30, tzinfo=UTC), time=False) == "04/02/2026"


def test_a_date_and_nothing():
    assert vn_date(date(2026, 7, 5)) == "05/07/2026"
    assert vn_date(date(2026, 7, 5), time=False) == "05/07/2026"
    assert vn_date(None) == ""


def test_no_template_formats_a_date_another_way():
    other_ways = re.compile(r"\b(datetimeformat|dateformat|timeformat|strftime|isoformat)\b")
    offenders = [str(path.relative_to(REPO_ROOT)) for folder in TEMPLATE_FOLDERS for path in folder.rglob("*.html")
                 if other_ways.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_page_writes_the_date_the_same_way_in_both_languages(client, tenant_a, lang):
    factories.create_user("quan-tri@motcua.vn", tenant=tenant_a, role="admin")
    officer = factories.create_user("can-bo@motcua.vn", tenant=tenant_a, role="officer")
    officer.last_login_at = datetime(2026, 11, 30, 18, 15, tzinfo=UTC)
    db.session.flush()
    sign_in(client, "quan-tri@motcua.vn")
    html = client.get(f"/bac-ninh/admin/team/?lang={lang}").get_data(as_text=True)
    assert "01/12/2026 01:15" in html
