"""Data embedded in pages as JavaScript: ``window.context=(function(b,d){...})(x,{...})``,
``g_page_config = {...};``, ``var _DATA_Detail = {...}``, ``window.__INIT_DATA=...``, ``var offer_details={...}``.

The objects are JavaScript literals (unquoted numeric keys, trailing text), so chompjs reads them; a broken
object raises PageDataError, never a chompjs or JSON exception.
"""

from __future__ import annotations

import json
import re
from typing import Any

import chompjs

_IIFE_CALL = re.compile(r"\}\s*\)\s*\(\s*[\w.$]+\s*,\s*(?=[{\[])")
_REF_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")
_MAX_REF_DEPTH = 20


class PageDataError(ValueError):
    """A page holds no product data we can read, or its embedded data is broken."""


def parse_js_object(text: str, what: str = "embedded data") -> Any:
    """Parse the JavaScript object or array literal at the start of ``text`` (trailing text is ignored)."""
    try:
        return chompjs.parse_js_object(text)
    except (ValueError, TypeError, IndexError) as exc:
        raise PageDataError(f"{what} is not a readable JavaScript object: {exc}") from exc


def load_data(text: str | bytes, what: str = "response body") -> Any:
    """Parse a JSON or JSONP body (``callback({...})``), or a JavaScript literal."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    stripped = text.strip()
    try:
        return json.loads(stripped)
    except ValueError:
        pass
    start = min((i for i in (stripped.find("{"), stripped.find("[")) if i >= 0), default=-1)
    if start < 0:
        raise PageDataError(f"{what} holds no JSON object")
    return parse_js_object(stripped[start:], what)


def find_assignment(text: str, name: str) -> Any | None:
    """The object assigned to ``name`` (``var name = {...}``, ``window.name=...``), or None when absent."""
    pattern = re.compile(rf"(?<![\w$]){re.escape(name)}\s*=\s*(?=[{{\[])")
    match = pattern.search(text)
    if match is None:
        return None
    return parse_js_object(text[match.end() :], name)


def find_iife_argument(text: str, name: str) -> Any | None:
    """The object passed as 2nd argument in ``name=(function(a,b){...})(x,{...})``, or None when absent.

    This is how the 1688 PC offer page sets ``window.context``.
    """
    start = re.search(rf"(?<![\w$]){re.escape(name)}\s*=\s*\(\s*function", text)
    if start is None:
        return None
    call = _IIFE_CALL.search(text, start.end())
    if call is None:
        raise PageDataError(f"{name} is set by a function call whose data argument cannot be found")
    return parse_js_object(text[call.end() :], name)


def resolve_refs(obj: Any, root: Any | None = None) -> Any:
    """Replace fastjson back-references ``{"$ref": "$.result.data..."}`` by the values they point at.

    Paths are resolved against ``root`` (default ``obj``); a reference that cannot be followed becomes None.
    """
    root = obj if root is None else root
    return _resolve(obj, root, 0)


def _resolve(obj: Any, root: Any, depth: int) -> Any:
    if isinstance(obj, dict):
        ref = obj.get("$ref")
        if isinstance(ref, str) and len(obj) == 1:
            if depth >= _MAX_REF_DEPTH:
                return None
            return _resolve(_follow(ref, root), root, depth + 1)
        return {key: _resolve(value, root, depth) for key, value in obj.items()}
    if isinstance(obj, list):
        return [_resolve(value, root, depth) for value in obj]
    return obj


def _follow(path: str, root: Any) -> Any:
    if not path.startswith("$"):
        return None
    node = root
    for key, index in _REF_STEP.findall(path[1:]):
        try:
            node = node[int(index)] if index else node[key]
        except (KeyError, IndexError, TypeError):
            return None
    return node
