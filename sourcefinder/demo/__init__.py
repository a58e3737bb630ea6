"""The offline demo marketplace: a generated 1688-like factory site and Taobao-like retail site.

``build_marketplace(root)`` generates the catalogue (photos, pages' data, ground truth) once;
``DemoServer(root)`` serves it on 127.0.0.1 in pages shaped like the real ones. See docs/demo.md.
"""

from sourcefinder.demo.catalogue import build_marketplace, load_catalogue, read_photo_edits
from sourcefinder.demo.plan import FACTORY_SOURCE, RETAIL_SOURCE
from sourcefinder.demo.server import DemoServer, serve_forever

__all__ = [
    "FACTORY_SOURCE",
    "RETAIL_SOURCE",
    "DemoServer",
    "build_marketplace",
    "load_catalogue",
    "read_photo_edits",
    "serve_forever",
]
