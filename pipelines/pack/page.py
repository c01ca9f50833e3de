"""What the leaders' page and its PNG folder show: the charts, in order, by section.

The builders are shared with the notebooks (``charts``); which of them the pack shows, under
which heading and at which width, is the pack's own decision and lives here.
"""

from __future__ import annotations

from pipelines.pack import charts
from pipelines.pack.model import Chart, PackData

SECTIONS = [
    ("disclosures", "一、主动公开"),
    ("requests", "二、依申请公开"),
    ("plan", "三、工作方案落实"),
    ("history", "四、年度对比"),
]


def build_charts(pack: PackData) -> list[Chart]:
    """Every chart of the pack, in the order the page shows them."""
    out = [
        Chart("01-主动公开按月", charts.disclosures_by_month(pack.disclosures, pack.year), "disclosures"),
        Chart("02-主动公开按类别", charts.disclosures_by_category(pack.disclosures), "disclosures"),
        Chart("03-主动公开按渠道", charts.disclosures_by_channel(pack.channels), "disclosures"),
        Chart("04-依申请公开办理情况", charts.requests_funnel(pack.requests), "requests"),
        Chart("05-依申请公开答复时效", charts.requests_timeliness(pack.requests), "requests"),
        Chart("06-依申请公开办理用时", charts.requests_working_days(pack.requests), "requests"),
        Chart("07-依申请公开办理结果", charts.requests_outcomes(pack.requests), "requests"),
        Chart("08-工作任务完成情况", charts.task_states_by_section(pack.task_status, pack.section_labels),
              "plan", wide=True),
        Chart("09-方案量化指标", charts.plan_metrics_status(pack.plan_metrics), "plan", wide=True),
        Chart("10-月度进展报送", charts.returns_by_month(pack.returns), "plan"),
    ]
    if pack.history.dropna(subset=["value"])["year"].nunique() > 1:
        out.append(Chart("11-主要指标年度对比", charts.yearly_comparison(pack.history), "history", wide=True))
    return out

