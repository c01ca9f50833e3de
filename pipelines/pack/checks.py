"""The pack's blocking check: the figures every page states add up and agree
(``consistency``), judged on the staging database before it is published, beside the annual
tables' identities. A failure stops the publish, and with it the leaders' pack and the
notebooks: leaders never get pages that contradict each other.
"""

import dagster as dg

from pipelines.pack.consistency import check_lines
from pipelines.resources import MartsDatabase

SHOWN = 200


@dg.asset_check(
    asset="page_figures",
    name="page_figures_consistent",
    blocking=True,
    description="各页面数字核对（阻断）：合计等于各组成项之和、组成项不大于合计，同一数字在笔记本、"
                "年报草稿、材料网页和计划指标上取值相同",
)
def page_figures_consistent(context: dg.AssetCheckExecutionContext,
                            marts_db: MartsDatabase) -> dg.AssetCheckResult:
    """Blocking: every whole is the sum of its parts and every figure has one value on every page."""
    with marts_db.connect() as con:
        lines = check_lines(con)
        figures = con.execute("SELECT count(*) FROM page_figures").fetchone()[0]
    for line in lines[:50]:
        context.log.error(f"页面数字不一致：{line}")
    return dg.AssetCheckResult(passed=not lines, severity=dg.AssetCheckSeverity.ERROR,
                               metadata={"figures": figures, "problems": len(lines),
                                         "lines": lines[:SHOWN]})


CHECKS = [page_figures_consistent]
