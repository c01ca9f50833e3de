"""``make bench``: Gongkai's cost against the floor, measured in the same run.

Workloads (bench/README.md says what each measures and why):

- W1 one county cold: first step → published marts, and the whole process (every output);
- W2 one new return dropped into the built county: whole process, which steps ran, files parsed;
- W3 nothing changed: whole process, and whether any published file was rewritten;
- W4 a province of 22 counties, cold, on every core;
- W6 a county whose request ledger has 1,000,000 rows: cold build (marts and annual tables),
  peak memory of the whole process tree, against DuckDB reading the same CSV;
- W7 a build next to a reader: one new return built (marts only) while an analyst's process
  holds the county's database and the province view open, against the same build with no
  reader (a blocked writer once retried for 108 s; tests/test_publish.py checks that no lock
  is waited on and that the reader keeps working, this measures the time);
- W5 a national simulation: marts and pack at N = 1, 22 and 100 counties (marginal cost per
  county, publishing one county when N are published, peak memory, disk), projected to 2,846
  county-level divisions on k workers.

Every Gongkai figure is a separate ``python -m pipelines build`` process, timed from outside,
with the memory of its whole process tree sampled from /proc. Results go to
``bench/results/<timestamp>.json`` and ``.md`` and ``bench/results/latest.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from counties import DEMO, make_counties  # noqa: E402

PYTHON = sys.executable
AS_OF = "2020-01-10"
TOTAL_DIVISIONS = 2846


@dataclass
class Measure:
    """One timed process."""

    seconds: float
    peak_rss_mb: float
    exit_code: int
    timings: list = field(default_factory=list)


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        ppid = int(fields.get("PPid", "0").strip())
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack += children.get(p, [])
    return total


def run(args: list[str], data_dir: Path, log: Path, timings: Path | None = None) -> Measure:
    """Run one command with the data directory, sampling the tree's memory every 0.2 s."""
    env = {**os.environ, "GONGKAI_DATA_DIR": str(data_dir), "GONGKAI_AS_OF": AS_OF}
    env.pop("DAGSTER_HOME", None)
    peak = 0
    started = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.2):
                peak = max(peak, _tree_rss_kb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = proc.wait()
        done.set()
        sampler.join()
    seconds = time.perf_counter() - started
    data = json.loads(timings.read_text(encoding="utf-8")) if timings and timings.exists() else []
    return Measure(round(seconds, 2), round(peak / 1024, 1), code, data)


def build(data_dir: Path, log: Path, *flags: str) -> Measure:
    """``python -m pipelines build`` with ``flags``, its --timings read back."""
    timings = log.with_suffix(".timings.json")
    timings.unlink(missing_ok=True)
    m = run([PYTHON, "-m", "pipelines", "build", "--timings", str(timings), *flags], data_dir, log, timings)
    if m.exit_code != 0:
        raise RuntimeError(f"构建失败（退出码 {m.exit_code}），见 {log}")
    return m


def floor(data_dir: Path, divisions: list[str], log: Path) -> float:
    """The floor's own reading time (in-process, as the script prints it)."""
    m = run([PYTHON, str(BENCH / "floor.py"), str(data_dir), *divisions], data_dir, log)
    text = log.read_text(encoding="utf-8").strip().splitlines()[-1]
    return float(text.rsplit("，", 1)[1].replace("秒", "").strip()) if m.exit_code == 0 else float("nan")


def disk_mb(path: Path) -> float:
    """Bytes under a folder, in MB."""
    files = [p for p in path.rglob("*") if p.is_file() and not p.is_symlink()]
    return round(sum(p.stat().st_size for p in files) / 1e6, 2)


def marts_mtimes(marts: Path) -> dict[str, float]:
    """Modification time of every published file (what a no-op must not rewrite)."""
    return {str(p.relative_to(marts)): p.stat().st_mtime for p in marts.rglob("*")
            if p.is_file() and ".staging" not in p.parts and ".locks" not in p.parts}


def to_marts(m: Measure) -> float:
    """First step → published marts, from the run's own step times (longest division)."""
    spans = [t["published"] - t["first_step"] for t in m.timings
             if t.get("published") and t.get("first_step")]
    return round(max(spans), 2) if spans else float("nan")


def fresh(template: Path, work: Path, n: int, seed: int) -> Path:
    """A copy of ``n`` synthetic counties with no marts yet."""
    source = work / f"counties-{n}"
    make_counties(template, source, n, seed)
    target = work / f"run-{n}"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns("marts"))
    return target


def new_return(data_dir: Path, division: str, day: int = 9) -> Path:
    """Drop a resubmitted December return of the latest year (a real new file: same unit and
    period, submitted on January ``day`` of the next year), so the earlier year's pack must
    stay untouched."""
    returns = sorted((p for p in (data_dir / "raw" / division / "returns").rglob("*-12-*.xlsx")
                      if "重报" not in p.name), key=lambda p: p.name)
    import openpyxl

    source = returns[-1]
    year = int(re.search(r"(20\d\d)-12", source.name).group(1))
    wb = openpyxl.load_workbook(source)
    ws = wb.active
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and "报送日期" in cell.value:
                cell.value = cell.value.split("报送日期")[0] + f"报送日期：{year + 1}-01-{day:02d}"
    target = source.with_name(f"{source.stem}-重报{day}.xlsx")
    wb.save(target)
    return target


READER = """
import duckdb, sys
county = duckdb.connect(sys.argv[1], read_only=True)
province = duckdb.connect(sys.argv[2], read_only=True)
for con in (county, province):
    con.execute("SELECT count(*) FROM return_rows").fetchall()
print("open", flush=True)
sys.stdin.readline()
"""


def beside_a_reader(data_dir: Path, division: str, logs: Path) -> dict:
    """W7: a marts-only build of one new return, with and without a reader holding the marts
    (each build gets its own new return, so both parse one file and republish)."""
    flags = ("--no-notebooks", "--no-pack", "--force", "--division", division)
    build(data_dir, logs / "W7-cold.log", *flags)
    new_return(data_dir, division)
    alone = build(data_dir, logs / "W7-alone.log", *flags)
    county = data_dir / "marts" / "divisions" / f"{division}.duckdb"
    province = data_dir / "marts" / "gongkai.duckdb"
    reader = subprocess.Popen([PYTHON, "-c", READER, str(county), str(province)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        if reader.stdout.readline().strip() != "open":
            raise RuntimeError("读者进程未能打开数据集市")
        new_return(data_dir, division, day=10)
        held = build(data_dir, logs / "W7-reader.log", *flags)
    finally:
        reader.communicate("\n", timeout=60)
    waited = "等待其完成" in (logs / "W7-reader.log").read_text(encoding="utf-8")
    parsed = [sum(t.get("files_parsed", 0) for t in m.timings) for m in (alone, held)]
    return {"alone_s": alone.seconds, "with_reader_s": held.seconds, "files_parsed": parsed,
            "ratio": round(held.seconds / alone.seconds, 2), "lock_waited": waited,
            "reader_exit": reader.returncode}


def big_ledger(work: Path, rows: int) -> Path:
    """A data directory whose only raw file is a request ledger of ``rows`` valid requests."""
    data = work / f"ledger-{rows}"
    if data.exists():
        shutil.rmtree(data)
    folder = data / "raw" / DEMO / "requests"
    folder.mkdir(parents=True)
    import duckdb

    duckdb.connect().execute(f"""
        COPY (SELECT 'YSQ' || lpad(i::VARCHAR, 7, '0') AS 申请编号,
                     DATE '2018-01-02' + (i % 330)::INTEGER AS 收到日期, '网络' AS 申请方式,
                     '自然人' AS 申请人类型, '县财政局' AS 受理单位, '同意公开' AS 办理结果,
                     DATE '2018-01-02' + (i % 330)::INTEGER + 7 AS 答复日期, '' AS 申请人,
                     '' AS 证件号码, '' AS 联系电话, '' AS 补正告知日期, '' AS 补正完成日期,
                     '否' AS 是否延期, '' AS 收费金额
              FROM range({rows}) t(i)) TO '{folder / "台账.csv"}' (HEADER)""")
    return data


def main() -> None:  # noqa: PLR0915 - one straight line of workloads reads best
    parser = argparse.ArgumentParser(description="Gongkai 基准测试（与同一次运行中测得的下限对比）")
    parser.add_argument("--sizes", default="1,22,100", help="W5 的县数（逗号分隔）")
    parser.add_argument("--province", type=int, default=22, help="W4 的县数")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--work", type=Path, default=BENCH / ".work")
    parser.add_argument("--ledger-rows", type=int, default=1_000_000, help="W6 台账行数")
    parser.add_argument("--skip", default="", help="跳过的负载（如 W4,W5）")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    args.work.mkdir(parents=True, exist_ok=True)
    logs = args.work / "logs"
    logs.mkdir(exist_ok=True)
    template = args.work / "template"
    if not (template / "raw" / DEMO).exists():
        subprocess.run([PYTHON, "-m", "pipelines", "demo-data"], cwd=ROOT, check=True,
                       env={**os.environ, "GONGKAI_DATA_DIR": str(template)}, stdout=subprocess.DEVNULL)
        shutil.copytree(ROOT / "data" / "reference" / DEMO, template / "reference" / DEMO, dirs_exist_ok=True)

    results: dict = {"machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]},
                     "started": datetime.now().isoformat(timespec="seconds"), "workloads": {}}
    w = results["workloads"]

    one = fresh(template, args.work, 1, args.seed)
    division = sorted(p.name for p in (one / "raw").iterdir())[0]
    floor1 = floor(one, [division], logs / "floor-1.log")
    if "W1" not in skip:
        marts = build(one, logs / "W1-marts.log", "--no-notebooks", "--no-pack")
        floor1b = floor(one, [division], logs / "floor-1b.log")
        shutil.rmtree(one / "marts")
        whole = build(one, logs / "W1-all.log")
        w["W1"] = {"floor_s": round(min(floor1, floor1b), 3), "to_marts_s": to_marts(whole),
                   "to_marts_ratio": round(to_marts(whole) / min(floor1, floor1b), 1),
                   "marts_only_process_s": marts.seconds, "all_outputs_s": whole.seconds,
                   "peak_rss_mb": whole.peak_rss_mb, "disk_marts_mb": disk_mb(one / "marts" / "divisions")
                   + disk_mb(one / "marts" / "published"),
                   "disk_reports_mb": disk_mb(one / "marts" / "reports")}
    if "W2" not in skip and "W1" not in skip:
        before = marts_mtimes(one / "marts" / "reports")
        new_return(one, division)
        m = build(one, logs / "W2.log")
        after = marts_mtimes(one / "marts" / "reports")
        t = m.timings[0] if m.timings else {}
        w["W2"] = {"floor_s": floor1, "process_s": m.seconds, "ratio": round(m.seconds / floor1, 1),
                   "to_marts_s": to_marts(m), "files_parsed": t.get("files_parsed"),
                   "steps_ran": [s["step"] for s in t.get("steps", [])],
                   "report_files_rewritten": sorted(k for k in after if before.get(k) != after[k]),
                   "peak_rss_mb": m.peak_rss_mb}
    if "W3" not in skip and "W1" not in skip:
        before = marts_mtimes(one / "marts")
        m = build(one, logs / "W3.log")
        after = marts_mtimes(one / "marts")
        rewritten = sorted(k for k in after if before.get(k) != after[k])
        w["W3"] = {"process_s": m.seconds, "files_rewritten": rewritten, "peak_rss_mb": m.peak_rss_mb}
    if "W4" not in skip:
        province = fresh(template, args.work, args.province, args.seed)
        codes = sorted(p.name for p in (province / "raw").iterdir())
        f = floor(province, codes, logs / "floor-province.log")
        m = build(province, logs / "W4.log", "--jobs", str(args.jobs))
        w1_all = w.get("W1", {}).get("all_outputs_s")
        w["W4"] = {"counties": len(codes), "jobs": args.jobs, "floor_s": f, "process_s": m.seconds,
                   "ratio": round(m.seconds / f, 1),
                   "target_s": round(len(codes) * w1_all / 1.7, 1) if w1_all else None,
                   "per_county_s": round(m.seconds / len(codes), 2), "peak_rss_mb": m.peak_rss_mb,
                   "disk_marts_mb": disk_mb(province / "marts")}
    if "W7" not in skip:
        w["W7"] = beside_a_reader(fresh(template, args.work, 1, args.seed), division, logs)
    if "W6" not in skip:
        data = big_ledger(args.work, args.ledger_rows)
        f = floor(data, [DEMO], logs / "floor-ledger.log")
        m = build(data, logs / "W6.log", "--no-notebooks", "--no-pack")
        w["W6"] = {"rows": args.ledger_rows, "floor_s": f, "process_s": m.seconds,
                   "ratio": round(m.seconds / f, 1), "peak_rss_mb": m.peak_rss_mb,
                   "disk_marts_mb": disk_mb(data / "marts" / "divisions")}
    if "W5" not in skip:
        sizes = [int(x) for x in args.sizes.split(",")]
        w5 = {"sizes": {}}
        for n in sizes:
            data = fresh(template, args.work, n, args.seed)
            codes = sorted(p.name for p in (data / "raw").iterdir())
            f = floor(data, codes, logs / f"floor-{n}.log")
            cold = build(data, logs / f"W5-{n}-cold.log", "--jobs", str(args.jobs), "--no-notebooks")
            new_return(data, codes[0])
            one_more = build(data, logs / f"W5-{n}-one.log", "--division", codes[0], "--no-notebooks")
            w5["sizes"][n] = {"floor_s": f, "cold_s": cold.seconds, "ratio": round(cold.seconds / f, 1),
                              "publish_one_s": one_more.seconds, "peak_rss_mb": max(cold.peak_rss_mb,
                                                                                    one_more.peak_rss_mb),
                              "disk_marts_mb": disk_mb(data / "marts" / "divisions")
                              + disk_mb(data / "marts" / "published") + disk_mb(data / "marts" / "reports")}
        if len(sizes) > 1:
            lo, hi = min(sizes), max(sizes)
            marginal = (w5["sizes"][hi]["cold_s"] - w5["sizes"][lo]["cold_s"]) / (hi - lo)
            w5["marginal_per_county_s"] = round(marginal, 2)
            one_hi, one_lo = w5["sizes"][hi]["publish_one_s"], w5["sizes"][lo]["publish_one_s"]
            w5["publish_one_ratio"] = round(one_hi / one_lo, 2)
            w5["projection"] = {
                f"{k}_workers_h": round(TOTAL_DIVISIONS * marginal * args.jobs / k / 3600, 1)
                for k in (args.jobs, 16, 64, 256)}
            w5["projection_model"] = (
                f"{TOTAL_DIVISIONS} 个区划 × 每县边际成本 {marginal:.1f} 秒（在 {args.jobs} 核上测得，"
                "即每个工作进程每县约 边际×核数 秒）÷ k 个工作进程；发布一个县的成本与已发布县数无关")
        w["W5"] = w5
    results["finished"] = datetime.now().isoformat(timespec="seconds")
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (out / f"{stamp}.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    md = report(results)
    (out / f"{stamp}.md").write_text(md, encoding="utf-8")
    (out / "latest.md").write_text(md, encoding="utf-8")
    print(md)


def report(results: dict) -> str:
    """The results as a Markdown table."""
    w = results["workloads"]
    lines = [f"# Gongkai 基准测试 {results['started']}（{results['machine']['cores']} 核）", "",
             "| 负载 | Gongkai | 下限 | 比值 | 峰值内存 | 磁盘 |", "|---|---|---|---|---|---|"]
    if "W1" in w:
        x = w["W1"]
        lines.append(f"| W1 一县冷启动：首个资产→发布数据集市 | {x['to_marts_s']} s | {x['floor_s']} s | "
                     f"{x['to_marts_ratio']}× | {x['peak_rss_mb']} MB | 数据集市 {x['disk_marts_mb']} MB |")
        lines.append(f"| W1 一县冷启动：全部输出（整个进程） | {x['all_outputs_s']} s | | | | "
                     f"材料与笔记本 {x['disk_reports_mb']} MB |")
    if "W2" in w:
        x = w["W2"]
        lines.append(f"| W2 新增一份报送表（整个进程） | {x['process_s']} s | {x['floor_s']} s | "
                     f"{x['ratio']}× | {x['peak_rss_mb']} MB | 解析文件 {x['files_parsed']} 个 |")
    if "W3" in w:
        x = w["W3"]
        lines.append(f"| W3 无变化（整个进程） | {x['process_s']} s | | | {x['peak_rss_mb']} MB | "
                     f"改写文件 {len(x['files_rewritten'])} 个 |")
    if "W4" in w:
        x = w["W4"]
        lines.append(f"| W4 全省 {x['counties']} 县冷启动（{x['jobs']} 个进程） | {x['process_s']} s | "
                     f"{x['floor_s']} s | {x['ratio']}× | {x['peak_rss_mb']} MB | {x['disk_marts_mb']} MB |")
    if "W6" in w:
        x = w["W6"]
        lines.append(f"| W6 一县、依申请公开台账 {x['rows']:,} 行（数据集市与年报表） | {x['process_s']} s | "
                     f"{x['floor_s']} s | {x['ratio']}× | {x['peak_rss_mb']} MB | {x['disk_marts_mb']} MB |")
    if "W7" in w:
        x = w["W7"]
        waited = "是" if x["lock_waited"] else "否"
        lines.append(f"| W7 读者打开数据集市时构建一份新报送表（仅数据集市） | {x['with_reader_s']} s | "
                     f"无读者 {x['alone_s']} s | {x['ratio']}× | | 等待锁：{waited} |")
    if "W5" in w:
        for n, x in w["W5"]["sizes"].items():
            lines.append(f"| W5 {n} 县冷启动（数据集市＋材料包） | {x['cold_s']} s | {x['floor_s']} s | "
                         f"{x['ratio']}× | {x['peak_rss_mb']} MB | {x['disk_marts_mb']} MB |")
            lines.append(f"| W5 {n} 县已发布时再发布一县 | {x['publish_one_s']} s | | | | |")
    lines.append("")
    if "W2" in w:
        lines.append(f"W2 运行的步骤：{', '.join(w['W2']['steps_ran'])}")
        lines.append(f"W2 改写的报告文件：{len(w['W2']['report_files_rewritten'])} 个")
    if "W5" in w and "marginal_per_county_s" in w["W5"]:
        x = w["W5"]
        lines.append(f"W5 每增加一县的边际成本：{x['marginal_per_county_s']} s；再发布一县（N 最大/最小）："
                     f"{x['publish_one_ratio']}×")
        hours = "，".join(f"{k} {v} 小时" for k, v in x["projection"].items())
        lines.append(f"W5 推算（{x['projection_model']}）：{hours}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
