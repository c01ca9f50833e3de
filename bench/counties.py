"""N distinct synthetic counties for the benchmark, reproducible from a seed.

Each county is the demo county (``python -m pipelines demo-data``) made into another one: its
own 6-digit code and name, its own reference folder (registry, plan catalogue, events, all
naming the county), its townships renamed, and its ledgers' volumes drawn around the demo's
(0.5×–1.5× the disclosures and requests, a few returns never sent). The files keep the formats
units send (xlsx returns, CSV and xlsx ledgers), so a county costs what a real one does.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
from pathlib import Path

import openpyxl

DEMO = "640521"
DEMO_NAME = "中宁县"
FIRST_CODE = 659001


def county_code(k: int) -> str:
    """The code of synthetic county ``k`` (0-based)."""
    return str(FIRST_CODE + k)


def _encoding(path: Path) -> str:
    data = path.read_bytes()
    try:
        data.decode("utf-8-sig")
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"


def _rename(text: str, names: dict[str, str]) -> str:
    for old, new in names.items():
        text = text.replace(old, new)
    return text


def _townships(reference: Path) -> list[str]:
    with (reference / "units.csv").open(encoding="utf-8-sig", newline="") as fh:
        return [row["unit"] for row in csv.DictReader(fh) if row["kind"] == "乡镇"]


def _scale_csv(path: Path, rng: random.Random, factor: float, key: str, names: dict[str, str],
               drop: set[str], extra: list[str]) -> None:
    """Rewrite a ledger CSV: names renamed, rows of ``drop`` keys left out, rows of ``extra`` keys
    added (copies of existing rows under a new key)."""
    encoding = _encoding(path)
    with path.open(encoding=encoding, newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    k = header.index(key)
    kept = [r for r in body if len(r) > k and r[k] not in drop]
    added = []
    for new_key in extra:
        row = list(rng.choice(kept or body))
        row[k] = new_key
        added.append(row)
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        for row in [header, *kept, *added]:
            writer.writerow([_rename(c, names) for c in row])


def _keys(folder: Path, key: str) -> list[str]:
    out: set[str] = set()
    for path in folder.glob("*.csv"):
        with path.open(encoding=_encoding(path), newline="") as fh:
            rows = list(csv.reader(fh))
        k = rows[0].index(key)
        out |= {r[k] for r in rows[1:] if len(r) > k and r[k]}
    return sorted(out)


def _rename_xlsx(path: Path, names: dict[str, str]) -> None:
    wb = openpyxl.load_workbook(path)
    changed = False
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    new = _rename(cell.value, names)
                    if new != cell.value:
                        cell.value, changed = new, True
    if changed:
        wb.save(path)


def make_county(template: Path, out: Path, k: int, seed: int) -> str:
    """Write county ``k`` (raw files and reference folder) under ``out``; returns its code."""
    rng = random.Random(seed * 100_003 + k)
    code, name = county_code(k), f"样本{k + 1:03d}县"
    townships = _townships(template / "reference" / DEMO)
    # Township names get the county's number, so no two counties share a unit name.
    names = {t: f"{t[:-1]}{k + 1:03d}{t[-1]}" for t in townships}
    names[DEMO_NAME] = name
    names[DEMO] = code

    ref_in, ref_out = template / "reference" / DEMO, out / "reference" / code
    if ref_out.exists():
        shutil.rmtree(ref_out)
    ref_out.mkdir(parents=True)
    for path in ref_in.iterdir():
        if path.is_file():
            (ref_out / path.name).write_text(_rename(path.read_text(encoding="utf-8-sig"), names),
                                             encoding="utf-8")
    info = json.loads((ref_out / "division.json").read_text(encoding="utf-8"))
    info.update(code=code, name=name)
    (ref_out / "division.json").write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")

    raw_in, raw_out = template / "raw" / DEMO, out / "raw" / code
    if raw_out.exists():
        shutil.rmtree(raw_out)
    shutil.copytree(raw_in, raw_out)
    ledgers = (("disclosures", "索引号", f"{code}999/"), ("requests", "申请编号", f"YSQ{code}-"))
    for source, key, prefix in ledgers:
        folder = raw_out / source
        keys = _keys(folder, key)
        factor = rng.uniform(0.5, 1.5)
        drop = set(rng.sample(keys, int(len(keys) * (1 - factor)))) if factor < 1 else set()
        extra = [f"{prefix}{i:05d}" for i in range(int(len(keys) * (factor - 1)))] if factor > 1 else []
        csvs = sorted(folder.glob("*.csv"))
        for path in csvs:
            # New items appear in the newest export only, as a CMS re-export would show them.
            _scale_csv(path, rng, factor, key, names, drop, extra if path == csvs[-1] else [])
    for path in (raw_out / "activities").glob("*.csv"):
        _scale_csv(path, rng, 1.0, "日期", names, set(), [])
    returns = sorted((raw_out / "returns").glob("*.xlsx"))
    for path in rng.sample(returns, rng.randint(0, 6)):
        path.unlink()  # a few returns never sent
    for path in sorted(raw_out.rglob("*.xlsx")):
        if any(t in path.name for t in townships):
            path.rename(path.with_name(_rename(path.name, names)))
    for path in sorted(raw_out.rglob("*.xlsx")):
        if path.parent.name != "returns" or any(n in path.name for n in names.values()):
            _rename_xlsx(path, names)
    return code


def make_counties(template: Path, out: Path, n: int, seed: int = 2018) -> list[str]:
    """Counties 0..n-1 under ``out`` (kept if already there for this seed)."""
    marker = out / ".counties.json"
    wanted = {"n": n, "seed": seed}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return [county_code(k) for k in range(n)]
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    codes = [make_county(template, out, k, seed) for k in range(n)]
    if (template / ".gongkai-secret").exists():
        shutil.copy(template / ".gongkai-secret", out / ".gongkai-secret")
    marker.write_text(json.dumps(wanted))
    return codes


def main() -> None:
    """``python bench/counties.py TEMPLATE OUT N``."""
    parser = argparse.ArgumentParser(description="生成 N 个合成县（基准测试数据）")
    parser.add_argument("template", type=Path, help="演示数据目录（python -m pipelines demo-data 的输出）")
    parser.add_argument("out", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=2018)
    args = parser.parse_args()
    print(" ".join(make_counties(args.template, args.out, args.n, args.seed)))


if __name__ == "__main__":
    main()
