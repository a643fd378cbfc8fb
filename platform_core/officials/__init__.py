"""Internal notices to officials on Zalo: documents to handle or approve, meetings, items near their deadline."""
