"""Checks of the reference domain: the unit registry and its history (blocking).

A registry whose names overlap, leave a gap, loop, or let one alias name two units on a day
would resolve files wrongly, so its suite stops every asset below it.
"""

from pipelines.gx import suite_checks, suites_for


def no_parameters(con) -> dict:
    """The registry's suite refers to no runtime values (it runs before the plan exists)."""
    return {}


CHECKS = [suite_checks(suites_for({"unit_registry"}), no_parameters, "reference_suites")]
