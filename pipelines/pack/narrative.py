"""The sentences of the Word draft, built as the template's ``report`` says.

One builder per kind of paragraph (docs/annual-report-templates.md): ``sentence`` joins
figures, cells and breakdowns with the words the template gives; ``amount`` words one figure
three ways; ``text`` is printed as written; ``plan``, ``categories``, ``timeliness``,
``requests_clock`` and the lines under ``problems`` are counted from the plan and the
ledgers, the same under every template. No row code, heading or template id is written
here: which figures and rows a paragraph cites is the template's business. Sentences the
data cannot write are left out, or replaced by the template's bracketed prompt.
"""

from __future__ import annotations

import re

import pandas as pd

from pipelines.annual.report_model import (
    AmountParagraph,
    BreakdownPart,
    CellPart,
    FigurePart,
    SentenceParagraph,
    TextParagraph,
)
from pipelines.annual.template_model import ReportTemplate
from pipelines.pack.model import KeyFigure, PackData, StatTable
from pipelines.pack.wholes import WHOLES
from pipelines.vocabulary import (
    EVIDENCE,
    FIGURE_LABELS,
    METRIC_RESULTS,
    REQUEST_STATES,
    TASK_GROUPS,
    TASK_STATES,
    format_number,
    metric_measure,
)

_NUMBERING = re.compile(r"^(其中[：:]|（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|\d+[.．、])+")
_TRAILING_COUNT = re.compile(r"(总次数|次数|数量|数)$")


def clean_label(label: str) -> str:
    """A table label as prose: numbering and a trailing 数 dropped (``1.当面申请数`` → ``当面申请``)."""
    return _TRAILING_COUNT.sub("", _NUMBERING.sub("", label.strip()))


def num(value: float | None, unit: str = "") -> str:
    """A figure with its unit as prose writes it (``60件``, ``0.015万元``)."""
    return f"{format_number(value, unit)}{unit}"


def fill(text: str, pack: PackData) -> str:
    """A template text with ``{year}`` and ``{whole}`` (全县…) filled in."""
    return text.replace("{year}", str(pack.year)).replace("{whole}", pack.whole)


def as_of_text(pack: PackData) -> str:
    """The as-of date as prose writes it (``2019年1月10日``)."""
    return f"{pack.as_of.year}年{pack.as_of.month}月{pack.as_of.day}日"


def figure_clause(fig: KeyFigure | None, label: str | None = None, headline: bool = False) -> str | None:
    """``主动公开政府信息2143条，比上年增加143条（增长7.1%）``; None without the figure. The
    change is said when there is one; for a ``headline`` figure also when there is none."""
    if fig is None or fig.value is None:
        return None
    text = f"{label or fig.label}{fig.text}"
    change = fig.change
    if change and (headline or change != "与上年持平"):
        return f"{text}，{change}"
    return text


def usable_table(pack: PackData, code: str) -> StatTable | None:
    """The table with this code, unless the mart lacks it or it was refused."""
    table = pack.table(code)
    return table if table is not None and not table.refused else None


def breakdown(table: StatTable | None, parent: str, col: str | None = None,
              unit: str | None = None) -> str | None:
    """``当面申请20件、网络申请35件`` from the non-zero rows directly under ``parent``; None when none."""
    if table is None or table.refused or not table.columns:
        return None
    col = col or table.columns[0].code
    parts = []
    for row in table.rows:
        value = row.values.get(col)
        if row.parent == parent and not row.heading and value:
            parts.append(f"{clean_label(row.label)}{num(value, unit or row.unit or '')}")
    return "、".join(parts) or None


def _cell(part: CellPart, pack: PackData) -> str | None:
    table_code, row_code, col_code = part.cell
    table = usable_table(pack, table_code)
    row = next((r for r in table.rows if r.code == row_code), None) if table else None
    value = row.values.get(col_code) if row else None
    if value is None or (part.nonzero and not value):
        return None
    if part.label is not None:
        label = fill(part.label, pack)
    else:  # the column's words where the row has several figures, else the row's own
        column = next((c for c in table.columns if c.code == col_code), None)
        label = column.path[-1] if column and len(table.columns) > 1 else clean_label(row.label)
    return f"{label}{num(value, part.unit if part.unit is not None else row.unit or '')}"


def _figure(part: FigurePart, pack: PackData, template: ReportTemplate) -> str | None:
    fig = pack.figures.get(part.figure)
    if fig is None or fig.value is None:
        return None
    if part.zero is not None and not fig.value:
        return fill(part.zero, pack)
    spec = template.figure(part.figure)
    return figure_clause(fig, fill(part.label, pack) if part.label else None, bool(spec and spec.headline))


def _render(part, pack: PackData, template: ReportTemplate) -> str | None:
    if isinstance(part, FigurePart):
        return _figure(part, pack, template)
    if isinstance(part, CellPart):
        return _cell(part, pack)
    if isinstance(part, BreakdownPart):
        table_code, row_code = part.breakdown
        return breakdown(usable_table(pack, table_code), row_code, part.column, part.unit)
    return join_parts(part.parts, part.sep, pack, template)


def _prefixed(prefix: str, text: str) -> str:
    # A label that already opens with the prefix (其中主动公开规范性文件) is not given it twice.
    return text if not prefix or text.startswith(prefix) else prefix + text


def join_parts(parts: list, sep: str, pack: PackData, template: ReportTemplate) -> str | None:
    """The parts that have something to say, each with its prefix and suffix, joined by
    ``sep``; None when none has, or when a ``required`` one has not."""
    texts: list[str] = []
    for part in parts:
        text = _render(part, pack, template)
        if text is None:
            if part.required:
                return None
            continue
        if texts:
            text = _prefixed(fill(part.link, pack), text)
        texts.append(_prefixed(fill(part.prefix, pack), text) + fill(part.suffix, pack))
    return sep.join(texts) or None


def sentence(paragraph: SentenceParagraph, pack: PackData, template: ReportTemplate) -> str | None:
    """A ``sentence`` paragraph: its parts within its prefix and suffix, else its ``empty`` prompt."""
    body = join_parts(paragraph.parts, paragraph.sep, pack, template)
    if body is None:
        return fill(paragraph.empty, pack) if paragraph.empty else None
    return fill(paragraph.prefix, pack) + body + fill(paragraph.suffix, pack)


def amount(paragraph: AmountParagraph, pack: PackData) -> str | None:
    """An ``amount`` paragraph: ``text`` with the figure, ``zero`` for none, ``missing`` without it."""
    fig = pack.figures.get(paragraph.figure)
    if fig is None:
        return fill(paragraph.missing, pack) if paragraph.missing else None
    if not fig.value:
        return fill(paragraph.zero, pack)
    return fill(paragraph.text, pack).replace("{value}", fig.text)


# The wholes the plan paragraph breaks down, in the order it says them (wholes.WHOLES).
PLAN_WHOLES = ("pairs", "with_deadline", "without_deadline", "due", "due_done_on_time")


def plan_figures(figures: dict[str, int]) -> dict[str, int]:
    """The figures the plan paragraph states (``load.task_figures``): the tasks, and every
    whole of ``PLAN_WHOLES`` with all its parts (a part of 0 goes unsaid, and is 0)."""
    keys = ["tasks", *(k for whole in PLAN_WHOLES for k in (whole, *WHOLES[whole]))]
    return {k: figures[k] for k in dict.fromkeys(keys)}


def _parts(figures: dict[str, int], whole: str, words: dict[str, str]) -> str:
    return "、".join(f"{words[p]}{figures[p]}项" for p in WHOLES[whole] if figures[p])


def plan_sentence(pack: PackData) -> str | None:
    """How the year's plan went: the task × unit pairs split into those with a deadline, those
    without and those not applicable, each split by state; the pairs already due split into on
    time (with and without evidence), late and overdue, the base of the plan's own metric
    ``tasks_done_by_deadline``; and the targets met."""
    if pack.task_status.empty:
        return None
    f = plan_figures(pack.task_figures)
    groups = {g: label for g, (label, _) in TASK_GROUPS.items()}
    due_words = {f"due_{s}": TASK_STATES[s] for s in ("done_on_time", "done_late", "overdue")}
    title = f"《{pack.plan_title}》" if pack.plan_title else f"{pack.year}年政务公开工作方案"
    text = (f"{title}确定工作任务{f['tasks']}项，分解到责任单位共{f['pairs']}项（任务×责任单位），"
            f"其中{_parts(f, 'pairs', groups)}。截至{as_of_text(pack)}，")
    clauses = [f"{groups[g]}的{f[g]}项中，{_parts(f, g, TASK_STATES)}"
               for g in ("with_deadline", "without_deadline") if f[g]]
    text += "；".join(clauses) + "。"
    if f["due"]:
        on_time = f"{TASK_STATES['done_on_time']}{f['due_done_on_time']}项"
        if f["due_done_on_time"]:
            on_time += f"（其中{_parts(f, 'due_done_on_time', EVIDENCE)}）"
        rest = "、".join(f"{due_words[p]}{f[p]}项" for p in WHOLES["due"][1:] if f[p])
        text += f"已到完成时限的{f['due']}项中，{on_time}" + (f"、{rest}" if rest else "") + "。"
    pm = pack.plan_metrics
    if not pm.empty:
        met = int((pm["passed"] == True).sum())  # noqa: E712 - NULL (unmeasurable) is neither
        missed = int((pm["passed"] == False).sum())  # noqa: E712
        text += (f"方案设定的{len(pm)}项量化指标中，{met}项{METRIC_RESULTS[True]}，"
                 f"{missed}项{METRIC_RESULTS[False]}。")
    return text


def categories_sentence(pack: PackData) -> str | None:
    """The categories most published in the year."""
    d = pack.disclosures
    if d.empty:
        return None
    counts = d.groupby("category")["index_no"].nunique().sort_values(ascending=False)
    counts = counts[counts.index != "其他"].head(6)
    if counts.empty:
        return None
    return "从信息类别看，公开较多的是" + "、".join(f"{c}{int(n)}条" for c, n in counts.items()) + "。"


def timeliness_figures(disclosures: pd.DataFrame) -> dict[str, int]:
    """The figures the timeliness paragraph states: the year's items judged against a
    publication deadline, published on time and late."""
    judged = disclosures.dropna(subset=["timely"]) if "timely" in disclosures else disclosures.iloc[0:0]
    timely = int(judged["timely"].astype(bool).sum()) if len(judged) else 0
    return {"disclosures_items": len(judged), "disclosures_timely": timely,
            "disclosures_late": len(judged) - timely}


def timeliness_sentence(pack: PackData) -> str | None:
    """How many items with a publication deadline were published in time, and how many late."""
    f = timeliness_figures(pack.disclosures)
    if not f["disclosures_items"]:
        return None
    return (f"按规定时限统计，应在时限内公开的{f['disclosures_items']}条信息中，"
            f"{FIGURE_LABELS['disclosures_timely']}{f['disclosures_timely']}条、"
            f"{FIGURE_LABELS['disclosures_late']}{f['disclosures_late']}条，"
            f"按时公开率{f['disclosures_timely'] / f['disclosures_items'] * 100:.1f}%。")


def requests_figures(requests: pd.DataFrame) -> dict[str, int]:
    """The figures the requests paragraph states: the year's requests received, answered and
    still open, each split by state (``wholes.WHOLES``)."""
    counts = requests["state"].value_counts()
    f = {"requests_received": len(requests),
         **{f"requests_{s}": int(counts.get(s, 0)) for s in REQUEST_STATES}}
    for whole in ("requests_answered", "requests_unanswered"):
        f[whole] = sum(f[p] for p in WHOLES[whole])
    return f


def requests_clock_sentence(pack: PackData) -> str | None:
    """The year's requests against their legal answer deadlines: all received, answered (on
    time, late) and still open (not yet due, overdue)."""
    r = pack.requests
    if r.empty:
        return None
    f = requests_figures(r)
    words = {key: word for key, word in FIGURE_LABELS.items() if key.startswith("requests_")}
    clauses = "，".join(
        f"{words[whole]}{f[whole]}件（" + "、".join(f"{words[p]}{f[p]}件" for p in WHOLES[whole]) + "）"
        for whole in WHOLES["requests_received"] if f[whole])
    return f"按法定答复期限统计，本年收到的{f['requests_received']}件申请截至{as_of_text(pack)}：{clauses}。"


def missed_targets(pack: PackData, limit: int = 5) -> list[str]:
    """One draft sentence per missed target of the plan, with its shortfalls."""
    pm = pack.plan_metrics
    if pm.empty:
        return []
    out = []
    for r in pm[pm["passed"] == False].itertuples():  # noqa: E712
        short = list(r.shortfalls) if r.shortfalls is not None else []
        where = "全方案" if r.task_code is None or pd.isna(r.task_code) else f"任务{r.task_code}"
        text = f"{r.description}（{where}）：目标为{r.target or '—'}，实际为{metric_measure(r)}。"
        if short:
            text += "未达标情况：" + "；".join(short[:limit])
            text += f"等，共{int(r.shortfall_count)}项。" if len(short) > limit else "。"
        out.append(text)
    return out


def targets_paragraphs(pack: PackData) -> list[str]:
    """Under 存在的主要问题: the plan's targets, and each missed one with its gap."""
    pm = pack.plan_metrics
    if pm.empty:
        return ["本年度工作方案未设定可计算的量化指标。"]
    met = int((pm["passed"] == True).sum())  # noqa: E712
    missed = missed_targets(pack)
    unknown = int(pm["passed"].isna().sum())
    text = (f"方案设定的{len(pm)}项量化指标中，{met}项{METRIC_RESULTS[True]}，"
            f"{len(missed)}项{METRIC_RESULTS[False]}")
    text += f"，{unknown}项暂无法计算。" if unknown else "。"
    lines = [text + ("未达标的指标及差距如下：" if missed else "")]
    return lines + [f"{i}. {line}" for i, line in enumerate(missed, start=1)]


def late_tasks_sentence(pack: PackData, limit: int = 8) -> str | None:
    """Tasks done late or overdue (task × unit), naming the overdue ones."""
    ts = pack.task_status
    if ts.empty or not ts["state"].isin(["overdue", "done_late"]).any():
        return None
    overdue = ts[ts["state"] == "overdue"]
    done_late = int((ts["state"] == "done_late").sum())
    text = (f"工作任务方面，{TASK_STATES['done_late']}{done_late}项、{TASK_STATES['overdue']}{len(overdue)}项"
            "（任务×责任单位）")
    if overdue.empty:
        return text + "。"
    text += f"，{TASK_STATES['overdue']}的有：" + "；".join(
        f"{r.task_code} {r.unit}" for r in overdue.head(limit).itertuples())
    return text + ("等。" if len(overdue) > limit else "。")


def paragraph_text(paragraph, pack: PackData, template: ReportTemplate) -> str | None:
    """The text of one paragraph of the template's ``report`` (not ``sheet`` or ``problems``,
    which the writer lays out itself); None when the data has nothing to say."""
    if isinstance(paragraph, TextParagraph):
        return fill(paragraph.text, pack)
    if isinstance(paragraph, SentenceParagraph):
        return sentence(paragraph, pack, template)
    if isinstance(paragraph, AmountParagraph):
        return amount(paragraph, pack)
    builders = {"plan": plan_sentence, "categories": categories_sentence, "timeliness": timeliness_sentence,
                "requests_clock": requests_clock_sentence}
    return builders[paragraph.kind](pack)
