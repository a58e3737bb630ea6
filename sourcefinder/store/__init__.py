"""The SQLite store (sqlite-utils): listings, price history, crawl runs and matches."""
