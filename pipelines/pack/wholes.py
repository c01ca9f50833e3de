"""Which figures are wholes made of parts, defined once: the pages that state them (the Word
draft, the notebooks, the report page) and the check that they add up (consistency.py) all
read these names. docs/figures.md (指标口径) defines each figure, its base and its query."""

from __future__ import annotations

from pipelines.vocabulary import TASK_GROUPS

# whole → the parts it is the sum of (figure keys as the pages name them).
WHOLES: dict[str, tuple[str, ...]] = {
    "pairs": tuple(TASK_GROUPS),
    **{group: states for group, (_, states) in TASK_GROUPS.items() if group != "not_applicable"},
    "due": ("due_done_on_time", "due_done_late", "due_overdue"),
    "due_done_on_time": ("due_with_evidence", "due_without_evidence"),
    "requests_received": ("requests_answered", "requests_unanswered"),
    "requests_answered": ("requests_answered_on_time", "requests_answered_late"),
    "requests_unanswered": ("requests_open", "requests_open_overdue"),
    "disclosures_items": ("disclosures_timely", "disclosures_late"),
    "appeals": ("appeals_reviews", "appeals_suits"),
    # the pack's cards: requests closed in the year, on time or late
    "card_requests_closed": ("card_requests_on_time", "card_requests_late"),
}
# A card that states a figure other pages state too, under the same definition: one key.
CARD_FIGURES = {"requests_received": "requests_received", "reviews": "appeals_reviews",
                "suits": "appeals_suits"}
# appeals.kind → figure (the two kinds of case the ledger and table 四 know)
APPEAL_KINDS = {"行政复议": "appeals_reviews", "行政诉讼": "appeals_suits"}
# whole → figures that are some of it (其中), never more than it, with no rest named.
SUBSETS: dict[str, tuple[str, ...]] = {
    "card_disclosed": ("card_normative",),
}
# A card whose template gives it another measure under the same key: template 2021's 规范性文件
# card counts documents issued (本年制发), which are no part of the items published.
CARD_BY_MEASURE = {"normative_issued": "card_normative_issued"}
