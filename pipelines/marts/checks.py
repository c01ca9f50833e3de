"""Sanity suites as blocking Dagster asset checks, one per suite in ``expectations/``.

A failing suite stops the assets below its mart, and so the publish step: marts that break
their own invariants never replace the published database. Each check's metadata lists the
failed expectations in Chinese, with counts and examples.
"""

import dagster as dg
import pandas as pd
from pydantic import PrivateAttr

from pipelines.gx import EXPECTATIONS_DIR, GxRunner, load_suite_json, suite_names
from pipelines.ingest.contracts import CATEGORIES
from pipelines.resources import MartsDatabase

MIN_DATE, MAX_DATE = pd.Timestamp("2000-01-01"), pd.Timestamp("2100-12-31")


class GreatExpectations(dg.ConfigurableResource):
    """The project's GX suites and a file context next to the marts (for Data Docs)."""

    expectations_dir: str = str(EXPECTATIONS_DIR)
    _runners: dict = PrivateAttr(default_factory=dict)

    def runner(self, marts_db: MartsDatabase) -> GxRunner:
        """One GxRunner per marts folder and process (the GX context is costly to create)."""
        marts_dir = marts_db.settings().marts_dir
        if marts_dir not in self._runners:
            from pathlib import Path

            self._runners[marts_dir] = GxRunner(marts_dir, Path(self.expectations_dir))
        return self._runners[marts_dir]


def suite_parameters(con) -> dict:
    """Runtime values the suites refer to as ``$PARAMETER``: the registry, the catalogue…"""

    def column(sql: str) -> list:
        return [r[0] for r in con.execute(sql).fetchall()]

    return {
        "units": column("SELECT DISTINCT unit FROM ref_units"),
        "task_codes": column("SELECT DISTINCT task_code FROM plan_tasks"),
        "outcomes": column("SELECT DISTINCT outcome FROM ref_outcomes"),
        "categories": list(CATEGORIES),
        "min_date": MIN_DATE,
        "max_date": MAX_DATE,
    }


def build_sanity_check(suite: str) -> dg.AssetChecksDefinition:
    """The blocking check of one suite on the mart the suite names."""
    meta = load_suite_json(suite)["meta"]["gongkai"]

    @dg.asset_check(
        asset=meta.get("asset", meta["table"]),
        name=f"gx_{suite}",
        blocking=True,
        description=f"健全性检查（great-expectations 套件 expectations/{suite}.json）：{meta['title']}",
    )
    def _check(
        context: dg.AssetCheckExecutionContext, marts_db: MartsDatabase, great_expectations: GreatExpectations
    ) -> dg.AssetCheckResult:
        with marts_db.connect() as con:
            frame = con.execute(meta["query"]).df()
            parameters = suite_parameters(con)
        result = great_expectations.runner(marts_db).validate(suite, frame, parameters)
        for failure in result.failures:
            context.log.error(f"{meta['title']}：{failure['说明']}（不符合 {failure['不符合行数']} 行）")
        return dg.AssetCheckResult(
            passed=result.success,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "rows": len(frame),
                "expectations": result.evaluated,
                "failed": len(result.failures),
                "failures": result.failures,
                "data_docs": dg.MetadataValue.path(
                    str(marts_db.settings().marts_dir / "data-docs" / "index.html")
                ),
            },
        )

    return _check


CHECKS = [build_sanity_check(name) for name in suite_names()]
