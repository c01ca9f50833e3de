"""行政复议、行政诉讼台账: a handful of cases brought over replies of the request ledger.

2018's workbook lists 2018's cases as they stood when it was sent; 2019's lists every case
of both years again (the office keeps one register), with the 2018 cases decided since, so
the later file supersedes the earlier one case by case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pipelines.demo.common import DemoContext, Table, workday_on_or_after
from pipelines.demo.requests import Request
from pipelines.demo.writers import write_file

SOURCE = "appeals"
COLUMNS = ["案件编号", "类型", "起诉方式", "收到日期", "被申请单位", "关联申请编号", "结果", "结案日期"]
ALIASES = {"县国土资源局": "县国土局", "宁安镇": "宁安镇人民政府", "县住房和城乡建设局": "县住建局"}
# (kind, route, result, days to decision; None: still pending when the year's file is sent)
PLANS = {
    2018: [("行政复议", None, "维持", 55), ("行政诉讼", "未经复议直接起诉", "其他", 70),
           ("行政复议", None, "纠正", 58), ("行政复议", None, "尚未审结", None)],
    2019: [("行政复议", None, "维持", 50), ("行政诉讼", "未经复议直接起诉", "维持", 80),
           ("行政复议", None, "纠正", 60)],
}
# A case pending when its year's file was sent is decided this many days after receipt (at
# least 40 days after the file was sent).
LATE_DECISION_DAYS = 150


@dataclass
class Case:
    """One case and how it ends (``closed`` None: still pending at the demo's end)."""

    case_id: str
    kind: str
    route: str | None
    received: date
    request: Request
    result: str
    closed: date | None

    def row(self, ctx: DemoContext, on: date) -> dict:
        """The register's row as it stands on ``on``."""
        decided = self.closed is not None and self.closed <= on
        named = ctx.written(self.request.unit, self.received)
        # the abbreviation stays with the old name it abbreviates (县国土局 until the 2019 rename)
        unit = ALIASES.get(named, named)
        return {"案件编号": self.case_id, "类型": self.kind, "起诉方式": self.route,
                "收到日期": self.received, "被申请单位": unit, "关联申请编号": self.request.request_id,
                "结果": self.result if decided else "尚未审结", "结案日期": self.closed if decided else None}


def draw_cases(ctx: DemoContext, requests: list[Request], negative: tuple[str, ...]) -> list[Case]:
    """The year's cases, each over a request answered negatively before September."""
    rng, year = ctx.rng, ctx.year
    contested = [r for r in requests
                 if r.outcome in negative and r.answered and r.answered < date(year, 9, 1)]
    plan = PLANS[year]
    contested = sorted(rng.sample(contested, min(len(plan), len(contested))), key=lambda r: r.answered)
    cases = []
    review_no = suit_no = 0
    for (kind, route, result, days), req in zip(plan, contested, strict=False):
        received = workday_on_or_after(req.answered + timedelta(days=rng.randint(12, 40)))
        if days is None:
            # Pending when the year's register is sent; decided the next year.
            result, days = "维持", max(LATE_DECISION_DAYS, (ctx.story.exported_on - received).days + 40)
        closed = workday_on_or_after(received + timedelta(days=days))
        if kind == "行政复议":
            review_no += 1
            case_id = f"宁政复〔{year}〕{review_no + 2}号"
        else:
            suit_no += 1
            case_id = f"（{year}）宁0521行初{suit_no * 7 + 3}号"
        cases.append(Case(case_id, kind, route, received, req, result, closed))
    # The upheld review goes on to court: litigation after review, decided some weeks later.
    first = cases[0]
    received = workday_on_or_after(first.closed + timedelta(days=10))
    closed = workday_on_or_after(received + timedelta(days=rng.randint(40, 80)))
    cases.append(Case(f"（{year}）宁0521行初{suit_no * 7 + 10}号", "行政诉讼", "复议后起诉", received,
                      first.request, "维持", closed))
    if year > 2018:
        # One review brought in December is still pending when the demo ends.
        last = max((r for r in requests if r.outcome in negative and r.answered
                    and r.answered.month >= 10), key=lambda r: r.answered, default=None)
        if last is not None:
            cases.append(Case(f"宁政复〔{year}〕{review_no + 3}号", "行政复议", None,
                              workday_on_or_after(last.answered + timedelta(days=20)), last, "维持", None))
    return sorted(cases, key=lambda c: c.received)


def write_appeals(ctx: DemoContext, cases: list[Case], earlier: list[Case] = ()) -> dict:
    """Write the year's register (``earlier`` years' cases listed again, as they stand now);
    return the manifest's view of the year's cases."""
    year, on = ctx.year, ctx.story.exported_on
    listed = [*earlier, *cases]
    first = min(c.received.year for c in listed)
    title = f"中宁县政府信息公开行政复议、行政诉讼案件登记表（{year}年）" if not earlier else (
        f"中宁县政府信息公开行政复议、行政诉讼案件登记表（{first}—{year}年）")
    table = Table(columns=list(COLUMNS), sheet="复议诉讼台账", preamble=[[title]], merges=["A1:H1"])
    for case in listed:
        table.add(case.row(ctx, on))
    table.date_format = 'yyyy"年"m"月"d"日"'
    name = (f"{year}年政府信息公开复议诉讼台账.xlsx" if not earlier
            else f"政府信息公开复议诉讼台账（截至{year}年）.xlsx")
    write_file(ctx, SOURCE, name, [table], sent_at=datetime(year + 1, 1, 8, 11, 0))
    if earlier:
        # The register is kept whole: the earlier file's rows are all replaced by this one's.
        ctx.totals(SOURCE)["superseded_rows"] += len(earlier)
    return {"cases": [{"case_id": c.case_id, "kind": c.kind, "route": c.route,
                       "received_on": c.received.isoformat(), "request_id": c.request.request_id,
                       "result": c.row(ctx, on)["结果"]} for c in cases]}
