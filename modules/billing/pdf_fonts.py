"""The bill's fonts for the lean PDF writer (ADR 0208): DejaVu Sans, Sans Bold and Sans Mono Bold, the
faces the WeasyPrint template resolves to, measured and embedded without WeasyPrint.

Each face is loaded once per process: advances and GPOS pair kerning (what HarfBuzz applies for the
reference), and a subset of the Latin, punctuation and symbol characters a bill prints, compiled once.
Each bill then embeds only the outlines it uses (the glyf and loca tables rebuilt from the compiled
subset, about a millisecond), so a bill's PDF stays near the reference's size. Fonts are not tenant
data: the cache is process-wide.
"""

from __future__ import annotations

import functools
import io
import shutil
import struct
import subprocess
from array import array
from dataclasses import dataclass, field
from typing import Any

FAMILIES = {
    "regular": ("DejaVu Sans", "DejaVuSans.ttf"),
    "bold": ("DejaVu Sans:bold", "DejaVuSans-Bold.ttf"),
    "mono": ("DejaVu Sans Mono:bold", "DejaVuSansMono-Bold.ttf"),
}
# what a bill may print; a character outside it sends the bill to the reference renderer
RANGES = (
    (0x20, 0x24F),
    (0x2000, 0x206F),
    (0x20A0, 0x20BF),
    (0x2100, 0x214F),
    (0x2190, 0x21FF),
    (0x2700, 0x27BF),
)
KEEP_TABLES = ("head", "hhea", "maxp", "OS/2", "hmtx", "post")


def _font_path(pattern: str, file: str) -> str:
    """The file fontconfig resolves the family to (what WeasyPrint uses), else Debian's path."""
    fc = shutil.which("fc-match")
    if fc:
        found = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [fc, "-f", "%{file}", pattern], capture_output=True, text=True, check=False, timeout=10
        ).stdout.strip()
        if found.endswith(file):
            return found
    return f"/usr/share/fonts/truetype/dejavu/{file}"


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    words = array("I", padded)
    words.byteswap()
    return sum(words) & 0xFFFFFFFF


@dataclass
class Face:
    """One font face: measuring (in font units) and per-bill embedding of the glyphs used."""

    key: str
    name: str
    upem: int
    ascent: int
    descent: int
    gids: dict[str, int]  # character -> glyph id of the compiled subset
    advances: list[int]  # by glyph id
    outlines: list[bytes]  # glyf entries by glyph id
    components: list[tuple[int, ...]]  # glyph ids a composite glyph draws
    tables: dict[str, bytes]
    unicode_of: dict[int, str]
    _kern: Any = None
    _kern_memo: dict[tuple[int, int], int] = field(default_factory=dict)
    _names: list[str] = field(default_factory=list)

    def has(self, text: str) -> bool:
        return all(c in self.gids for c in text)

    def kern(self, left: int, right: int) -> int:
        """The GPOS pair adjustment (x advance of the left glyph), in font units."""
        memo = self._kern_memo.get((left, right))
        if memo is not None:
            return memo
        value = 0
        a, b = self._names[left], self._names[right]
        for sub in self._kern:
            if a not in sub.Coverage.glyphs:
                continue
            if sub.Format == 1:
                pairs = sub.PairSet[sub.Coverage.glyphs.index(a)].PairValueRecord
                hit = next((r for r in pairs if r.SecondGlyph == b), None)
                if hit is None:
                    continue
                value = getattr(hit.Value1, "XAdvance", 0) or 0
            else:
                c1, c2 = sub.ClassDef1.classDefs.get(a, 0), sub.ClassDef2.classDefs.get(b, 0)
                value = getattr(sub.Class1Record[c1].Class2Record[c2].Value1, "XAdvance", 0) or 0
            break
        self._kern_memo[(left, right)] = value
        return value

    def program(self, used: set[int]) -> bytes:
        """A TrueType file with the outlines of `used` (and their components) only."""
        keep = {0}
        stack = list(used)
        while stack:
            gid = stack.pop()
            if gid not in keep:
                keep.add(gid)
                stack.extend(self.components[gid])
        parts, offsets, at = [], array("I"), 0
        for gid, outline in enumerate(self.outlines):
            offsets.append(at)
            if gid in keep and outline:
                parts.append(outline)
                at += len(outline)
        offsets.append(at)
        offsets.byteswap()
        tables = dict(self.tables, glyf=b"".join(parts), loca=offsets.tobytes())
        tags = sorted(tables)
        head = struct.pack(">IHHHH", 0x00010000, len(tags), 128, 7, len(tags) * 16 - 128)
        directory, body, offset = [], [], 12 + 16 * len(tags)
        for tag in tags:
            data = tables[tag]
            directory.append(struct.pack(">4sIII", tag.encode(), _checksum(data), offset, len(data)))
            data += b"\0" * (-len(data) % 4)
            body.append(data)
            offset += len(data)
        return head + b"".join(directory) + b"".join(body)


@functools.cache
def face(key: str) -> Face:
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.WARNING)

    pattern, file = FAMILIES[key]
    path = _font_path(pattern, file)
    original = TTFont(path)
    chars = [c for c in original.getBestCmap() if any(lo <= c <= hi for lo, hi in RANGES)]
    options = subset.Options()
    options.layout_features = ["kern"]
    options.hinting = False
    options.name_IDs = []
    options.notdef_outline = True
    options.drop_tables += ["GSUB", "GDEF", "kern", "FFTM", "BASE", "JSTF", "MATH"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=chars)
    font = TTFont(path)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    font = TTFont(io.BytesIO(buffer.getvalue()))
    order = font.getGlyphOrder()
    index = {name: gid for gid, name in enumerate(order)}
    glyf = font["glyf"]
    raw_glyf = font.reader["glyf"]
    loca = list(font["loca"])
    outlines = [raw_glyf[loca[g] : loca[g + 1]] for g in range(len(order))]
    components = [
        tuple(index[c] for c in glyf[name].getComponentNames(glyf)) if glyf[name].isComposite() else ()
        for name in order
    ]
    head = bytearray(font.reader["head"])
    struct.pack_into(">I", head, 8, 0)  # checkSumAdjustment, not recomputed
    struct.pack_into(">h", head, 50, 1)  # indexToLocFormat: the rebuilt loca is long
    tables = {tag: bytes(font.reader[tag]) for tag in KEEP_TABLES if tag in font.reader}
    tables["head"] = bytes(head)
    post = bytearray(tables["post"][:32])
    struct.pack_into(">I", post, 0, 0x00030000)  # no glyph names
    tables["post"] = bytes(post)
    cmap = font.getBestCmap()
    kern: list[Any] = []
    if "GPOS" in font:
        gpos = font["GPOS"].table
        lookups = sorted(
            {
                i
                for r in gpos.FeatureList.FeatureRecord
                if r.FeatureTag == "kern"
                for i in r.Feature.LookupListIndex
            }
        )
        for i in lookups:
            for sub in gpos.LookupList.Lookup[i].SubTable:
                sub = getattr(sub, "ExtSubTable", sub)
                if getattr(sub, "LookupType", 2) == 2 or hasattr(sub, "PairSet") or hasattr(sub, "ClassDef1"):
                    kern.append(sub)
    hmtx = font["hmtx"]
    result = Face(
        key=key,
        name=font["name"].getDebugName(6) or file.removesuffix(".ttf"),
        upem=font["head"].unitsPerEm,
        ascent=font["hhea"].ascent,
        descent=-font["hhea"].descent,
        gids={chr(c): index[n] for c, n in cmap.items()},
        advances=[hmtx[n][0] for n in order],
        outlines=outlines,
        components=components,
        tables=tables,
        unicode_of={index[n]: chr(c) for c, n in sorted(cmap.items(), reverse=True)},
        _kern=kern,
        _names=order,
    )
    return result
