"""进展报送表: one workbook per unit per month, filled in the ways the county's units fill it in.

``styles`` (how each unit fills in its return), ``trajectories`` (what truly happens to each
task), ``tables`` (one return as a table), ``defects`` (the planted bad cells), ``write``
(every return of the year, the resubmission, the late, missing and refused returns) and
``shortfalls`` (what the manifest expects of the tasks).
"""

from pipelines.demo.returns.write import Outcome, write_returns

__all__ = ["Outcome", "write_returns"]
