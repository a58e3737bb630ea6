"""HTML and script-safe JSON for the demo's page builders, and the number and place formats both sites share.

Every text shown as HTML goes through ``html.escape``; every object embedded in a <script> goes through
``script_json``, which writes <, > and & as \\u escapes, so no text can close the script early.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

_JS_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def script_json(data: Any) -> str:
    """An object as a JavaScript literal that is safe inside <script> (valid JSON; no <, > or & in the text)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JS_ESCAPES)


def html_page(title: str, body: str, scripts: Sequence[str] = ()) -> str:
    """A whole HTML document: the escaped title, the body as given, then each script in its own tag."""
    script_tags = "".join(f"<script>\n{script}\n</script>\n" for script in scripts)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n</head>\n<body>\n{body}\n{script_tags}</body>\n</html>\n"
    )


def price_text(value: float) -> str:
    """A price as both sites print it: two decimals."""
    return f"{value:.2f}"


def place_text(record: dict[str, Any], sep: str = " ") -> str:
    """A record's province and city, the empty ones left out."""
    return sep.join(part for part in (record["province"], record["city"]) if part)


def image_url(base: str, path: str) -> str:
    """The absolute URL of a catalogue image on the server at ``base``."""
    return f"{base}/{path}"
