"""The words of a return form: what each status means, what evidence is expected, the
deadline kinds, and the 填报说明 sheet, all in the contract's vocabulary (contracts.py)."""

from __future__ import annotations

from pipelines.forms.model import FormsBatch
from pipelines.forms.periods import date_label
from pipelines.ingest.contracts import PROGRESS_STATUSES, RETURNS

# Every status of the contract (PROGRESS_STATUSES, same order), what it means and what the row
# must then carry.
STATUS_GUIDE: dict[str, tuple[str, str]] = {
    "未启动": ("尚未开始此项工作", "在“进展说明”中写明计划何时启动"),
    "推进中": ("已经开始，尚未完成", "在“进展说明”中写明本月做了什么、下一步安排"),
    "已完成": ("已按计划要求全部完成", "填写“完成日期”和“佐证链接”（公开该项工作的网页地址）"),
    "长期坚持": ("已完成，并按计划要求持续开展、持续更新", "填写首次完成的“完成日期”和“佐证链接”"),
    "不适用": ("本单位没有此项职能或不涉及此项工作", "在“进展说明”中写明理由"),
}

# plan_tasks.deadline_kind → words (rules.md, "The plan catalogue").
DEADLINE_KINDS = {
    "date": "限期完成",
    "date_ongoing": "限期完成并长期坚持",
    "after_event": "在某事项后限期完成",
    "external": "按上级要求时限推进",
    "none": "未规定时限",
}

SYNONYMS = "、".join(f"“{a}”视为“{b}”" for a, b in next(
    f.synonyms for f in RETURNS.fields if f.name == "status"))

FORM_NOTE = ("请只填写浅黄色单元格：进展状态从下拉列表中选择，已完成或长期坚持的请填写完成日期和佐证链接；"
             "详见“填报说明”工作表。")


def due_sentence(batch: FormsBatch) -> str:
    """When the return is due."""
    return (f"{batch.period_label}的进展请于{date_label(batch.due_on)}前报送"
            f"（计划规定每月{batch.due_day}日前报送上月进展）。")


def guide_lines(batch: FormsBatch, unit: str) -> list[tuple[str, str]]:
    """The 填报说明 sheet as (heading, text) pairs; an empty heading continues the section."""
    office = batch.office or "政务公开办"
    statuses = [(f"　{word}", "{}。{}。".format(*STATUS_GUIDE[word])) for word in PROGRESS_STATUSES]
    kinds = "；".join(f"{word}" for word in DEADLINE_KINDS.values())
    return [
        ("报送什么", f"本表由{office}根据《{batch.plan_title}》生成，列出{unit}在{batch.period_label}"
                 "需要报送进展的全部任务。每月一份，每个任务一行。"),
        ("截止日期", due_sentence(batch) + "逾期未报、逾期报送或报送表被退回的单位，将列入当月催报清单。"),
        ("怎样填写", "只填写浅黄色单元格，其他单元格已锁定（未设密码）。请不要改动表头、任务编号、"
                 "报送单位和报送期间，不要增删行列，也不要改工作表名称。"),
        ("", "“进展状态”已按本单位上次报送的结果预先填好（“上次报送”列注明是哪个月的报送表），"
             "请逐项核对，有变化的改为本月末的状态；从未报送过的任务状态为空，必须填写。"),
        ("", "“报送日期”填写实际报送当天的日期，未填写的按逾期处理。日期格式如 2018-08-03。"),
        ("进展状态", f"只能从下拉列表中选择以下五种（{SYNONYMS}）："),
        *statuses,
        ("佐证材料", "“佐证链接”填写在政府网站等公开该项工作的网页地址（以 http 开头），"
                 "一项工作有多个网页时填写最主要的一个，其余写在“进展说明”中。"),
        ("", "“数量”填写本月完成的数量（如发布政策解读 3 篇），只填数字，不带单位。"),
        ("", "“完成日期”只在状态为已完成或长期坚持时填写，填写首次完成的日期。"),
        ("完成时限", f"“完成时限”抄自计划原文，“时限类型”为：{kinds}。"),
        ("保存与报送", "填好后直接保存为 .xlsx（WPS 请选“Excel 工作簿（*.xlsx）”，不要存为 .et），"
                  "不要设置打开密码，也不要改成 PDF 或图片。也可以存为 .xls 或 .ods。"),
    ]
