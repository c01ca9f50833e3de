"""Build every division, one partition at a time, in-process (``python -m pipelines build``).

A division whose build fails keeps its previously published marts; the others still build
and publish.
"""

import dagster as dg

from pipelines.definitions import ALL_ASSETS, ALL_CHECKS, NOTEBOOKS, make_resources
from pipelines.partitions import ensure_partitions
from pipelines.reference.load import divisions
from pipelines.settings import Settings


def build_division(division: str, instance: dg.DagsterInstance, data_dir: str | None = None,
                   as_of: str | None = None, run_config: dict | None = None,
                   tags: dict | None = None, selection=None,
                   notebooks: bool = False) -> dg.ExecuteInProcessResult:
    """Materialize every asset (or ``selection``) of one division's partition, with the
    headless notebooks if ``notebooks``."""
    ensure_partitions(instance, [division])
    return dg.materialize(
        [*ALL_ASSETS, *ALL_CHECKS, *(NOTEBOOKS if notebooks else [])],
        resources=make_resources(data_dir, as_of),
        instance=instance,
        partition_key=division,
        raise_on_error=False,
        run_config=run_config,
        tags=tags,
        selection=selection,
    )


def build_everything(settings: Settings, instance: dg.DagsterInstance, **kwargs
                     ) -> dict[str, dg.ExecuteInProcessResult]:
    """Build each division found under ``raw/`` (and in the data directory's own reference)."""
    return {d: build_division(d, instance, **kwargs) for d in divisions(settings)}


def failed_steps(result: dg.ExecuteInProcessResult) -> list[str]:
    """Step keys that failed in a run."""
    return [e.step_key for e in result.all_events if e.is_step_failure]
