"""Consumer lookup: from a link, share text, photo, screenshot or title to ranked factory sources."""
