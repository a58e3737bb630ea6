"""Item pipelines: validation, images, hashing, SQLite storage (in that order, see settings)."""
