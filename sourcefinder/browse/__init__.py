"""Browsing the database in Datasette: the priced deals beside the listings, with labels, facets and photos."""
