"""ipqa: semantic search and question answering over Chinese intellectual-property policy texts."""

__version__ = "0.1.0"
