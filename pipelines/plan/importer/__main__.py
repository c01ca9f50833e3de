"""``python -m pipelines.plan.importer``: draft a plan catalogue from a plan's text."""

from pipelines.plan.importer import main

raise SystemExit(main())
