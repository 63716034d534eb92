"""The app's only JavaScript, run by ``st.html(..., unsafe_allow_javascript=True)``: fixed strings, never built
from document text or anything a person typed (a clause id goes in only as a comment, with every character that could end it replaced).

- The page's language: Streamlit's index.html hardcodes ``<html lang="en">`` (streamlit/streamlit#15726; 1.67 has
  no ``set_page_config`` option), so browsers offer to translate the Chinese page and screen readers read it as
  English. ``LANG_SCRIPT`` sets ``document.documentElement.lang``.
- The document view opens at the cited clause: Streamlit renders the page top first, which put the clause below the
  fold (6,000 px down with 显示全文). ``scroll_to_cited`` scrolls it to the middle of the screen once it is drawn.
"""

from __future__ import annotations

import json
import re

LANG = "zh-CN"
LANG_SCRIPT = f"<script>document.documentElement.lang = {json.dumps(LANG)};</script>"

_SAFE = re.compile(r"[^\w #/().,（）-]")  # no "*", "<" or ">": the key can end neither the comment nor the script
_SCROLL = """<script>/* %s */
(function () {
  let tries = 0;
  const timer = setInterval(function () {
    const cited = document.querySelector(".ipqa-doc .ipqa-cited");
    if (cited || ++tries > 100) {
      clearInterval(timer);
      if (cited) cited.scrollIntoView({block: "center"});
    }
  }, 50);
})();
</script>"""


def scroll_to_cited(key: str) -> str:
    """The script that scrolls the cited clause into view; ``key`` (clause id and shown span) makes each opening
    a new element, so it runs again when the clause or the full-text switch changes."""
    return _SCROLL % _SAFE.sub("_", key)
