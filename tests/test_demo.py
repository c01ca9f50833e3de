"""The demo generator: reproducible, readable, and its manifest tells the truth about the files."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from pipelines.demo import DEMO_AS_OF, YEARS, generate
from pipelines.reference.names import normalize_text
from pipelines.reference.units import load_registry

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference" / "640521"


# Files of others in the data directory of the run with another seed: the generator must
# leave them, and replace its own drop zone whole.
KEEP = ("marts/keep.txt", "raw/640522/returns/x.xlsx", "reference/note.txt")
STALE = "raw/640521/returns/stale.xlsx"


@pytest.fixture(scope="module")
def runs(demo, tmp_path_factory):
    """Three runs: two with the default seed (the first is the session's demo, whose build
    reads its raw files and writes none), one with another seed into a data directory that
    holds files of others and a stale file of its own drop zone."""
    data_dir, manifest, *_ = demo
    out = {"a": (data_dir, manifest)}
    b = tmp_path_factory.mktemp("demo_b")
    out["b"] = (b, generate(b, seed=2018))
    c = tmp_path_factory.mktemp("demo_c")
    for rel in (*KEEP, STALE):
        (c / rel).parent.mkdir(parents=True, exist_ok=True)
        (c / rel).write_text("keep" if rel in KEEP else "old", encoding="utf-8")
    out["c"] = (c, generate(c, seed=7))
    return out


def raw_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in (data_dir / "raw").rglob("*") if p.is_file())


def grid(data_dir: Path, entry: dict, sheet: str | None = None) -> list[list[object]]:
    """All cells of one manifest file (one sheet) as rows from row 1."""
    path = data_dir / entry["file"]
    if entry["format"] == "xlsx":
        book = CalamineWorkbook.from_path(str(path))
        name = sheet or entry["sheets"][0]["name"]
        return book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    text = path.read_bytes().decode(entry["encoding"])
    return list(csv.reader(io.StringIO(text)))


def column_index(cell: str) -> int:
    letters = re.match(r"[A-Z]+", cell).group(0)
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def test_as_of_constant():
    assert DEMO_AS_OF.isoformat() == "2020-01-10"
    assert YEARS == (2018, 2019)


def test_same_seed_gives_same_files(runs):
    (dir_a, man_a), (dir_b, man_b) = runs["a"], runs["b"]
    files_a, files_b = raw_files(dir_a), raw_files(dir_b)
    assert [p.relative_to(dir_a) for p in files_a] == [p.relative_to(dir_b) for p in files_b]
    for pa, pb in zip(files_a, files_b, strict=True):
        if pa.suffix == ".csv":
            assert pa.read_bytes() == pb.read_bytes(), pa.name
        else:
            book_a, book_b = CalamineWorkbook.from_path(str(pa)), CalamineWorkbook.from_path(str(pb))
            assert book_a.sheet_names == book_b.sheet_names
            for name in book_a.sheet_names:
                assert (book_a.get_sheet_by_name(name).to_python()
                        == book_b.get_sheet_by_name(name).to_python()), pa.name
            assert pa.read_bytes() == pb.read_bytes(), f"xlsx bytes differ: {pa.name}"
        assert pa.stat().st_mtime == pb.stat().st_mtime
    assert man_a == man_b
    assert (dir_a / "demo-manifest.json").read_bytes() == (dir_b / "demo-manifest.json").read_bytes()


def test_other_seed_gives_other_data(runs):
    (dir_a, man_a), (dir_c, man_c) = runs["a"], runs["c"]
    csv_a = {p.relative_to(dir_a): p.read_bytes() for p in raw_files(dir_a) if p.suffix == ".csv"}
    csv_c = {p.relative_to(dir_c): p.read_bytes() for p in raw_files(dir_c) if p.suffix == ".csv"}
    assert csv_a.keys() == csv_c.keys()
    assert all(csv_a[k] != csv_c[k] for k in csv_a)
    assert man_a["defects"] != man_c["defects"]


def test_every_file_opens_as_planted(runs):
    data_dir, manifest = runs["a"]
    listed = {e["file"] for e in manifest["files"]}
    assert listed == {p.relative_to(data_dir).as_posix() for p in raw_files(data_dir)}
    gb_only = 0
    for entry in manifest["files"]:
        path = data_dir / entry["file"]
        if entry["format"] == "xlsx":
            book = CalamineWorkbook.from_path(str(path))
            assert [s["name"] for s in entry["sheets"]] == book.sheet_names
            continue
        raw = path.read_bytes()
        assert entry["encoding"] in ("utf-8", "utf-8-sig", "gb18030")
        raw.decode(entry["encoding"])
        assert raw.startswith(b"\xef\xbb\xbf") == (entry["encoding"] == "utf-8-sig")
        if entry["encoding"] == "gb18030":
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
            gb_only += 1
    assert gb_only == 3  # each year's second-half CMS export and the 2018 Q3 request ledger
    assert not any(e["format"] == "csv" for e in manifest["files"] if e["source"] == "returns")


def test_defects_point_at_the_planted_cells(runs):
    data_dir, manifest = runs["a"]
    entries = {e["file"]: e for e in manifest["files"]}
    assert len(manifest["defects"]) == 24
    assert {d["source"] for d in manifest["defects"]} == {
        "returns", "disclosures", "requests", "activities", "facts"}
    for defect in manifest["defects"]:
        entry = entries[defect["file"]]
        rows = grid(data_dir, entry, defect["sheet"])
        row = rows[defect["row"] - 1]
        cell = row[column_index(defect["cell"])] if column_index(defect["cell"]) < len(row) else ""
        value = defect["value"]
        if value == "":
            assert cell in ("", None), defect
        else:
            assert str(value) in str(cell), (defect, cell)
        if defect.get("scope") == "file":
            continue
        sheet = next(s for s in entry["sheets"] if defect["sheet"] in (None, s["name"]))
        header = rows[sheet["header_row"] - 1]
        assert normalize_text(header[column_index(defect["cell"])]) == defect["column"], defect
        assert defect["row"] > sheet["header_row"]


def test_manifest_counts_match_the_files(runs):
    data_dir, manifest = runs["a"]
    totals: dict[str, dict] = {}
    for entry in manifest["files"]:
        rows_in_file = 0
        for sheet in entry["sheets"]:
            rows = grid(data_dir, entry, sheet["name"])
            body = [r for r in rows[sheet["header_row"]:] if any(c not in ("", None) for c in r)]
            assert len(body) == sheet["data_rows"], entry["file"]
            rows_in_file += len(body)
        assert rows_in_file == entry["data_rows"]
        t = totals.setdefault(entry["source"], {"files": 0, "data_rows": 0})
        t["files"] += 1
        t["data_rows"] += rows_in_file
    for source, t in manifest["totals"].items():
        assert t["files"] == totals[source]["files"]
        assert t["data_rows"] == totals[source]["data_rows"]
        planted = {(d["file"], d["row"]) for d in manifest["defects"]
                   if d["source"] == source and d.get("scope") != "file"}
        assert t["bad_rows"] == len(planted), source
        assert t["expected_loaded_rows"] == (t["data_rows"] - t["bad_rows"] - t["superseded_rows"]
                                             - t["rejected_file_rows"])
    disclosures = manifest["totals"]["disclosures"]
    assert disclosures["data_rows"] == 6109  # two years of CMS exports (seed 2018)
    assert disclosures["superseded_rows"] == 200  # each year's second export repeats rows of the first
    # Every request once: a year's re-exports and the 2018 requests the 2019 ledger carries over
    # are superseded by the latest file that lists them.
    received = [s["expected"]["requests"]["received"] for s in manifest["by_year"].values()]
    assert manifest["totals"]["requests"]["expected_loaded_rows"] == sum(received) == 60 + 72


def test_no_personal_information_in_the_manifest(runs):
    data_dir, manifest = runs["a"]
    pii = json.loads((data_dir / "demo-pii.json").read_text(encoding="utf-8"))["values"]
    values = [v for column in ("申请人", "证件号码", "联系电话") for v in pii[column]]
    assert len(values) == 300  # 100 applicants, each with an ID number and a phone
    assert all(len(v) == 18 for v in pii["证件号码"])
    assert all(re.fullmatch(r"1\d{10}", v) for v in pii["联系电话"])
    text = (data_dir / "demo-manifest.json").read_text(encoding="utf-8")
    assert not [v for v in values if v in text]
    assert manifest["pii_values"] == {k: len(v) for k, v in pii.items()}
    ledger = next(data_dir / e["file"] for e in manifest["files"]
                  if e["source"] == "requests" and e["encoding"] == "utf-8-sig")
    assert pii["证件号码"][0] in ledger.read_text(encoding="utf-8-sig")


def _return_meta(rows: list[list[object]]) -> tuple[str, str]:
    cells = [str(c) for r in rows[:3] for c in r if c not in ("", None)]
    text = "|".join(cells)
    unit = re.search(r"报送单位\s*[:：|]\s*([^|]+)", text).group(1)
    period = re.search(r"报送期间\s*[:：|]\s*([^|]+)", text).group(1)
    y, m = re.match(r"(\d{4})\D+(\d{1,2})", period).groups()
    return unit, f"{y}-{int(m):02d}"


def test_returns_cover_every_unit_and_month_as_planted(runs):
    data_dir, manifest = runs["a"]
    registry = load_registry(REFERENCE)
    seen: dict[tuple[str, str], int] = {}
    for entry in manifest["files"]:
        if entry["source"] != "returns":
            continue
        unit, period = _return_meta(grid(data_dir, entry))
        canonical = registry.resolve(unit)
        rejected = entry["file"] in {r["file"] for r in manifest["rejected_files"]}
        assert (canonical is None) == rejected, unit
        if canonical:
            # a unit renamed in 2019 signs its later returns with its new name: one office
            office = registry.current(canonical)
            seen[(office, period)] = seen.get((office, period), 0) + 1
    units = {u for u, _ in seen}
    assert len(units) == 41
    # 2018: June to December (the plan was issued in June); 2019: April to December
    for year, months in ((2018, range(6, 13)), (2019, range(4, 13))):
        missing = manifest["by_year"][str(year)]["missing_returns"][0]
        resub = next(s for s in manifest["supersessions"]
                     if s["kind"] == "resubmitted_return" and s["period"].startswith(str(year)))
        for unit in units:
            for month in months:
                key = (unit, f"{year}-{month:02d}")
                expected = 1
                if key == (registry.current(missing["unit"]), missing["period"]):
                    expected = 0
                elif key == (registry.current(resub["unit"]), resub["period"]):
                    expected = 2
                assert seen.get(key, 0) == expected, key


@pytest.mark.parametrize("run", ["a", "c"])
def test_planted_shortfalls_are_listed(runs, run):
    _, manifest = runs[run]
    short = manifest["by_year"]["2018"]["planted_shortfalls"]
    assert short["open_meetings"]["actual"] == 4 < short["open_meetings"]["target"]
    assert len(short["head_interpretation_missing"]["units"]) == 2
    assert len(short["not_trained_by_2018-06-30"]["units"]) == 3
    assert short["no_research_deployment"]["units"]
    assert short["service_inspection_late"]["held_on"] > short["service_inspection_late"]["due_on"]
    assert len(short["showcase_projects_missing"]["units"]) == 2
    assert len(short["late_audit_disclosures"]) == 2
    assert len(short["late_service_disclosures"]) == 2
    # judged at 2020-01-10: the 2018 requests still open in January 2019 were answered then,
    # the overdue one late, one of the others late too
    assert len(short["late_requests"]) == 5  # with either seed
    assert short["open_overdue_requests"] == []
    assert len(short["overdue_tasks"]) == 7
    assert len(short["late_returns"]) == len(short["missing_returns"]) == 1
    expected = manifest["by_year"]["2018"]["expected"]
    assert "open" not in expected["requests"]["states_at_as_of"].values()
    cases = {c["received_on"]: c for c in expected["requests"]["planted_cases"]}
    assert cases["2018-09-28"]["due_on"] == "2018-10-24"
    assert cases["2018-02-09"]["due_on"] == "2018-03-07"
    assert expected["disclosures"]["gazette_first_published_on"] >= "2018-11-15"
    # 2019: fewer shortfalls, the rule switch, requests still open when the demo ends
    short19 = manifest["by_year"]["2019"]["planted_shortfalls"]
    assert short19["open_meetings"]["actual"] == short19["open_meetings"]["target"] == 6
    assert len(short19["head_interpretation_missing"]["units"]) == 1
    assert len(short19["not_trained_by_2019-05-31"]["units"]) == 1
    assert not short19["service_inspection"]["late"]
    assert len(short19["open_overdue_requests"]) == 1
    expected19 = manifest["by_year"]["2019"]["expected"]
    states19 = list(expected19["requests"]["states_at_as_of"].values())
    assert states19.count("open") == 3  # two still in hand, one whose reply is dated after the as-of
    cases19 = {c["received_on"]: c for c in expected19["requests"]["planted_cases"]}
    assert cases19["2019-05-14"]["rule"] == "2008" and cases19["2019-05-15"]["rule"] == "2019"
    assert cases19["2019-05-15"]["state"] == "answered_on_time"
    assert expected19["disclosures"]["normative_items"] == expected19["disclosures"]["normative_by_category"]


def test_generate_touches_only_its_own_drop_zone(runs):
    data_dir, _ = runs["c"]
    assert all((data_dir / rel).read_text(encoding="utf-8") == "keep" for rel in KEEP)
    assert not (data_dir / STALE).exists()
    assert (data_dir / "demo-manifest.json").exists() and (data_dir / "demo-pii.json").exists()
