"""The app's pages, one module per view (``ask``, ``document``, ``corpus``) and what several of them use
(``common``: the index, the filters, the address). ``app.py`` wires them; each page's ``show_page`` renders it."""
