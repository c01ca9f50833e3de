"""The Word draft of a template file (its ``report``), as models: sections, paragraphs and
the parts a sentence is built from.

Each paragraph names its ``kind``, the builder that writes it (``pipelines.pack.narrative``);
a ``sentence`` is made of parts (a figure, a cell, a breakdown of a row, or a group of
parts), each with the words around it. docs/annual-report-templates.md describes them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, StrictBool, StrictStr, Tag

from pipelines.annual.table_model import CellRef, Model


class PartBase(Model):
    """What every part of a sentence may say: text around it, and whether the sentence
    needs it. ``link`` is a prefix used only after another part of the same group."""

    prefix: str = ""
    link: str = ""
    suffix: str = ""
    required: StrictBool = False


class FigurePart(PartBase):
    """A headline figure with its change from last year (``zero``: the words for none)."""

    figure: StrictStr
    label: StrictStr | None = None
    zero: StrictStr | None = None


class CellPart(PartBase):
    """One cell of a table as ``label + figure + unit`` (``nonzero``: left out when 0)."""

    cell: CellRef
    label: StrictStr | None = None
    unit: StrictStr | None = None
    nonzero: StrictBool = False


class BreakdownPart(PartBase):
    """The non-zero rows directly under ``[table, row]`` (``当面申请21件、网络申请23件``)."""

    breakdown: tuple[StrictStr, StrictStr]
    column: StrictStr | None = None
    unit: StrictStr | None = None


class GroupPart(PartBase):
    """Parts joined by ``sep``; empty when none of them (or a required one) is."""

    parts: list[Part] = Field(min_length=1)
    sep: str = "，"


def _part_kind(value: Any) -> str | None:
    for key in ("figure", "cell", "breakdown", "parts"):
        if (key in value) if isinstance(value, dict) else hasattr(value, key):
            return key
    return None


Part = Annotated[
    Annotated[FigurePart, Tag("figure")] | Annotated[CellPart, Tag("cell")]
    | Annotated[BreakdownPart, Tag("breakdown")] | Annotated[GroupPart, Tag("parts")],
    Discriminator(_part_kind, custom_error_type="part_kind",
                  custom_error_message="句子成分应含 figure、cell、breakdown 或 parts 之一"),
]
GroupPart.model_rebuild()


class TextParagraph(Model):
    """A fixed paragraph, usually a prompt for the drafter (（请补充……）)."""

    kind: Literal["text"]
    text: StrictStr


class SentenceParagraph(Model):
    """A paragraph built from parts (``name`` says what it is, for readers of the file);
    ``empty`` is printed when no part has anything to say (else nothing is)."""

    kind: Literal["sentence"]
    name: StrictStr | None = None
    parts: list[Part] = Field(min_length=1)
    sep: str = "，"
    prefix: str = ""
    suffix: str = "。"
    empty: StrictStr | None = None


class AmountParagraph(Model):
    """One figure in three wordings: ``text`` (``{value}`` is the figure), ``zero``, ``missing``."""

    kind: Literal["amount"]
    figure: StrictStr
    text: StrictStr
    zero: StrictStr
    missing: StrictStr | None = None


class SheetParagraph(Model):
    """A sheet's tables in the draft; ``captions`` forces a title over each (default: only
    when the sheet has several tables)."""

    kind: Literal["sheet"]
    sheet: StrictStr
    captions: StrictBool | None = None


class LedgerParagraph(Model):
    """A paragraph counted from the ledgers and the plan, the same under every template."""

    kind: Literal["plan", "categories", "timeliness", "requests_clock", "problems"]


Paragraph = Annotated[TextParagraph | SentenceParagraph | AmountParagraph | SheetParagraph | LedgerParagraph,
                      Field(discriminator="kind")]


class SectionSpec(Model):
    """A numbered section of the draft: its heading and its paragraphs, in order."""

    heading: StrictStr = Field(min_length=1)
    paragraphs: list[Paragraph] = []


class AppendixSpec(Model):
    """A sheet printed after the sections, on a new page under ``title``."""

    title: StrictStr
    sheet: StrictStr


class ReportSpec(Model):
    """The Word draft: its sections and an optional appendix."""

    sections: list[SectionSpec] = Field(min_length=1)
    appendix: AppendixSpec | None = None
