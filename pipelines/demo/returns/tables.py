"""One return as a table: the title and metadata rows above the header, and a row per task."""

from __future__ import annotations

from datetime import date

from pipelines.demo.common import DemoContext, Table, fmt_date
from pipelines.demo.returns.styles import Style, format_code
from pipelines.plan.catalogue import Task

NOTES = {
    "未启动": ["尚未启动，计划下月开展", "待自治区、中卫市统一部署后推进", "正在研究制定工作方案"],
    "推进中": ["已制定工作方案，正在按计划推进", "已明确专人负责，相关信息正在整理",
            "正在对照方案要求逐项梳理", "已完成部分内容，剩余工作正在推进",
            "已安排部署，按月更新相关信息", "已起草初稿，正在征求意见"],
    "已完成": ["已按要求完成，相关信息已在县政府网站公开", "已完成，相关制度已印发执行",
            "已在政府网站专栏集中公开", "已完成并报县政府办公室备案"],
    "长期坚持": ["已常态化开展，按月更新", "已建立长效机制，长期坚持", "已完成并持续更新"],
    "不适用": ["本单位无此项职能", "本单位不涉及此项工作"],
}


def new_table(style: Style, period: str, sent_on: date) -> Table:
    """An empty return of ``period`` in the unit's style, its metadata dated ``sent_on``."""
    y, m = int(period[:4]), int(period[5:])
    width = len(style.columns)
    title = style.title.format(unit=style.written_name, y=y, m=m)
    period_text = f"{y}年{m}月" if style.period_style == "cn" else period
    sent_value = fmt_date(sent_on, style.sent_style)
    meta: list[object] = [None] * max(width, 8 if style.pairs else 7)
    items = [("报送单位", style.written_name), ("报送期间", period_text), ("报送日期", sent_value)]
    step = max(2, width // 3) if style.pairs else max(2, (width + 1) // 3)
    for i, (label, value) in enumerate(items):
        pos = i * step
        if style.pairs:
            meta[pos], meta[pos + 1] = label, value
        else:
            meta[pos] = f"{label}{style.colon}{value}"
    preamble = [[title], meta]
    if style.blank_row:
        preamble.append([])
    last_col = "ABCDEFGHIJ"[width - 1]
    return Table(columns=list(style.columns), sheet=style.sheet.format(m=m),
                 preamble=preamble, labels=dict(style.labels), merges=[f"A1:{last_col}1"],
                 date_format='yyyy"年"m"月"d"日"')


def task_row(ctx: DemoContext, style: Style, task: Task | None, status: tuple, number: int,
             keep: dict | None = None) -> dict:
    """One row reporting ``status``; ``task`` None is a row the unit added itself, and
    ``keep`` an existing row whose status cells are replaced."""
    word, done_on, link, quantity = status
    row = dict(keep or {})
    row.update({
        "序号": number,
        "进展状态": style.words.get(word, word),
        "完成日期": fmt_date(done_on, style.date_style) if done_on else None,
        "数量": quantity,
        "佐证链接": link,
        "进展说明": ctx.rng.choice(NOTES[word]),
    })
    if task is not None:
        row["任务编号"] = format_code(task.code, style.code_style)
        row["任务内容"] = task.title
    elif keep is None:
        row["任务内容"] = "其他重点工作（本单位自行增加）"
    return row
