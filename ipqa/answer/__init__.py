"""Questions → grounded, cited Answers: question analysis, the relevance gate, composers, spans, citations."""
