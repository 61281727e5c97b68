"""Bar charts of report tables, as SVG and PNG, drawn from one layout.

The layout is a list of shapes (rectangles, lines, text) computed here once; ``to_svg`` writes
them as SVG text and ``to_png`` paints them with Pillow. Pillow is already installed (ReportLab
needs it), works offline, and paints the same Noto fonts the PDFs use; cairosvg or ReportLab's
renderPM would need cairo, and matplotlib is a large dependency for a handful of bars.

Horizontal grouped bars: one group per table row (labels can be long), one bar per charted
column. A hidden (small) count draws no bar, only "–", so a chart never shows what the table
hides.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont

from formapp.documents.font_files import font_dir
from formapp.reports.model import SUPPRESSED_MARK, Table

WIDTH = 860
LABEL_W = 300
MARGIN = 16
BAR_H = 16
BAR_GAP = 3
GROUP_GAP = 12
FONT_SIZE = 12
TITLE_SIZE = 15
PALETTE = ("#1f5f8b", "#d9730d", "#4f8a3c", "#7b3294", "#8c564b")
TEXT = "#1b1b1b"
GRID = "#c8c8c8"
LABEL_CHARS = 44  # wrap row labels at this width, two lines at most


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: int = FONT_SIZE
    anchor: str = "start"  # start | end | middle
    bold: bool = False
    fill: str = TEXT


Shape = Rect | Line | Text


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    title: str
    shapes: tuple[Shape, ...]


def _format(value: float, unit: str) -> str:
    if unit in ("percent", "mean"):
        return f"{value:.0f} %"
    return f"{value:.0f}"


def _wrap(label: str) -> list[str]:
    lines = textwrap.wrap(label, LABEL_CHARS) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), LABEL_CHARS, placeholder="…")]
    return lines


def layout(table: Table) -> Chart:
    """The chart of ``table`` as shapes (``table.chart`` says which columns)."""
    spec = table.chart
    assert spec is not None, f"table {table.key} has no chart"
    indexes = [table.column_index(key) for key in spec.columns]
    series = [str(table.columns[i].label) for i in indexes]
    rows = [row for row in table.rows if not row.total]
    values = [v for row in rows for i in indexes
              if not row.cells[i].suppressed and (v := row.cells[i].value) is not None]
    top = max([*values, 1.0]) if spec.unit not in ("percent", "mean") else 100.0
    shapes: list[Shape] = [Text(MARGIN, MARGIN + TITLE_SIZE, str(table.title), TITLE_SIZE,
                                bold=True)]
    y = MARGIN + TITLE_SIZE + 14
    x = float(MARGIN)
    for number, name in enumerate(series):  # legend
        shapes.append(Rect(x, y - 10, 12, 12, PALETTE[number % len(PALETTE)]))
        shapes.append(Text(x + 17, y, name))
        x += 34 + 7 * len(name)
    y += 16
    plot_x = MARGIN + LABEL_W
    plot_w = WIDTH - plot_x - MARGIN - 48
    start_y = y
    for row in rows:
        group_h = max(len(indexes) * (BAR_H + BAR_GAP), 2 * (FONT_SIZE + 3))
        for line_no, line in enumerate(_wrap(str(row.label))):
            shapes.append(Text(plot_x - 8, y + FONT_SIZE + line_no * (FONT_SIZE + 3), line,
                               anchor="end"))
        for number, index in enumerate(indexes):
            cell = row.cells[index]
            bar_y = y + number * (BAR_H + BAR_GAP)
            baseline = bar_y + BAR_H - 4
            if cell.suppressed:
                shapes.append(Text(plot_x + 4, baseline, SUPPRESSED_MARK))
                continue
            if cell.value is None:
                continue
            width = plot_w * min(float(cell.value), top) / top
            if width > 0:
                shapes.append(Rect(plot_x, bar_y, max(width, 1.0), BAR_H,
                                   PALETTE[number % len(PALETTE)]))
            shapes.append(Text(plot_x + width + 4, baseline, _format(cell.value, spec.unit)))
        y += group_h + GROUP_GAP
    shapes.insert(1, Line(plot_x, start_y - 4, plot_x, y - GROUP_GAP + 4, GRID))
    return Chart(WIDTH, int(y + MARGIN), str(table.title), tuple(shapes))


_ANCHOR_SVG = {"start": "start", "end": "end", "middle": "middle"}


def to_svg(chart: Chart) -> str:
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{chart.width}" '
             f'height="{chart.height}" viewBox="0 0 {chart.width} {chart.height}" role="img" '
             f'font-family="Noto Sans, DejaVu Sans, Arial, sans-serif">',
             f"<title>{escape(chart.title)}</title>",
             f'<rect width="{chart.width}" height="{chart.height}" fill="#ffffff"/>']
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            parts.append(f'<rect x="{shape.x:.1f}" y="{shape.y:.1f}" width="{shape.w:.1f}" '
                         f'height="{shape.h:.1f}" fill="{shape.fill}"/>')
        elif isinstance(shape, Line):
            parts.append(f'<line x1="{shape.x1:.1f}" y1="{shape.y1:.1f}" x2="{shape.x2:.1f}" '
                         f'y2="{shape.y2:.1f}" stroke="{shape.stroke}"/>')
        else:
            weight = ' font-weight="bold"' if shape.bold else ""
            parts.append(f'<text x="{shape.x:.1f}" y="{shape.y:.1f}" font-size="{shape.size}" '
                         f'text-anchor="{_ANCHOR_SVG[shape.anchor]}" fill="{shape.fill}"'
                         f"{weight}>{escape(shape.text)}</text>")
    parts.append("</svg>")
    return "\n".join(parts)


@cache
def _font(size: int, bold: bool, directory: Path) -> ImageFont.FreeTypeFont:
    name = "NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf"
    return ImageFont.truetype(str(directory / name), size)


_ANCHOR_PIL = {"start": "ls", "end": "rs", "middle": "ms"}


def to_png(chart: Chart, scale: int = 2) -> bytes:
    """The chart painted at ``scale`` × its size (sharp in print), as PNG bytes."""
    image = Image.new("RGB", (chart.width * scale, chart.height * scale), "#ffffff")
    draw = ImageDraw.Draw(image)
    directory = font_dir()
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            draw.rectangle([shape.x * scale, shape.y * scale, (shape.x + shape.w) * scale - 1,
                            (shape.y + shape.h) * scale - 1], fill=shape.fill)
        elif isinstance(shape, Line):
            draw.line([shape.x1 * scale, shape.y1 * scale, shape.x2 * scale, shape.y2 * scale],
                      fill=shape.stroke, width=scale)
        else:
            draw.text((shape.x * scale, shape.y * scale), shape.text, fill=shape.fill,
                      font=_font(shape.size * scale, shape.bold, directory),
                      anchor=_ANCHOR_PIL[shape.anchor])
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
