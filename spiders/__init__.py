"""Scrapy spiders: factory (1688-style offers), retail (Taobao-style shops), feed (JSON lines)."""
