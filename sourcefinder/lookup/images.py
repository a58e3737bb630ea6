"""Uploaded images: checked (bytes, pixels, really an image), told apart (photo or shop-page screenshot),
and for a screenshot its text read by OCR (title, price) and its product photo found."""

from __future__ import annotations

import io
import re
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError
from scipy import ndimage

from sourcefinder.match.image_hashes import ImageError, compute_hashes, open_image

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_UPLOAD_PIXELS = 40_000_000
# Product photos on shop pages are square; an image much wider or taller than that is read as a screenshot
# when OCR finds text on it.
SQUARE = (0.8, 1.25)
MIN_TEXT_CHARS = 6
_PRICE = re.compile(r"[¥￥]\s*(\d+(?:\.\d{1,2})?)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Shop-page chrome that is never the product title.
_CHROME = (
    "购物车",
    "立即购买",
    "月销",
    "已售",
    "快递",
    "运费",
    "包邮",
    "店铺",
    "旗舰店",
    "客服",
    "收藏",
    "评价",
    "优惠",
)
WORK_SIDE = 1600
HASH_SIDE = 256
"""A screenshot's photo region is hashed from a copy at most this many pixels a side."""
OCR_SIDE = 1280
_FREE_SHIPPING = ("包邮", "免运费")
_SHIPPING_FEE = re.compile(r"(?:运费|快递)\D{0,3}(\d+(?:\.\d{1,2})?)")


@dataclass
class ImageQuery:
    """What an uploaded image gave: its kind, the hashes of its product photo, and any title and price read."""

    kind: str  # "photo" or "screenshot"
    hashes: list[dict[str, str]] = field(default_factory=list)
    title: str = ""
    price: float | None = None
    shipping_fee: float | None = None  # the shop's, when the page says (包邮: 0)
    text_lines: list[str] = field(default_factory=list)
    region: tuple[int, int, int, int] | None = None


class OcrReader:
    """RapidOCR (its ONNX models ship inside the wheel), loaded on first use and shared by threads."""

    def __init__(self) -> None:
        self._engine: Any = None
        self._lock = threading.Lock()

    def read(self, img: Image.Image) -> list[tuple[tuple[int, int, int, int], str]]:
        """(box as left, top, right, bottom; text) of every line of text, top to bottom, in ``img``'s pixels.

        Read at most OCR_SIDE pixels on the long side (a phone screenshot's text stays legible; detection time
        grows with the area)."""
        scale = min(1.0, OCR_SIDE / max(img.size))
        small = img.resize((round(img.width * scale), round(img.height * scale))) if scale < 1 else img
        with self._lock:
            if self._engine is None:
                from rapidocr_onnxruntime import RapidOCR

                self._engine = RapidOCR()
            # Screenshots are upright: no text-angle classifier.
            found, _ = self._engine(np.asarray(small.convert("RGB"))[:, :, ::-1], use_cls=False)
        lines = []
        for points, text, _score in found or []:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            box = (min(xs) / scale, min(ys) / scale, max(xs) / scale, max(ys) / scale)
            lines.append((tuple(int(v) for v in box), str(text)))
        return sorted(lines, key=lambda line: (line[0][1], line[0][0]))


def decode_upload(data: bytes) -> Image.Image:
    """The uploaded image, RGB, within the byte and pixel limits; raises ImageError with the reason."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageError(f"image is {len(data)} bytes, over the {MAX_UPLOAD_BYTES}-byte upload limit")
    return open_image(
        data, mode="RGB", draft_size=WORK_SIDE, max_bytes=MAX_UPLOAD_BYTES, max_pixels=MAX_UPLOAD_PIXELS
    )


def _png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def upload_size(data: bytes) -> tuple[int, int]:
    """The declared (width, height) of an upload, read from its header; raises ImageError past the limits."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageError(f"image is {len(data)} bytes, over the {MAX_UPLOAD_BYTES}-byte upload limit")
    try:
        width, height = Image.open(io.BytesIO(data)).size
    except Image.DecompressionBombError as exc:
        raise ImageError(f"decompression bomb: {exc}") from exc
    except UnidentifiedImageError as exc:
        raise ImageError("cannot decode image: not a format PIL can identify") from exc
    except Exception as exc:  # PIL raises many types for what is not an image
        raise ImageError(f"cannot decode image: {type(exc).__name__}: {exc}") from exc
    if width * height > MAX_UPLOAD_PIXELS:
        raise ImageError(f"image declares {width}x{height} pixels, over the {MAX_UPLOAD_PIXELS}-pixel limit")
    return width, height


def read_image(data: bytes, ocr: OcrReader, kind: str = "auto") -> ImageQuery:
    """Turn an upload into a query; ``kind`` is auto, photo or screenshot. A photo is hashed from the upload
    itself, as crawled images are (one reduced-size decode); a screenshot is decoded whole for OCR."""
    width, height = upload_size(data)
    if kind == "photo" or (kind == "auto" and SQUARE[0] <= width / max(1, height) <= SQUARE[1]):
        return ImageQuery("photo", hashes=[compute_hashes(data)])
    img = decode_upload(data)
    lines = ocr.read(img)
    chars = sum(len(_CJK.findall(text)) + sum(c.isalnum() for c in text) for _, text in lines)
    if kind == "auto" and chars < MIN_TEXT_CHARS:  # a photo of another shape: hashed as any photo is
        return ImageQuery("photo", hashes=[compute_hashes(data)])
    query = ImageQuery(
        "screenshot",
        shipping_fee=ocr_shipping(lines),
        title=ocr_title(lines),
        price=ocr_price(lines),
        text_lines=[t for _, t in lines],
    )
    region = photo_region(img, [box for box, _ in lines])
    if region is not None:
        query.region = region
        photo = img.crop(region)
        photo.thumbnail((HASH_SIDE, HASH_SIDE))  # the hashes read 32x32: a smaller copy hashes faster
        query.hashes = [compute_hashes(_png(photo))]
    return query


def ocr_price(lines: list[tuple[tuple[int, int, int, int], str]]) -> float | None:
    """The first price (¥12.80) read on the page, top to bottom."""
    for _, text in lines:
        found = _PRICE.search(text)
        if found:
            return float(found.group(1))
    return None


def ocr_shipping(lines: list[tuple[tuple[int, int, int, int], str]]) -> float | None:
    """The shop's shipping fee when the page states it: 0 for 包邮/免运费, else the fee after 运费/快递."""
    for _, text in lines:
        if any(word in text for word in _FREE_SHIPPING):
            return 0.0
        fee = _SHIPPING_FEE.search(text)
        if fee:
            return float(fee.group(1))
    return None


def _title_line(text: str) -> bool:
    return len(_CJK.findall(text)) >= 4 and not _PRICE.search(text) and not any(w in text for w in _CHROME)


def ocr_title(lines: list[tuple[tuple[int, int, int, int], str]]) -> str:
    """The product title: the line of the largest type that reads like one, with its wrapped continuation."""
    candidates = [(i, box, text) for i, (box, text) in enumerate(lines) if _title_line(text)]
    if not candidates:
        return ""
    i, box, text = max(candidates, key=lambda c: (c[1][3] - c[1][1], len(c[2])))
    height = box[3] - box[1]
    if i + 1 < len(lines):
        (left, top, _, bottom), following = lines[i + 1]
        if (
            abs((bottom - top) - height) <= height * 0.2
            and 0 <= top - box[3] <= height
            and _title_line(following)
        ):
            text += following
    return text.strip()


def photo_region(
    img: Image.Image, text_boxes: list[tuple[int, int, int, int]]
) -> tuple[int, int, int, int] | None:
    """The box of the largest photo-shaped area that is not page background or text, or None."""
    pixels = np.asarray(img.convert("RGB"), dtype=np.int16)
    border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    background = np.median(border, axis=0)
    content = (np.abs(pixels - background).max(axis=2) > 12).astype(bool)
    for left, top, right, bottom in text_boxes:
        content[max(0, top - 2) : bottom + 2, max(0, left - 2) : right + 2] = False
    labels, count = ndimage.label(ndimage.binary_closing(content, iterations=3))
    best, best_area = None, 0.02 * img.width * img.height
    for rows, cols in ndimage.find_objects(labels):
        width, height = cols.stop - cols.start, rows.stop - rows.start
        if 0.5 <= width / max(1, height) <= 2 and width * height > best_area:
            best, best_area = (cols.start, rows.start, cols.stop, rows.stop), width * height
    return best
