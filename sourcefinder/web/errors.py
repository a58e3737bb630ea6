"""Every bad input answers a 4xx with a one-line reason (JSON for the API, the page for the browser)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from sourcefinder.lookup.fetch import FetchRefused
from sourcefinder.lookup.safety import RefusedURL
from sourcefinder.lookup.targets import TargetError
from sourcefinder.match.image_hashes import ImageError

logger = logging.getLogger(__name__)
# (exception, status): what the user gave could not be used.
BAD_INPUT: tuple[tuple[type[Exception], int], ...] = (
    (ImageError, 422),
    (TargetError, 400),
    (RefusedURL, 400),
    (FetchRefused, 422),
)


def one_line(text: str) -> str:
    """The first line of a message, trimmed to a sensible length."""
    line = " ".join(str(text).split())
    return line[:300]


def reason_of(exc: Exception) -> str:
    """The one-line reason of a bad-input exception."""
    if isinstance(exc, ImageError):
        return one_line(f"not a usable image: {exc.reason}")
    return one_line(str(exc))


def status_of(exc: Exception) -> int | None:
    """The 4xx status of a bad-input exception, or None for anything else."""
    return next((status for kind, status in BAD_INPUT if isinstance(exc, kind)), None)


def install(app: FastAPI) -> None:
    """Register the handlers: validation errors and HTTP errors as one line; anything else a 500 without
    a traceback (logged on the server)."""

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return JSONResponse(
            {"detail": one_line(f"{where}: {first.get('msg', 'invalid input')}")}, status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return JSONResponse(
            {"detail": one_line(str(exc.detail))}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        status = status_of(exc)
        if status is not None:
            return JSONResponse({"detail": reason_of(exc)}, status_code=status)
        logger.exception("lookup failed")
        return JSONResponse({"detail": "internal error: the server log has the details"}, status_code=500)
