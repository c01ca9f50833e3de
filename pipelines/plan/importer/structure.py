"""The plan's outline: its title, then sections ``一、``, subsections ``(一)`` / ``（一）`` and
numbered items ``1.``, with task paragraphs broken over lines joined back together."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.plan.importer.errors import PlanImportError
from pipelines.plan.importer.parenthetical import ends_with_parenthetical
from pipelines.reference.names import normalize_text
from pipelines.vocabulary import parse_chinese_numeral

TITLE_MAX_CHARS = 30

_CN_NUM = "一二三四五六七八九十"
_SECTION = re.compile(rf"^([{_CN_NUM}]+)、\s*(.+)$")
_SUBSECTION = re.compile(rf"^[(（]\s*([{_CN_NUM}]+)\s*[)）]\s*(.*)$")
_ITEM = re.compile(r"^([0-9０-９]{1,2})\s*[.．、]\s*(.+)$")
_TITLE = re.compile(r"\S*\d{4}年\S*(?:方案|要点|计划)")
_DRAFT_MARK = re.compile(r"[(（]\s*(?:征求意见稿|送审稿|草案)\s*[)）]\s*$")


@dataclass
class Block:
    """A section, subsection or item while the text is being read."""

    number: int
    heading: str = ""
    text: str = ""
    line_no: int = 0
    children: list[Block] = field(default_factory=list)


def find_title(lines: list[str], year: int) -> str:
    """The plan's title (a draft mark such as （征求意见稿） dropped); it must name ``year``."""
    for line in lines:
        title = _DRAFT_MARK.sub("", line.strip()).strip()
        if _TITLE.fullmatch(title):
            if str(year) not in title:
                raise PlanImportError(f"计划标题“{title}”与年份 {year} 不一致")
            return title
    raise PlanImportError("未找到计划标题（形如“……{year}年……方案”的一行）")


def body_start(lines: list[str], title: str) -> int:
    """Index of the first line of the plan proper."""
    # The web copy repeats the title in a cover letter; the plan proper follows its last line.
    key = normalize_text(title)
    starts = [i + 1 for i, line in enumerate(lines) if normalize_text(line) == key]
    return starts[-1] if starts else 0


def _number(numeral: str, line_no: int) -> int:
    try:
        return parse_chinese_numeral(numeral)
    except KeyError:
        raise PlanImportError(f"计划文本第{line_no}行：无法识别编号“{numeral}”") from None


def _check_number(expected: int, got: int, what: str, line_no: int) -> None:
    if got != expected:
        raise PlanImportError(f"计划文本第{line_no}行：{what}编号应为 {expected}，实为 {got}")


def read_structure(lines: list[str], start: int) -> list[Block]:
    """Sections with their subsections and items, read from ``lines[start:]``.

    Numbers must run 1, 2, 3 … at every level; the error names the line that breaks them.
    """
    sections: list[Block] = []
    last: Block | None = None  # the block that continuation lines would extend
    for line_no, raw in enumerate(lines[start:], start=start + 1):
        line = raw.strip()
        if not line:
            continue
        if m := _SECTION.match(line):
            num = _number(m[1], line_no)
            _check_number(len(sections) + 1, num, "部分", line_no)
            sections.append(Block(num, heading=m[2].strip(), line_no=line_no))
            last = None
        elif m := _SUBSECTION.match(line):
            if not sections:
                raise PlanImportError(f"计划文本第{line_no}行：小节出现在第一部分之前")
            sec = sections[-1]
            num = _number(m[1], line_no)
            _check_number(len(sec.children) + 1, num, f"第{sec.number}部分的小节", line_no)
            rest = m[2].strip()
            head, sep, body = rest.partition("。")
            sub = Block(num, heading=head.strip(), text=body.strip() if sep else "")
            sub.line_no = line_no
            sec.children.append(sub)
            last = sub
        elif (m := _ITEM.match(line)) and sections and sections[-1].children:
            sub = sections[-1].children[-1]
            num = int(m[1])
            _check_number(len(sub.children) + 1, num, f"小节“{sub.heading}”的条目", line_no)
            item = Block(num, text=m[2].strip(), line_no=line_no)
            sub.children.append(item)
            last = item
        elif last is not None and not ends_with_parenthetical(last.text):
            # A task paragraph broken over lines continues until its closing parenthetical.
            last.text += line
        # Anything else is a section's lead-in paragraph or page chrome; neither is a task.
    return sections


def item_title(text: str) -> str:
    """A numbered item's draft title: its first clause, cut to ``TITLE_MAX_CHARS``."""
    clause = re.split(r"[,，。;；]", text, maxsplit=1)[0].strip()
    return clause if len(clause) <= TITLE_MAX_CHARS else clause[: TITLE_MAX_CHARS - 1] + "…"
