"""The demo's planted story: which units fall short of which plan target.

Chosen once per seed, before any file is written, so that every source tells the same story
(a department without a head's interpretation has neither the activity nor the disclosure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pipelines.demo.common import DemoContext

# The departments plan task 二（二）2 names; used only if the catalogue lacks that task.
SHOWCASE_FALLBACK = (
    "县发展和改革局", "县工业和信息化局", "县教育体育局", "县国土资源局", "县环境保护局",
    "县住房和城乡建设局", "县交通运输局", "县水务局", "县农牧局", "县文化旅游广电局",
    "县卫生和计划生育局", "县林业局", "县扶贫办", "县工业（物流）园区管委会",
)
ORGANISER = "县政府办公室"


@dataclass(frozen=True)
class Scenario:
    """Units chosen to miss a target, and the units every source draws from."""

    departments: tuple[str, ...]
    townships: tuple[str, ...]
    head_missing: tuple[str, ...]
    untrained: tuple[str, ...]
    no_deployment: tuple[str, ...]
    showcase_units: tuple[str, ...]
    showcase_missing: tuple[str, ...]

    @property
    def units(self) -> tuple[str, ...]:
        return self.departments + self.townships


def choose_scenario(ctx: DemoContext) -> Scenario:
    """Draw the planted shortfalls of the year (as many units as its story says) for this seed."""
    rng, story = ctx.rng, ctx.story
    # The units as the year began (the plan's); a unit renamed during the year keeps its
    # place in the story and writes its new name from the change on (DemoContext.written).
    start = date(ctx.year, 1, 1)
    departments = tuple(ctx.registry.names("部门", on=start))
    townships = tuple(ctx.registry.names("乡镇", on=start))
    task = ctx.plan.task("2.2.2")
    showcase = tuple(task.responsible_units) if task and task.responsible_units else tuple(
        u for u in SHOWCASE_FALLBACK if u in departments
    )
    others = [d for d in departments if d != ORGANISER]
    head_missing = tuple(sorted(rng.sample(others, story.head_missing), key=departments.index))
    untrained = tuple(sorted(rng.sample(list(townships), story.untrained), key=townships.index))
    no_deploy = rng.sample([d for d in others if d not in head_missing], story.no_deployment_departments)
    no_deploy += rng.sample([t for t in townships if t not in untrained], story.no_deployment_townships)
    order = departments + townships
    return Scenario(
        departments=departments,
        townships=townships,
        head_missing=head_missing,
        untrained=untrained,
        no_deployment=tuple(sorted(no_deploy, key=order.index)),
        showcase_units=showcase,
        showcase_missing=tuple(sorted(rng.sample(list(showcase), story.showcase_missing),
                                      key=showcase.index)),
    )
