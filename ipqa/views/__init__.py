"""Records → what people read: Chinese labels, JSON shapes, terminal text, HTML, reports, CSV/Markdown export.
No click and no streamlit here: the CLI and the app call these."""
