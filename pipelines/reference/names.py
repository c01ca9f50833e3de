"""Text normalisation shared by unit names, headers and codes.

Units type full-width and half-width punctuation interchangeably and pad cells with spaces;
comparing normalised text makes ``（`` = ``(``, ``：`` = ``:`` and ``〔单位〕`` = ``(单位)``.
"""

from __future__ import annotations

import re
import unicodedata

_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "【": "(", "】": ")", "[": "(", "]": ")"})
_SPACE = re.compile(r"\s+")


def normalize_text(value: object) -> str:
    """NFKC-fold, unify brackets and drop all whitespace (also the ideographic space)."""
    # Empty spreadsheet cells arrive as None, NaN or pd.NA depending on the reader.
    if value is None or type(value).__name__ == "NAType" or value != value:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).translate(_BRACKETS)
    return _SPACE.sub("", text)
