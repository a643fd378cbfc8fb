"""Charts drawn on the server as inline SVG: no chart library, no CDN, no JavaScript.

Each function returns safe markup: an `<svg role="img">` named by its `<title>` and described by its `<desc>`
(screen readers read those; the page puts the same figures in a data table under the chart). Every text that
comes from data (procedure names, agencies) is escaped here. Bars are horizontal, each under its name, so that
long Vietnamese names stay readable on a phone; the line chart is for time series (followers by day).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Colour-blind-safe palette (Okabe-Ito), in series order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
WIDTH = 480  # viewBox units; the SVG scales to its container (about 3/4 on a phone)
LEFT = 8
LABEL_HEIGHT, BAR_HEIGHT, BAR_GAP = 18, 20, 10  # each category's name sits above its bar (room on a phone)
ROW = LABEL_HEIGHT + BAR_HEIGHT + BAR_GAP
TOP, BOTTOM = 12, 8
MAX_LABEL = 52  # characters of a category name drawn; the full name is in the table and the tooltip
LINE_HEIGHT = 240
LEGEND_ROW = 22


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


def bar(chart_id: str, title: str, desc: str, labels: Sequence[str], values: Sequence[float]) -> Markup:
    """One horizontal bar per label."""
    return stacked_bar(chart_id, title, desc, labels, [Series(title, values)], legend=False)


def stacked_bar(chart_id: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series],
                legend: bool = True) -> Markup:
    """One horizontal bar per label, each split into the series' values (left to right, in series order)."""
    if not labels:
        return _empty(chart_id, title, desc)
    totals = [sum(s.values[index] for s in series) for index in range(len(labels))]
    scale = (WIDTH - LEFT - 60) / (max(totals) or 1)
    key, legend_height = _legend(series, TOP) if legend else ("", 0)
    height = TOP + legend_height + len(labels) * ROW + BOTTOM
    parts = [_open(chart_id, title, desc, height), key]
    for index, label in enumerate(labels):
        top = TOP + legend_height + index * ROW
        parts.append(f'<text class="chart__label" x="{LEFT}" y="{top + 14}">{_short(label)}'
                     f'<title>{escape(label)}</title></text>')
        y, x = top + LABEL_HEIGHT, float(LEFT)
        for number, item in enumerate(series):
            value = item.values[index]
            if value:
                width = value * scale
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
                             f'fill="{_colour(number)}"><title>{escape(label)} · {escape(item.name)}: '
                             f'{_number(value)}</title></rect>')
                x += width
        parts.append(f'<text class="chart__value" x="{x + 4:.1f}" y="{y + BAR_HEIGHT * 0.7:.1f}">'
                     f'{_number(totals[index])}</text>')
    return _svg(parts)


def line(chart_id: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """One line per series over the labels (time buckets, oldest first); the first and last labels are drawn
    under the axis."""
    if not labels:
        return _empty(chart_id, title, desc)
    key, legend_height = _legend(series, TOP)
    left, right, top, bottom = 56, 16, TOP + legend_height + 8, 36
    plot_width, plot_height = WIDTH - left - right, LINE_HEIGHT - top - bottom
    peak = max((max(s.values, default=0) for s in series), default=0) or 1
    step = plot_width / max(len(labels) - 1, 1)
    parts = [_open(chart_id, title, desc, LINE_HEIGHT), key]
    for fraction in (0, 0.5, 1):
        y = top + plot_height * (1 - fraction)
        parts.append(f'<line class="chart__grid" x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#ccc"/><text class="chart__value" x="{left - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{_number(peak * fraction)}</text>')
    for number, item in enumerate(series):
        points = " ".join(f"{left + index * step:.1f},{top + plot_height * (1 - value / peak):.1f}"
                          for index, value in enumerate(item.values))
        parts.append(f'<polyline fill="none" stroke="{_colour(number)}" stroke-width="2" points="{points}">'
                     f'<title>{escape(item.name)}</title></polyline>')
    baseline = top + plot_height + 20
    parts.append(f'<text class="chart__label" x="{left}" y="{baseline}">{_short(labels[0])}</text>')
    if len(labels) > 1:
        parts.append(f'<text class="chart__label" x="{WIDTH - right}" y="{baseline}" text-anchor="end">'
                     f'{_short(labels[-1])}</text>')
    return _svg(parts)


def _open(chart_id: str, title: str, desc: str, height: int) -> str:
    chart_id = escape(chart_id)
    return (f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
            f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{chart_id}-title" '
            f'aria-describedby="{chart_id}-desc">'
            f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>')


def _empty(chart_id: str, title: str, desc: str) -> Markup:
    return _svg([_open(chart_id, title, desc, 40), '<text class="chart__empty" x="8" y="24">–</text>'])


def _svg(parts: list[str]) -> Markup:
    return Markup("".join(parts) + "</svg>")  # noqa: S704 - every text from data is escaped where it is added


def _legend(series: Sequence[Series], top: int) -> tuple[str, int]:
    """The series' colours and names, in as many rows as the width needs; returns the markup and its height."""
    parts, x, y = [], LEFT, top
    for number, item in enumerate(series):
        width = 28 + 9 * min(len(item.name), MAX_LABEL)
        if x > LEFT and x + width > WIDTH:
            x, y = LEFT, y + LEGEND_ROW
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{_colour(number)}"/>'
                     f'<text class="chart__legend" x="{x + 16}" y="{y + 10}">{_short(item.name)}</text>')
        x += width
    return "".join(parts), y - top + LEGEND_ROW


def _colour(number: int) -> str:
    return PALETTE[number % len(PALETTE)]


def _short(label: str) -> Markup:
    label = str(label)
    return escape(label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1] + "…")


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".") if float(value).is_integer() or value >= 100 else f"{value:.1f}"
