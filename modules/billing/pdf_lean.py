"""The bill PDF drawn directly (ADR 0208): the same page the WeasyPrint template lays out
(`billing/pdf/bill.html`, kept as the reference in `pdf.render_bill_pdf_reference`), computed here
box by box from the template's CSS and written as one PDF content stream — text in the embedded
DejaVu faces with their kerning, the boxes, rules and the consumption chart as vector paths, the
Interleaved 2 of 5 barcode as vector bars. No HTML, no CSS cascade, no SVG parsing per bill.

What is the same for every bill of a utility is prepared once per tenant, template version and
branding (`_static`): the branding's logo (an arbitrary SVG, drawn once by WeasyPrint and carried over
as a form XObject) and the serialized objects that never change. The cache key holds the tenant's
schema, so nothing crosses tenants.

A bill this writer cannot draw exactly like the template (stamped draft or cancelled, a character
outside the embedded faces, content longer than one page) returns None and is rendered by the
reference; `pdf.render_bill_pdf` does that.
"""

from __future__ import annotations

import functools
import hashlib
import re
import zlib
from dataclasses import dataclass, field
from typing import Any

from .pdf_fonts import Face, face

TEMPLATE_VERSION = "bill.html#1"
MM = 96 / 25.4
PT = 4 / 3
PAGE_W, PAGE_H = 210 * MM, 297 * MM
LEFT, TOP = 11 * MM, 10 * MM
WIDTH = PAGE_W - 22 * MM
BOTTOM = PAGE_H - 10 * MM
INK, GREY, RULE, FAINT = "#1d2a33", "#5b6b75", "#c5d2da", "#edf1f3"
KAPPA = 0.55


def size(pt: float) -> float:
    """A CSS size in points as Pango sets it: px, truncated to 1/1024."""
    return int(pt * PT * 1024) / 1024


def rgb(colour: str) -> tuple[float, float, float]:
    c = colour.lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    return int(c[0:2], 16) / 255, int(c[2:4], 16) / 255, int(c[4:6], 16) / 255


def _n(value: float) -> str:
    """A number in the content stream: a thousandth of a px (or of an em) is below any printer."""
    return "%.3f" % value  # noqa: UP031 - the fastest formatting, called thousands of times a bill


@functools.cache
def _colour_op(colour: str, op: str) -> str:
    r, g, b = rgb(colour)
    return f"{_n(r)} {_n(g)} {_n(b)} {op}"


_TJ: dict[tuple[str, float, str], tuple[str, tuple[int, ...]]] = {}


def _tj(key: str, spacing: float, text: str) -> tuple[str, tuple[int, ...]]:
    """The TJ operand of a text (glyph ids, kerning and letter spacing) and its glyphs, memoized:
    most of a bill's texts are its labels, the same on every bill."""
    memo = _TJ.get((key, spacing, text))
    if memo is not None:
        return memo
    f = face(key)
    gids = tuple(f.gids[c] for c in text)
    parts = []
    last = len(gids) - 1
    for i, gid in enumerate(gids):
        adjust = (-f.kern(gid, gids[i + 1]) * 1000 / f.upem if i < last else 0.0) - spacing
        parts.append(f"<{gid:04x}>{adjust:.2f}" if adjust else f"<{gid:04x}>")
    if len(_TJ) > 100_000:
        _TJ.clear()
    _TJ[(key, spacing, text)] = memo = (f"[{''.join(parts)}] TJ", gids)
    return memo


@dataclass(frozen=True)
class Style:
    face: str  # regular, bold, mono
    pt: float
    colour: str = INK
    spacing_pt: float = 0.0

    @property
    def px(self) -> float:
        return size(self.pt)

    @property
    def spacing(self) -> float:
        return self.spacing_pt * PT

    def metrics(self) -> tuple[float, float]:
        """Ascent and line height ("normal") in px, rounded as Pango rounds them."""
        return _metrics(self.face, self.pt)


@functools.cache
def _metrics(key: str, pt: float) -> tuple[float, float]:
    f = face(key)
    units = int(pt * PT * 1024)
    ascent = round(units * f.ascent / f.upem)
    descent = round(units * f.descent / f.upem)
    return ascent / 1024, (ascent + descent) / 1024


def _style(style: Style, **changes: Any) -> Style:
    return Style(**{**style.__dict__, **changes})


BODY = Style("regular", 8.4)
SMALL = Style("regular", 6.8, GREY)


class Unprintable(Exception):
    """The lean writer cannot draw this bill exactly like the template."""


_ROUND = (
    "%.3f %.3f m %.3f %.3f l %.3f %.3f %.3f %.3f %.3f %.3f c %.3f %.3f l %.3f %.3f %.3f %.3f %.3f %.3f c "
    "%.3f %.3f l %.3f %.3f %.3f %.3f %.3f %.3f c %.3f %.3f l %.3f %.3f %.3f %.3f %.3f %.3f c "
)


@dataclass
class Canvas:
    """The content stream being written, in CSS px with y downwards (as WeasyPrint's)."""

    ops: list[str] = field(default_factory=list)
    used: dict[str, set[int]] = field(
        default_factory=lambda: {"regular": set(), "bold": set(), "mono": set()}
    )
    alpha: set[str] = field(default_factory=set)
    xobjects: list[str] = field(default_factory=list)

    def fill(self, colour: str) -> None:
        self.ops.append(_colour_op(colour, "rg"))

    def stroke(self, colour: str) -> None:
        self.ops.append(_colour_op(colour, "RG"))

    def rect(self, x: float, y: float, w: float, h: float, colour: str) -> None:
        self.fill(colour)
        self.ops.append("%.3f %.3f %.3f %.3f re f" % (x, y, w, h))  # noqa: UP031

    def _round_path(self, x: float, y: float, w: float, h: float, r: float) -> str:
        k = r * KAPPA
        x2, y2 = x + w, y + h
        return _ROUND % (  # the corners as WeasyPrint draws them: a Bézier of factor 0.55
            x + r, y, x2 - r, y,
            x2 - r + k, y, x2, y + r - k, x2, y + r,
            x2, y2 - r, x2, y2 - r + k, x2 - r + k, y2, x2 - r, y2,
            x + r, y2, x + r - k, y2, x, y2 - r + k, x, y2 - r,
            x, y + r, x, y + r - k, x + r - k, y, x + r, y,
        )  # fmt: skip

    def round_fill(self, x: float, y: float, w: float, h: float, r: float, colour: str) -> None:
        self.fill(colour)
        self.ops.append(self._round_path(x, y, w, h, r) + "f")

    def round_border(self, x: float, y: float, w: float, h: float, r: float, bw: float, colour: str) -> None:
        """A rounded border of width bw around the border box (x, y, w, h), as an even-odd ring."""
        self.fill(colour)
        inner = self._round_path(x + bw, y + bw, w - 2 * bw, h - 2 * bw, max(r - bw, 0))
        self.ops.append(inner + self._round_path(x, y, w, h, r) + "f*")

    def xobject(self, name: str, x: float, y: float, w: float, h: float) -> None:
        """A prepared form XObject (y up, in points) placed in the box (x, y, w, h)."""
        self.xobjects.append(name)  # its BBox is in points: w × 0.75
        self.ops.append(
            f"q {_n(w / (w * 0.75))} 0 0 {_n(-h / (h * 0.75))} {_n(x)} {_n(y + h)} cm /{name} Do Q"
        )

    def hline(self, x1: float, x2: float, y: float, width: float, colour: str) -> None:
        self.stroke(colour)
        self.ops.append("%.3f w %.3f %.3f m %.3f %.3f l S" % (width, x1, y, x2, y))  # noqa: UP031

    def text(self, runs: list[tuple[float, float, Style, str]], alpha: float = 1.0) -> None:
        """One text object: runs of (x, baseline, style, text), each glyph placed with its kerning."""
        if not runs:
            return
        out = self.ops
        if alpha < 1:
            self.alpha.add(_n(alpha))
            out.append(f"q /ca{_n(alpha)} gs")
        out.append("BT")
        current: tuple[str, float] | None = None
        colour = None
        for x, y, style, text in runs:
            if not text:
                continue
            if style.colour != colour:
                self.fill(style.colour)
                colour = style.colour
            font = (style.face, style.px)
            out.append("1 0 0 -1 %.3f %.3f Tm" % (x, y))  # noqa: UP031
            if font != current:
                out.append(f"/F{style.face} {_n(style.px)} Tf")
                current = font
            tj, gids = _tj(style.face, style.spacing * 1000 / style.px if style.spacing else 0.0, text)
            self.used[style.face].update(gids)
            out.append(tj)
        out.append("ET")
        if alpha < 1:
            out.append("Q")


_WIDTHS: dict[tuple[Style, str], float] = {}


def width(style: Style, text: str) -> float:
    """The advance of `text` in px: glyph advances, pair kerning and letter spacing (memoized: the
    labels repeat on every bill)."""
    key = (style, text)
    known = _WIDTHS.get(key)
    if known is not None:
        return known
    if len(_WIDTHS) > 100_000:
        _WIDTHS.clear()
    _WIDTHS[key] = result = _measure(style, text)
    return result


def _measure(style: Style, text: str) -> float:
    f = face(style.face)
    gids = [f.gids[c] for c in text]
    units = 0
    for i, gid in enumerate(gids):
        units += f.advances[gid]
        if i + 1 < len(gids):
            units += f.kern(gid, gids[i + 1])
    return units * style.px / f.upem + style.spacing * len(text)


def _check(style: Style, text: str) -> None:
    if not face(style.face).has(text):
        raise Unprintable(text)


Run = tuple[Style, str]


_SPACES = re.compile(r"[ \t\n\r\f]+")


def _collapse(runs: list[Run]) -> list[Run]:
    """HTML white space: runs of spaces (and newlines) are one space; none at the start or the end."""
    out: list[Run] = []
    last_space = True
    for style, text in runs:
        if not text:
            continue
        text = _SPACES.sub(" ", text)
        if last_space and text.startswith(" "):
            text = text[1:]
        if text:
            out.append((style, text))
            last_space = text.endswith(" ")
    while out and out[-1][1].endswith(" "):
        style, text = out[-1]
        out[-1] = (style, text.rstrip(" "))
        if not out[-1][1]:
            out.pop()
    return out


def lines(runs: list[Run], available: float) -> list[list[Run]]:
    """Greedy line breaking at spaces, across runs of different styles (Pango breaks these texts so)."""
    collapsed = _collapse(runs)
    for style, text in collapsed:
        _check(style, text)
    if sum(width(s, t) for s, t in collapsed) <= available + 0.01:  # fits on one line: most do
        return [collapsed]
    words: list[list[Run]] = [[]]  # each word: its pieces, spaces attached at the end
    for style, text in collapsed:
        for i, piece in enumerate(text.split(" ")):
            if i:
                words[-1].append((style, " "))
                words.append([])
            if piece:
                words[-1].append((style, piece))
    result: list[list[Run]] = [[]]
    used = 0.0
    for word in words:
        core = [(s, t) for s, t in word if t != " "]
        core_w = sum(width(s, t) for s, t in core)
        full_w = sum(width(s, t) for s, t in word)
        if result[-1] and used + core_w > available + 0.01:
            result.append([])
            used = 0.0
        result[-1].extend(word)
        used += full_w
    out = []
    for line in result:
        merged: list[Run] = []
        for style, text in line:
            if merged and merged[-1][0] == style:
                merged[-1] = (style, merged[-1][1] + text)
            else:
                merged.append((style, text))
        while merged and merged[-1][1].endswith(" "):
            merged[-1] = (merged[-1][0], merged[-1][1].rstrip(" "))
            if not merged[-1][1]:
                merged.pop()
        out.append(merged)
    return out


def _line_metrics(line: list[Run], strut: Style) -> tuple[float, float]:
    """The line's baseline offset and height: the strut of the block's font and its runs'."""
    ascent, height = strut.metrics()
    descent = height - ascent
    for style, _ in line:
        a, h = style.metrics()
        ascent, descent = max(ascent, a), max(descent, h - a)
    return ascent, ascent + descent


def block(
    runs: list[Run], x: float, y: float, available: float, strut: Style | None = None, align: str = "left"
) -> tuple[list[tuple[float, float, Style, str]], float]:
    """A block's text laid out: its placed runs and its height. The strut is the block's own font
    (its first run's unless given): every line is at least as tall as it."""
    placed = []
    if strut is None:
        strut = runs[0][0] if runs else BODY
    top = y
    laid = lines(runs, available) if _collapse(runs) else []
    for line in laid:
        ascent, height = _line_metrics(line, strut)
        total = sum(width(s, t) for s, t in line)
        # a line too long for its box starts at the left and overflows (CSS Text 3 §7.1)
        free = max(0.0, available - total)
        at = x + (free if align == "right" else free / 2 if align == "center" else 0.0)
        for style, text in line:
            placed.append((at, top + ascent, style, text))
            at += width(style, text)
        top += height
    return placed, top - y


@dataclass
class Box:
    """An inline-block or block `.box`: border 0.3 mm, padding 2 mm × 2.5 mm, radius 1.5 mm."""

    x: float
    y: float
    w: float  # border box
    content_h: float = 0.0
    texts: list[list[tuple[float, float, Style, str]]] = field(default_factory=list)
    background: str = ""

    BORDER = 0.3 * MM
    PAD_Y, PAD_X = 2 * MM, 2.5 * MM

    @property
    def cx(self) -> float:
        return self.x + self.BORDER + self.PAD_X

    @property
    def cy(self) -> float:
        return self.y + self.BORDER + self.PAD_Y

    @property
    def cw(self) -> float:
        return self.w - 2 * (self.BORDER + self.PAD_X)

    @property
    def h(self) -> float:
        return self.content_h + 2 * (self.BORDER + self.PAD_Y)


H3_GAP = 1.2 * MM
ROW_GAP = 3 * MM


def _h3(text: str, colour: str) -> Style:
    return Style("bold", 7.2, colour, 0.4)


def _heading(box: Box, y: float, title: str, colour: str) -> float:
    """The box's h3 (uppercase, letter-spaced) at y; the y after its bottom margin."""
    placed, height = block([(_h3(title, colour), title.upper())], box.cx, y, box.cw)
    box.texts.append(placed)
    return y + height + H3_GAP


def _kv(box: Box, y: float, label: list[Run], value: list[Run], first: float = 0.46) -> float:
    """A `.kv` row: a fixed two-column table, the label grey on the left, the value right-aligned."""
    left_w = box.cw * first
    a, ah = block(label, box.cx, y, left_w, BODY)
    b, bh = block(value, box.cx + left_w, y, box.cw - left_w, BODY, "right")
    box.texts.append(a)
    box.texts.append(b)
    return y + max(ah, bh, BODY.metrics()[1])


@dataclass
class Page:
    backgrounds: Canvas = field(default_factory=Canvas)
    flow: list[Any] = field(default_factory=list)  # callables painting in document order


def draw_bill(facts: dict[str, Any], logo: Any | None) -> Canvas:
    """The bill's page: `facts` are the template's values (pdf.bill_facts), logo a prepared XObject."""
    colour = facts["colour"]
    secondary = facts["secondary"]
    canvas = Canvas()
    later: list[Any] = []  # painted after the flow: the translucent lines, the chart, the cut, the barcode
    flow: list[Any] = []
    backgrounds: list[Any] = []
    bold = _style(BODY, face="bold")
    white = _style(BODY, colour="#ffffff")

    # the head: a table with padding 3 × 4 mm, cells logo 19 mm, organisation 112 mm, document
    y0 = TOP
    cells_x = LEFT + 4 * MM
    org_x, org_w = cells_x + 19 * MM, 112 * MM
    doc_x = org_x + org_w
    doc_w = WIDTH - 8 * MM - 19 * MM - org_w
    name_style = Style("bold", 13, "#ffffff")
    sub_style = Style("regular", 7.5, "#ffffff")
    name, name_h = block([(name_style, facts["tenant_title"])], org_x, 0, org_w)
    sub1, sub1_h = block([(sub_style, facts["head_sub1"])], org_x, 0, org_w)
    sub2, sub2_h = block([(sub_style, facts["head_sub2"])], org_x, 0, org_w)
    org_h = name_h + sub1_h + sub2_h
    title_style = Style("bold", 12, "#ffffff", 0.5)
    title, title_h = block([(title_style, "FATURA DE ÁGUA E ESGOTO")], doc_x, 0, doc_w, None, "right")
    ref, ref_h = block([(white, facts["head_reference"])], doc_x, 0, doc_w, None, "right")
    doc_h = title_h + ref_h
    logo_h = 0.0
    if logo is not None:
        ascent, line_h = BODY.metrics()
        logo_h = 15 * MM + (line_h - ascent)
    row_h = max(org_h, doc_h, logo_h)
    cy = y0 + 3 * MM
    org_top = cy + (row_h - org_h) / 2
    doc_top = cy + (row_h - doc_h) / 2

    def shift(placed: list[Any], dy: float) -> list[Any]:
        return [(x, y + dy, s, t) for x, y, s, t in placed]

    name = shift(name, org_top)
    sub1 = shift(sub1, org_top + name_h)
    sub2 = shift(sub2, org_top + name_h + sub1_h)
    title = shift(title, doc_top)
    ref = shift(ref, doc_top + title_h)
    head_h = row_h + 6 * MM
    backgrounds.append(lambda: canvas.round_fill(LEFT, y0, WIDTH, head_h, 2 * MM, colour))
    flow.append(lambda: canvas.text(name + title + ref))
    if logo is not None:
        logo_top = cy + (row_h - logo_h) / 2
        # images are painted after the flow's text (as WeasyPrint does), the logo first
        later.append(lambda: canvas.xobject("Logo", cells_x, logo_top, 15 * MM, 15 * MM))
    later.append(lambda: canvas.text(sub1, 0.92))
    later.append(lambda: canvas.text(sub2, 0.92))
    y = y0 + head_h + ROW_GAP

    # row 1: customer and property (60 %), due date and total (38.5 %)
    space = width(BODY, " ")
    left = Box(LEFT, y, WIDTH * 0.60)
    right = Box(left.x + left.w + space + 2.4 * MM, y, WIDTH * 0.385)
    at = _heading(left, left.cy, "Cliente e imóvel", colour)
    for runs, margin in facts["customer_lines"]:
        placed, h = block(runs, left.cx, at + margin, left.cw)
        left.texts.append(placed)
        at += margin + h
    left.content_h = at - left.cy
    at = _heading(right, right.cy, "Vencimento", colour)
    big = Style("bold", 15, secondary)
    for text, style, margin, heading in (
        (facts["due"], big, 0.0, False),
        (facts["issued"], SMALL, 0.0, False),
        ("Total a pagar", None, 2 * MM, True),
        (facts["total_line"], big, 0.0, False),
    ):
        if not text:
            continue
        if heading:
            at = _heading(right, at + margin, text, colour)
            continue
        placed, h = block([(style, text)], right.cx, at, right.cw)
        right.texts.append(placed)
        at += h
    right.content_h = at - right.cy
    for box in (left, right):
        flow.append(functools.partial(_paint_box, canvas, box))
    y += max(left.h, right.h, BODY.metrics()[1]) + ROW_GAP

    # row 2: reading and consumption (44 %), the chart (54.5 %)
    left = Box(LEFT, y, WIDTH * 0.44)
    right = Box(left.x + left.w + space + 2.4 * MM, y, WIDTH * 0.545)
    at = _heading(left, left.cy, "Leitura e consumo", colour)
    grey = _style(BODY, colour=GREY)
    for kind, label, value in facts["reading_rows"]:
        if kind == "small":
            placed, h = block([(SMALL, label)], left.cx, at, left.cw, SMALL)
            left.texts.append(placed)
            at += h
        else:
            at = _kv(left, at, [(grey, label)], value)
    left.content_h = at - left.cy
    at = _heading(right, right.cy, "Histórico de consumo (m³)", colour)
    chart_w = right.cw
    chart_h = chart_w * 138 / 360
    ascent, line_h = BODY.metrics()
    chart_top = at
    right.content_h = at + chart_h + (line_h - ascent) - right.cy
    for box in (left, right):
        flow.append(functools.partial(_paint_box, canvas, box))
    later.append(lambda: _chart(canvas, facts["chart"], right.cx, chart_top, chart_w / 360))
    y += max(left.h, right.h) + ROW_GAP

    # the charges: a block box with the items table (fixed layout 58/14/14/14 %, collapsed borders)
    items = Box(LEFT, y, WIDTH)
    at = _heading(items, items.cy, "Discriminação dos serviços", colour)
    cols = [items.cw * p for p in (0.58, 0.14, 0.14, 0.14)]
    xs = [items.cx, items.cx + cols[0], items.cx + cols[0] + cols[1], items.cx + cols[0] + cols[1] + cols[2]]
    pad_x = 1 * MM
    th = Style("bold", 7, GREY)
    rows: list[tuple[list[tuple[str, Style, str]], str]] = [
        (
            [
                ("Descrição", th, "left"),
                ("Volume", th, "right"),
                ("Tarifa R$/m³", th, "right"),
                ("Valor R$", th, "right"),
            ],
            "head",
        )
    ]
    for cells in facts["item_rows"]:
        rows.append(
            (
                [
                    (cells[0], BODY, "left"),
                    (cells[1], BODY, "right"),
                    (cells[2], BODY, "right"),
                    (cells[3], BODY, "right"),
                ],
                "item",
            )
        )
    total_style = Style("bold", 9.5)
    rows.append(([("Total", total_style, "left"), (facts["total_amount"], total_style, "right")], "total"))
    head_rule, item_rule, total_rule = 0.3 * MM, 0.2 * MM, 0.4 * MM
    table_texts: list[tuple[float, float, Style, str]] = []
    rules: list[tuple[float, float, float, float, str]] = []
    grid = at
    for index, (cells, kind) in enumerate(rows):
        top_rule = (
            0.0 if index == 0 else (head_rule if index == 1 else total_rule if kind == "total" else item_rule)
        )
        bottom_rule = (
            head_rule
            if kind == "head"
            else item_rule
            if kind == "total"
            else total_rule
            if rows[index + 1][1] == "total"
            else item_rule
        )
        pad_y = 1 * MM if kind == "head" else 0.8 * MM
        widths = cols if len(cells) == 4 else [cols[0] + cols[1] + cols[2], cols[3]]
        lefts = xs if len(cells) == 4 else [xs[0], xs[3]]
        content_top = grid + top_rule / 2 + pad_y
        tallest = 0.0
        for (text, style, align), cx, cw in zip(cells, lefts, widths, strict=True):
            placed, h = block([(style, text)], cx + pad_x, content_top, cw - 2 * pad_x, style, align)
            table_texts.extend(placed)
            tallest = max(tallest, h)
        row_h = top_rule / 2 + pad_y + tallest + pad_y + bottom_rule / 2
        grid += row_h
        rule_colour = RULE if kind == "head" else (colour if bottom_rule == total_rule else FAINT)
        for cx, cw in zip(xs, cols, strict=True):
            rules.append(
                (cx, cx + cw, grid, bottom_rule, rule_colour if bottom_rule != total_rule else colour)
            )
    at = grid + item_rule / 2
    items.content_h = at - items.cy
    heading_texts = items.texts[0]
    backgrounds.append(
        lambda: canvas.round_border(items.x, items.y, items.w, items.h, 1.5 * MM, Box.BORDER, RULE)
    )
    backgrounds.append(lambda: [canvas.hline(a, b, yy, w, c) for a, b, yy, w, c in rules])
    flow.append(lambda: canvas.text(heading_texts))
    flow.append(lambda: canvas.text(table_texts))
    y += items.h + ROW_GAP

    # row 3: messages (44 %, tinted), the water-quality report (54.5 %)
    left = Box(LEFT, y, WIDTH * 0.44, background="#f2f7f9")
    right = Box(left.x + left.w + space + 2.4 * MM, y, WIDTH * 0.545)
    at = _heading(left, left.cy, "Mensagens", colour)
    margin_before = 0.0
    for title_text, body_lines in facts["messages"]:
        runs: list[Run] = [(bold, title_text)]
        placed, h = block(runs, left.cx, at, left.cw, BODY)
        left.texts.append(placed)
        at += h
        if body_lines:
            body_runs: list[list[Run]] = [[(BODY, line)] for line in body_lines]
            for line_runs in body_runs:
                placed, h = block(line_runs, left.cx, at, left.cw, BODY)
                if not placed:  # an empty line of the body: a <br> after nothing keeps a line
                    h = BODY.metrics()[1]
                left.texts.append(placed)
                at += h
        at += 1 * MM
        margin_before = 1 * MM
    at += max(0.0, 1 * MM - margin_before) if facts["messages"] else 0.0
    placed, h = block([(SMALL, PAY_NOTE)], left.cx, at, left.cw, SMALL)
    left.texts.append(placed)
    at += h
    left.content_h = at - left.cy
    at = _heading(right, right.cy, facts["quality_title"], colour)
    quality = facts["quality"]
    q_rules: list[tuple[float, float, float, float, str]] = []
    if quality:
        q_cols = [right.cw * p for p in (0.34, 0.14, 0.16, 0.15, 0.21)]
        q_xs = [right.cx + sum(q_cols[:i]) for i in range(5)]
        q_head = Style("bold", 6.8)
        q_cell = Style("regular", 6.8)
        grid = at
        all_rows = [(list(QUALITY_HEAD), q_head)] + [(row, q_cell) for row in quality["rows"]]
        q_texts: list[tuple[float, float, Style, str]] = []
        rule = 0.2 * MM
        for index, (cells, style) in enumerate(all_rows):
            top_rule = 0.0 if index == 0 else rule
            content_top = grid + top_rule / 2 + 0.5 * MM
            tallest = 0.0
            for i, (cx, cw) in enumerate(zip(q_xs, q_cols, strict=True)):
                text = str(cells[i]) if i < len(cells) else ""
                placed, h = block(
                    [(style, text)],
                    cx + 1 * MM,
                    content_top,
                    cw - 2 * MM,
                    style,
                    "left" if i == 0 else "center",
                )
                q_texts.extend(placed)
                tallest = max(tallest, h)
            grid += top_rule / 2 + 0.5 * MM + tallest + 0.5 * MM + rule / 2
            for cx, cw in zip(q_xs, q_cols, strict=True):
                q_rules.append((cx, cx + cw, grid, rule, FAINT))
        right.texts.append(q_texts)
        at = grid + rule / 2
        placed, h = block([(SMALL, quality["note"])], right.cx, at, right.cw, SMALL)
        right.texts.append(placed)
        at += h
    else:
        placed, h = block([(SMALL, NO_QUALITY)], right.cx, at, right.cw, SMALL)
        right.texts.append(placed)
        at += h
    right.content_h = at - right.cy
    flow.append(functools.partial(_paint_box, canvas, left))
    flow.append(functools.partial(_paint_box, canvas, right, q_rules))
    y += max(left.h, right.h)

    # the cut: margin 4 mm above, 2 mm below, a 0.4 mm dashed rule, its label on white
    cut_y = y + 4 * MM
    cut_w = 0.4 * MM
    label_style = Style("regular", 6.5, "#7d8b93")
    label = "✂ Autenticação mecânica – destaque aqui"
    _check(label_style, label)
    label_w = width(label_style, label)
    l_ascent, l_height = label_style.metrics()
    label_top = cut_y + cut_w - 2.2 * MM

    def cut() -> None:
        dash = 3 * cut_w
        count = max(1, round(WIDTH / (2 * dash)))
        period = WIDTH / (count + 0.5)
        canvas.fill("#7d8b93")
        canvas.ops.append(
            " ".join(
                f"{_n(LEFT + i * period)} {_n(cut_y)} {_n(dash)} {_n(cut_w)} re" for i in range(count + 1)
            )
            + " f"
        )
        canvas.rect(LEFT, label_top, label_w + 2 * MM, l_height, "#ffffff")
        canvas.text([(LEFT, label_top + l_ascent, label_style, label)])

    later.append(cut)
    y = cut_y + cut_w + 2 * MM

    # the slip: border 0.3 mm, padding 2.5 mm
    pad = 2.5 * MM
    sx, sw = LEFT + Box.BORDER + pad, WIDTH - 2 * (Box.BORDER + pad)
    at = y + Box.BORDER + pad
    left_w = sw * 0.64
    grey = _style(BODY, colour=GREY)
    a, ah = block(facts["slip_left"](grey, _style(grey, face="bold")), sx, at, left_w, BODY)
    b, bh = block(facts["slip_right"](BODY, bold), sx + left_w, at, sw - left_w, BODY, "right")
    at += max(ah, bh, BODY.metrics()[1])
    at += 1.5 * MM
    mono = Style("mono", 10.5, INK, 0.3)
    line, line_h = block([(mono, facts["typeable"])], sx, at, sw, mono)
    at += line_h + 2 * MM
    barcode_top = at
    ascent, body_h = BODY.metrics()
    at += (13 * MM + body_h - ascent) if facts["barcode"] else body_h
    slip_h = at + pad + Box.BORDER - y
    backgrounds.append(lambda: canvas.round_border(LEFT, y, WIDTH, slip_h, 1.5 * MM, Box.BORDER, INK))
    flow.append(lambda: canvas.text(a + b))
    flow.append(lambda: canvas.text(line))
    if facts["barcode"]:
        later.append(lambda: _barcode(canvas, facts["barcode"], sx, barcode_top))
    if y + slip_h > BOTTOM + 0.01:
        raise Unprintable("mais de uma página")

    canvas.ops.append(f"1 0 0 -1 0 {_n(PAGE_H * 0.75)} cm 0.75 0 0 0.75 0 0 cm")
    for paint in backgrounds + flow + later:
        paint()
    return canvas


PAY_NOTE = (
    "Pague em qualquer banco, lotérica ou pelo aplicativo do seu banco até o vencimento. Após o "
    "vencimento, multa e juros serão cobrados na próxima fatura, em rubricas próprias."
)
NO_QUALITY = "Relatório de qualidade da água disponível no site da concessionária."
QUALITY_HEAD = ("Parâmetro", "Exigidas", "Realizadas", "Conformes", "Padrão")


def _paint_box(canvas: Canvas, box: Box, rules: list[Any] | None = None) -> None:
    if box.background:
        canvas.round_fill(box.x, box.y, box.w, box.h, 1.5 * MM, box.background)
    canvas.round_border(box.x, box.y, box.w, box.h, 1.5 * MM, Box.BORDER, RULE)
    for a, b, y, w, c in rules or []:
        canvas.hline(a, b, y, w, c)
    for placed in box.texts:
        canvas.text(placed)


def _chart(
    canvas: Canvas, bars: list[tuple[str, int | None, bool, str]], x0: float, y0: float, s: float
) -> None:
    """The consumption chart of pdf._chart drawn as paths: the SVG's user units scaled by s."""
    months = len(bars)
    height = 110
    step = 354 / months
    bar = min(22.0, step * 0.75)
    label_pt = 8 if months <= 12 else 6
    top = max([v or 0 for _, v, _, _ in bars] + [1])
    value_style = Style("regular", 8 * s * 0.75)
    label_style = Style("regular", label_pt * s * 0.75)
    texts = []
    for i, (label, v, _current, fill) in enumerate(bars):
        x = 6 + i * step
        h = 0 if not v else max(2, round(v / top * height))
        xr = float(f"{x:.1f}")
        if h:
            canvas.rect(x0 + xr * s, y0 + (height - h + 12) * s, bar * s, h * s, fill)
        centre = float(f"{x + bar / 2:.1f}")
        if v is not None:
            text = str(v)
            _check(value_style, text)
            texts.append(
                (x0 + centre * s - width(value_style, text) / 2, y0 + (height - h + 9) * s, value_style, text)
            )
        _check(label_style, label)
        texts.append(
            (x0 + centre * s - width(label_style, label) / 2, y0 + (height + 24) * s, label_style, label)
        )
    canvas.hline(x0, x0 + 360 * s, y0 + (height + 12) * s, 0.5 * s, "#666666")
    for t in texts:
        canvas.text([t])


def _barcode(canvas: Canvas, digits: str, x0: float, y0: float) -> None:
    """Interleaved 2 of 5 as vector bars, the geometry of interleaved25.render_svg (103 × 13 mm)."""
    from .domain.interleaved25 import Element, Width, encode

    modules = encode(digits)
    narrow, wide, quiet = 1.0, 3.0, 10.0
    total = quiet * 2 + sum(narrow if w is Width.NARROW else wide for _, w in modules)
    sx, h = 103 * MM / total, 13 * MM
    canvas.rect(x0, y0, 103 * MM, h, "#ffffff")
    x = quiet
    bars = []
    for element, w in modules:
        size_ = narrow if w is Width.NARROW else wide
        if element is Element.BAR:  # one fill per bar: viewers snap a lone rectangle to the pixel grid
            bars.append(f"{_n(x0 + x * sx)} {_n(y0)} {_n(size_ * sx)} {_n(h)} re f")
        x += size_
    canvas.fill("#000000")
    canvas.ops.append("\n".join(bars))


# -- the PDF file ---------------------------------------------------------------------------------

FACES = ("regular", "bold", "mono")
FIRST_STATIC = 6 + 5 * len(FACES)  # catalog, pages, page, contents, info, then five objects a face


@dataclass(frozen=True)
class Static:
    """What every bill of one tenant, template version and branding shares: the logo's objects."""

    key: str
    logo: bytes | None  # serialized objects, numbered from FIRST_STATIC; the form is FIRST_STATIC
    logo_count: int = 0
    logo_offsets: tuple[int, ...] = ()


def _stream(dictionary: str, data: bytes, compress: bool = True, level: int = 6) -> bytes:
    if compress:
        data = zlib.compress(data, level)
        dictionary += " /Filter /FlateDecode"
    return f"<<{dictionary} /Length {len(data)}>>\nstream\n".encode() + data + b"\nendstream"


def _to_unicode(f: Face, used: set[int]) -> bytes:
    lines = [
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        "1 begincodespacerange <0000> <ffff> endcodespacerange",
    ]
    gids = sorted(g for g in used if g in f.unicode_of)
    for start in range(0, len(gids), 100):
        chunk = gids[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        for g in chunk:
            units = f.unicode_of[g].encode("utf-16-be").hex()
            lines.append(f"<{g:04x}> <{units}>")
        lines.append("endbfchar")
    lines.append("endcmap CMapName currentdict /CMap defineresource pop end end")
    return "\n".join(lines).encode()


_FONTS: dict[tuple[str, frozenset[int], int], list[bytes]] = {}


def _font_objects(f: Face, key: str, used: set[int], first: int) -> list[bytes]:
    """The face's objects for these glyphs, memoized: a utility's bills mostly use the same glyphs
    (the labels, the digits, its towns' names), so the subset and its compression are mostly reused.
    Fonts are not tenant data."""
    memo_key = (key, frozenset(used), first)
    memo = _FONTS.get(memo_key)
    if memo is None:
        if len(_FONTS) > 2_000:
            _FONTS.clear()
        memo = _FONTS[memo_key] = _font_objects_of(f, key, used, first)
    return memo


def _font_objects_of(f: Face, key: str, used: set[int], first: int) -> list[bytes]:
    """Type0 font, its CIDFontType2, descriptor, the subset program and the ToUnicode map."""
    name = {"regular": "DejaVuSans", "bold": "DejaVuSans-Bold", "mono": "DejaVuSansMono-Bold"}[key]
    tag = "".join(chr(65 + (b % 26)) for b in hashlib.sha256(repr(sorted(used)).encode()).digest()[:6])
    base = f"{tag}+{name}"
    scale = 1000 / f.upem
    widths = " ".join(f"{g} [{_n(f.advances[g] * scale)}]" for g in sorted(used))
    program = f.program(used)
    bbox = f.tables["head"]
    import struct

    x_min, y_min, x_max, y_max = struct.unpack(">hhhh", bbox[36:44])
    return [
        f"<</Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding /Identity-H "
        f"/DescendantFonts [{first + 1} 0 R] /ToUnicode {first + 4} 0 R>>".encode(),
        f"<</Type /Font /Subtype /CIDFontType2 /BaseFont /{base} "
        f"/CIDSystemInfo <</Registry (Adobe) /Ordering (Identity) /Supplement 0>> "
        f"/FontDescriptor {first + 2} 0 R /CIDToGIDMap /Identity /W [{widths}]>>".encode(),
        f"<</Type /FontDescriptor /FontName /{base} /Flags 4 "
        f"/FontBBox [{_n(x_min * scale)} {_n(y_min * scale)} "
        f"{_n(x_max * scale)} {_n(y_max * scale)}] /ItalicAngle 0 /Ascent {_n(f.ascent * scale)} "
        f"/Descent {_n(-f.descent * scale)} /CapHeight {_n(f.ascent * scale)} /StemV 80 "
        f"/FontFile2 {first + 3} 0 R>>".encode(),
        _stream(f" /Length1 {len(program)}", program),
        _stream("", _to_unicode(f, used)),
    ]


def write_pdf(canvas: Canvas, title: str, static: Static) -> bytes:
    """One A4 page: the canvas's content stream, its three faces subset to the glyphs it uses."""
    fonts = " ".join(f"/F{key} {6 + 5 * i} 0 R" for i, key in enumerate(FACES))
    states = " ".join(f"/ca{a} <</ca {a} /CA {a}>>" for a in sorted(canvas.alpha))
    xobjects = f" /XObject <</Logo {FIRST_STATIC} 0 R>>" if static.logo is not None else ""
    width_pt, height_pt = PAGE_W * 0.75, PAGE_H * 0.75
    safe_title = title.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    objects: list[bytes] = [
        b"<</Type /Catalog /Pages 2 0 R>>",
        b"<</Type /Pages /Kids [3 0 R] /Count 1>>",
        f"<</Type /Page /Parent 2 0 R /MediaBox [0 0 {_n(width_pt)} {_n(height_pt)}] "
        f"/Resources <</Font <<{fonts}>> /ExtGState <<{states}>>{xobjects}>> /Contents 4 0 R>>".encode(),
        _stream("", "\n".join(canvas.ops).encode(), level=3),
        f"<</Title ({safe_title}) /Producer (Manancial)>>".encode("latin-1", "replace"),
    ]
    for i, key in enumerate(FACES):
        used = canvas.used[key] or {0}
        objects += _font_objects(face(key), key, used, 6 + 5 * i)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    count = len(objects)
    if static.logo is not None:
        base = len(out)
        offsets += [base + o for o in static.logo_offsets]
        out += static.logo
        count += static.logo_count
    xref = len(out)
    out += f"xref\n0 {count + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<</Size {count + 1} /Root 1 0 R /Info 5 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _serialize(obj: Any, number: Any) -> bytes:
    """A pypdf object as PDF syntax, its indirect references renumbered by `number`."""
    import io

    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    if isinstance(obj, IndirectObject):
        return f"{number(obj.idnum)} 0 R".encode()
    if isinstance(obj, StreamObject):
        items = {k: v for k, v in obj.items() if k != "/Length"}
        data = obj._data
        head = b"<<" + b" ".join(k.encode() + b" " + _serialize(v, number) for k, v in items.items())
        return head + f" /Length {len(data)}>>\nstream\n".encode() + data + b"\nendstream"
    if isinstance(obj, DictionaryObject):
        return b"<<" + b" ".join(k.encode() + b" " + _serialize(v, number) for k, v in obj.items()) + b">>"
    if isinstance(obj, ArrayObject):
        return b"[" + b" ".join(_serialize(v, number) for v in obj) + b"]"
    buffer = io.BytesIO()
    obj.write_to_stream(buffer)
    return buffer.getvalue()


def prepare_static(key: str, logo_svg: str) -> Static:
    """The tenant's logo drawn once by WeasyPrint (any SVG the utility uploads) and carried over as a
    form XObject of 15 × 15 mm, with the objects it needs, numbered for every bill's file."""
    if not logo_svg:
        return Static(key, None)
    import base64
    import io

    from pypdf import PdfReader
    from weasyprint import HTML

    data = base64.b64encode(logo_svg.encode()).decode()
    html = (
        "<style>@page { size: 15mm 15mm; margin: 0 } body { margin: 0 } img { display: block }</style>"
        f'<img alt="" style="width:15mm;height:15mm" src="data:image/svg+xml;base64,{data}">'
    )
    page = PdfReader(io.BytesIO(HTML(string=html).write_pdf())).pages[0]
    numbers: dict[int, int] = {}
    queue: list[Any] = []

    def number(idnum: int) -> int:
        if idnum not in numbers:
            numbers[idnum] = FIRST_STATIC + 1 + len(numbers)
            queue.append(idnum)
        return numbers[idnum]

    reader = page.pdf
    side = 15 * MM * 0.75
    form = _stream(
        f"/Type /XObject /Subtype /Form /BBox [0 0 {_n(side)} {_n(side)}] "
        f"/Resources {_serialize(page['/Resources'], number).decode('latin-1')}",
        page.get_contents().get_data(),
    )
    bodies = [form]
    done = 0
    while done < len(queue):
        idnum = queue[done]
        bodies.append(_serialize(reader.get_object(idnum), number))
        done += 1
    out, offsets = bytearray(), []
    for i, body in enumerate(bodies):
        offsets.append(len(out))
        out += f"{FIRST_STATIC + i} 0 obj\n".encode() + body + b"\nendobj\n"
    return Static(key, bytes(out), len(bodies), tuple(offsets))
