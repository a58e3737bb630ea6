"""Consumer commands: lookup (one target in the terminal) and serve (the web page and JSON API)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from sourcefinder.cli.common import DbOption, app, console, err, fail


def _money(value: float | str | None) -> str:
    """¥12.80, a range as it is (¥8.80–12.50), ? when unknown."""
    if value is None:
        return "?"
    return f"¥{value:.2f}" if isinstance(value, int | float) else f"¥{value}"


def describe(row: dict[str, Any]) -> str:
    """One source's price, shipping, landed cost, saving and seller in plain words."""
    if row["buy_quantity"] <= 1:
        price = f"{_money(row['factory_price'])} for one piece"
    else:
        price = (
            f"minimum order {row['buy_quantity']}: {_money(row['outlay'])} in all "
            f"({_money(row['factory_price'])} each)"
        )
    parts = [price]
    if row["shipping"] == "unknown":
        parts.append("shipping unknown, so the landed cost is too")
    else:
        shipping = "free shipping" if row["shipping"] == "free" else f"shipping {_money(row['shipping_fee'])}"
        parts += [shipping, f"landed {_money(row['landed_cost'])} a piece"]
    if row["saving"] is not None:
        parts.append(f"save {_money(row['saving'])} against {_money(row['retail_landed'])} from the shop")
    elif row["retail_price"] is not None:
        parts.append(f"shop price {_money(row['retail_price'])}")
    parts.append(f"confidence {row['confidence'] * 100:.0f}%")
    if row["city"]:
        parts.append(f"ships from {row['city']}")
    if row["badges"]:
        parts.append(" ".join(f"[{b}]" for b in row["badges"]))
    return " · ".join(parts)


def print_answer(answer: dict[str, Any]) -> None:
    """The answer in the terminal: a summary line, then each source with its evidence and link."""
    query = answer["query"]
    if query.get("note"):
        console.print(escape(query["note"]), highlight=False)
    console.print(f"[bold]{escape(answer['message'])}[/bold]", highlight=False)
    for rank, row in enumerate(answer["results"], 1):
        mark = "" if row["same_item"] else "  [red](not the same item)[/red]"
        console.print(f"{rank}. {escape(row['factory_title'])}{mark}", highlight=False)
        console.print(f"   {escape(describe(row))}", highlight=False)
        console.print(f"   why: {escape(row['why'])}", highlight=False)
        if row["url"]:
            console.print(f"   {escape(row['url'])}", highlight=False, soft_wrap=True)


@app.command("lookup")
def lookup_command(
    target: Annotated[
        str, typer.Argument(help="A listing URL, an app's share text, an image file or a title.")
    ],
    db: DbOption,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON instead of text.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=50, help="Sources to show at most.")] = 5,
    kind: Annotated[str, typer.Option(help="For an image: auto, photo or screenshot.")] = "auto",
) -> None:
    """Where is this cheaper? The factory sources of a link, share text, photo, screenshot or title.

    Example: sourcefinder lookup "https://item.taobao.com/item.htm?id=695537675018" --limit 3
    """
    from sourcefinder.lookup.service import Lookup
    from sourcefinder.lookup.targets import classify
    from sourcefinder.web.errors import reason_of, status_of

    try:
        lookup = Lookup(db, fetch_db=db)
        read = classify(target)
        if read.kind == "image":
            answer = lookup.image(read.path.read_bytes(), limit, kind)
        else:
            answer = lookup.text(target, limit)
            if answer.kind == "url":
                _match_fetched(db)
    except FileNotFoundError as exc:
        raise fail(str(exc)) from exc
    except Exception as exc:
        if status_of(exc) is None:
            raise
        raise fail(reason_of(exc)) from exc
    if as_json:
        console.print_json(json.dumps(answer.as_json(), ensure_ascii=False))
    else:
        print_answer(answer.as_json())


def _match_fetched(db: Path) -> None:
    """Match what the fetch stored, so that the next lookup of that URL reads its stored matches."""
    from sourcefinder.match.index import match_database
    from sourcefinder.store import database as store

    match_database(store.open_db(db))


@app.command("serve")
def serve_command(
    db: DbOption,
    host: Annotated[
        str, typer.Option(help="Address to bind (keep 127.0.0.1 unless you mean to share it).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8000,
) -> None:
    """Serve the lookup page and its JSON API (opens the database read-only; the index kept warm).

    Example: sourcefinder serve --db data/demo.db --port 8000
    """
    import uvicorn

    from sourcefinder.web.app import create_app

    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"[yellow]Warning:[/yellow] serving on {escape(host)}: other machines can reach it.")
    try:
        application = create_app(db)
    except FileNotFoundError as exc:
        raise fail(str(exc)) from exc
    console.print(f"Lookup page on http://{host}:{port}/ (API docs on /docs; Ctrl-C stops it)")
    uvicorn.run(application, host=host, port=port, log_level="warning")
