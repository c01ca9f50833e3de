"""Files for people: the annual-report mart and the leaders' pack (xlsx, docx, html, charts)."""
