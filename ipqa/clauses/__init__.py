"""Document → Clauses: the numbering grammar, the splitter with exact spans, responsible units per clause."""
