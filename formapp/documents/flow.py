"""A small vertical page flow: stack blocks down the page, split paragraphs between lines.

Pagination runs before anything is drawn, so every page can say "1 (3)" and no font is touched
for a document that turns out to be unrenderable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from reportlab.pdfgen.canvas import Canvas

from formapp.documents.pdftext import draw_block
from formapp.documents.textlayout import TextBlock

Color = tuple[float, float, float]
BLACK: Color = (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class TextItem:
    """A paragraph; may break across pages between lines (never leaving a single line)."""

    block: TextBlock
    space_before: float = 0.0
    color: Color = BLACK
    keep_with_next: bool = False  # headings stay with what follows
    indent: float = 0.0

    @property
    def height(self) -> float:
        return self.block.height


@dataclass(frozen=True)
class BoxItem:
    """An unbreakable drawing of a fixed height: draw(canvas, x, y_top, width)."""

    height: float
    draw: Callable[[Canvas, float, float, float], None]
    space_before: float = 0.0
    keep_with_next: bool = False


Item = TextItem | BoxItem


@dataclass
class Page:
    placements: list[tuple[Item, float]] = field(default_factory=list)  # (item, y_top)


@dataclass(frozen=True)
class Frame:
    x: float
    top: float
    width: float
    bottom: float


def paginate(items: list[Item], frame: Frame) -> list[Page]:
    pages = [Page()]
    y = frame.top
    queue = list(items)
    i = 0
    while i < len(queue):
        item = queue[i]
        at_top = not pages[-1].placements
        gap = 0.0 if at_top else item.space_before
        available = y - gap - frame.bottom
        needed = item.height + _keep_height(queue, i)
        if item.height <= available and (needed <= available or at_top):
            pages[-1].placements.append((item, y - gap))
            y -= gap + item.height
            i += 1
            continue
        if isinstance(item, TextItem) and not item.keep_with_next:
            first, rest = _split(item, available)
            if first is not None and rest is not None:
                pages[-1].placements.append((first, y - gap))
                queue[i] = rest
        if not pages[-1].placements:
            raise ValueError("a block is taller than a page and cannot be split")
        pages.append(Page())
        y = frame.top
    return pages


def _keep_height(queue: list[Item], i: int) -> float:
    """Room the following items need on this page when this one keeps with the next."""
    extra = 0.0
    while i < len(queue) - 1 and queue[i].keep_with_next:
        nxt = queue[i + 1]
        if isinstance(nxt, TextItem):
            lines = nxt.block.lines
            extra += nxt.space_before + nxt.block.ascent + nxt.block.descent + (
                nxt.block.leading if len(lines) > 1 else 0.0)
            break
        extra += nxt.space_before + nxt.height
        i += 1
    return extra


def _split(item: TextItem, available: float) -> tuple[TextItem | None, TextItem | None]:
    block = item.block
    fit = 0
    for n in range(1, len(block.lines) + 1):
        if block.ascent + (n - 1) * block.leading + block.descent <= available:
            fit = n
    # No widows or orphans: at least two lines on each side.
    if fit < 2 or len(block.lines) - fit < 2:
        if len(block.lines) - fit == 1 and fit >= 3:
            fit -= 1
        else:
            return None, None
    first = replace(item, block=replace(block, lines=block.lines[:fit]))
    rest = replace(item, block=replace(block, lines=block.lines[fit:]), space_before=0.0)
    return first, rest


def draw_item(canvas: Canvas, item: Item, frame: Frame, y_top: float) -> None:
    if isinstance(item, TextItem):
        canvas.setFillColorRGB(*item.color)
        draw_block(canvas, item.block, frame.x + item.indent, y_top)
        canvas.setFillColorRGB(*BLACK)
    else:
        item.draw(canvas, frame.x, y_top, frame.width)
