"""Retrievers behind one protocol (base), found through a registry: tokens and expansion, BM25, dense, fusion."""
