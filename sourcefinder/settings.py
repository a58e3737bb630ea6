"""Scrapy settings for sourcefinder: every crawl setting lives here (see README, "Crawling real sites").

The spiders, pipelines and middlewares read each of their own settings with its default (the values repeated
here), so they also work under plain Scrapy settings."""

import os

from sourcefinder import __version__
from sourcefinder.store.database import default_db_path

# Scrapy's cookie middleware splits domains with tldextract, which would download the public suffix list on
# first use; its bundled snapshot is enough, and a crawl must not reach any host it was not pointed at.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

BOT_NAME = "sourcefinder"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Polite by default: an honest User-Agent, robots.txt obeyed, low concurrency and AutoThrottle.
USER_AGENT = f"sourcefinder/{__version__} (+https://github.com/sourcefinder/sourcefinder; price comparison)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 2.0
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
# file:// images (feeds) are read without delay.
DOWNLOAD_SLOTS = {"local-files": {"delay": 0, "concurrency": 16, "jitter": 0}}
RETRY_TIMES = 2
# Bounded crawls: a spider never follows more than this many listing pages (0 = no limit).
SOURCEFINDER_MAX_PAGES = 50

# Anti-bot and login walls: retried with growing back-off, then the crawl stops (sourcefinder.crawling.middlewares).
DOWNLOADER_MIDDLEWARES = {
    "sourcefinder.crawling.middlewares.WallMiddleware": 580,
    "sourcefinder.crawling.middlewares.CookiesFileMiddleware": 690,
}
SOURCEFINDER_WALL_RETRIES = 2
SOURCEFINDER_WALL_BACKOFF = 10.0
SOURCEFINDER_WALL_MAX_CONSECUTIVE = 5
# A Netscape cookies.txt exported from your own logged-in browser (`sourcefinder crawl --cookies FILE`).
SOURCEFINDER_COOKIES_FILE = None

# A request counts as done once its items are stored; an interrupted crawl resumes (sourcefinder.crawling.resume).
SPIDER_MIDDLEWARES = {"sourcefinder.crawling.resume.CommittedRequests": 25}
SOURCEFINDER_RESUME = True

ITEM_PIPELINES = {
    "pipelines.validate.ValidationPipeline": 100,
    "pipelines.images.ListingImagesPipeline": 200,
    "pipelines.hashing.HashingPipeline": 300,
    "pipelines.storage.SQLitePipeline": 400,
}
IMAGES_STORE = "data/images"
IMAGES_MIN_WIDTH = 32
IMAGES_MIN_HEIGHT = 32
# How many of a listing's images are downloaded and hashed (the first is the main image).
SOURCEFINDER_MAX_IMAGES = 3
# Worker threads that hash images off the crawl's event loop.
SOURCEFINDER_HASH_THREADS = 2

SOURCEFINDER_DB = default_db_path()

# Development: switch on Scrapy's HTTP cache with `-s HTTPCACHE_ENABLED=1`.
HTTPCACHE_ENABLED = False
HTTPCACHE_DIR = "httpcache"
HTTPCACHE_EXPIRATION_SECS = 0

FEED_EXPORT_ENCODING = "utf-8"
# No listening consoles: a crawl job needs neither the telnet console nor the remote-control server.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
