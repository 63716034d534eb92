"""Files → Documents: decoding, per-format extraction, boilerplate and spam, metadata, sidecars, reading."""
