"""A new annual-report template is a new file: a fourth template, written as JSON into the
data directory's own reference folder, yields its statistics table and every file of the
leaders' pack without a line of Python changed.

The template is 2021's with a new id, new titles and headings, a renamed column, one extra
row with its own source, a key figure and a sentence citing that row. One small build of
hand-written ledgers; the pack is written without PNG charts.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import dagster as dg
import openpyxl
import pytest
from conftest import DIVISION, REQUEST_HEADER, build, marts, write_xlsx
from docx import Document

from pipelines.annual.templates import load_templates, templates_from_marts
from pipelines.pack.assets import write_packs
from pipelines.reference.store import SHIPPED_REFERENCE, ReferenceStore
from pipelines.settings import Settings

NEW = "2031"
NAME = "政府信息公开工作年度报告格式（2031 试行）"
TABLE_TITLE = "三、收到和处理政府信息公开申请情况（试行）"
SHEET_NAME, SHEET_TITLE = "三、依申请（试行）", "三、依申请公开情况（试行格式）"
HEADING = "三、依申请公开工作情况（试行）"
COLUMN = "自然人申请者"
ROW_LABEL = "五、通过网络提交的申请数量"
SENTENCE = "通过网络提交政府信息公开申请"
FIN, OFFICE = "县财政局", "县政府办公室"
PII = ["张三丰", "640521198001011234", "13912345678"]


def request(rid, received, channel, applicant, unit, outcome=None, answered=None):
    return [rid, received, channel, applicant, unit, outcome, answered, *PII, None, None, None, None]


def fourth_template() -> dict:
    """2021's file, renamed and changed only as a county would change it: words and one row."""
    spec = json.loads((SHIPPED_REFERENCE / "templates" / "2021.json").read_text(encoding="utf-8"))
    spec["template"], spec["name"] = NEW, NAME
    table = next(t for t in spec["tables"] if t["table_code"] == "3")
    table["title"] = TABLE_TITLE
    next(c for c in table["columns"] if c["code"] == "natural")["label"] = COLUMN
    table["rows"].append({"code": "5", "label": ROW_LABEL, "unit": "件",
                          "source": {"from": "requests", "year_by": "received_on",
                                     "where": {"channel": ["网络", "电子邮件"]}}})
    sheet = next(s for s in spec["sheets"] if s["key"] == "3")
    sheet["name"], sheet["title"] = SHEET_NAME, SHEET_TITLE
    spec["figures"].append({"key": "requests_online", "label": "网络申请", "unit": "件",
                            "cells": [["3", "5", "total"]], "marts": False})
    section = spec["report"]["sections"][2]
    section["heading"] = HEADING
    section["paragraphs"].insert(1, {"kind": "sentence", "parts": [
        {"cell": ["3", "5", "total"], "label": SENTENCE, "unit": "件"}]})
    return spec


def write_reference(folder: Path) -> None:
    """The data directory's own templates: only the new one, in force for every year."""
    own = folder / "templates"
    own.mkdir(parents=True)
    (own / f"{NEW}.json").write_text(json.dumps(fourth_template(), ensure_ascii=False, indent=1),
                                     encoding="utf-8")
    (own / "templates.csv").write_text(f"template,first_year,last_year,name,basis\n{NEW},,,{NAME},试行\n",
                                       encoding="utf-8")
    shipped = (SHIPPED_REFERENCE / "templates" / "outcomes.csv").read_text(encoding="utf-8").splitlines()
    words = [line.replace("2021,", f"{NEW},", 1) for line in shipped[1:] if line.startswith("2021,")]
    (own / "outcomes.csv").write_text("\n".join([shipped[0], *words]) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("fourth")
    write_reference(data_dir / "reference")
    # 2018: three requests received (two online, one of them by e-mail), two answered.
    write_xlsx(data_dir / "raw" / DIVISION / "requests" / "台账.xlsx", [
        REQUEST_HEADER,
        request("N1", "2018-03-01", "网络", "自然人", FIN, "予以公开", "2018-03-08"),
        request("N2", "2018-04-02", "电子邮件", "商业企业", OFFICE, "部分公开", "2018-04-10"),
        request("N3", "2018-05-03", "当面", "自然人", FIN),
    ])
    build(data_dir, as_of="2019-01-10", selection=dg.AssetSelection.assets("gongkai_marts").upstream())
    return data_dir


def test_the_new_template_yields_its_table(built):
    con = marts(built)
    cells = {(t, r, c): (v, title, label, col) for t, r, c, v, title, label, col in con.execute(
        "SELECT table_code, row_code, col_code, value, table_title, label, col_label FROM annual_report "
        "WHERE division = ? AND year = 2018 AND unit IS NULL AND template = ?", [DIVISION, NEW]).fetchall()}
    assert cells[("3", "5", "total")] == (2, TABLE_TITLE, ROW_LABEL, "总计")
    assert cells[("3", "5", "natural")][0] == 1 and cells[("3", "5", "natural")][3] == COLUMN
    assert cells[("3", "1", "total")][0] == 3 and cells[("3", "4", "total")][0] == 1
    # the build records the template it used, whole, and the pack can rebuild it from there
    used = templates_from_marts(con)
    assert list(used) == [NEW] and used[NEW].table("3").row("5").label == ROW_LABEL
    assert used[NEW] == load_templates(ReferenceStore(built / "reference"))[NEW]


def test_the_pack_shows_the_new_titles_headings_and_label(built):
    results = write_packs(Settings(built, dt.date(2019, 1, 10)), png_enabled=False)
    # 2019 is the shipped 2019 plan's year (no annual tables of its own here)
    assert [(r.division, r.year, r.refused) for r in results] == [(DIVISION, 2018, []), (DIVISION, 2019, [])]
    folder = results[0].folder

    wb = openpyxl.load_workbook(folder / "annual-report.xlsx")
    assert SHEET_NAME in wb.sheetnames
    texts = [c.value for row in wb[SHEET_NAME].iter_rows() for c in row if c.value is not None]
    assert any(str(t).startswith(SHEET_TITLE) for t in texts)
    assert COLUMN in texts and ROW_LABEL in texts
    row = next(r for r in wb[SHEET_NAME].iter_rows() if any(c.value == ROW_LABEL for c in r))
    assert [c.value for c in row][-1] == 2  # the 总计 column

    doc = Document(str(folder / "annual-report.docx"))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[2] == HEADING and len(headings) == 6
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"{SENTENCE}2件。" in text
    assert NAME in text  # the subtitle names the template in force
    header_cells = {c.text for t in doc.tables for r in t.rows[:3] for c in r.cells}
    assert COLUMN in header_cells

    html = (folder / "report.html").read_text(encoding="utf-8")
    for words in (SHEET_TITLE, COLUMN, ROW_LABEL, "网络申请"):
        assert words in html, words
