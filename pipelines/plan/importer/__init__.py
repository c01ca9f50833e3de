"""Draft a plan catalogue (``plan-<year>.json``) from the text of a county's openness plan.

The plan text follows fixed conventions: sections ``一、``, subsections ``(一)`` / ``（一）``,
numbered items ``1.`` under some subsections, and every task ends with a parenthetical naming
its units and deadline. The importer reads those conventions with regular expressions and
phrase tables, so next year's plan needs a new text file, not new code. Its output is a draft:
the office reviews it (titles above all) before it is committed.

One module per part of the text: ``structure`` (title, sections, subsections, items),
``parenthetical`` (the closing parenthetical), ``units`` (roles and unit names),
``deadlines``, ``targets``; ``draft`` assembles the catalogue and ``cli`` is the command.

Usage::

    python -m pipelines.plan.importer data/reference/640521/plan-2018.txt \\
        --division 640521 --year 2018 --out data/reference/640521/plan-2018.json
"""

from pipelines.plan.importer.cli import main
from pipelines.plan.importer.draft import dump_catalogue, import_plan
from pipelines.plan.importer.errors import PlanImportError

__all__ = ["PlanImportError", "dump_catalogue", "import_plan", "main"]
