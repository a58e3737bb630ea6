"""Crawling: the Scrapy item and loader, middlewares (walls, cookies) and running spiders in a child process."""
