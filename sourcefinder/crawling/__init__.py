"""Crawling: the Scrapy item and loader, middlewares, resumable frontier, feed import, spiders in a child process."""
