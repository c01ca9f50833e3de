"""What the manifest expects of the disclosures: counts, late items, missing showcases."""

from __future__ import annotations

from datetime import date

from pipelines.demo.common import add_workdays
from pipelines.demo.disclosures.items import ItemDrawer
from pipelines.demo.scenario import Scenario


def expected(g: ItemDrawer, sc: Scenario) -> dict:
    """The manifest's ``expected.disclosures`` (bad rows are not among ``g.items``)."""
    items = g.items
    by_channel: dict[str, int] = {}
    by_category: dict[str, int] = {}
    for item in items:
        by_category[item.category] = by_category.get(item.category, 0) + 1
        for channel in item.channels:
            by_channel[channel] = by_channel.get(channel, 0) + 1
    special = ("审计信息", "办事服务", "建议提案办理")
    late_general = [i.index_no for i in items if i.category not in special
                    and i.published > add_workdays(i.formed, 20)]
    showcase = {u: sorted(i.index_no for i in items if i.unit == u and i.category == "重大建设项目"
                          and i.published <= date(g.year, 8, 31)) for u in sc.showcase_units}
    return {
        "items": len(items),
        "normative_items": sum(1 for i in items if i.normative),
        "items_by_channel": by_channel,
        "items_by_category": by_category,
        "gazette_first_published_on": min(i.gazette_on for i in items if i.gazette_on).isoformat(),
        "normative_by_category": sum(1 for i in items if i.category == "规范性文件"),
        "late_audit_disclosures": [i.index_no for i in items
                                   if i.category == "审计信息" and i.tag == "late"],
        "late_service_disclosures": [i.index_no for i in items
                                     if i.category == "办事服务" and i.tag == "late"],
        "late_general_disclosures": late_general,
        "showcase_projects_missing": [u for u, found in showcase.items() if not found],
        "head_interpretation_units_without_disclosure": [
            u for u in sc.departments
            if not any(i.unit == u and i.category == "政策解读" for i in items)],
    }
