"""CSV files: byte-order mark, header, rows, total; catalogue text never becomes a spreadsheet formula."""

import csv
import io

from platform_core.dashboard.tables import Table, percent, to_csv


def test_csv_has_a_bom_the_header_the_rows_and_the_total():
    table = Table("t", "T", ["Thủ tục", "Hồ sơ", "Tỷ lệ"], [["Khai sinh", 2, 66.7], ["Kết hôn", 1, None]],
                  total=["Tất cả", 3, None])
    text = to_csv(table)
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [
        ["Thủ tục", "Hồ sơ", "Tỷ lệ"], ["Khai sinh", "2", "66.7"], ["Kết hôn", "1", ""], ["Tất cả", "3", ""]]


def test_text_that_a_spreadsheet_would_run_is_quoted():
    table = Table("t", "T", ["Name"], [['=HYPERLINK("http://x","y")'], ["+1"], ["@SUM(A1)"], ["-2"], ["Bình thường"]])
    rows = list(csv.reader(io.StringIO(to_csv(table)[1:])))[1:]
    assert rows == [["'=HYPERLINK(\"http://x\",\"y\")"], ["'+1"], ["'@SUM(A1)"], ["'-2"], ["Bình thường"]]


def test_percent():
    assert percent(2, 3) == 66.7 and percent(0, 0) is None and percent(3, 3) == 100.0
