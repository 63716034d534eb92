"""Document metadata: header fields (headers, lawheader), else inferred from titles, dates and places (infer)."""
