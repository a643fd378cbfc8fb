"""What a chat message says as a rating."""

import pytest

from platform_core.ratings.parser import RatingText, parse_rating


@pytest.mark.parametrize(("text", "expected"), [
    ("DG 000.00.24.H04-251128-0001 5", RatingText(5, "000.00.24.h04-251128-0001")),
    ("dg H15-1 1", RatingText(1, "h15-1")),
    ("Đánh giá H15.50.05.13-260715-0001 4", RatingText(4, "h15.50.05.13-260715-0001")),
    ("danh gia 3", RatingText(3)),
    ("Đánh giá: 2 sao", RatingText(2)),
    ("DG 5", RatingText(5)),
    ("5", RatingText(5, bare=True)),
    (" 4 sao ", RatingText(4, bare=True)),
    ("1 điểm", RatingText(1, bare=True)),
])
def test_ratings_are_understood(text, expected):
    assert parse_rating(text) == expected


@pytest.mark.parametrize("text", ["", "6", "0", "DG code 7", "đánh giá", "tra cứu 5", "12", "5 hồ sơ",
                                  "H15.50.05.13-260715-0001", "đánh giá thủ tục khai sinh"])
def test_other_texts_are_not_ratings(text):
    assert parse_rating(text) is None
