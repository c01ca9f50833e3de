"""行政复议、行政诉讼台账: a handful of cases brought over replies of the request ledger."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pipelines.demo.common import DEMO_AS_OF, YEAR, DemoContext, Table, workday_on_or_after
from pipelines.demo.requests import NEGATIVE, Request
from pipelines.demo.writers import write_file

SOURCE = "appeals"
COLUMNS = ["案件编号", "类型", "起诉方式", "收到日期", "被申请单位", "关联申请编号", "结果", "结案日期"]
ALIASES = {"县国土资源局": "县国土局", "宁安镇": "宁安镇人民政府", "县住房和城乡建设局": "县住建局"}


def write_appeals(ctx: DemoContext, requests: list[Request]) -> dict:
    """Write the appeals workbook; each case points at a request it contests."""
    rng = ctx.rng
    contested = [r for r in requests
                 if r.outcome in NEGATIVE and r.answered and r.answered < date(YEAR, 9, 1)]
    contested = sorted(rng.sample(contested, min(4, len(contested))), key=lambda r: r.answered)
    plan = [("行政复议", None, "维持", 55), ("行政诉讼", "未经复议直接起诉", "其他", 70),
            ("行政复议", None, "纠正", 58), ("行政复议", None, "尚未审结", None)]
    table = Table(columns=list(COLUMNS), sheet="复议诉讼台账",
                  preamble=[["中宁县政府信息公开行政复议、行政诉讼案件登记表（2018年）"]],
                  merges=["A1:H1"])
    cases = []
    review_no = suit_no = 0
    for (kind, route, result, days), req in zip(plan, contested, strict=False):
        received = workday_on_or_after(req.answered + timedelta(days=rng.randint(12, 40)))
        closed = workday_on_or_after(received + timedelta(days=days)) if days else None
        if closed and closed > DEMO_AS_OF:
            result, closed = "尚未审结", None
        if kind == "行政复议":
            review_no += 1
            case_id = f"宁政复〔{YEAR}〕{review_no + 2}号"
        else:
            suit_no += 1
            case_id = f"（{YEAR}）宁0521行初{suit_no * 7 + 3}号"
        cases.append((case_id, kind, route, received, req, result, closed))
    # The upheld review goes on to court: litigation after review, decided in December.
    first = cases[0]
    received = workday_on_or_after(first[6] + timedelta(days=10))
    closed = workday_on_or_after(received + timedelta(days=rng.randint(40, 80)))
    result = "维持" if closed <= DEMO_AS_OF else "尚未审结"
    cases.append((f"（{YEAR}）宁0521行初{suit_no * 7 + 10}号", "行政诉讼", "复议后起诉", received,
                  first[4], result, closed if closed <= DEMO_AS_OF else None))
    cases.sort(key=lambda c: c[3])
    for case_id, kind, route, received, req, result, closed in cases:
        table.add({
            "案件编号": case_id, "类型": kind, "起诉方式": route, "收到日期": received,
            "被申请单位": ALIASES.get(req.unit, req.unit), "关联申请编号": req.request_id,
            "结果": result, "结案日期": closed,
        })
    table.date_format = 'yyyy"年"m"月"d"日"'
    write_file(ctx, SOURCE, "2018年政府信息公开复议诉讼台账.xlsx", [table],
               sent_at=datetime(YEAR + 1, 1, 8, 11, 0))
    return {"cases": [{"case_id": c[0], "kind": c[1], "route": c[2], "received_on":
                       c[3].isoformat(), "request_id": c[4].request_id, "result": c[5]}
                      for c in cases]}
