"""Real-looking scans of a dispatch with known text, for the OCR tests and measurements.

A dispatch's text is laid out as printed (thể thức NĐ 30/2020: issuer block top left, motto
and date top right, body, "Nơi nhận" bottom left, signer bottom right), a red circular seal
is stamped over the signer's title and a blue signature scribbled over the name, then the
page is degraded as an office scanner does (slight rotation, grey noise, JPEG) and wrapped
in an image-only PDF. ``truth`` is the printed text in reading order.
"""

from __future__ import annotations

import io
import math
import random
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

DPI = 300
PAGE = (2480, 3508)  # A4 at 300 dpi
LEFT, RIGHT, TOP, BOTTOM = 354, 2244, 236, 3272
_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation")
_FONT_FILES = ("DejaVuSerif.ttf", "LiberationSerif-Regular.ttf")
_BOLD_FILES = ("DejaVuSerif-Bold.ttf", "LiberationSerif-Bold.ttf")


@dataclass(frozen=True)
class Scan:
    pdf: bytes
    truth: str
    pages: int


def font_path(bold: bool = False) -> Path | None:
    for directory in _FONT_DIRS:
        for name in _BOLD_FILES if bold else _FONT_FILES:
            path = Path(directory) / name
            if path.is_file():
                return path
    return None


@dataclass(frozen=True)
class Layout:
    left: list[str]  # issuer block, number, V/v
    right: list[str]  # motto, place and date
    body: list[str]  # paragraphs
    cc: list[str]  # "Nơi nhận"
    signer: list[str]  # title lines, then (after the signature) the name


def dispatch_layout(text: str) -> Layout:
    """Split a plain dispatch (blank-line paragraphs, as in samples/) into printed blocks."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    motto = next(i for i, p in enumerate(paras) if p.startswith("CỘNG HÒA"))
    cc = next((i for i, p in enumerate(paras) if p.startswith("Nơi nhận")), None)
    left = [ln for p in paras[:motto] for ln in p.splitlines()]
    right = [ln for p in paras[motto : motto + 2] for ln in p.splitlines()]
    body_end = cc if cc is not None else len(paras) - 2  # no "Nơi nhận": signer last
    body = paras[motto + 2 : body_end]
    cc_lines = [ln for p in paras[cc : cc + 2] for ln in p.splitlines()] if cc is not None else []
    signer = [ln for p in paras[body_end + (2 if cc is not None else 0) :] for ln in p.splitlines()]
    return Layout(left, right, body, cc_lines, signer)


class _Pages:
    def __init__(self, font: ImageFont.FreeTypeFont, bold: ImageFont.FreeTypeFont) -> None:
        self.font, self.bold = font, bold
        self.line_h = int(font.size * 1.45)
        self.pages: list[Image.Image] = []
        self.truth: list[str] = []
        self._new_page()

    def _new_page(self) -> None:
        self.pages.append(Image.new("RGB", PAGE, "white"))
        self.draw = ImageDraw.Draw(self.pages[-1])
        self.y = TOP

    def centred(self, lines: list[str], x0: int, x1: int, y: int, bold: bool = False) -> int:
        """``lines`` centred between x0 and x1, a line too long for the column wrapped as a
        typist's centred "V/v …" or agency name wraps."""
        font = self.bold if bold else self.font
        wrapped: list[str] = []
        for line in lines:
            words, current = line.split(), ""
            for word in words:
                trial = f"{current} {word}".strip()
                if current and self.draw.textlength(trial, font=font) > x1 - x0 - 40:
                    wrapped.append(current)
                    current = word
                else:
                    current = trial
            wrapped.append(current)
        for line in wrapped:
            width = self.draw.textlength(line, font=font)
            self.draw.text((x0 + (x1 - x0 - width) / 2, y), line, font=font, fill="black")
            y += self.line_h
        return y

    def paragraph(self, text: str) -> None:
        words, line = text.split(), ""
        lines: list[str] = []
        for word in words:
            trial = f"{line} {word}".strip()
            if self.draw.textlength(trial, font=self.font) > RIGHT - LEFT - 120 and line:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
        for i, ln in enumerate(lines):
            if self.y + self.line_h > BOTTOM:
                self._new_page()
            self.draw.text((LEFT + (120 if i == 0 else 0), self.y), ln, font=self.font, fill="black")
            self.y += self.line_h
        self.truth.append(" ".join(lines))
        self.y += self.line_h // 3


def render_dispatch(text: str, *, seed: int = 7, quality: int = 40) -> Scan:
    """An image-only PDF of ``text`` printed, stamped, signed and scanned."""
    regular, bold = font_path(), font_path(bold=True)
    if regular is None or bold is None:
        raise FileNotFoundError("no DejaVu or Liberation serif font installed")
    layout = dispatch_layout(text)
    pages = _Pages(ImageFont.truetype(str(regular), 46), ImageFont.truetype(str(bold), 42))
    mid = LEFT + (RIGHT - LEFT) * 2 // 5
    y_left = pages.centred(layout.left, LEFT - 120, mid, TOP, bold=True)
    y_right = pages.centred(layout.right, mid, RIGHT + 120, TOP, bold=True)
    pages.truth = [*layout.left, *layout.right]
    pages.y = max(y_left, y_right) + pages.line_h
    for para in layout.body:
        lines = para.splitlines()
        if all(ln.startswith("- ") for ln in lines):
            for line in lines:
                pages.paragraph(line)
        else:
            pages.paragraph(" ".join(lines))
    if pages.y + 12 * pages.line_h > BOTTOM:
        pages._new_page()
    y0 = pages.y + pages.line_h
    pages.centred(layout.cc, LEFT, mid, y0)
    x_sig = (mid + RIGHT) // 2
    titles = layout.signer[:-1] or layout.signer
    pages.centred(titles, mid, RIGHT, y0, bold=True)
    name_y = y0 + (len(titles) + 4) * pages.line_h
    pages.centred(layout.signer[-1:] if layout.signer[:-1] else [], mid, RIGHT, name_y, bold=True)
    pages.truth += [*layout.cc, *layout.signer]
    last = pages.pages[-1]
    rnd = random.Random(seed)
    _signature(last, x_sig, name_y - 2 * pages.line_h, rnd)
    _seal(last, x_sig - 260, name_y - 3 * pages.line_h, pages.bold)
    scanned = [_degrade(page, rnd, quality) for page in pages.pages]
    out = io.BytesIO()
    scanned[0].save(out, "PDF", resolution=DPI, save_all=True, append_images=scanned[1:])
    return Scan(out.getvalue(), "\n".join(pages.truth), len(scanned))


def _seal(page: Image.Image, cx: int, cy: int, font: ImageFont.FreeTypeFont) -> None:
    """A red round seal: two rings, a star, text around the ring; multiplied like ink."""
    ink = Image.new("RGB", page.size, "white")
    draw = ImageDraw.Draw(ink)
    red = (210, 30, 40)
    for radius, width in ((300, 14), (215, 7)):
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=red, width=width)
    star = [
        (
            cx + (70 if k % 2 == 0 else 28) * math.sin(k * math.pi / 5),
            cy - (70 if k % 2 == 0 else 28) * math.cos(k * math.pi / 5),
        )
        for k in range(10)
    ]
    draw.polygon(star, fill=red)
    label = "SỞ GIÁO DỤC VÀ ĐÀO TẠO * TỈNH LONG AN *"
    for i, ch in enumerate(label):
        angle = -math.pi + 2 * math.pi * i / len(label)
        glyph = Image.new("RGBA", (60, 60), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((8, 0), ch, font=font.font_variant(size=40), fill=red)
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        x = cx + 258 * math.cos(angle) - 30
        y = cy + 258 * math.sin(angle) - 30
        ink.paste(glyph, (int(x), int(y)), glyph)
    page.paste(ImageChops.multiply(page, ink))


def _signature(page: Image.Image, cx: int, cy: int, rnd: random.Random) -> None:
    """A blue-violet scribble across the space between the signer's title and name."""
    draw = ImageDraw.Draw(page)
    points = []
    for k in range(60):
        t = k / 59
        points.append(
            (
                cx - 320 + 640 * t + rnd.uniform(-25, 25),
                cy + 110 * math.sin(t * 9 * math.pi) * (1 - t / 2) + rnd.uniform(-20, 20),
            )
        )
    draw.line(points, fill=(35, 45, 160), width=7, joint="curve")


def _degrade(page: Image.Image, rnd: random.Random, quality: int) -> Image.Image:
    """Slight rotation, a little blur and grey noise, then JPEG compression."""
    page = page.rotate(rnd.uniform(-1.2, 1.2), resample=Image.Resampling.BICUBIC, fillcolor="white")
    page = page.filter(ImageFilter.GaussianBlur(0.8))
    import numpy as np

    grain = np.random.default_rng(rnd.randrange(2**32)).normal(128, 18, page.size[::-1])
    noise = Image.fromarray(grain.clip(0, 255).astype(np.uint8)).convert("RGB")
    page = Image.blend(page, ImageChops.multiply(page, noise), 0.25)
    buf = io.BytesIO()
    page.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
