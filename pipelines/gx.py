"""A thin great-expectations (GX Core 1.x) layer: suite JSON + DataFrame → verdict + Data Docs.

The suites live in ``expectations/<mart>.json`` under version control. They are validated
against DataFrames read from DuckDB, because GX 1.x on DuckDB through SQLAlchemy fails
silently (every validation returns success=False with an empty result). GX is imported
lazily: the import alone takes 8–10 s, which a build whose checked tables did not change
does not pay (verdicts are kept per suite and table content).
Usage statistics stay off: there is no network at a county office.
"""


import functools
import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from html import escape as html_escape
from importlib import metadata
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd

from pipelines.locks import file_lock
from pipelines.resources import MartsDatabase
from pipelines.settings import PROJECT_ROOT

EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
_EXTERNAL = re.compile(
    r"<link[^>]+href=\"https?://[^\"]+\"[^>]*>|<script[^>]+src=\"https?://[^\"]+\"[^>]*>\s*</script>"
    r"|<img[^>]+src=\"https?://[^\"]+\"[^>]*>",
    re.IGNORECASE,
)
_OFFLINE_CSS = """<style id="gongkai-offline">
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0 2rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0;font-size:14px}
td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}
.text-danger,.fa-times{color:#b00020}.text-success,.fa-check-circle{color:#1b7f3b}
a{color:#0b57d0}.hide-on-offline,.ge-logo{display:none}
</style>"""


@dataclass
class SuiteResult:
    """The verdict of one suite on one table, with the failed expectations explained."""

    suite: str
    title: str
    success: bool
    evaluated: int
    failures: list[dict] = field(default_factory=list)


def load_suite_json(name: str, folder: Path = EXPECTATIONS_DIR) -> dict:
    """The JSON of ``expectations/<name>.json``."""
    return json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))


def suite_names(folder: Path = EXPECTATIONS_DIR) -> list[str]:
    """Every suite kept in the expectations folder."""
    return sorted(p.stem for p in folder.glob("*.json"))


# Verdicts kept per suite and division: the latest few versions of its data (a rebuild, a
# file dropped and taken back).
MEMO_KEEP = 8


def _cell_text(value: object) -> str:
    return repr(value.tolist()) if hasattr(value, "tolist") else str(value)


def _memo_key(name: str, frame: pd.DataFrame, parameters: dict[str, Any], folder: Path) -> str:
    """What a verdict depends on: the suite's JSON, the parameters, the table's bytes and
    GX's version (read from its metadata, so asking costs no import)."""
    parts = [(folder / f"{name}.json").read_text(encoding="utf-8"),
             json.dumps(parameters, sort_keys=True, ensure_ascii=False, default=str),
             json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]),
             metadata.version("great_expectations")]
    key = hashlib.sha256("\x1f".join(parts).encode("utf-8"))
    # Column by column, 8 bytes a cell: a 1,000,000-row ledger as JSON text held ~1 GB more
    # at the peak of its build.
    for _, column in frame.items():
        try:
            hashed = pd.util.hash_pandas_object(column, index=False, categorize=False)
        except (TypeError, ValueError):  # dates, lists (DuckDB LIST columns): as their text
            hashed = pd.util.hash_pandas_object(column.map(_cell_text), index=False, categorize=False)
        key.update(hashed.to_numpy().tobytes())
    return key.hexdigest()


# Rendered suite pages, by suite name and the digest of its JSON.
_SUITE_PAGES: dict[str, str] = {}
# What this process judged, by memo key: the verdict and its validation page once rendered
# (None before the flush). The same bytes come back in one process: an empty ledger is the
# same table in every county, and a county is built again in a copy of its data directory.
_JUDGED: dict[str, tuple[dict, str | None]] = {}


def _suite_key(name: str, folder: Path) -> str:
    return f"{name}:{hashlib.sha256((folder / f'{name}.json').read_bytes()).hexdigest()}"


def _plain(value: object) -> object:
    # numpy scalars in GX's counts stay numbers in the memo, so a kept verdict equals a new one
    return value.item() if hasattr(value, "item") else str(value)


def _gx():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx

    return gx


def _example(value: object) -> str:
    if isinstance(value, (tuple, list)):
        return " / ".join(_example(v) for v in value)
    if hasattr(value, "dtype") and "datetime" in str(getattr(value, "dtype", "")):
        return str(pd.Timestamp(value).date())
    if isinstance(value, pd.Timestamp):
        return str(value.date())
    return str(value)[:60]


def _describe(res) -> dict:
    cfg = res.expectation_config
    result = res.result or {}
    examples = result.get("partial_unexpected_list") or []
    return {
        "expectation": cfg.type,
        "说明": (cfg.meta or {}).get("zh", cfg.type),
        "列": cfg.kwargs.get("column") or cfg.kwargs.get("column_A") or cfg.kwargs.get("column_list"),
        "不符合行数": result.get("unexpected_count", result.get("observed_value")),
        "示例": [_example(v) for v in examples[:5]],
        "error": (res.exception_info or {}).get("exception_message") if not res.success else None,
    }


class GxRunner:
    """Validates DataFrames with the project's suites and writes their Data Docs pages
    (``marts/data-docs``: GX's own page renderers, made to work offline, under our index).
    ``data_docs=False`` only validates (a caller that needs the verdicts, not the pages).

    GX runs in an ephemeral context: a file context re-read and re-wrote its YAML and JSON
    stores around every validation (~0.6 s a suite against ~0.2 s for the validation itself),
    and the only thing kept from it was the pages, which are written here directly.
    """

    def __init__(self, marts_dir: Path, expectations_dir: Path = EXPECTATIONS_DIR,
                 data_docs: bool = True) -> None:
        self.marts_dir = marts_dir
        self.expectations_dir = expectations_dir
        self.docs_dir = marts_dir / "data-docs"
        self.data_docs = data_docs
        # (memo key, verdict, GX's validation result, or None and the page already rendered
        # for the same key in this process)
        self._pending: list[tuple[str, SuiteResult, Any, str | None]] = []

    def validate(self, name: str, frame: pd.DataFrame, parameters: dict[str, Any], scope: str = "all"
                 ) -> SuiteResult:
        """Run suite ``name`` on ``frame``; its Data Docs page is written by ``flush_docs``.

        A table that the same suite already judged with the same parameters (same bytes,
        same suite JSON, same GX) keeps that verdict without GX: a build that changed one
        source does not pay for validating the others, nor GX's import if nothing it checks
        changed. The verdicts are kept per ``scope`` (a division: a province's hundred
        counties must not push each other's out). Counties building side by side share one
        Data Docs site: a lock keeps two processes from writing its files at once.
        """
        key = _memo_key(name, frame, parameters, self.expectations_dir)
        with self._lock():
            memo = self._memo(name, scope)
            if key in memo:
                return SuiteResult(**memo[key])
        # Judged in this process already (for another county or data directory: the verdict
        # depends on the key alone): that verdict and its page, without GX.
        seen = _JUDGED.get(key)
        if seen is not None and (seen[1] is not None or not self.data_docs):
            result, validation, page = SuiteResult(**seen[0]), None, seen[1]
        else:
            (result, validation), page = self._validate(name, frame, parameters), None
            _JUDGED[key] = (asdict(result), None)
        with self._lock():
            memo = {k: v for k, v in self._memo(name, scope).items() if k != key}
            memo[key] = asdict(result)
            path = self._memo_file(name, scope)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                json.dumps(dict(list(memo.items())[-MEMO_KEEP:]), ensure_ascii=False, default=_plain),
                encoding="utf-8")
        if self.data_docs:
            self._pending.append((key, result, validation, page))
        return result

    def flush_docs(self) -> None:
        """Write the Data Docs pages of the validations run since the last flush (one page per
        validation, the suite's own page) and rewrite the index."""
        if not self._pending:
            return
        from great_expectations.render.renderer import (
            ExpectationSuitePageRenderer,
            ValidationResultsPageRenderer,
        )
        from great_expectations.render.view import DefaultJinjaPageView

        pending, self._pending = self._pending, []
        view = DefaultJinjaPageView()
        pages = []
        for key, result, validation, html in pending:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
            page = self.docs_dir / "validations" / result.suite / f"{stamp}.html"
            if html is None:
                html = _offline(view.render(ValidationResultsPageRenderer().render(validation)))
                _JUDGED[key] = (asdict(result), html)
            # A suite's page shows only its JSON: rendered once per process and suite version
            # (half of the pages' cost), not once per build of every county.
            suite_key = _suite_key(result.suite, self.expectations_dir)
            if suite_key not in _SUITE_PAGES:
                suite = _suite(result.suite, load_suite_json(result.suite, self.expectations_dir))
                _SUITE_PAGES[suite_key] = _offline(view.render(ExpectationSuitePageRenderer().render(suite)))
            pages.append((result, page, html, _SUITE_PAGES[suite_key]))
        with self._lock():
            for result, page, html, suite_html in pages:
                page.parent.mkdir(parents=True, exist_ok=True)
                page.write_text(html, encoding="utf-8")
                suite_page = self.docs_dir / "expectations" / f"{result.suite}.html"
                suite_page.parent.mkdir(parents=True, exist_ok=True)
                if not suite_page.exists() or suite_page.read_text(encoding="utf-8") != suite_html:
                    suite_page.write_text(suite_html, encoding="utf-8")
                self._write_index(result, page)

    def _lock(self):
        # One lock for the verdicts and the Data Docs site that counties share.
        return file_lock(self.marts_dir / ".locks" / "gx.lock", waiting="另一个构建正在写入检查结果")

    def _memo_file(self, name: str, scope: str) -> Path:
        return self.marts_dir / "gx" / "verdicts" / scope / f"{name}.json"

    def _memo(self, name: str, scope: str) -> dict[str, dict]:
        path = self._memo_file(name, scope)
        try:
            return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        except ValueError:  # a memo cut short by a killed build is only a lost shortcut
            return {}

    def _validate(self, name: str, frame: pd.DataFrame, parameters: dict[str, Any]
                  ) -> tuple[SuiteResult, Any]:
        raw = load_suite_json(name, self.expectations_dir)
        source = _context().data_sources.get("gongkai_marts")
        try:
            asset = source.get_asset(name)
        except LookupError:
            asset = source.add_dataframe_asset(name)
        batch_def = next((b for b in asset.batch_definitions if b.name == "whole"), None) \
            or asset.add_batch_definition_whole_dataframe("whole")
        suite = _suite(name, raw)
        batch = batch_def.get_batch(batch_parameters={"dataframe": frame})
        # BASIC: the unexpected count and first values, all a failure's description and its
        # Data Docs page show; SUMMARY also counts every unexpected value, which took a third
        # of the validation's time (measured on the demo's 11 suites: 1.28 s -> 0.83 s).
        validation = batch.validate(suite, expectation_parameters=parameters, result_format="BASIC")
        title = raw.get("meta", {}).get("gongkai", {}).get("title", name)
        result = SuiteResult(
            suite=name,
            title=title,
            success=bool(validation.success),
            evaluated=len(validation.results),
            failures=[_describe(r) for r in validation.results if not r.success],
        )
        return result, validation

    def _write_index(self, result: SuiteResult, page: Path) -> None:
        # GX's index lists results through JavaScript fed from CDNs, so offline it is empty.
        # Our own index is plain HTML: every suite's latest verdict and a link to its page.
        latest_file = self.docs_dir / "gongkai-latest.json"
        latest = json.loads(latest_file.read_text(encoding="utf-8")) if latest_file.exists() else {}
        latest[result.suite] = {
            "title": result.title, "success": result.success, "evaluated": result.evaluated,
            "failed": len(result.failures), "failures": [f["说明"] for f in result.failures],
            "page": page.relative_to(self.docs_dir).as_posix(), "time": page.stem,
        }
        latest_file.write_text(json.dumps(latest, ensure_ascii=False, indent=1), encoding="utf-8")
        rows = []
        for suite, info in sorted(latest.items()):
            verdict = ('<span class="text-success">通过</span>' if info["success"]
                       else '<span class="text-danger">未通过</span>')
            link = f'<a href="{info["page"]}">{info["time"]}</a>' if info["page"] else "—"
            failed = "；".join(html_escape(f) for f in info["failures"]) or "—"
            rows.append(f'<tr><td>{html_escape(info["title"])}</td><td><a href="expectations/{suite}.html">'
                        f"{suite}</a></td><td>{verdict}</td><td>{info['evaluated']}</td>"
                        f"<td>{info['failed']}</td><td>{failed}</td><td>{link}</td></tr>")
        index = (
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            "<title>数据质量检查结果（Data Docs）</title>" + _OFFLINE_CSS + "</head><body>"
            "<h1>数据质量检查结果</h1><p>每个数据集市的 great-expectations 健全性检查套件的最近一次结果；"
            "未通过的套件会阻断下游资产与发布。</p><table><tr><th>数据集市</th><th>套件</th><th>结果</th>"
            "<th>检查项</th><th>未通过</th><th>未通过的检查</th><th>最近一次验证</th></tr>"
            + "".join(rows) + "</table></body></html>"
        )
        (self.docs_dir / "index.html").write_text(index, encoding="utf-8")


def _suite(name: str, raw: dict):
    """GX's ExpectationSuite of a suite's JSON."""
    from great_expectations.core.expectation_suite import ExpectationSuite

    return ExpectationSuite(name=name, expectations=raw["expectations"], meta=raw.get("meta", {}))


def _offline(html: str) -> str:
    # GX's pages pull Bootstrap, jQuery and fonts from CDNs. Offline those requests hang or
    # fail; the pages are server-rendered, so dropping them and adding a small local
    # stylesheet keeps every result readable with no network.
    html = _EXTERNAL.sub("", html)
    html = re.sub(r"url\('https?://[^']+'\)", "none", html)
    return html.replace("</head>", _OFFLINE_CSS + "</head>", 1)


@functools.cache
def _context():
    """The process's ephemeral GX context (GX imported on first use)."""
    context = _gx().get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    context.data_sources.add_pandas("gongkai_marts")
    return context


# One runner per marts folder and process: its verdict memo and pending pages.
_RUNNERS: dict[Path, GxRunner] = {}


class GreatExpectations(dg.ConfigurableResource):
    """The project's GX suites and a file context next to the marts (for Data Docs)."""

    expectations_dir: str = str(EXPECTATIONS_DIR)

    def runner(self, marts_db: MartsDatabase) -> GxRunner:
        """The process's GxRunner for this marts folder."""
        marts_dir = marts_db.settings().marts_dir
        if marts_dir not in _RUNNERS:
            _RUNNERS[marts_dir] = GxRunner(marts_dir, Path(self.expectations_dir))
        return _RUNNERS[marts_dir]


def suites_for(assets: set[str], folder: Path = EXPECTATIONS_DIR) -> list[str]:
    """The suites that check one of ``assets`` (a suite's ``meta.gongkai.asset``, else its table)."""
    out = []
    for name in suite_names(folder):
        meta = load_suite_json(name, folder)["meta"]["gongkai"]
        if meta.get("asset", meta["table"]) in assets:
            out.append(name)
    return out


def suite_checks(suites: list[str], parameters: Callable[[Any], dict], name: str) -> dg.AssetChecksDefinition:
    """The blocking checks of some suites, each on the asset its suite names, run in one step.

    A failing suite stops the assets below it, and so the publish step: marts that break
    their own invariants never replace the published database. ``parameters(con)`` gives the
    runtime values the suites refer to as ``$PARAMETER`` (the registry, the catalogue…). One
    step for all of them pays Dagster's cost per step once, not once a suite; a run that
    selects a few tables checks only theirs.
    """
    metas = {suite: load_suite_json(suite)["meta"]["gongkai"] for suite in suites}
    specs = {suite: dg.AssetCheckSpec(
        f"gx_{suite}", asset=meta.get("asset", meta["table"]), blocking=True,
        description=f"健全性检查（great-expectations 套件 expectations/{suite}.json）：{meta['title']}")
        for suite, meta in metas.items()}

    @dg.multi_asset_check(name=name, specs=list(specs.values()), can_subset=True)
    def _checks(context: dg.AssetCheckExecutionContext, marts_db: MartsDatabase,
                great_expectations: GreatExpectations):
        selected = context.selected_asset_check_keys
        with marts_db.connect() as con:
            values = parameters(con)
            frames = {suite: con.execute(metas[suite]["query"]).df() for suite, spec in specs.items()
                      if spec.key in selected}
        runner = great_expectations.runner(marts_db)
        docs = dg.MetadataValue.path(str(marts_db.settings().marts_dir / "data-docs" / "index.html"))
        results = {suite: runner.validate(suite, frame, values, scope=marts_db.division)
                   for suite, frame in frames.items()}
        runner.flush_docs()
        for suite, frame in frames.items():
            result = results[suite]
            title = metas[suite]["title"]
            for failure in result.failures:
                context.log.error(f"{title}：{failure['说明']}（不符合 {failure['不符合行数']} 行）")
            yield dg.AssetCheckResult(
                asset_key=specs[suite].asset_key, check_name=specs[suite].name, passed=result.success,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={"rows": len(frame), "expectations": result.evaluated,
                          "failed": len(result.failures), "failures": result.failures, "data_docs": docs})

    return _checks
