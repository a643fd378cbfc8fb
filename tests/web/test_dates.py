"""Dates on pages: one filter (web/dates.py), dd/mm/yyyy in Vietnam time, whatever the language; and one form
field that shows and takes them that way (ISO too, for links)."""

import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms.validators import InputRequired, Optional

from platform_core.clock import VIETNAM
from platform_core.config import REPO_ROOT
from platform_core.extensions import db
from platform_core.web.dates import VnDateField, VnDateTimeField, vn_date
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


class DayForm(Form):
    day = VnDateField("Day", validators=[Optional()])
    birth = VnDateField("Birth", validators=[InputRequired()], render_kw={"autocomplete": "bday"})


def typed(day: str, birth: str = "30/04/1995") -> DayForm:
    form = DayForm(MultiDict({"day": day, "birth": birth}))
    form.validate()
    return form


@pytest.mark.parametrize("text", ["05/07/2026", "5/7/2026", " 05/7/2026 ", "2026-07-05"])
def test_a_date_is_taken_as_typed_or_as_a_link_carries_it(text):
    form = typed(text)
    assert form.errors == {} and form.day.data == date(2026, 7, 5)
    assert form.day._value() == "05/07/2026" and form.day.iso() == "2026-07-05"


@pytest.mark.parametrize("text", ["31/02/2026", "29/02/2026", "2026-02-31", "13/13/2026", "07/05/26", "5.7.2026",
                                  "05-07-2026", "2026/07/05", "ngày mai", "05/07/2026x"])
def test_anything_else_is_refused_in_vietnamese_and_kept_as_typed(app, text):
    with app.test_request_context("/?lang=vi"):
        form = typed(text)
        assert [str(error) for error in form.errors["day"]] == [
            "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy, ví dụ 31/12/2026."]
        assert form.day.data is None and form.day._value() == text and form.day.iso() == text


def test_a_leap_day_is_a_date():
    assert typed("29/02/2028").day.data == date(2028, 2, 29)


def test_empty_is_no_date_and_the_validators_decide():
    form = typed("", birth="")
    assert form.day.data is None and "day" not in form.errors
    assert form.birth.data is None and form.errors["birth"] == ["This field is required."]


def test_it_renders_a_text_box_for_dd_mm_yyyy_with_the_date_so_written():
    form = DayForm(data={"day": date(2026, 7, 5)})
    html = str(form.day())
    assert 'type="text"' in html and 'value="05/07/2026"' in html
    assert 'placeholder="dd/mm/yyyy"' in html and 'inputmode="numeric"' in html and 'autocomplete="off"' in html
    assert re.search(r'pattern="([^"]+)"', html)[1] == r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}"
    assert 'autocomplete="bday"' in str(form.birth())  # a field's own attributes win


class MomentForm(Form):
    moment = VnDateTimeField("Moment", validators=[Optional()])


@pytest.mark.parametrize("text", ["01/12/2026 08:00", "1/12/2026 8:00", "2026-12-01T08:00", "2026-12-01 08:00"])
def test_a_moment_is_typed_in_vietnam_time_as_dd_mm_yyyy_hh_mm(text):
    form = MomentForm(MultiDict({"moment": text}))
    assert form.validate() and form.moment.data == datetime(2026, 12, 1, 8, 0, tzinfo=VIETNAM)
    assert form.moment.data.astimezone(UTC).isoformat() == "2026-12-01T01:00:00+00:00"
    assert form.moment._value() == "01/12/2026 08:00"


@pytest.mark.parametrize("text", ["01/12/2026", "31/11/2026 08:00", "01/12/2026 24:00", "01/12/2026 08:60",
                                  "12/01/2026 8am", "2026-12-01T08:00:00+07:00"])
def test_anything_else_is_no_moment(app, text):
    with app.test_request_context("/?lang=vi"):
        form = MomentForm(MultiDict({"moment": text}))
        assert not form.validate() and form.moment._value() == text
        assert [str(error) for error in form.errors["moment"]] == [
            "Ngày giờ không hợp lệ: nhập theo dạng dd/mm/yyyy hh:mm, ví dụ 31/12/2026 08:30."]


def test_a_moment_renders_as_vietnam_time_whatever_its_zone():
    html = str(MomentForm(data={"moment": datetime(2026, 12, 1, 1, 0, tzinfo=UTC)}).moment())
    assert 'value="01/12/2026 08:00"' in html and 'placeholder="dd/mm/yyyy hh:mm"' in html
    assert 'type="text"' in html and 'maxlength="16"' in html


def test_every_date_field_of_the_product_is_one_of_these():
    offenders = [str(path.relative_to(REPO_ROOT)) for path in (REPO_ROOT / "platform_core").rglob("*.py")
                 if re.search(r"\b(DateField|DateTimeField|DateTimeLocalField)\b", path.read_text(encoding="utf-8"))]
    assert offenders == []
