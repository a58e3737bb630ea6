"""The report's charts, drawn by matplotlib into SVG and embedded as data URIs."""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

# Scraped labels are plain text: no $...$ mathtext; Chinese needs a CJK font (Noto CJK when installed).
STYLE = {
    "text.parse_math": False,
    "font.family": ["Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei", "DejaVu Sans"],
    "svg.fonttype": "path",
    "axes.spines.top": False,
    "axes.spines.right": False,
}
BAR = "#d9480f"


def _svg_uri(figure: plt.Figure) -> str:
    out = io.BytesIO()
    figure.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def bar_chart(labels: Sequence[str], values: Sequence[float], notes: Sequence[str], xlabel: str) -> str:
    """A horizontal bar chart (largest on top) as an SVG data URI; ``notes`` are printed beside the bars."""
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # "font not found" per missing font
    with plt.rc_context(STYLE):
        height = 0.9 + 0.38 * max(1, len(labels))
        figure, axes = plt.subplots(figsize=(7.5, height))
        positions = range(len(labels))
        axes.barh(list(positions), list(values), color=BAR)
        axes.set_yticks(list(positions), labels=[label[:24] for label in labels])
        axes.invert_yaxis()
        axes.set_xlabel(xlabel)
        for position, value, note in zip(positions, values, notes, strict=True):
            axes.annotate(
                note, (value, position), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8
            )
        axes.margins(x=0.18)
        return _svg_uri(figure)
