"""How resellers rework a factory's main photo beyond a plain edit: frames, padding, banners, crops, stretches, collages.

Each kind is a frozen dataclass whose ``apply(photo, tiles)`` returns the reworked image at ``width`` pixels
wide (JPEG-compressed afterwards at ``quality``); ``random_layout(rng, kind, ...)`` draws one as resellers do.
Banner text is drawn with a CJK font when the machine has one (Noto Sans CJK, WenQuanYi, Droid Sans
Fallback); elsewhere with Pillow's default font, so the bytes of a banner depend on the machine's fonts.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from sourcefinder.demo.designs import Colour
from sourcefinder.demo.render import SIZE

LAYOUT_KINDS = ("border", "pad", "banner", "crop", "stretch", "collage")
_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
_WHITE: Colour = (255, 255, 255)
# Frame and padding colours: white, the light greys and creams shops use, and a few strong brand colours.
_FILLS: tuple[Colour, ...] = (
    _WHITE,
    _WHITE,
    (245, 245, 245),
    (250, 240, 228),
    (232, 240, 250),
    (252, 228, 232),
    (30, 30, 30),
    (200, 30, 40),
    (250, 200, 40),
)
# Banner colours and the text colour that goes on each.
_BANNERS: tuple[tuple[Colour, Colour], ...] = (
    ((222, 32, 40), _WHITE),
    ((255, 90, 0), _WHITE),
    ((255, 214, 0), (200, 20, 30)),
    ((20, 20, 20), (255, 214, 0)),
    ((236, 64, 122), _WHITE),
    ((24, 120, 60), _WHITE),
)
_PROMOS = (
    "包邮",
    "厂家直销",
    "限时特价",
    "新品上市",
    "买2送1",
    "品质保证",
    "爆款热卖",
    "工厂价",
    "现货速发",
    "正品保障",
)


@functools.cache
def _font_path() -> str | None:
    return next((path for path in _FONTS if Path(path).is_file()), None)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _font_path()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def _resized(img: Image.Image, width: int) -> Image.Image:
    """The image at ``width`` pixels wide, its aspect kept."""
    return img.resize((width, max(1, round(width * img.height / img.width))), Image.BILINEAR)


def _pasted(canvas: Image.Image, photo: Image.Image, at: tuple[int, int]) -> Image.Image:
    """The canvas with the photo pasted at ``at`` (its top left corner)."""
    canvas.paste(photo, at)
    return canvas


@dataclass(frozen=True, kw_only=True)
class Layout:
    """A reworked main photo: ``width`` is the width of the result, ``quality`` its JPEG quality."""

    width: int = SIZE
    quality: int = 85

    def apply(self, img: Image.Image, tiles: Sequence[Image.Image] = ()) -> Image.Image:
        """The reworked photo (``tiles`` are the other photos of a collage)."""
        raise NotImplementedError

    def sources(self) -> tuple[str, ...]:
        """Paths of other photos the layout needs besides the main one."""
        return ()


@dataclass(frozen=True, kw_only=True)
class Border(Layout):
    """A wide frame around the photo: plain, two-tone (a band of ``inner`` next to it) or a gradient."""

    frame: float  # its width, as a fraction of the result's width
    colour: Colour
    inner: Colour | None = None
    gradient: bool = False  # from ``colour`` at the top to ``inner`` at the bottom

    def pad(self) -> int:
        """The frame's width in pixels."""
        return round(self.width * self.frame)

    def apply(self, img: Image.Image, tiles: Sequence[Image.Image] = ()) -> Image.Image:
        pad = self.pad()
        photo = _resized(img, self.width - 2 * pad)
        size = (self.width, photo.height + 2 * pad)
        if self.gradient and self.inner:
            mask = Image.linear_gradient("L").resize(size, Image.BILINEAR)
            background = Image.composite(
                Image.new("RGB", size, self.inner), Image.new("RGB", size, self.colour), mask
            )
            return _pasted(background, photo, (pad, pad))
        band = max(2, pad // 3) if self.inner else 0
        framed = ImageOps.expand(photo, border=band, fill=self.inner) if band else photo
        return _pasted(Image.new("RGB", size, self.colour), framed, (pad - band, pad - band))


@dataclass(frozen=True, kw_only=True)
class Pad(Layout):
    """The photo cropped to ``crop_aspect`` (width/height; 1 = kept square), then padded to ``canvas_aspect``."""

    crop_aspect: float
    canvas_aspect: float
    colour: Colour

    def size(self) -> tuple[int, int]:
        """The result's size."""
        return self.width, round(self.width / self.canvas_aspect)

    def photo_box(self) -> tuple[int, int, int, int]:
        """Where the photo sits on the canvas (left, top, right, bottom); the rest is padding."""
        w, h = self.size()
        pw, ph = (w, round(w / self.crop_aspect))
        if ph > h:
            pw, ph = round(h * self.crop_aspect), h
        left, top = (w - pw) // 2, (h - ph) // 2
        return left, top, left + pw, top + ph

    def apply(self, img: Image.Image, tiles: Sequence[Image.Image] = ()) -> Image.Image:
        box = self.photo_box()
        photo = ImageOps.fit(img, (box[2] - box[0], box[3] - box[1]), Image.BILINEAR)
        return _pasted(Image.new("RGB", self.size(), self.colour), photo, box[:2])


@dataclass(frozen=True, kw_only=True)
class Banner(Layout):
    """Promo text on a solid strip across the top or bottom, or on a round sticker in a corner."""

    text: str
    colour: Colour
    text_colour: Colour
    place: str  # "top", "bottom" or "corner"
    height: float  # the strip's height or the sticker's diameter, as a fraction of the photo's height
    extend: bool = False  # the strip is added to the canvas instead of covering the photo

    def box(self, photo_height: int) -> tuple[int, int, int, int]:
        """The strip's or sticker's box on the result, for a photo ``photo_height`` high at ``width``."""
        band = round(photo_height * self.height)
        total = photo_height + (band if self.extend and self.place != "corner" else 0)
        if self.place == "top":
            return 0, 0, self.width, band
        if self.place == "bottom":
            return 0, total - band, self.width, total
        margin = round(self.width * 0.03)
        return self.width - margin - band, margin, self.width - margin, margin + band

    def apply(self, img: Image.Image, tiles: Sequence[Image.Image] = ()) -> Image.Image:
        photo = _resized(img, self.width)
        box = self.box(photo.height)
        canvas = photo
        if self.extend and self.place != "corner":
            background = Image.new("RGB", (self.width, photo.height + box[3] - box[1]), self.colour)
            canvas = _pasted(background, photo, (0, box[3] if self.place == "top" else 0))
        draw = ImageDraw.Draw(canvas)
        if self.place == "corner":
            draw.ellipse(box, fill=self.colour, outline=_WHITE, width=max(2, (box[2] - box[0]) // 30))
            lines = self.text.split(" ", 1)
        else:
            draw.rectangle((box[0], box[1], box[2] - 1, box[3] - 1), fill=self.colour)
            lines = [self.text]
        _centred_text(draw, box, lines, self.text_colour)
        return canvas


def _centred_text(
    draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], lines: list[str], fill: Colour
) -> None:
    """The lines written one under the other, as large as fits in the middle of the box."""
    width, height = (box[2] - box[0]) * 0.78, (box[3] - box[1]) * 0.62 / len(lines)
    size = max(8, round(height))
    font = _font(size)
    while size > 8 and max(font.getlength(line) for line in lines) > width:
        size -= 2
        font = _font(size)
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    for i, line in enumerate(lines):
        y = cy + (i - (len(lines) - 1) / 2) * size * 1.15
        draw.text((cx, y), line, font=font, fill=fill, anchor="mm")


@dataclass(frozen=True, kw_only=True)
class Crop(Layout):
    """A heavy, off-centre crop: ``box`` is the part kept, (left, top, right, bottom) as fractions."""

    box: tuple[float, float, float, float]

    def apply(self, img: Image.Image, tiles: Sequence[Image.Image] = ()) -> Image.Image:
        left, top, right, bottom = self.box
        pixels = (img.width * left, img.height * top, img.width * right, img.height * bottom)
        height = round(self.width * (pixels[3] - pixels[1]) / (pixels[2] - pixels[0]))
        return img.resize((self.width, height), Image.BILINEAR, box=pixels)


@dataclass(frozen=True, kw_only=True)
class Stretch(Layout):
    """The whole photo resized to another aspect (width/height), squashing or stretching the product."""

    aspect: float

    def apply(self, img: Image.Image, tiles: Sequence[Image.Image] = ()) -> Image.Image:
        return img.resize((self.width, round(self.width / self.aspect)), Image.BILINEAR)


@dataclass(frozen=True, kw_only=True)
class Collage(Layout):
    """The photo as one square tile of a grid (columns, rows), the other tiles other photos, with gutters."""

    grid: tuple[int, int]
    slot: int  # the main photo's tile, counted row by row
    gutter: int  # pixels between tiles and around them
    colour: Colour  # of the gutters
    frame: int = 0  # a dark line of this width around each tile
    tiles: tuple[str, ...] = ()  # the other photos' paths, in tile order

    def cell(self) -> int:
        """The side of one tile."""
        return (self.width - (self.grid[0] + 1) * self.gutter) // self.grid[0]

    def tile_box(self, index: int) -> tuple[int, int, int, int]:
        """The box of tile ``index`` (counted row by row)."""
        cell = self.cell()
        x = self.gutter + (index % self.grid[0]) * (cell + self.gutter)
        y = self.gutter + (index // self.grid[0]) * (cell + self.gutter)
        return x, y, x + cell, y + cell

    def sources(self) -> tuple[str, ...]:
        return self.tiles

    def apply(self, img: Image.Image, tiles: Sequence[Image.Image] = ()) -> Image.Image:
        columns, rows = self.grid
        cell = self.cell()
        height = rows * cell + (rows + 1) * self.gutter
        canvas = Image.new("RGB", (self.width, height), self.colour)
        draw = ImageDraw.Draw(canvas)
        photos = list(tiles)
        photos.insert(self.slot, img)
        for index, photo in enumerate(photos[: columns * rows]):
            box = self.tile_box(index)
            canvas.paste(ImageOps.fit(photo, (cell, cell), Image.BILINEAR), box[:2])
            if self.frame:
                outer = (
                    box[0] - self.frame,
                    box[1] - self.frame,
                    box[2] + self.frame - 1,
                    box[3] + self.frame - 1,
                )
                draw.rectangle(outer, outline=(60, 60, 60), width=self.frame)
        return canvas


def random_layout(rng: random.Random, kind: str, others: Sequence[str], price: float) -> Layout:
    """A reseller's layout of ``kind`` (one of LAYOUT_KINDS); a collage takes its other tiles from ``others``."""
    size = {"width": rng.choice((480, 600, 640, 750, 800)), "quality": rng.randint(70, 90)}
    if kind == "border":
        colour = rng.choice(_FILLS)
        style = rng.choice(("plain", "plain", "two_tone", "gradient"))
        inner = None if style == "plain" else rng.choice([c for c in _FILLS if c != colour])
        frame = rng.uniform(0.05, 0.15)
        return Border(**size, frame=frame, colour=colour, inner=inner, gradient=style == "gradient")
    if kind == "pad":
        aspects = rng.choice(((1.0, 0.75), (1.0, 4 / 3), (4 / 3, 1.0), (0.75, 1.0), (4 / 3, 0.75)))
        return Pad(**size, crop_aspect=aspects[0], canvas_aspect=aspects[1], colour=rng.choice(_FILLS))
    if kind == "banner":
        return _random_banner(rng, size, price)
    if kind == "crop":
        kept = 1 - rng.uniform(0.10, 0.25)
        kept_w = min(1.0, max(kept, kept**0.5 * rng.uniform(0.9, 1.1)))
        kept_h = kept / kept_w
        left, top = rng.choice((0.0, 1 - kept_w)) * rng.uniform(0.6, 1.0), rng.uniform(0, 1 - kept_h)
        return Crop(**size, box=(left, top, left + kept_w, top + kept_h))
    if kind == "stretch":
        return Stretch(
            **size, aspect=rng.uniform(0.75, 0.9) if rng.random() < 0.5 else rng.uniform(1.1, 1.33)
        )
    if kind == "collage":
        grid = rng.choice(((2, 1), (1, 2), (2, 2)))
        count = grid[0] * grid[1]
        size["width"] = max(size["width"], 600)
        return Collage(
            **size,
            grid=grid,
            slot=rng.randrange(count),
            gutter=rng.choice((4, 8, 12, 16)),
            colour=rng.choice(_FILLS[:6]),
            frame=rng.choice((0, 0, 1, 2)),
            tiles=tuple(rng.sample(list(others), count - 1)),
        )
    raise ValueError(f"not a layout kind: {kind!r}")


def _random_banner(rng: random.Random, size: dict[str, int], price: float) -> Banner:
    """A strip across the top or bottom (4 in 5, half of them added to the canvas) or a corner sticker."""
    colour, text_colour = rng.choice(_BANNERS)
    place = rng.choices(("top", "bottom", "corner"), (40, 40, 20))[0]
    words = rng.sample(_PROMOS, 2)
    price_text = f"¥{price:g}" if rng.random() < 0.5 else ""
    if place == "corner":
        text, height, extend = f"{words[0]} {price_text or words[1]}", rng.uniform(0.22, 0.3), False
    else:
        text = " ".join(words[: rng.randint(1, 2)] + ([f"到手价{price_text}"] if price_text else []))
        height, extend = rng.uniform(0.10, 0.20), rng.random() < 0.5
    return Banner(
        **size, text=text, colour=colour, text_colour=text_colour, place=place, height=height, extend=extend
    )
