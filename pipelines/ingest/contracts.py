"""What each source's files must contain: headers, value kinds, vocabularies and keys.

One declaration per source, read by the one reader core. Adding an accepted spelling is an
edit here (or in ``data/reference``), never a new reader.
"""

from __future__ import annotations

from dataclasses import dataclass

# Value kinds the reader core knows how to normalise, with their DuckDB column type.
KIND_TYPES = {
    "text": "VARCHAR",
    "date": "DATE",
    "month": "VARCHAR",
    "unit": "VARCHAR",
    "yesno": "BOOLEAN",
    "int": "BIGINT",
    "number": "DOUBLE",
    "enum": "VARCHAR",
    "task_code": "VARCHAR",
    "units_list": "VARCHAR[]",
    "pii": None,  # read to derive applicant_key, never stored
}


@dataclass(frozen=True)
class Field:
    """One column (or metadata label) of a source file."""

    name: str
    header: str
    kind: str = "text"
    required: bool = False
    vocab: str | tuple[str, ...] | None = None
    synonyms: tuple[tuple[str, str], ...] = ()
    header_aliases: tuple[str, ...] = ()
    # For a unit name: the field holding the row's date, on which the name must be in force
    # (a return's 报送期间, a request's 收到日期, an item's 发布日期…; docs/units.md).
    dated_by: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KIND_TYPES:
            raise ValueError(f"unknown field kind {self.kind!r} for {self.header}")


@dataclass(frozen=True)
class Contract:
    """The declaration of one source folder."""

    source: str
    label: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    metadata: tuple[Field, ...] = ()
    csv_allowed: bool = True
    # The ``Limits`` attribute capping the data rows of one file (None: no cap).
    max_rows_limit: str | None = None

    def stored_fields(self) -> list[Field]:
        """Fields that become staging columns (personal information never does)."""
        return [f for f in (*self.metadata, *self.fields) if KIND_TYPES[f.kind] is not None]


PROGRESS_STATUSES = ("未启动", "推进中", "已完成", "长期坚持", "不适用")
CATEGORIES = (
    "政策文件", "规范性文件", "政策解读", "舆情回应", "预决算", "审计信息", "政府债务",
    "重大建设项目", "公共资源配置", "社会公益事业", "权责清单", "负面清单", "行政执法公示",
    "建议提案办理", "办事服务", "政府会议", "人事信息", "其他",
)
CHANNELS = (
    "政府网站", "政府公报", "政务微博", "政务微信", "移动客户端", "新闻发布会", "广播电视",
    "查阅点", "其他",
)
REQUEST_CHANNELS = ("当面", "传真", "网络", "信函", "电子邮件")
APPLICANT_TYPES = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他组织")
APPEAL_KINDS = ("行政复议", "行政诉讼")
SUIT_ROUTES = ("未经复议直接起诉", "复议后起诉")
APPEAL_RESULTS = ("维持", "纠正", "其他", "尚未审结")
ACTIVITY_TYPES = (
    "新闻发布会", "在线访谈", "媒体采访", "舆情回应", "会议开放", "培训", "工作会议",
    "研究部署", "专项检查", "举报投诉", "其他",
)
FACT_NAMES = (
    "专门机构数", "查阅点数", "专职人员数", "兼职人员数", "专项经费万元", "规章制发件数",
    "规章废止件数", "规章现行有效件数", "规范性文件制发件数", "规范性文件废止件数",
    "规范性文件现行有效件数", "行政许可处理决定数", "行政处罚处理决定数", "行政强制处理决定数",
    "行政事业性收费万元",
)

RETURNS = Contract(
    source="returns",
    label="进展报送表",
    csv_allowed=False,
    max_rows_limit="max_return_rows",
    metadata=(
        Field("unit", "报送单位", "unit", required=True, header_aliases=("填报单位",),
              dated_by="period"),
        Field("period", "报送期间", "month", required=True, header_aliases=("报送月份",)),
        Field("submitted_on", "报送日期", "date", header_aliases=("填报日期",)),
    ),
    fields=(
        Field("task_code", "任务编号", "task_code", required=True),
        Field("status", "进展状态", "enum", required=True, vocab=PROGRESS_STATUSES,
              synonyms=(("进行中", "推进中"), ("完成", "已完成"), ("已落实", "已完成"))),
        Field("completed_on", "完成日期", "date"),
        Field("quantity", "数量", "number"),
        Field("evidence_url", "佐证链接", "text"),
        Field("note", "进展说明", "text"),
        Field("task_title", "任务内容", "text"),
    ),
    key=("unit", "period", "task_code"),
)

DISCLOSURES = Contract(
    source="disclosures",
    label="主动公开信息台账",
    fields=(
        Field("index_no", "索引号", "text", required=True),
        Field("title", "标题", "text", required=True),
        Field("unit", "发布机构", "unit", required=True, dated_by="published_on"),
        Field("category", "信息类别", "enum", required=True, vocab=CATEGORIES),
        Field("channel", "公开渠道", "enum", required=True, vocab=CHANNELS),
        Field("formed_on", "成文日期", "date", required=True),
        Field("published_on", "发布日期", "date", required=True),
        Field("doc_no", "文号", "text"),
        Field("url", "链接", "text"),
        Field("normative", "规范性文件", "yesno"),
    ),
    key=("index_no", "channel"),
)

REQUESTS = Contract(
    source="requests",
    label="依申请公开登记台账",
    fields=(
        Field("request_id", "申请编号", "text", required=True),
        Field("received_on", "收到日期", "date", required=True),
        Field("channel", "申请方式", "enum", required=True, vocab=REQUEST_CHANNELS),
        Field("applicant_type", "申请人类型", "enum", required=True, vocab=APPLICANT_TYPES),
        Field("unit", "受理单位", "unit", required=True, dated_by="received_on"),
        # Required as a column, blank while the request is open (raw-formats.md).
        Field("outcome", "办理结果", "enum", vocab="outcomes"),
        Field("answered_on", "答复日期", "date"),
        Field("applicant_name", "申请人", "pii"),
        Field("applicant_id", "证件号码", "pii"),
        Field("applicant_phone", "联系电话", "pii"),
        Field("supplement_asked_on", "补正告知日期", "date"),
        Field("supplement_done_on", "补正完成日期", "date"),
        Field("extended", "是否延期", "yesno"),
        Field("fee_yuan", "收费金额", "number"),
    ),
    key=("request_id",),
)
# 办理结果 and 答复日期 must be present as headers even though their cells may be blank.
REQUIRED_HEADERS_EXTRA = {"requests": ("办理结果", "答复日期")}

APPEALS = Contract(
    source="appeals",
    label="行政复议、行政诉讼台账",
    fields=(
        Field("case_id", "案件编号", "text", required=True),
        Field("kind", "类型", "enum", required=True, vocab=APPEAL_KINDS),
        Field("received_on", "收到日期", "date", required=True),
        Field("unit", "被申请单位", "unit", required=True, dated_by="received_on"),
        Field("result", "结果", "enum", required=True, vocab=APPEAL_RESULTS),
        Field("suit_route", "起诉方式", "enum", vocab=SUIT_ROUTES),
        Field("closed_on", "结案日期", "date"),
        Field("request_id", "关联申请编号", "text"),
    ),
    key=("case_id",),
)

ACTIVITIES = Contract(
    source="activities",
    label="工作活动台账",
    fields=(
        Field("activity_date", "日期", "date", required=True),
        Field("unit", "单位", "unit", required=True, dated_by="activity_date"),
        Field("activity_type", "活动类型", "enum", required=True, vocab=ACTIVITY_TYPES),
        Field("title", "标题", "text", required=True),
        Field("head_attended", "主要负责同志参加", "yesno"),
        Field("people", "人数", "int"),
        Field("units_involved", "参加单位", "units_list", dated_by="activity_date"),
        Field("url", "链接", "text"),
    ),
    # Activities have no id: the whole row is the key (raw-formats.md).
    key=("activity_date", "unit", "activity_type", "title", "head_attended", "people"),
)

FACTS = Contract(
    source="facts",
    label="年度填报指标",
    fields=(
        Field("year", "年度", "int", required=True),
        Field("unit", "单位", "unit", required=True, dated_by="year"),
        Field("indicator", "指标", "enum", required=True, vocab=FACT_NAMES),
        Field("value", "数值", "number", required=True),
    ),
    key=("year", "unit", "indicator"),
)

CONTRACTS = {c.source: c for c in (RETURNS, DISCLOSURES, REQUESTS, APPEALS, ACTIVITIES, FACTS)}


def required_headers(contract: Contract) -> list[Field]:
    """Fields whose header must be found for the header row to count."""
    extra = REQUIRED_HEADERS_EXTRA.get(contract.source, ())
    return [f for f in contract.fields if f.required or f.header in extra]
