"""OA v3 message bodies and the transaction/promotion card rules (docs/zalo-oa.md §2)."""

import pytest

from platform_core.zalo.messages import (
    TRANSACTION_TEMPLATE_TYPES,
    Banner,
    Button,
    CardError,
    MessageError,
    PromotionCard,
    TableRow,
    TextBlock,
    TransactionCard,
    image_message,
    request_user_info_message,
    text_message,
)

# The example of [M] tin-giao-dich/gui-tin-giao-dich (docs/zalo-oa.md §2), as a card.
DOCUMENTED_ATTACHMENT = {
    "type": "template",
    "payload": {
        "template_type": "transaction_order",
        "language": "VI",
        "elements": [
            {"type": "banner", "attachment_id": "a-JJEvLdkcEP"},
            {"type": "header", "content": "Trạng thái đơn hàng", "align": "left"},
            {"type": "text", "align": "left",
             "content": "• Cảm ơn bạn đã mua hàng tại cửa hàng.<br>• Thông tin đơn hàng của bạn như sau:"},
            {"type": "table", "content": [
                {"key": "Mã khách hàng", "value": "F-01332973223"},
                {"key": "Trạng thái", "value": "Đang giao", "style": "yellow"},
                {"key": "Giá tiền", "value": "250,000đ"},
            ]},
            {"type": "text", "content": "📱Lưu ý điện thoại. Xin cảm ơn!", "align": "center"},
        ],
        "buttons": [
            {"title": "Kiểm tra lộ trình - default icon", "image_icon": "", "type": "oa.open.url",
             "payload": {"url": "https://oa.zalo.me/home"}},
            {"title": "Xem lại giỏ hàng", "image_icon": "wZ753VDsR4xW", "type": "oa.query.show",
             "payload": "kiểm tra giỏ hàng"},
            {"title": "Liên hệ tổng đài", "image_icon": "gNf2KPUOTG", "type": "oa.open.phone",
             "payload": {"phone_code": "84123456789"}},
        ],
    },
}


def documented_card(**changes) -> TransactionCard:
    card = TransactionCard(
        template_type="transaction_order",
        language="VI",
        banner=Banner(attachment_id="a-JJEvLdkcEP"),
        header=TextBlock("Trạng thái đơn hàng", "left"),
        text=TextBlock("• Cảm ơn bạn đã mua hàng tại cửa hàng.<br>• Thông tin đơn hàng của bạn như sau:", "left"),
        table=[
            TableRow("Mã khách hàng", "F-01332973223"),
            TableRow("Trạng thái", "Đang giao", style="yellow"),
            TableRow("Giá tiền", "250,000đ"),
        ],
        footer=TextBlock("📱Lưu ý điện thoại. Xin cảm ơn!", "center"),
        buttons=[
            Button("Kiểm tra lộ trình - default icon", "oa.open.url", {"url": "https://oa.zalo.me/home"}),
            Button("Xem lại giỏ hàng", "oa.query.show", "kiểm tra giỏ hàng", image_icon="wZ753VDsR4xW"),
            Button("Liên hệ tổng đài", "oa.open.phone", {"phone_code": "84123456789"}, image_icon="gNf2KPUOTG"),
        ],
    )
    for name, value in changes.items():
        setattr(card, name, value)
    return card


def problems_of(card) -> dict:
    with pytest.raises(CardError) as caught:
        card.validate()
    return caught.value.errors


def rows(*pairs) -> list[TableRow]:
    return [TableRow(key, value) for key, value in pairs]


# --- a valid card -------------------------------------------------------------------------------------------

def test_valid_card_gives_the_documented_attachment_exactly():
    assert documented_card().to_payload() == DOCUMENTED_ATTACHMENT


def test_all_thirteen_transaction_types_are_accepted():
    assert len(TRANSACTION_TEMPLATE_TYPES) == 13
    for template_type in TRANSACTION_TEMPLATE_TYPES:
        documented_card(template_type=template_type).validate()


def test_minimal_card_has_only_the_table_and_no_buttons_key():
    card = TransactionCard("transaction_event", table=rows(("Tên khách hàng", "Nguyễn Văn A")))
    assert card.to_payload() == {"type": "template", "payload": {
        "template_type": "transaction_event", "language": "VI",
        "elements": [{"type": "table", "content": [{"key": "Tên khách hàng", "value": "Nguyễn Văn A"}]}],
    }}


def test_banner_by_url():
    card = documented_card(banner=Banner(image_url="https://example.org/b.png"))
    assert card.to_payload()["payload"]["elements"][0] == {"type": "banner", "image_url": "https://example.org/b.png"}


def test_english_card_identifies_by_code_and_styles_status():
    card = TransactionCard("transaction_booking", language="EN", table=[
        TableRow("Booking Code", "B-1"), TableRow("Status", "Confirmed", style="green")])
    card.validate()


# --- each rule names its field -------------------------------------------------------------------------------

def test_template_type_and_language_are_checked():
    errors = problems_of(documented_card(template_type="transaction_tax", language="FR"))
    assert set(errors) == {"template_type", "language"}


def test_banner_needs_exactly_one_source():
    assert "banner" in problems_of(documented_card(banner=Banner()))
    assert "banner" in problems_of(documented_card(banner=Banner(image_url="https://x/y.png", attachment_id="z")))


def test_header_at_most_100_characters_and_known_align():
    errors = problems_of(documented_card(header=TextBlock("x" * 101, "middle")))
    assert set(errors) == {"header", "header.align"}
    assert "100" in errors["header"][0]


def test_text_elements_at_most_250_characters():
    assert set(problems_of(documented_card(text=TextBlock("x" * 251), footer=TextBlock(" ")))) == {"text", "footer"}


def test_promotion_text_may_be_1000_characters():
    card = PromotionCard(text=TextBlock("x" * 1000))
    card.validate()
    assert card.to_payload()["payload"]["template_type"] == "promotion"
    card.text = TextBlock("x" * 1001)
    assert "text" in problems_of(card)


def test_promotion_refuses_transaction_template_types():
    assert "template_type" in problems_of(PromotionCard(template_type="transaction_order"))


def test_table_needs_a_code_or_customer_name_row():
    errors = problems_of(documented_card(table=rows(("Giá tiền", "1đ"))))
    assert "Mã" in errors["table"][0]
    english = TransactionCard("transaction_order", language="EN", table=rows(("Mã đơn", "1")))
    assert "Code" in problems_of(english)["table"][0]


def test_table_key_and_value_lengths():
    errors = problems_of(documented_card(table=rows(("Mã " + "k" * 33, "v" * 101))))
    assert set(errors) == {"table[0].key", "table[0].value"}


def test_only_the_status_row_may_carry_a_style():
    card = documented_card(table=[TableRow("Mã hồ sơ", "H1", style="red")])
    assert "Trạng thái" in problems_of(card)["table[0].style"][0]


def test_status_style_must_be_a_known_colour():
    card = documented_card(table=[TableRow("Mã hồ sơ", "H1"), TableRow("Trạng thái", "Xong", style="purple")])
    assert set(problems_of(card)) == {"table[1].style"}


def test_at_most_five_free_rows_besides_code_and_status():
    free = rows(*[(f"Dòng {i}", "v") for i in range(5)])
    five = [TableRow("Mã hồ sơ", "H1"), TableRow("Trạng thái", "Xong", "green"), *free]
    documented_card(table=five).validate()
    six = five + rows(("Dòng 6", "v"))
    assert "at most 5" in problems_of(documented_card(table=six))["table"][0]


def test_at_most_four_buttons():
    button = Button("Tra cứu", "oa.query.hide", "#tracuu")
    assert "buttons" in problems_of(documented_card(buttons=[button] * 5))


@pytest.mark.parametrize(("button", "field"), [
    (Button("x" * 36, "oa.query.show", "a"), "buttons[0].title"),
    (Button("Gọi", "oa.open.call", {}), "buttons[0].type"),
    (Button("Mở", "oa.open.url", {"url": "javascript:alert(1)"}), "buttons[0].payload"),
    (Button("Mở", "oa.open.url", "https://x"), "buttons[0].payload"),
    (Button("Hỏi", "oa.query.show", {"text": "a"}), "buttons[0].payload"),
    (Button("Gọi", "oa.open.phone", {"phone_code": "+84 912"}), "buttons[0].payload"),
    (Button("SMS", "oa.open.sms", {"phone_code": "84912345678"}), "buttons[0].payload"),
    (Button("Gọi", "oa.open.phone", {"phone_code": "84912345678"}, image_icon=None), "buttons[0].image_icon"),
])
def test_button_rules(button, field):
    assert field in problems_of(documented_card(buttons=[button]))


def test_sms_button_with_content_is_valid():
    documented_card(buttons=[Button("SMS", "oa.open.sms", {"phone_code": "84912345678", "content": "HS"})]).validate()


def test_all_problems_are_reported_at_once():
    card = documented_card(header=TextBlock(""), table=[], buttons=[Button("", "oa.query.show", "")])
    assert set(problems_of(card)) == {"header", "table", "buttons[0].title", "buttons[0].payload"}


def test_to_payload_refuses_an_invalid_card():
    with pytest.raises(CardError):
        documented_card(language="").to_payload()


# --- consultation messages -----------------------------------------------------------------------------------

def test_text_message_and_quote():
    assert text_message("Xin chào") == {"text": "Xin chào"}
    assert text_message("Đã nhận", quote_message_id="m1") == {"text": "Đã nhận", "quote_message_id": "m1"}


def test_text_message_limits():
    with pytest.raises(MessageError) as caught:
        text_message("x" * 2001)
    assert "text" in caught.value.errors
    with pytest.raises(MessageError):
        text_message("   ")


def test_image_message_by_url_with_caption_and_by_attachment():
    assert image_message(url="https://x/a.png", caption="Ảnh") == {"text": "Ảnh", "attachment": {
        "type": "template",
        "payload": {"template_type": "media", "elements": [{"media_type": "image", "url": "https://x/a.png"}]}}}
    element = image_message(attachment_id="att")["attachment"]["payload"]["elements"][0]
    assert element == {"media_type": "image", "attachment_id": "att"}


def test_image_message_needs_exactly_one_source():
    with pytest.raises(MessageError):
        image_message()
    with pytest.raises(MessageError):
        image_message(url="https://x/a.png", attachment_id="att")


def test_request_user_info_message():
    assert request_user_info_message("Cập nhật thông tin", "Để nhận kết quả hồ sơ", "https://x/i.png") == {
        "attachment": {"type": "template", "payload": {"template_type": "request_user_info", "elements": [
            {"title": "Cập nhật thông tin", "subtitle": "Để nhận kết quả hồ sơ", "image_url": "https://x/i.png"}]}}}
