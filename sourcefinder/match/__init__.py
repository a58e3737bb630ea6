"""Matching: title preparation, units and model numbers, image hashes and Hamming search, candidates, features, the fitted model and the factory index."""
