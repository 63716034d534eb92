"""Metrics and RUN files (evaluate), the naive peer (peer), re-checking citations against the files (verify)."""
