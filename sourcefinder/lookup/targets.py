"""What a lookup TARGET is: a stored or fetchable listing URL, an app's share text, an image file or a title."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# The Taobao/1688 app copies "【淘宝】https://m.tb.cn/h.xxxx 「title」" or "... https://m.tb.cn/h.xxxx title".
_URL = re.compile(r"https?://[^\s「」【】<>\"']+", re.IGNORECASE)
_QUOTED = re.compile(r"「([^「」]+)」")
_SHARE_MARKERS = ("【淘宝】", "【天猫】", "【1688】", "【阿里巴巴】", "m.tb.cn", "qr.1688.com", "tb.cn/")
# Words the apps add around the title that are not part of it.
_SHARE_NOISE = re.compile(
    r"(点击链接直接打开|或者淘宝搜索直接打开|复制这条信息|打开手机淘宝|CZ\d+|[￥$€]\w+[￥$€]|\(\w{4}\)|/)"
)
MAX_QUERY_CHARS = 500


class TargetError(ValueError):
    """A target that cannot be looked up; the message says why in one line."""


@dataclass(frozen=True)
class Target:
    """A classified lookup target: ``kind`` is url, share, image or title."""

    kind: str
    text: str = ""
    url: str = ""
    path: Path | None = None
    note: str = ""


def share_title(text: str, url: str) -> str:
    """The product title of a share text: inside 「」, else what follows (or precedes) the link."""
    quoted = _QUOTED.search(text)
    if quoted:
        return " ".join(quoted.group(1).split())
    rest = text.replace(url, " ")
    rest = re.sub(r"【[^】]*】", " ", rest)
    rest = _SHARE_NOISE.sub(" ", rest)
    return " ".join(rest.split())


def classify_text(text: str) -> Target:
    """Classify typed or pasted text: a bare URL, an app's share text, or a title."""
    text = " ".join((text or "").split())
    if not text:
        raise TargetError("empty query: give a link, share text, title or image")
    if len(text) > MAX_QUERY_CHARS:
        raise TargetError(f"query too long ({len(text)} characters; at most {MAX_QUERY_CHARS})")
    if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE) and " " not in text:
        return Target("url", url=text)
    link = _URL.search(text)
    if link and (any(m in text for m in _SHARE_MARKERS) or _QUOTED.search(text)):
        title = share_title(text, link.group(0))
        note = (
            f"share text: its short link {link.group(0)} needs the network to follow, "
            f"so its title was searched: {title}"
        )
        if not title:
            raise TargetError("share text without a title: paste the product link or its title instead")
        return Target("share", text=title, url=link.group(0), note=note)
    return Target("title", text=text)


def classify(target: str) -> Target:
    """Classify a CLI TARGET: an existing image file, else text (see classify_text)."""
    if len(target) < 4096 and "\n" not in target:
        path = Path(target).expanduser()
        try:
            if path.is_file():
                return Target("image", path=path)
        except OSError:
            pass
    return classify_text(target)
