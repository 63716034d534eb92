"""The HTTP API (``ipqa serve``): FastAPI endpoints over a read-only index folder, a thin shell over the library
with the same filters and JSON shapes as the CLI's ``--json``. ``ipqa.api.app.create_app`` builds the app."""
