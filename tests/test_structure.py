"""The code's shape: every module imports on its own, no cycle hides behind a late import, and
modules stay small enough to read."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pipelines"
# The CLI imports each command's module when the command runs: `python -m pipelines explain`
# should not pay for Dagster and great-expectations. Nothing imports the CLI back.
LATE_IMPORTS_ALLOWED = {"pipelines/__main__.py"}
MAX_LINES = 400


def _modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "__main__.py":
            continue  # running it is its import
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(names)


def test_every_module_imports_in_a_fresh_interpreter_in_alphabetical_order():
    """Importing each module first, alone, in a new process finds any cycle that only works
    when a sibling happens to be imported earlier."""
    script = "\n".join([
        "import importlib, sys",
        "failed = []",
        "for name in sys.argv[1:]:",
        "    for m in [k for k in sys.modules if k == 'pipelines' or k.startswith('pipelines.')]:",
        "        del sys.modules[m]",
        "    try:",
        "        importlib.import_module(name)",
        "    except Exception as exc:",
        "        failed.append(f'{name}: {type(exc).__name__}: {exc}')",
        "print('\\n'.join(failed))",
        "sys.exit(1 if failed else 0)",
    ])
    done = subprocess.run([sys.executable, "-c", script, *_modules()], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]


def _late_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith("pipelines"):
                found.append(f"{path.relative_to(ROOT)}:{inner.lineno} from {inner.module}")
            elif isinstance(inner, ast.Import):
                found += [f"{path.relative_to(ROOT)}:{inner.lineno} import {a.name}"
                          for a in inner.names if a.name.startswith("pipelines")]
    return found


def test_no_module_imports_a_sibling_inside_a_function():
    """A function-local ``from pipelines…`` is how a cycle hides; none is left."""
    late = [hit for path in sorted(PACKAGE.rglob("*.py"))
            if path.relative_to(ROOT).as_posix() not in LATE_IMPORTS_ALLOWED
            for hit in _late_imports(path)]
    assert not late, "\n".join(late)


def test_no_import_hidden_behind_type_checking():
    """``if TYPE_CHECKING:`` imports of the project's own modules are the other way a cycle
    hides. (A third-party module named only in annotations may wait there: nbformat costs a
    build that runs no notebook ~2 s of import.)"""
    hits = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                for child in ast.walk(node):
                    names = ([a.name for a in child.names] if isinstance(child, ast.Import)
                             else [child.module or ""] if isinstance(child, ast.ImportFrom) else [])
                    hits += [f"{path.relative_to(ROOT)}: {n}" for n in names
                             if n.split(".")[0] == "pipelines" or (isinstance(child, ast.ImportFrom)
                                                                    and child.level > 0)]
    assert not hits, hits


@pytest.mark.parametrize("path", sorted(p.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("*.py")))
def test_module_is_small(path):
    """No module over ~400 lines: one module, one job."""
    lines = len((ROOT / path).read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path} has {lines} lines"
