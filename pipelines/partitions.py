"""Partitions by division: one partition per county found under ``raw/``.

Each division is built in runs of its own, into a database file of its own
(``marts/divisions/<division>.duckdb``); the published ``gongkai.duckdb`` is assembled from
them. So one code location serves a province, and a county whose files break a build leaves
every other county's marts untouched.
"""

import dagster as dg

DIVISIONS = dg.DynamicPartitionsDefinition(name="division")
PARTITION_TAG = "dagster/partition"


def ensure_partitions(instance: dg.DagsterInstance, divisions: list[str]) -> list[str]:
    """Register divisions not yet known to the instance; returns the ones added."""
    known = set(instance.get_dynamic_partitions(DIVISIONS.name))
    new = [d for d in divisions if d not in known]
    if new:
        instance.add_dynamic_partitions(DIVISIONS.name, new)
    return new


def division_of(context) -> str:
    """The division a partitioned asset or check is materializing."""
    return context.partition_key
