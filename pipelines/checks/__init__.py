"""Data-quality checks: GX sanity suites (blocking) and the plan's own metrics (warnings)."""
