"""``python -m pipelines.demo``: write the 中宁县 2018–2019 demo data."""

from pipelines.demo import main

raise SystemExit(main())
