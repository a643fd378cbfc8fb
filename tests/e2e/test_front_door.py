"""The citizen's journey in a real Chromium, at a phone's 390 px and a laptop's 1280 px, against a whole stack
(web, RQ worker, delivery pump, Zalo sandbox): the province's front door with JavaScript off (search the
catalogue and turn its pages, look a dossier up by its code, reach the feedback form), then the OA followed
through the page's link, which in tests opens the Zalo sandbox's phone view, where the citizen taps
"Quan tâm OA". Then in the citizen's Zalo (the phone view): the dossier looked up by chatting its code to the
OA, the phone shared from the bot's card; the province's one-stop system returns the dossier through the
API; the rating invitation arrives with its buttons, and a tap on one records the rating.

Screenshots: test-artifacts/e2e/front-door-*.png; docs/screenshots/ keeps copies (README)."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from platform_core.dossiers.models import Dossier
from platform_core.extensions import db
from platform_core.ratings.models import Rating
from tests import factories
from tests.e2e.conftest import ARTIFACTS, assert_fits, fill_in, vi
from tests.e2e.test_layout import LAPTOP, PHONE
from tests.e2e.test_sandbox_phone import events_for
from tests.pipeline.stack import add_province
from tests.ratings.end_to_end.support import finish_through_api

pytestmark = pytest.mark.browser

CODE = "000.00.24.H04-260715-0001"
REACHES_THE_PHONE = 60_000  # ms: through the webhook, the pump, a worker, the sandbox and the view's refresh
PHONE_REFRESH_MS = 200  # the phone view's refresh (3 s by default): the journey waits on it at every message


@pytest.fixture
def province(stack, zalo_sandbox, monkeypatch):
    """Bắc Ninh on a running stack, its OA's page pointed at the sandbox's phone view, with a catalogue of 31
    procedures and one dossier filed with the citizen's phone."""
    province = add_province(stack, zalo_sandbox, "bac-ninh", "Bắc Ninh")
    zalo_sandbox.settings(phone_refresh_ms=PHONE_REFRESH_MS)
    monkeypatch.setitem(stack.app.config, "ZALO_OA_PAGE_URL", f"{zalo_sandbox.base_url}/#oa-{{oa_id}}")
    with stack.app.app_context(), stack.in_tenant("bac-ninh"):
        for number in range(30):
            factories.create_procedure(f"8.{number:06d}", f"Thủ tục mẫu số {number:02d}", field="Thử nghiệm")
        factories.create_dossier(CODE)  # procedure 1.004222, "Đăng ký thường trú"; applicant phone 0912345678
        db.session.commit()
        db.session.remove()
    stack.start_workers(1)
    stack.start_pump()
    return province


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1280px"])
def test_citizen_front_door_to_following_the_oa_then_rating_by_button(stack, province, zalo_sandbox, browser,
                                                                      viewport):
    citizen = zalo_sandbox.add_user(province.app_id, display_name="Nguyễn Thị Hoa", phone="0912345678",
                                    is_follower=False)
    province_page = browser.new_context(viewport=viewport, locale="vi-VN", java_script_enabled=False).new_page()
    zalo = browser.new_context(viewport=viewport, locale="vi-VN").new_page()  # the citizen's Zalo app
    for page in (province_page, zalo):
        page.set_default_timeout(15_000)
    try:
        _front_door(province_page, stack, viewport["width"])
        _follow_the_oa(province_page, stack, zalo_sandbox, province, citizen)
        zalo.goto(f"{zalo_sandbox.base_url}/phone/{province.oa_id}/{citizen['user_id']}")
        _look_up_in_zalo(zalo, viewport["width"])
        finish_through_api(stack, province, CODE)
        _rate_by_button(zalo, stack, viewport["width"])
    finally:
        province_page.context.close()
        zalo.context.close()


def _front_door(page, stack, width: int) -> None:
    """The province's page without JavaScript: the catalogue searched and paged, a dossier looked up, the
    feedback form reached; no staff sign-in link."""
    page.goto(f"{stack.url}/bac-ninh/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tỉnh Bắc Ninh")
    expect(page.get_by_role("link", name=vi("Sign in"), exact=True)).to_have_count(0)
    expect(page.get_by_role("img", name=re.compile(r"^Mã QR của .+ trên Zalo$"))).to_be_visible()
    assert_fits(page, width)
    page.screenshot(path=ARTIFACTS / f"front-door-home-{width}.png", full_page=True)

    page.get_by_label("Tên hoặc mã thủ tục").fill("dang ky thuong tru")
    page.get_by_role("button", name=vi("Search"), exact=True).click()
    expect(page.locator(".procedure")).to_have_count(1)
    expect(page.locator(".procedure__name")).to_contain_text("Đăng ký thường trú")

    fill_in(page.get_by_label("Tên hoặc mã thủ tục"), "")
    page.get_by_label(vi("Sector")).select_option("Thử nghiệm")
    page.get_by_role("button", name=vi("Search"), exact=True).click()
    expect(page.get_by_text("Trang 1/2")).to_be_visible()
    page.get_by_role("link", name=vi("Next page")).click()
    expect(page.get_by_text("Trang 2/2")).to_be_visible()
    expect(page.locator(".procedure")).to_have_count(10)

    page.get_by_label(vi("Dossier code")).fill(CODE.lower().replace("-", " - "))
    page.get_by_role("button", name=vi("Look up"), exact=True).click()
    answer = page.locator(".lookup__text")
    expect(answer).to_contain_text(f"Hồ sơ {CODE}")
    expect(answer).to_contain_text("Người nộp: Nguyễn V** A*")
    assert_fits(page, width)
    page.screenshot(path=ARTIFACTS / f"front-door-lookup-{width}.png", full_page=True)

    page.get_by_role("link", name="Quay lại trang tỉnh Bắc Ninh").click()
    page.get_by_role("link", name=vi("Send a feedback or petition")).click()
    expect(page.get_by_role("button", name=vi("Send"))).to_be_visible()
    page.go_back()


def _follow_the_oa(page, stack, zalo_sandbox, province, citizen) -> None:
    """The page's follow link opens the OA in the sandbox; "Quan tâm OA" sends the signed follow webhook."""
    page.get_by_role("link", name=re.compile(r"^Quan tâm .+ trên Zalo$")).click()
    expect(page).to_have_url(f"{zalo_sandbox.base_url}/#oa-{province.oa_id}")
    page.locator(f"#oa-{province.oa_id}").get_by_role("link", name="Mở điện thoại").click()
    page.get_by_role("button", name="Quan tâm OA").click()
    followed = zalo_sandbox.wait_for(
        lambda: [name for name, _ in events_for(stack.app, province.ref, citizen["user_id"]) if name == "follow"],
        timeout=10)
    assert followed == ["follow"]


def _look_up_in_zalo(zalo, width: int) -> None:
    """The citizen chats the code to the OA: the bot answers in the chat (the name masked, since nothing links
    this Zalo account to the dossier yet) with a card asking for the phone; sharing it links the dossier. The
    citizen writes once the OA has welcomed the new follower."""
    expect(zalo.locator(".bubble.oa").filter(has_text="Chào mừng Ông/Bà")).to_be_visible(timeout=REACHES_THE_PHONE)
    zalo.get_by_label("Tin nhắn").fill(CODE)
    zalo.get_by_role("button", name="Gửi").click()
    answer = zalo.locator(".bubble.oa").filter(has_text=f"Hồ sơ {CODE}")
    expect(answer).to_be_visible(timeout=REACHES_THE_PHONE)
    expect(answer).to_contain_text("Người nộp: Nguyễn V** A*")
    share = zalo.get_by_role("button", name="Chia sẻ thông tin")
    expect(share).to_be_visible(timeout=REACHES_THE_PHONE)
    _scroll_chat_to(zalo.locator(".bubble.user").filter(has_text=CODE))  # the question, then the answer
    _shot(zalo, "zalo-lookup", width)
    share.click()
    expect(zalo.locator(".bubble.user").filter(has_text="Đã chia sẻ thông tin")).to_be_visible()


def _rate_by_button(zalo, stack, width: int) -> None:
    """The returned dossier's notice, then its rating invitation as a card with three levels and the rating
    page; the citizen taps "Hài lòng" (Zalo sends it back to the OA without showing it), the rating is stored
    and the bot thanks them in the chat."""
    notice = zalo.locator(".bubble.oa").filter(has_text=f"hồ sơ {CODE} (Đăng ký thường trú) đã được trả cho Ông/Bà")
    expect(notice).to_be_visible(timeout=REACHES_THE_PHONE)
    invitation = zalo.locator(".bubble.oa").filter(has_text="Mời đánh giá mức độ hài lòng")
    expect(invitation).to_be_visible(timeout=REACHES_THE_PHONE)
    for level in ("Rất hài lòng", "Hài lòng", "Không hài lòng"):
        expect(invitation.get_by_role("button", name=level, exact=True)).to_be_visible()
    expect(invitation.get_by_role("button", name="Đánh giá chi tiết")).to_have_attribute(
        "href", re.compile(rf"^{re.escape(stack.url)}/bac-ninh/danh-gia/"))
    invitation.get_by_role("button", name="Hài lòng", exact=True).click()
    thanks = zalo.locator(".bubble.oa").filter(has_text=f"Cảm ơn Ông/Bà đã đánh giá hồ sơ {CODE}: Hài lòng")
    expect(thanks).to_be_visible(timeout=REACHES_THE_PHONE)
    expect(zalo.locator(".bubble.user").filter(has_text=f"DG {CODE}")).to_have_count(0)
    assert _rating_of(stack, CODE) == (4, "zalo")
    _shot(zalo, "zalo-rating", width)


def _rating_of(stack, code: str) -> tuple[int, str] | None:
    with stack.reading("bac-ninh") as session:
        rating = session.execute(select(Rating.score, Rating.channel).join(Dossier, Dossier.id == Rating.dossier_id)
                                 .where(Dossier.code == code)).first()
        return tuple(rating) if rating else None


def _scroll_chat_to(bubble) -> None:
    """The chat scrolled (not the page) so that `bubble` is at its top: the view keeps to the newest message."""
    bubble.evaluate("""b => { const chat = b.closest('.conversation');
                              chat.scrollTop += b.getBoundingClientRect().top - chat.getBoundingClientRect().top; }""")


def _shot(zalo, step: str, width: int) -> None:
    """The phone view as the citizen sees it: nothing scrolls sideways, the composer on screen."""
    assert_fits(zalo, width)
    expect(zalo.get_by_label("Tin nhắn")).to_be_in_viewport()
    zalo.screenshot(path=ARTIFACTS / f"front-door-{step}-{width}.png")
