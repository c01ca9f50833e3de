"""Raw files → typed staging rows: one reader core (``reader``), one contract per source."""
