"""Vietnam's public holidays as days off for public servants, year by year (data, not computed).

Labour Code 2019 (45/2019/QH14) Art. 112: New Year (1/1), Tết (5 days around the lunar new year, the days chosen
each year by the Prime Minister), Hùng Kings' day (10/3 lunar), Victory Day (30/4), Labour Day (1/5) and
National Day (2/9 plus one day before or after it). When a holiday falls on a weekly rest day, a compensatory
working day off follows (Art. 112(3)). The government also swaps working days ("hoán đổi ngày làm việc") to make
longer breaks: a weekday becomes a day off and a Saturday becomes a working day.

Sources: the Ministry of Labour's Notice 6150/TB-LĐTBXH (2025 holidays for public servants, incl. the 30/4-1/5
swap); the Ministry of Home Affairs' announcements for 2026 (which took over labour matters on 1 March 2025) and the
Prime Minister's decision on Tết and National Day 2026 (docs/domain.md §10).
Dates the announcements did not give at the time of writing are marked "UNCONFIRMED": they follow the law and
the lunar calendar but the official choice of days (Tết, the day next to 2/9) must be checked when announced.
A year missing here has weekends only: add it before it starts (tests/workdays check the years below exist).
"""

from datetime import date

# Days off that fall on a weekday (weekend holidays need no entry; their compensatory day does).
DAYS_OFF: dict[date, str] = {
    # 2025 (Notice 6150/TB-LĐTBXH)
    date(2025, 1, 1): "Tết Dương lịch",
    date(2025, 1, 27): "Tết Nguyên đán (28 tháng Chạp)",
    date(2025, 1, 28): "Tết Nguyên đán (29 tháng Chạp)",
    date(2025, 1, 29): "Tết Nguyên đán (mùng 1)",
    date(2025, 1, 30): "Tết Nguyên đán (mùng 2)",
    date(2025, 1, 31): "Tết Nguyên đán (mùng 3)",
    date(2025, 4, 7): "Giỗ Tổ Hùng Vương (10/3 âm lịch)",
    date(2025, 4, 30): "Ngày Chiến thắng",
    date(2025, 5, 1): "Ngày Quốc tế Lao động",
    date(2025, 5, 2): "Nghỉ hoán đổi (làm bù thứ Bảy 26/4)",
    date(2025, 9, 1): "Quốc khánh (ngày liền kề)",
    date(2025, 9, 2): "Quốc khánh",
    # 2026 (Ministry of Home Affairs; lunar new year on Tuesday 17/2)
    date(2026, 1, 1): "Tết Dương lịch",
    date(2026, 1, 2): "Nghỉ hoán đổi (làm bù thứ Bảy 10/1)",  # Văn bản 12729/VPCP-KGVX, 25/12/2025
    date(2026, 2, 16): "Tết Nguyên đán (29 tháng Chạp)",
    date(2026, 2, 17): "Tết Nguyên đán (mùng 1)",
    date(2026, 2, 18): "Tết Nguyên đán (mùng 2)",
    date(2026, 2, 19): "Tết Nguyên đán (mùng 3)",
    date(2026, 2, 20): "Tết Nguyên đán (mùng 4)",
    date(2026, 4, 27): "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch là Chủ nhật 26/4)",
    date(2026, 4, 30): "Ngày Chiến thắng",
    date(2026, 5, 1): "Ngày Quốc tế Lao động",
    # National Day 2026: Sat 29/8 - Wed 2/9, Mon 31/8 swapped with Sat 22/8 (docs/domain.md §10)
    date(2026, 8, 31): "Nghỉ hoán đổi (làm bù thứ Bảy 22/8)",
    date(2026, 9, 1): "Quốc khánh (ngày liền kề)",
    date(2026, 9, 2): "Quốc khánh",
    # 2027 (lunar new year on Saturday 6/2): not announced yet at the time of writing
    date(2027, 1, 1): "Tết Dương lịch",
    date(2027, 2, 4): "Tết Nguyên đán",  # UNCONFIRMED: 5 days around mùng 1 (Sat 6/2), as usual
    date(2027, 2, 5): "Tết Nguyên đán",  # UNCONFIRMED
    date(2027, 2, 8): "Tết Nguyên đán (nghỉ bù)",  # UNCONFIRMED
    date(2027, 2, 9): "Tết Nguyên đán (nghỉ bù)",  # UNCONFIRMED
    date(2027, 2, 10): "Tết Nguyên đán",  # UNCONFIRMED
    date(2027, 4, 16): "Giỗ Tổ Hùng Vương (10/3 âm lịch)",  # UNCONFIRMED lunar conversion
    date(2027, 4, 30): "Ngày Chiến thắng",
    date(2027, 5, 3): "Nghỉ bù Ngày Quốc tế Lao động (1/5 là thứ Bảy)",
    date(2027, 9, 2): "Quốc khánh",
    date(2027, 9, 3): "Quốc khánh (ngày liền kề)",  # UNCONFIRMED: the day after 2/9 (could be 1/9)
}

# Saturdays made working days by an announced swap.
WORKING_SATURDAYS: dict[date, str] = {
    date(2025, 4, 26): "Làm bù cho thứ Sáu 2/5/2025",
    date(2026, 1, 10): "Làm bù cho thứ Sáu 2/1/2026",  # Văn bản 12729/VPCP-KGVX, 25/12/2025
    date(2026, 8, 22): "Làm bù cho thứ Hai 31/8/2026",  # docs/domain.md §10
}

YEARS = (2025, 2026, 2027)

# Extra days off a province gives its own offices (by tenant slug), e.g. a local anniversary:
# {"hue": {date(2026, 3, 26): "Ngày giải phóng Thừa Thiên Huế"}}. None is known today.
PROVINCE_DAYS_OFF: dict[str, dict[date, str]] = {}
