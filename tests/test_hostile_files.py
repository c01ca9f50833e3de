"""Files of hostile size and shape: a zip bomb, a workbook that lies about its size, a runaway
return, a password-protected workbook and WPS's own formats are refused whole, with a reason
that names the limit or says how to save instead; a build with them stays within 2 GB."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import duckdb
import pytest
from conftest import DIVISION, return_rows, write_xlsx

try:  # for the process tree's total (the notebooks' kernels run beside the build)
    import psutil
except ImportError:  # pragma: no cover
    psutil = None

from pipelines.forms.reminders import reminder_list
from pipelines.ingest.contracts import REQUESTS, RETURNS
from pipelines.ingest.normalise import ReadContext
from pipelines.ingest.reader import read_file
from pipelines.ingest.sheets import FileRejected, check_unpacked_size
from pipelines.settings import Limits, load_limits

ROOT = Path(__file__).resolve().parents[1]
MB = 1 << 20
TWO_GB = 2 * 1024 * MB

PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
    '.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
    '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+'
    'xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
    'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '</Relationships>',
}
SHEET = "xl/worksheets/sheet1.xml"


def xlsx_bomb(path: Path, megabytes: int, declared: int | None = None) -> Path:
    """A valid xlsx whose one sheet unpacks to ``megabytes`` MB of real cells (a string each)
    from a file of a few MB; with ``declared``, the zip claims the sheet is that many bytes."""
    row = b'<row><c t="inlineStr"><is><t>' + "报送".encode() * 160 + b"</t></is></c></row>"
    block = row * (MB // len(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open(SHEET, "w") as fh:
            fh.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                     b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            for _ in range(megabytes):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
    if declared is not None:
        with zipfile.ZipFile(path) as archive:
            local = archive.getinfo(SHEET).header_offset
        data = bytearray(path.read_bytes())
        central = data.rfind(b"PK\x01\x02", 0, data.rfind(SHEET.encode()))
        struct.pack_into("<I", data, local + 22, declared)   # local header: uncompressed size
        struct.pack_into("<I", data, central + 24, declared)  # central directory: the same
        path.write_bytes(bytes(data))
    return path


def encrypted_workbook(path: Path) -> Path:
    """What Excel and WPS write for an xlsx with an opening password: a compound (OLE2) file
    holding the streams ``EncryptionInfo`` and ``EncryptedPackage`` instead of a zip."""
    streams = {"EncryptionInfo": os.urandom(4096), "EncryptedPackage": os.urandom(8192)}
    free, end, fat_sector, none = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    sectors, starts, fat = [], [], [fat_sector, end]  # sector 0: the FAT, sector 1: the directory
    for data in streams.values():
        starts.append(2 + len(sectors))
        n = len(data) // 512
        sectors += [data[i * 512:(i + 1) * 512] for i in range(n)]
        fat += [starts[-1] + i + 1 for i in range(n - 1)] + [end]
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, right: int = none, child: int = none) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return raw.ljust(64, b"\0") + struct.pack("<HBB3I16sI8s8sIQ", len(raw), kind, 1, none, right,
                                                  child, b"\0" * 16, 0, b"\0" * 8, b"\0" * 8, start, size)
    names = list(streams)
    directory = entry("Root Entry", 5, end, 0, child=1) + b"".join(
        entry(n, 2, starts[i], len(streams[n]), right=i + 2 if i + 1 < len(names) else none)
        for i, n in enumerate(names))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<5H", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<9I", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<109I", 0, *[free] * 108))
    path.write_bytes(header + struct.pack("<128I", *fat) + directory.ljust(512, b"\0") + b"".join(sectors))
    return path


@pytest.fixture
def ctx(registry):
    return ReadContext(DIVISION, registry, b"test-secret", {"outcomes": {}}, Limits())


def test_limits_come_from_the_environment():
    assert load_limits({}) == Limits(max_unpacked_mb=200, max_return_rows=500)
    env = {"GONGKAI_MAX_UNPACKED_MB": "50", "GONGKAI_MAX_RETURN_ROWS": " 80 "}
    assert load_limits(env) == Limits(max_unpacked_mb=50, max_return_rows=80)
    assert Limits(max_unpacked_mb=50).max_unpacked_bytes == 50 * MB
    with pytest.raises(ValueError, match="GONGKAI_MAX_RETURN_ROWS"):
        load_limits({"GONGKAI_MAX_RETURN_ROWS": "0"})
    with pytest.raises(ValueError, match="GONGKAI_MAX_UNPACKED_MB"):
        load_limits({"GONGKAI_MAX_UNPACKED_MB": "2GB"})


def test_a_zip_bomb_is_refused_by_its_declared_size_before_it_is_inflated(tmp_path, ctx):
    bomb = xlsx_bomb(tmp_path / "bomb.xlsx", 30)
    assert bomb.stat().st_size < MB
    with pytest.raises(FileRejected) as caught:
        check_unpacked_size(bomb, Limits(max_unpacked_mb=10))
    message = str(caught.value)
    assert "文件解压后有 30 MB，超过上限 10 MB（环境变量 GONGKAI_MAX_UNPACKED_MB）" in message
    check_unpacked_size(bomb, Limits(max_unpacked_mb=40))  # under the limit it would be read
    tight = ReadContext(DIVISION, ctx.registry, b"s", {}, Limits(max_unpacked_mb=10))
    result = read_file(bomb, RETURNS, tight, "bomb.xlsx")
    assert result.rows.empty and len(result.rejects) == 1
    assert result.rejects.iloc[0].reason.startswith("整个文件未导入：文件解压后有 30 MB")


def test_a_zip_that_lies_about_its_size_is_measured_by_inflating_in_bounded_chunks(tmp_path):
    liar = xlsx_bomb(tmp_path / "liar.xlsx", 30, declared=1000)
    with zipfile.ZipFile(liar) as archive:
        assert sum(i.file_size for i in archive.infolist()) < 10 * MB  # what it claims
    with pytest.raises(FileRejected, match="实际大小.*超过上限 10 MB"):
        check_unpacked_size(liar, Limits(max_unpacked_mb=10))


def test_a_runaway_return_is_refused_whole_and_keeps_its_unit_and_period(tmp_path, ctx):
    tasks = [["1.1.1", "x", "推进中", None, None, None, None]] * 400
    path = write_xlsx(tmp_path / "long.xlsx", return_rows("县审计局", "2018-07", "2018-08-03", tasks))
    small = ReadContext(DIVISION, ctx.registry, b"s", {}, Limits(max_return_rows=300))
    result = read_file(path, RETURNS, small, "long.xlsx")
    assert result.error == (
        "工作表“Sheet1”表头以下有 400 行，超过每份进展报送表最多 300 行的上限"
        "（环境变量 GONGKAI_MAX_RETURN_ROWS）：请删除多余的行（如误粘贴的其他表格）后重新提交；"
        "确需报送更多行，请管理员调高 GONGKAI_MAX_RETURN_ROWS")
    assert result.rows.empty and result.rows_read == 0 and len(result.rejects) == 1
    assert result.metadata["unit"] == "县审计局" and result.metadata["period"] == "2018-07"
    # under the default limit (500) the same file loads; ledgers have no row cap
    assert len(read_file(path, RETURNS, ctx, "long.xlsx").rows) == 400
    assert REQUESTS.max_rows_limit is None


def test_a_return_refused_for_a_bad_date_above_the_header_still_says_whose_it_is(tmp_path, ctx):
    path = write_xlsx(tmp_path / "r.xlsx", return_rows("县财政局", "2018-07", "八月三日", []))
    result = read_file(path, RETURNS, ctx, "r.xlsx")
    assert result.error.startswith("“报送日期”的值“八月三日”有误：日期无法识别")
    assert result.metadata == {"unit": "县财政局", "period": "2018-07"}  # for the reminder list


@pytest.mark.parametrize(("name", "expected"), [
    ("加密.xlsx", "文件设有打开密码，无法读取"),
    ("报送表.et", "文件是 WPS 表格专用格式（.et），无法读取：请用 WPS 或 Excel 打开该文件"),
    ("报送表.wps", "文件是 WPS 文字文档（.wps），不是表格"),
    ("报送表.xlsb", "文件是 Excel 二进制工作簿（.xlsb）"),
    ("报送表.txt", "不支持的文件类型“.txt”"),
    ("改名.xlsx", "无法打开 Excel 文件"),
])
def test_unreadable_formats_are_refused_whole_saying_how_to_save(tmp_path, ctx, name, expected):
    path = tmp_path / name
    if name == "加密.xlsx":
        encrypted_workbook(path)
    elif name == "改名.xlsx":
        path.write_bytes("报送单位：县财政局".encode())  # a text file renamed .xlsx
    else:
        write_xlsx(path, return_rows("县财政局", "2018-07", None, []))  # contents do not matter
    result = read_file(path, RETURNS, ctx, name)
    assert result.error.startswith(expected), result.error
    assert "另存为" in result.error
    assert len(result.rejects) == 1 and result.rejects.iloc[0].reason == f"整个文件未导入：{result.error}"


def _tree_memory(pid: int) -> int:
    """Memory of a process and all its descendants (the notebooks' kernels, the browser that
    draws the PNG charts), shared pages counted once (PSS); 0 without psutil."""
    if psutil is None:
        return 0
    total = 0
    try:
        procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return 0
    for proc in procs:
        try:
            total += proc.memory_full_info().pss
        except psutil.Error:
            continue
    return total


def measured_build(data_dir: Path, env: dict[str, str], *flags: str) -> tuple[str, str, int]:
    """``python -m pipelines build`` on ``data_dir`` in a wrapper process whose only child is the
    build: (wrapper's stdout — exit code and the largest child's max RSS in kB —, stderr, peak
    memory of the whole tree sampled every 0.2 s)."""
    wrapper = ("import resource, subprocess, sys\n"
               f"done = subprocess.run([sys.executable, '-m', 'pipelines', 'build', *{list(flags)!r}])\n"
               "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    full_env = {**os.environ, "GONGKAI_DATA_DIR": str(data_dir), **env}
    full_env.pop("GONGKAI_MAX_UNPACKED_MB", None)
    proc = subprocess.Popen([sys.executable, "-c", wrapper], cwd=ROOT, env=full_env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_memory(proc.pid))
            threading.Event().wait(0.2)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate(timeout=1800)
    sampler.join()
    assert proc.returncode == 0, err[-3000:]
    return out, err, peak[0]


# A request ledger far larger than any county's (a county answers some hundred requests a
# year): rows 0, 3, 6, … are 当面, 1, 4, … 网络, 2, 5, … 信函. ``make bench`` (W6) builds one of
# 1,000,000 rows and reports its peak memory.
LEDGER_ROWS = 30_000


def write_large_ledger(path: Path, rows: int) -> None:
    """A CSV request ledger of ``rows`` answered requests, received through 2018."""
    path.parent.mkdir(parents=True, exist_ok=True)
    duckdb.connect().execute(f"""
        COPY (SELECT 'YSQ' || lpad(i::VARCHAR, 7, '0') AS 申请编号,
                     DATE '2018-01-02' + (i % 330)::INTEGER AS 收到日期,
                     ['当面', '网络', '信函'][i % 3 + 1] AS 申请方式, '自然人' AS 申请人类型,
                     '县财政局' AS 受理单位, '同意公开' AS 办理结果,
                     DATE '2018-01-02' + (i % 330)::INTEGER + 7 AS 答复日期, '' AS 申请人,
                     '' AS 证件号码, '' AS 联系电话, '' AS 补正告知日期, '' AS 补正完成日期,
                     '否' AS 是否延期, '' AS 收费金额
              FROM range({rows}) t(i)) TO '{path}' (HEADER)""")


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    """``python -m pipelines build --no-notebooks --no-pack`` (files are read on the way to the
    marts; the pack and notebooks read only the marts) on a data directory of hostile files,
    one good return and a large request ledger, with DuckDB held to 256 MB, in a wrapper
    process whose only child is the build: (data_dir, wrapper's report, peak tree memory)."""
    data_dir = tmp_path_factory.mktemp("hostile")
    returns = data_dir / "raw" / DIVISION / "returns"
    xlsx_bomb(returns / "大文件.xlsx", 1024)  # 1 GB of cells: about 2 GB to read, were it read
    xlsx_bomb(data_dir / "raw" / DIVISION / "requests" / "台账.xlsx", 300, declared=2000)
    write_large_ledger(data_dir / "raw" / DIVISION / "requests" / "大台账.csv", LEDGER_ROWS)
    write_xlsx(returns / "ok.xlsx", return_rows("县财政局", "2018-07", "2018-08-03",
                                                [["1.1.1", "x", "已完成", "2018-07-20", None, None, None]]))
    # a correction sent after it, with a 报送日期 no one can read: refused, and worth a call
    correction = write_xlsx(returns / "ok-更正.xlsx", return_rows("县财政局", "2018-07", "八月三日", []))
    os.utime(correction, (returns.joinpath("ok.xlsx").stat().st_mtime + 60,) * 2)
    write_xlsx(returns / "long.xlsx", return_rows("县审计局", "2018-07", "2018-08-03",
                                                  [["1.1.1", "x", "推进中", None, None, None, None]] * 400))
    write_xlsx(returns / "县财政局.et", return_rows("县财政局", "2018-08", None, []))
    encrypted_workbook(returns / "加密.xlsx")
    out, err, peak = measured_build(data_dir, {"GONGKAI_AS_OF": "2018-12-31",
                                               "GONGKAI_MAX_RETURN_ROWS": "300",
                                               "GONGKAI_DUCKDB_MEMORY_MB": "256"},
                                    "--no-notebooks", "--no-pack")  # the whole build: bench W1
    return data_dir, out, err, peak


def test_a_build_with_hostile_files_stays_within_2_gb(hostile_build):
    data_dir, out, err, tree_peak = hostile_build
    code, max_rss_kb = map(int, out.strip().splitlines()[-1].split())
    assert code == 0, err[-3000:]
    peak = max_rss_kb * 1024
    sampled = f"{tree_peak / MB:.0f} MB" if psutil else "未采样（未安装 psutil）"
    print(f"\npython -m pipelines build 的峰值内存：最大单个进程 {peak / MB:.0f} MB，"
          f"进程树合计（PSS，每 0.2 秒采样）{sampled}")
    assert peak <= TWO_GB and tree_peak <= TWO_GB
    con = duckdb.connect(str(data_dir / "marts" / "gongkai.duckdb"), read_only=True)
    try:
        refused = dict(con.execute("SELECT file, reason FROM quarantine ORDER BY file").fetchall())
        loaded = con.execute("SELECT unit, task_code, status FROM return_rows").fetchall()
        log = dict(con.execute("SELECT file, status FROM ingest_log").fetchall())
    finally:
        con.close()
    base = f"raw/{DIVISION}"
    assert refused[f"{base}/returns/大文件.xlsx"].startswith(
        "整个文件未导入：文件解压后有 1024 MB，超过上限 200 MB（环境变量 GONGKAI_MAX_UNPACKED_MB）")
    assert refused[f"{base}/requests/台账.xlsx"].startswith(
        "整个文件未导入：文件解压后的实际大小（与文件中登记的大小不符），超过上限 200 MB")
    assert "超过每份进展报送表最多 300 行的上限（环境变量 GONGKAI_MAX_RETURN_ROWS）" in refused[
        f"{base}/returns/long.xlsx"]
    assert "WPS 表格专用格式" in refused[f"{base}/returns/县财政局.et"]
    assert "打开密码" in refused[f"{base}/returns/加密.xlsx"]
    assert "“报送日期”的值“八月三日”有误" in refused[f"{base}/returns/ok-更正.xlsx"]
    assert len(refused) == 6
    assert loaded == [("县财政局", "1.1.1", "已完成")]
    assert log[f"{base}/returns/ok.xlsx"] == "loaded"
    assert sorted(f for f, s in log.items() if s == "rejected") == sorted(refused)


def test_a_refused_return_whose_unit_could_be_read_is_on_the_reminder_list(hostile_build):
    data_dir = hostile_build[0]
    con = duckdb.connect(str(data_dir / "marts" / "gongkai.duckdb"), read_only=True)
    try:
        frame = reminder_list(con, DIVISION, "2018-07")
    finally:
        con.close()
    audit = frame[frame["unit"] == "县审计局"].iloc[0]
    assert audit.problem == "quarantined" and audit.file == f"raw/{DIVISION}/returns/long.xlsx"
    assert audit.reason.startswith("报送表未能导入：工作表“Sheet1”表头以下有 400 行")
    finance = frame[frame["unit"] == "县财政局"].iloc[0]  # in on time, but its correction refused
    assert finance.problem == "quarantined" and finance.file == f"raw/{DIVISION}/returns/ok.xlsx"
    assert finance.reason.startswith("之后再次报送的文件未能导入：“报送日期”的值“八月三日”有误")
    assert set(frame["problem"]) == {"missing", "quarantined"} and len(frame) == 41
    assert frame[frame["problem"] == "quarantined"]["unit"].tolist() == ["县审计局", "县财政局"]


def test_a_large_ledger_is_read_whole_within_the_same_bounds(hostile_build):
    """The large ledger of the same build (DuckDB held to 256 MB): every row loaded and
    counted in the annual table, the whole tree within 2 GB (asserted above)."""
    data_dir, _, _, tree_peak = hostile_build
    print(f"\n{LEDGER_ROWS} 行台账与异常文件同一次构建，进程树峰值内存 {tree_peak / MB:.0f} MB")
    con = duckdb.connect(str(data_dir / "marts" / "gongkai.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*), count(DISTINCT request_id) FROM requests").fetchone() == (
            LEDGER_ROWS, LEDGER_ROWS)
        cells = dict(con.execute("SELECT row_code, value FROM annual_report WHERE year = 2018 "
                                 "AND unit IS NULL AND row_code IN ('3.1', '3.1.1', '3.1.3', '3.1.4')"
                                 ).fetchall())
    finally:
        con.close()
    # 30,000 rows, every third 当面 (3.1.1), 网络 (3.1.3) and 信函 (3.1.4)
    assert cells == {"3.1": 30_000, "3.1.1": 10_000, "3.1.3": 10_000, "3.1.4": 10_000}
