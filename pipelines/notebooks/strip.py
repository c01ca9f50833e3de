"""Strip outputs from notebooks before they are committed: ``python -m pipelines.notebooks.strip``.

``python -m pipelines.notebooks.strip notebooks/*.ipynb`` rewrites each notebook without
outputs, execution counts and per-run metadata (papermill's, widget state), keeping the cells,
their tags and the kernel spec. ``--check`` only lists the notebooks that would change and
exits 1 if there are any. Without arguments it handles every notebook in ``notebooks/``.
Data shown in a notebook never reaches git; tests/test_notebooks.py fails if it does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from pipelines.settings import PROJECT_ROOT

# Notebook metadata that describes one run rather than the notebook.
RUN_METADATA = ("papermill", "widgets", "execution")
CELL_RUN_METADATA = ("papermill", "execution", "collapsed", "scrolled", "ExecuteTime")


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook without outputs, execution counts or run metadata (in place, returned)."""
    for key in RUN_METADATA:
        nb.metadata.pop(key, None)
    for cell in nb.cells:
        for key in CELL_RUN_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def dirty(nb: nbformat.NotebookNode) -> list[str]:
    """What a committed notebook must not carry: a reason per offending cell (empty if clean)."""
    problems = [f"元数据 {key}" for key in RUN_METADATA if key in nb.metadata]
    for i, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"第 {i} 个单元格有输出")
        if cell.get("execution_count") is not None:
            problems.append(f"第 {i} 个单元格有执行序号")
    return problems


def strip_file(path: Path, check: bool = False) -> bool:
    """Strip one notebook file; True if it had anything to strip (and, unless check, was rewritten)."""
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    stripped = nbformat.writes(strip(nb)) + "\n"
    changed = stripped != text
    if changed and not check:
        path.write_text(stripped, encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m pipelines.notebooks.strip",
                                     description="清除笔记本的输出和执行序号（提交前运行）")
    parser.add_argument("paths", nargs="*", type=Path, help="笔记本文件（默认 notebooks/*.ipynb）")
    parser.add_argument("--check", action="store_true", help="只检查，不改写；有需清除的笔记本时退出码为 1")
    args = parser.parse_args(argv)
    paths = args.paths or sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb"))
    changed = [p for p in paths if strip_file(p, check=args.check)]
    for p in changed:
        print(f"{'需清除输出' if args.check else '已清除输出'}：{p}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
