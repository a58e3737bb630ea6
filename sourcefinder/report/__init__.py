"""The report: one self-contained HTML page of the best deals, with photos and charts embedded."""
