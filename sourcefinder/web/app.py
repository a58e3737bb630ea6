"""The app factory: pages (/, /deals), the JSON API (/api/...) and the stored photos, over one Lookup."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from sourcefinder.lookup.answer import Answer
from sourcefinder.lookup.images import MAX_UPLOAD_BYTES, decode_upload
from sourcefinder.lookup.safety import FetchPolicy
from sourcefinder.lookup.service import Lookup
from sourcefinder.web import errors
from sourcefinder.web.deals import deal_rows, money, photo_file

HERE = Path(__file__).parent
# Everything the page loads comes from this server: no CDN, font or script from elsewhere.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; script-src 'self'; style-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
Limit = Annotated[int, Query(ge=1, le=50, description="Sources to return at most.")]


def create_app(
    db_path: str | Path, policy: FetchPolicy | None = None, fetch_db: Path | None = None
) -> FastAPI:
    """The web app over the database at ``db_path`` (opened read-only; the index built once, kept warm)."""
    lookup = Lookup(db_path, policy=policy, fetch_db=fetch_db)
    app = FastAPI(
        title="sourcefinder lookup",
        summary="Where is this cheaper? The factory sources of a link, share text, photo, screenshot or title.",
        version="1",
        docs_url=None,  # Swagger UI and ReDoc load their scripts from a CDN; /docs is rendered here instead
        redoc_url=None,
    )
    app.state.lookup = lookup
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters["money"] = money
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    errors.install(app)

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        length = request.headers.get("content-length", "0")
        if not length.isdigit() or int(length) > MAX_UPLOAD_BYTES + 64 * 1024:
            return JSONResponse(
                {"detail": f"request too large: at most {MAX_UPLOAD_BYTES} bytes of image"}, 413
            )
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context, status_code=status)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, q: str = "", limit: Limit = 10) -> HTMLResponse:
        if not q:
            return page(request, "home.html", {"q": ""})
        answer, error = run(lambda: lookup.text(q, limit))
        return page(request, "home.html", {"q": q, "answer": answer, "error": error}, 400 if error else 200)

    @app.post("/", response_class=HTMLResponse, include_in_schema=False)
    async def home_post(
        request: Request, q: Annotated[str, Form()] = "", image: Annotated[UploadFile | None, File()] = None
    ) -> HTMLResponse:
        data = await read_upload(image) if image is not None and image.filename else b""
        if data:
            answer, error = await run_in_threadpool(run, lambda: lookup.image(data))
            context = {"q": q, "answer": answer, "error": error, "upload": error is None and thumbnail(data)}
        elif q:
            answer, error = await run_in_threadpool(run, lambda: lookup.text(q))
            context = {"q": q, "answer": answer, "error": error}
        else:
            context = {"q": "", "error": "give a link, share text, title or image"}
        return page(request, "home.html", context, 400 if context.get("error") else 200)

    @app.get("/deals", response_class=HTMLResponse, include_in_schema=False)
    def deals(
        request: Request,
        category: str = "",
        min_saving: Annotated[float, Query(ge=0, le=1e6)] = 0.0,
        one_piece: bool = False,
    ) -> HTMLResponse:
        rows, categories = deal_rows(lookup.read(), category, min_saving, one_piece)
        filters = {"category": category, "min_saving": min_saving, "one_piece": one_piece}
        return page(request, "deals.html", {"rows": rows, "filters": filters, "categories": categories})

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        return page(request, "api.html", {"spec": app.openapi()})

    @app.get("/api/lookup", summary="Look up a link, share text or title")
    def api_lookup(q: Annotated[str, Query(min_length=1, max_length=500)], limit: Limit = 10) -> dict:
        """The factory sources of a listing URL, an app's share text, or a title; best first."""
        return answered(lambda: lookup.text(q, limit))

    @app.post("/api/lookup", summary="Look up a photo or a screenshot")
    async def api_lookup_image(
        image: Annotated[UploadFile, File(description="A product photo or a shop-page screenshot.")],
        kind: Annotated[str, Form(pattern="^(auto|photo|screenshot)$")] = "auto",
        limit: Annotated[int, Form(ge=1, le=50)] = 10,
    ) -> dict:
        """The factory sources of an image: says whether it was read as a photo or a screenshot."""
        data = await read_upload(image)
        return await run_in_threadpool(answered, lambda: lookup.image(data, limit, kind))

    @app.get("/api/listings/{listing_id}", summary="One stored listing")
    def api_listing(listing_id: str) -> dict:
        """A stored listing (retail or factory) with every field, and its stored matches."""
        listing = lookup.listing(listing_id)
        if listing is None:
            raise HTTPException(404, f"no listing {listing_id}")
        listing["matches"] = [h.__dict__ for h in lookup.stored_hits(listing_id)]
        return listing

    @app.get("/photos/{listing_id}/{number}", include_in_schema=False)
    def photo(listing_id: str, number: int) -> FileResponse:
        listing = lookup.listing(listing_id)
        path = photo_file(lookup.db_path, listing, number) if listing else None
        if path is None:
            raise HTTPException(404, "no stored photo")
        return FileResponse(path, media_type="image/jpeg")

    return app


def run(work: Any) -> tuple[Answer | None, str | None]:
    """(answer, None), or (None, the one-line reason) when the input was bad."""
    try:
        return work(), None
    except Exception as exc:
        if errors.status_of(exc) is None:
            raise
        return None, errors.reason_of(exc)


def answered(work: Any) -> dict:
    """The answer's JSON, or an HTTPException with the status and reason of bad input."""
    try:
        return work().as_json()
    except Exception as exc:
        status = errors.status_of(exc)
        if status is None:
            raise
        raise HTTPException(status, errors.reason_of(exc)) from exc


async def read_upload(image: UploadFile) -> bytes:
    """The uploaded bytes, refused past the upload limit without reading further."""
    data = await image.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise HTTPException(413, f"image over the {MAX_UPLOAD_BYTES}-byte upload limit")
    if not data:
        raise HTTPException(422, "empty upload: choose an image")
    return data


def thumbnail(data: bytes) -> str:
    """The upload re-encoded as a small JPEG data URL (what the page shows beside the factory photo)."""
    img = decode_upload(data)
    img.thumbnail((480, 480))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()
