"""What a template file refers to must exist: the checks its models cannot make alone.

The models (``template_model``) check each part's shape; here every cross-reference is
followed: a row's parent, the rows and columns of identities and of ``cells``, the rows the
words of ``outcomes.csv`` map to, the words of ``where`` (``template_sources``), the tables
of each sheet, the cells of each key figure, and the figures, cells, rows and sheets the
Word draft cites. Every problem names the file, table, row and column.
"""

from __future__ import annotations

from pipelines.annual.report_model import (
    AmountParagraph,
    BreakdownPart,
    CellPart,
    FigurePart,
    GroupPart,
    SentenceParagraph,
    SheetParagraph,
)
from pipelines.annual.table_model import TableSpec
from pipelines.annual.template_model import ReportTemplate
from pipelines.annual.template_sources import Problems, resolve_cells, uses_outcomes


def _join(items: list[str]) -> str:
    return "、".join(items)


def _check_parents(table: TableSpec, problems: Problems) -> None:
    parents = {r.code: r.parent for r in table.rows}
    for code in parents:
        seen, cur = {code}, parents[code]
        while cur is not None:
            if cur not in parents:
                problems.add(f"表 {table.code} 第 {code} 行", f"上级行 {cur} 不存在")
                break
            if cur in seen:
                problems.add(f"表 {table.code} 第 {code} 行", "上级行关系成环")
                break
            seen.add(cur)
            cur = parents[cur]


def _check_table(template: ReportTemplate, table: TableSpec, problems: Problems) -> None:
    context = f"表 {table.code}"
    _check_parents(table, problems)
    columns = {c.code for c in table.columns}
    rows = {r.code for r in table.rows}
    for r in table.rows:
        unknown = sorted(set(r.cells or {}) - columns)
        if unknown:
            problems.add(f"{context} 第 {r.code} 行", f"cells 引用了不存在的列 {_join(unknown)}")
    if uses_outcomes(table):
        for o in template.outcomes:
            if (o.table_code or table.code) == table.code and o.row_code not in rows:
                problems.add(context, f"templates/outcomes.csv 把办理结果映射到不存在的行 {o.row_code}")
    headers = {r.code for r in table.rows if r.header}
    for n, ident in enumerate(table.identities, start=1):
        known, kind = (rows, "行") if ident.over == "rows" else (columns, "列")
        missing = [x for x in (*ident.lhs, *ident.rhs) if x not in known]
        if missing:
            problems.add(f"{context} 勾稽关系 {n}", f"引用了不存在的{kind} {_join(missing)}")
        if ident.over == "rows" and headers & {*ident.lhs, *ident.rhs}:
            problems.add(f"{context} 勾稽关系 {n}", "不能引用表头行")
    resolve_cells(template, table, problems)


def _check_outcome_tables(template: ReportTemplate, problems: Problems) -> None:
    with_outcomes = [t.code for t in template.tables if uses_outcomes(t)]
    for o in template.outcomes:
        if (o.table_code or "") not in ("", *with_outcomes):
            problems.add("", f"templates/outcomes.csv 中“{o.outcome}”映射到的表 {o.table_code} "
                             "不存在或没有按办理结果分行")
    if (template.outcomes and len(with_outcomes) != 1
            and any(not o.table_code for o in template.outcomes)):
        problems.add("", "templates/outcomes.csv 未写 table_code，且模板中按办理结果分行的表不止一张")


def _cell_problem(template: ReportTemplate, ref: tuple[str, ...]) -> str | None:
    """Why (table, row[, column]) names no data cell of the template, or None if it does."""
    table = template.table(ref[0])
    if table is None:
        return f"引用了不存在的表 {ref[0]}"
    row = table.row(ref[1])
    if row is None:
        return f"引用了表 {table.code} 不存在的行 {ref[1]}"
    if len(ref) > 2 and ref[2] is not None and table.column(ref[2]) is None:
        return f"引用了表 {table.code} 不存在的列 {ref[2]}"
    return None


def _check_sheets(template: ReportTemplate, problems: Problems) -> None:
    placed: dict[str, str] = {}
    keys, names = [s.key for s in template.sheets], [s.name for s in template.sheets]
    for kind, values in (("键", keys), ("名称", names)):
        dupes = sorted({v for v in values if values.count(v) > 1})
        if dupes:
            problems.add("sheets", f"工作表{kind}重复：{_join(dupes)}")
    for sheet in template.sheets:
        for code in sheet.tables:
            if template.table(code) is None:
                problems.add(f"工作表 {sheet.key}", f"引用了不存在的表 {code}")
            elif code in placed:
                problems.add(f"工作表 {sheet.key}", f"表 {code} 已在工作表 {placed[code]} 中")
            else:
                placed[code] = sheet.key
    if template.sheets:
        missing = [t.code for t in template.tables if t.code not in placed]
        if missing:
            problems.add("sheets", f"表 {_join(missing)} 不在任何工作表中")


def _check_figures(template: ReportTemplate, problems: Problems) -> None:
    keys = [f.key for f in template.figures]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        problems.add("figures", f"关键数字的 key 重复：{_join(dupes)}")
    for fig in template.figures:
        if not fig.cells and not fig.marts:
            problems.add(f"关键数字 {fig.key}", "既没有 cells，也不取自数据集市（marts 为 false）")
        for ref in fig.cells:
            problem = _cell_problem(template, ref)
            row = template.table(ref[0]).row(ref[1]) if problem is None else None
            if problem is None and row is not None and row.header:
                problem = f"引用了表 {ref[0]} 的表头行 {ref[1]}"
            if problem:
                problems.add(f"关键数字 {fig.key}", problem)


def _check_parts(template: ReportTemplate, parts: list, context: str, problems: Problems) -> None:
    for part in parts:
        if isinstance(part, FigurePart) and template.figure(part.figure) is None:
            problems.add(context, f"引用了 figures 中没有的关键数字 {part.figure}")
        elif isinstance(part, CellPart):
            problem = _cell_problem(template, part.cell)
            if problem:
                problems.add(context, problem)
        elif isinstance(part, BreakdownPart):
            problem = _cell_problem(template, (*part.breakdown, part.column))
            if problem:
                problems.add(context, problem)
        elif isinstance(part, GroupPart):
            _check_parts(template, part.parts, context, problems)


def _check_report(template: ReportTemplate, problems: Problems) -> None:
    if template.report is None:
        return
    sheets = {s.key for s in template.layout_sheets()}
    for i, section in enumerate(template.report.sections, start=1):
        for j, paragraph in enumerate(section.paragraphs, start=1):
            context = f"年报草稿第 {i} 节（{section.heading}）第 {j} 段"
            if isinstance(paragraph, SentenceParagraph):
                _check_parts(template, paragraph.parts, context, problems)
            elif isinstance(paragraph, AmountParagraph) and template.figure(paragraph.figure) is None:
                problems.add(context, f"引用了 figures 中没有的关键数字 {paragraph.figure}")
            elif isinstance(paragraph, SheetParagraph) and paragraph.sheet not in sheets:
                problems.add(context, f"引用了不存在的工作表 {paragraph.sheet}")
    appendix = template.report.appendix
    if appendix is not None and appendix.sheet not in sheets:
        problems.add("年报草稿附件", f"引用了不存在的工作表 {appendix.sheet}")


def check_template(template: ReportTemplate, problems: Problems) -> None:
    """Add every broken cross-reference of ``template`` to ``problems``."""
    codes = [t.code for t in template.tables]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        problems.add("", f"表编码重复：{_join(dupes)}")
    for table in template.tables:
        _check_table(template, table, problems)
    _check_outcome_tables(template, problems)
    _check_sheets(template, problems)
    _check_figures(template, problems)
    _check_report(template, problems)
