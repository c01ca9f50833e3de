"""The export's planted bad rows: a few ordinary items whose CMS row has one spoiled cell.

They are taken out of the year's items before numbering (so no count or expectation includes
them), numbered as the CMS would have numbered them, and written into the second export in
order of publication.
"""

from __future__ import annotations

from datetime import date

from pipelines.demo.common import Table, page_link, sub_workdays
from pipelines.demo.disclosures.items import Item, ItemDrawer, index_prefix

# The year's bad rows are its story's ``bad_cms_rows``: (column, defect code, value written).


def take_bad_items(g: ItemDrawer) -> list[Item]:
    """Take the items that will become bad rows out of ``g.items``, redated into the second
    half of the year (the export they are planted in)."""
    rng = g.rng
    plain = [n for n, i in enumerate(g.items)
             if i.category in ("其他", "社会公益事业", "公共资源配置") and not i.gazette_on]
    picked = sorted(rng.sample(plain, len(g.ctx.story.bad_cms_rows)), reverse=True)
    bad_items = [g.items.pop(n) for n in picked]
    for item in bad_items:
        item.published = g.day_in(date(g.year, 7, 9), date(g.year, 12, 14))
        item.formed = sub_workdays(item.published, rng.randint(0, 5))
        item.gazette_on = None
    return bad_items


def number_bad_items(g: ItemDrawer, bad_items: list[Item]) -> None:
    """Give each bad item the next free 索引号 of its unit, as the CMS would have, and a link."""
    registry = g.ctx.registry
    used = {i.index_no for i in g.items}
    for item in bad_items:
        code = index_prefix(registry, item.unit)
        n = max(int(u[-5:]) for u in used if u.startswith(code)) + 1 if any(
            u.startswith(code) for u in used) else 1
        item.index_no = f"{code}/{g.year}-{n:05d}"
        used.add(item.index_no)
        item.links["政府网站"] = page_link(registry, item.unit, item.published, g.rng)


def plant_bad_rows(table: Table, rows: list[dict], first_new: int, bad: tuple) -> None:
    """Spoil one cell of each row (``bad``: (column, defect code, value), in order) and insert it
    among the table's rows from ``first_new`` on, before the first row published later; note
    each defect's place."""
    for row, (column, code, value) in zip(rows, bad, strict=True):
        row[column] = value
        position = next((n for n in range(first_new, len(table.rows))
                         if table.rows[n]["发布日期"] > row["发布日期"]), len(table.rows))
        table.rows.insert(position, row)
        table.defects = [(i + 1 if i >= position else i, col, cd) for i, col, cd in table.defects]
        table.defects.append((position, column, code))
