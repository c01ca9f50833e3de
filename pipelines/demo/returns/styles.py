"""How each unit fills in its return: layout, header spellings, metadata cells, date and
task-code spellings, status words, titles and file names. Drawn once per unit, kept all year."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.demo.common import DATE_STYLES, TEXT_DATE_STYLES, DemoContext, aliases_of, weighted
from pipelines.vocabulary import chinese_numeral

STANDARD = ["序号", "任务编号", "任务内容", "进展状态", "完成日期", "数量", "佐证链接", "进展说明"]
LAYOUTS = {
    "standard": STANDARD,
    "reordered": ["序号", "任务编号", "任务内容", "完成日期", "进展状态", "佐证链接", "数量",
                  "进展说明"],
    "short": ["序号", "任务编号", "任务内容", "进展状态", "完成日期", "佐证链接"],
    "bare": ["任务编号", "进展状态", "完成日期", "佐证链接", "进展说明"],
}
# Headers as some units retype them: stray spaces, ideographic spaces.
SPACED_LABELS = {"任务编号": "任务 编号", "进展状态": "进展　状态", "完成日期": " 完成日期 ",
                 "佐证链接": "佐证 链接"}
TITLES = [
    "中宁县{y}年政务公开工作进展报送表",
    "中宁县政务公开“整体提升年”活动任务进展报送表（{y}年{m}月）",
    "{unit}{y}年{m}月政务公开工作进展情况报送表",
]
FILENAMES = [
    "{unit}{y}年{m}月政务公开进展报送表",
    "{period}-{unit}-进展报送",
    "附件：{unit}政务公开工作进展情况（{m}月）",
]


@dataclass
class Style:
    """How one unit fills in its return, kept the same month after month."""

    written_name: str
    columns: list[str]
    labels: dict[str, str]
    pairs: bool
    colon: str
    blank_row: bool
    date_style: str
    sent_style: str
    period_style: str
    code_style: str
    words: dict[str, str]
    sheet: str
    title: str
    filename: str
    omit_rate: float


def format_code(code: str, style: str) -> str:
    """Write a task code the way a unit does: ``1.1.3``, ``一（一）3`` or ``一(一)3.``."""
    parts = [int(p) for p in code.split(".")]
    if style == "num":
        return code
    left, right = ("（", "）") if style == "cn_full" else ("(", ")")
    text = f"{chinese_numeral(parts[0])}{left}{chinese_numeral(parts[1])}{right}"
    if len(parts) == 3:
        text += str(parts[2]) + ("." if style == "cn_half" else "")
    return text


def _spread(rng, units: list[str], guaranteed: list, otherwise: dict) -> dict[str, object]:
    """One value per unit: each guaranteed value goes to some unit, the rest drawn by weight."""
    order = rng.sample(units, len(units))
    return {u: guaranteed[i] if i < len(guaranteed) else weighted(rng, otherwise)
            for i, u in enumerate(order)}


def choose_styles(ctx: DemoContext, units: list[str]) -> dict[str, Style]:
    """One style per unit; every spelling the contract allows is used by some unit."""
    rng = ctx.rng
    alias_units = {"县发展和改革局": "县发改局", "县教育体育局": "教育体育局", "县档案局": "档案局",
                   "宁安镇": "宁安镇人民政府"}
    extra = rng.sample([u for u in units if u not in alias_units], 5)
    # Every spelling the contract allows shows up somewhere, whatever the seed.
    layout = _spread(rng, units, list(LAYOUTS), {"standard": 6, "reordered": 1, "short": 2,
                                                 "bare": 1})
    date_style = _spread(rng, units, list(DATE_STYLES), {"cn": 5, "iso": 3, "slash": 2, "dot": 1,
                                                         "compact": 1, "excel": 3, "serial": 1})
    pairs = _spread(rng, units, [True] * 5, {True: 1, False: 4})
    spaced = _spread(rng, units, [True] * 3, {True: 1, False: 7})
    blank = _spread(rng, units, [True] * 3, {True: 1, False: 4})
    colon = _spread(rng, units, [":"] * 4, {"：": 8, ":": 1})
    codes = _spread(rng, units, ["cn_full"] * 3 + ["cn_half"] * 3,
                    {"num": 15, "cn_full": 2, "cn_half": 1})
    progress = _spread(rng, units, ["进行中"] * 3, {"推进中": 7, "进行中": 1})
    done = _spread(rng, units, ["完成"] * 2 + ["已落实"] * 2, {"已完成": 10, "完成": 1, "已落实": 1})
    styles = {}
    for unit in units:
        aliases = aliases_of(ctx.registry, unit)
        name = unit
        if unit in alias_units and alias_units[unit] in aliases:
            name = alias_units[unit]
        elif unit in extra and aliases:
            name = rng.choice(aliases)
        style = date_style[unit]
        styles[unit] = Style(
            written_name=name,
            columns=list(LAYOUTS[layout[unit]]),
            labels=dict(SPACED_LABELS) if spaced[unit] else {},
            pairs=pairs[unit],
            colon=colon[unit],
            blank_row=blank[unit],
            date_style=style,
            sent_style=style if pairs[unit] else (style if style in TEXT_DATE_STYLES[:3] else "cn"),
            period_style=weighted(rng, {"cn": 3, "iso": 1}),
            code_style=codes[unit],
            words={"推进中": progress[unit], "已完成": done[unit]},
            sheet=weighted(rng, {"Sheet1": 4, "进展报送表": 3, "{m}月": 1}),
            title=rng.choice(TITLES),
            filename=rng.choice(FILENAMES),
            omit_rate=rng.choice([0.0, 0.0, 0.1, 0.25]),
        )
    return styles
