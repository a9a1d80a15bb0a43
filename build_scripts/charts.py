"""Static SVG charts rendered at build time, each with its data table.

No script and no external resource: a chart is an ``<svg role="img">``
whose ``<title>`` says what it shows, followed by an HTML table with the
same numbers (for screen readers, for copying, and for readers without
colour vision: the bars are also labelled in the table).  Every text that
goes into the SVG or the table is HTML-escaped here.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

WIDTH = 720
HEIGHT = 240
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 44, 8, 12, 48


@dataclass
class Series:
    """One data series: ``name`` (legend), ``color`` (CSS colour),
    ``values`` (one per category)."""

    name: str
    color: str
    values: list[float]


def _fmt(value: float, percent: bool) -> str:
    return f"{value * 100:.1f}%" if percent else f"{value:g}"


def bars(chart_id: str, title: str, categories: list[str], series: list[Series], percent: bool = True,
         caption: str = "") -> str:
    """A grouped vertical bar chart and its table, as one HTML block
    (a ``<figure>`` on a single line, so Markdown leaves it alone).

    ``chart_id`` is an ASCII token (ids of the title and table);
    ``percent`` shows values 0–1 as percentages.  Raises ``ValueError`` if
    a series has not one value per category."""
    for s in series:
        if len(s.values) != len(categories):
            raise ValueError(f"series {s.name!r} has {len(s.values)} values for {len(categories)} categories")
    esc = html.escape
    top = max([v for s in series for v in s.values] + [0])
    top = top if top > 0 else 1
    if percent:
        top = min(1.0, (int(top * 10) + 1) / 10)
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    group_w = plot_w / max(1, len(categories))
    bar_w = max(1.0, group_w * 0.8 / max(1, len(series)))
    parts = [f'<svg class="kb-chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-labelledby="{chart_id}-title" preserveAspectRatio="xMinYMin meet">',
             f'<title id="{chart_id}-title">{esc(title)}（数据见下表）</title>']
    for k in range(5):  # grid lines and axis labels
        v = top * k / 4
        y = MARGIN_TOP + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'class="kb-chart-grid"/>')
        parts.append(f'<text x="{MARGIN_LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" class="kb-chart-axis">'
                     f'{esc(_fmt(v, percent) if percent else f"{v:.3g}")}</text>')
    for ci, cat in enumerate(categories):
        x0 = MARGIN_LEFT + group_w * ci + group_w * 0.1
        for si, s in enumerate(series):
            v = s.values[ci]
            h = plot_h * v / top
            parts.append(f'<rect x="{x0 + bar_w * si:.1f}" y="{MARGIN_TOP + plot_h - h:.1f}" width="{bar_w:.1f}" '
                         f'height="{h:.1f}" fill="{esc(s.color)}"><title>{esc(cat)} · {esc(s.name)}：'
                         f'{esc(_fmt(v, percent))}</title></rect>')
        parts.append(f'<text x="{MARGIN_LEFT + group_w * (ci + 0.5):.1f}" y="{HEIGHT - MARGIN_BOTTOM + 16}" '
                     f'text-anchor="middle" class="kb-chart-axis">{esc(cat)}</text>')
    lx = MARGIN_LEFT
    for s in series:  # legend
        parts.append(f'<rect x="{lx}" y="{HEIGHT - 18}" width="10" height="10" fill="{esc(s.color)}"/>'
                     f'<text x="{lx + 14}" y="{HEIGHT - 9}" class="kb-chart-axis">{esc(s.name)}</text>')
        lx += 28 + 13 * len(s.name)
    parts.append("</svg>")
    head = "".join(f"<th>{esc(s.name)}</th>" for s in series)
    rows = "".join(f"<tr><th scope=\"row\">{esc(cat)}</th>"
                   + "".join(f'<td data-value="{s.values[ci]:g}">{esc(_fmt(s.values[ci], percent))}</td>'
                             for s in series) + "</tr>"
                   for ci, cat in enumerate(categories))
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    # No class on the table: material styles class-less tables.
    table = (f'<table id="{chart_id}-table"><caption>{esc(title)}</caption>'
             f"<thead><tr><th scope=\"col\">　</th>{head}</tr></thead><tbody>{rows}</tbody></table>")
    return (f'<figure class="kb-chart" id="{chart_id}">{"".join(parts)}{cap}'
            f'<div class="kb-chart-data">{table}</div></figure>')


#: The length of a share table's bar for a share of 1 (100 %), in em.
BAR_EM = 8


def share_table(chart_id: str, title: str, rows: list[tuple[str, float, str]], caption: str = "") -> str:
    """Shares (0–1) as one HTML table whose cells hold a bar drawn by CSS
    and the percentage: ``rows`` are (label, share, CSS colour).  For a
    chart on every page of its kind (a speech's theme profile): a quarter
    of ``bars``' bytes, and the numbers and the picture are one thing.
    The bar is decorative (``aria-hidden``); the text says the value.
    Raises ``ValueError`` for a share outside 0–1."""
    esc = html.escape
    body = []
    for label, share, color in rows:
        if not 0 <= share <= 1:
            raise ValueError(f"share of {label!r} is {share}, not within 0–1")
        body.append(f'<tr><th scope="row">{esc(label)}</th><td data-value="{share:g}">'
                    f'<span class="kb-bar" aria-hidden="true" style="width:{share * BAR_EM:.2f}em;background:{esc(color)}">'
                    f'</span>{esc(_fmt(share, True))}</td></tr>')
    cap = f"<caption>{esc(title)}{('：' + esc(caption)) if caption else ''}</caption>"
    return (f'<table class="kb-share" id="{chart_id}">{cap}<tbody>{"".join(body)}</tbody></table>')
