"""Has anything a division's published marts depend on changed since they were built?

``build_info`` in the division's database records the digests of the code, the raw files,
the reference data and the as-of date the marts were built from. Comparing them with the
digests of what is on disk now answers in well under a second, without starting Dagster, so
``python -m pipelines build`` on an unchanged county does nothing and says why.
"""

from __future__ import annotations

import duckdb

from pipelines.fingerprint import code_digest, inputs_digest, raw_digest
from pipelines.ingest.files import raw_files
from pipelines.reference.load import reference_digest, store_for
from pipelines.settings import Settings


def published_build_info(settings: Settings, division: str) -> dict | None:
    """The ``build_info`` row of the division's published marts (None if never published)."""
    path = settings.division_db(division)
    if not path.exists():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        cursor = con.execute("SELECT * FROM build_info WHERE division = $d", {"d": division})
        names = [c[0] for c in cursor.description]
        rows = cursor.fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return dict(zip(names, rows[0], strict=True)) if rows else None


def what_changed(settings: Settings, division: str) -> list[str]:
    """Why the division must be built again, in Chinese (empty: its marts are up to date)."""
    info = published_build_info(settings, division)
    if info is None:
        return ["尚未发布过数据集市"]
    code = code_digest()
    raw = raw_digest(raw_files(settings, division))
    reference = reference_digest(store_for(settings), division)
    if info.get("inputs_digest") == inputs_digest(code, raw, reference, settings.as_of):
        return []
    reasons = []
    if info.get("raw_digest") != raw:
        reasons.append("原始文件有新增、修改或删除")
    if info.get("reference_digest") != reference:
        reasons.append("参考数据有变化")
    if info.get("code_digest") != code:
        reasons.append("程序已更新")
    if info.get("as_of") != settings.as_of:
        reasons.append(f"判定日期由 {info.get('as_of')} 变为 {settings.as_of}")
    return reasons or ["构建信息不完整"]
