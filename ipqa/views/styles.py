"""CSS for Streamlit widgets whose words are English in its frontend, with no option to change them: the English is
hidden and the Chinese drawn by CSS. Fixed strings (the only value in them is an integer)."""

from __future__ import annotations


def uploader_style(limit_mb: int) -> str:
    """Chinese words on Streamlit's file uploader, whose button ("Upload") and limit line ("256MB per file • TXT…")
    are English in its frontend with no option to change them: the English is hidden, the Chinese drawn by CSS."""
    zone = '[data-testid="stFileUploaderDropzone"]'
    return (
        "<style>"
        f'{zone} button [data-testid="stMarkdownContainer"] p{{display:none}}'
        f'{zone} button [data-testid="stMarkdownContainer"]::after{{content:"选择文件"}}'
        f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] span{{display:none}}'
        f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] > div::after'
        f'{{content:"或把文件拖到这里（每个不超过 {int(limit_mb)} 兆字节）"}}'
        "</style>"
    )
