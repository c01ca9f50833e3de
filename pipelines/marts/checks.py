"""The marts' sanity suites (``expectations/<mart>.json``) as blocking Dagster asset checks.

One check per suite, on the mart the suite names, all run in one step
(``pipelines.gx.suite_checks``). Each check's metadata lists the failed expectations in
Chinese, with counts and examples.
"""

import pandas as pd

from pipelines.gx import suite_checks, suites_for
from pipelines.ingest.contracts import CATEGORIES
from pipelines.marts.assets import MART_NAMES

MIN_DATE, MAX_DATE = pd.Timestamp("2000-01-01"), pd.Timestamp("2100-12-31")


def suite_parameters(con) -> dict:
    """Runtime values the suites refer to as ``$PARAMETER``: the registry, the catalogue…"""

    def column(sql: str) -> list:
        return [r[0] for r in con.execute(sql).fetchall()]

    # Sorted: the values are part of a GX verdict's key (pipelines.gx), and DISTINCT's order
    # can change from one process to the next — unsorted, a new process often missed the
    # verdicts of unchanged tables and paid GX's import again.
    return {
        # A file may name the division itself (中宁县, 全县) as well as its units.
        "units": column("SELECT DISTINCT unit FROM ref_units UNION SELECT name FROM ref_divisions "
                        "WHERE name IS NOT NULL ORDER BY 1"),
        "task_codes": column("SELECT DISTINCT task_code FROM plan_tasks ORDER BY 1"),
        "outcomes": column("SELECT DISTINCT outcome FROM ref_outcomes ORDER BY 1"),
        "categories": list(CATEGORIES),
        "min_date": MIN_DATE,
        "max_date": MAX_DATE,
    }


CHECKS = [suite_checks(suites_for(set(MART_NAMES)), suite_parameters, "marts_suites")]
