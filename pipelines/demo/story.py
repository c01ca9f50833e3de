"""What each demo year is like: the dates, counts and shortfalls that differ from year to year.

Every source module reads its year's ``YearStory`` (``ctx.story``) instead of constants, so a
further year is a new entry here, not new code. 2018 is the county's first year under its
"整体提升年" plan (many shortfalls); in 2019 it does better, the revised 条例 takes effect on
2019-05-15, and the website CMS export no longer has the 规范性文件 column.

Unit names: the 2019 institutional reform (县国土资源局 → 县自然资源局, …) is not in the demo
yet; a source writes a unit's name through ``DemoContext.written`` so renames can be added in
one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class YearStory:
    """One demo year: when its ledgers were exported, and what the county falls short of."""

    year: int
    # The year-end exports (ledgers, activities, facts) are dated around this day.
    exported_on: date
    # scenario: how many units miss each per-unit target
    head_missing: int
    untrained: int
    no_deployment_departments: int
    no_deployment_townships: int
    showcase_missing: int
    # activities
    open_meetings: int
    training_on: date
    makeup_training_on: date
    training_title: str
    budget_inspection_on: date
    service_inspection_on: date
    working_meetings: tuple[tuple[date, str, int], ...]
    # disclosures
    volume: float  # items per category, relative to 2018
    gazette_issues: tuple[date, ...]
    budget_column_opened: bool  # the 预决算 column goes live this year (2018)
    sessions: tuple[str, str, str]  # the county's 人大 and 政协 sessions (政协 short and full)
    cms_normative_column: bool  # the CMS export still has the 规范性文件 column
    bad_cms_rows: tuple[tuple[str, str, str], ...]
    # requests
    requests: int

    @property
    def previous(self) -> int:
        """The year before (budgets, audits and final accounts speak of it)."""
        return self.year - 1


STORIES = {
    2018: YearStory(
        year=2018, exported_on=date(2019, 1, 10),
        head_missing=2, untrained=3, no_deployment_departments=2, no_deployment_townships=1,
        showcase_missing=2,
        open_meetings=4, training_on=date(2018, 6, 22), makeup_training_on=date(2018, 8, 16),
        training_title="全县政务公开工作业务培训班",
        budget_inspection_on=date(2018, 11, 12), service_inspection_on=date(2018, 11, 20),
        working_meetings=((date(2018, 6, 12), "全县政务公开工作推进会", 86),
                          (date(2018, 9, 13), "县政务公开工作领导小组会议", 14),
                          (date(2018, 12, 18), "全县政务公开工作年度考核部署会", 78)),
        volume=1.0, gazette_issues=(date(2018, 11, 20), date(2018, 12, 20)), budget_column_opened=True,
        sessions=("县十七届人大三次会议", "政协十届三次会议", "政协中宁县第十届委员会第三次会议"),
        cms_normative_column=True,
        bad_cms_rows=(("成文日期", "bad_date", "2018-09-31"), ("信息类别", "bad_vocabulary", "通知公告"),
                      ("索引号", "missing_required", ""), ("发布机构", "unknown_unit", "中宁县融媒体中心")),
        requests=60,
    ),
    2019: YearStory(
        year=2019, exported_on=date(2020, 1, 10),
        head_missing=1, untrained=1, no_deployment_departments=0, no_deployment_townships=1,
        showcase_missing=1,
        open_meetings=6, training_on=date(2019, 5, 24), makeup_training_on=date(2019, 7, 11),
        training_title="新修订《中华人民共和国政府信息公开条例》专题培训班",
        budget_inspection_on=date(2019, 11, 7), service_inspection_on=date(2019, 11, 13),
        working_meetings=((date(2019, 3, 21), "全县政务公开工作会议", 92),
                          (date(2019, 5, 9), "贯彻实施新修订政府信息公开条例专题会议", 65),
                          (date(2019, 12, 17), "全县政务公开工作年度考核部署会", 80)),
        volume=1.08,
        gazette_issues=(date(2019, 3, 20), date(2019, 6, 20), date(2019, 9, 20), date(2019, 12, 20)),
        budget_column_opened=False,
        sessions=("县十七届人大四次会议", "政协十届四次会议", "政协中宁县第十届委员会第四次会议"),
        cms_normative_column=False,
        bad_cms_rows=(("发布日期", "bad_date", "2019-02-30"),
                      ("发布机构", "unknown_unit", "中宁县融媒体中心")),
        requests=72,
    ),
}
YEARS = tuple(sorted(STORIES))
