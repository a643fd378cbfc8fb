"""The SVG charts: well-formed, labelled for screen readers, drawn to scale, escaped, and sane when empty."""

import xml.etree.ElementTree as ET

from platform_core.web import charts
from platform_core.web.charts import Series

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 - our own output, parsed to check its structure


def test_a_bar_chart_is_labelled_svg_with_one_bar_per_value():
    svg = parse(charts.bar("c1", "Dossiers by status", "Received in October", ["Received", "Returned"], [3, 6]))
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c1-title" and svg.get("aria-describedby") == "c1-desc"
    assert svg.find(f"{SVG}title").text == "Dossiers by status" and svg.find(f"{SVG}title").get("id") == "c1-title"
    assert svg.find(f"{SVG}desc").text == "Received in October"
    bars = svg.findall(f"{SVG}rect")
    assert len(bars) == 2
    widths = [float(bar.get("width")) for bar in bars]
    assert widths[1] == 2 * widths[0]  # to scale
    assert [bar.find(f"{SVG}title").text for bar in bars] == ["Received · Dossiers by status: 3",
                                                              "Returned · Dossiers by status: 6"]
    labels = [text.text for text in svg.findall(f"{SVG}text")]
    assert "Received" in labels and "6" in labels


def test_a_stacked_bar_has_a_legend_and_skips_zero_segments():
    svg = parse(charts.stacked_bar("c2", "On time", "By month", ["2026-09", "2026-10"],
                                   [Series("On time", [2, 0]), Series("Late", [1, 4])]))
    segments = [rect for rect in svg.findall(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    assert len(segments) == 3  # the zero is not drawn
    legend = [text.text for text in svg.findall(f"{SVG}text") if text.get("class") == "chart__legend"]
    assert legend == ["On time", "Late"]
    first, second = segments[0], segments[1]
    assert first.get("fill") != second.get("fill")  # one colour per series
    totals = [text.text for text in svg.findall(f"{SVG}text") if text.get("class") == "chart__value"]
    assert totals == ["3", "4"]


def test_a_line_chart_draws_one_polyline_per_series_through_every_point():
    svg = parse(charts.line("c3", "Followers", "By day", ["2026-10-01", "2026-10-02", "2026-10-03"],
                            [Series("Followers", [1, 3, 2])]))
    line = svg.find(f"{SVG}polyline")
    points = [tuple(map(float, point.split(","))) for point in line.get("points").split()]
    assert len(points) == 3
    assert points[1][1] < points[2][1] < points[0][1]  # higher values are drawn higher up
    labels = [text.text for text in svg.findall(f"{SVG}text") if text.get("class") == "chart__label"]
    assert labels == ["2026-10-01", "2026-10-03"]


def test_empty_data_gives_a_labelled_empty_chart():
    for svg in (parse(charts.bar("e1", "Nothing", "No data", [], [])),
                parse(charts.line("e2", "Nothing", "No data", [], []))):
        assert svg.find(f"{SVG}title").text == "Nothing"
        assert svg.findall(f"{SVG}rect") == [] and svg.findall(f"{SVG}polyline") == []
    zeros = parse(charts.bar("e3", "Zeros", "All zero", ["A", "B"], [0, 0]))
    assert zeros.findall(f"{SVG}rect") == []


def test_text_from_data_is_escaped():
    evil = '<script>alert("x")</script> & "quoted"'
    markup = str(charts.bar('c4"><script>', evil, evil, [evil], [1]))
    assert "<script>" not in markup
    svg = parse(markup)  # still well-formed
    assert svg.find(f"{SVG}title").text == evil
    assert svg.find(f"{SVG}rect/{SVG}title").text.startswith(evil[:20])


def test_long_labels_are_shortened_with_the_full_name_kept_as_a_tooltip():
    name = "Đăng ký thường trú cho công dân chuyển đến từ tỉnh khác, có nhà ở hợp pháp do thuê, mượn"
    svg = parse(charts.bar("c5", "Procedures", "By procedure", [name], [1]))
    label = next(text for text in svg.findall(f"{SVG}text") if text.get("class") == "chart__label")
    assert label.text.endswith("…") and len(label.text) == charts.MAX_LABEL
    assert label.find(f"{SVG}title").text == name


def test_a_long_legend_wraps_inside_the_chart():
    names = [f"Đã gửi, chờ xác nhận {number}" for number in range(6)]
    svg = parse(charts.stacked_bar("c6", "Messages", "By channel", ["cs"], [Series(name, [1]) for name in names]))
    keys = [text for text in svg.findall(f"{SVG}text") if text.get("class") == "chart__legend"]
    assert [key.text for key in keys] == names
    assert all(float(key.get("x")) < charts.WIDTH for key in keys)
    assert len({key.get("y") for key in keys}) == 3  # two names a row
