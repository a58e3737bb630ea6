"""The consumer web page and JSON API (FastAPI, Jinja2 templates, served by uvicorn)."""
