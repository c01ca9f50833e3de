"""The plan importer on the county's real 2018 plan text, and the reviewed catalogue beside it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pipelines.plan.catalogue import load_plans, parse_task_code, plan_from_dict
from pipelines.plan.importer import PlanImportError, import_plan, main
from pipelines.reference.units import load_registry

DIVISION_DIR = Path(__file__).resolve().parent.parent / "data" / "reference" / "640521"
PLAN_TEXT = DIVISION_DIR / "plan-2018.txt"
PLAN_JSON = DIVISION_DIR / "plan-2018.json"

EXPECTED_CODES = [
    "1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.2.1", "1.2.2", "1.3", "1.4",
    "2.1.1", "2.1.2", "2.1.3", "2.2.1", "2.2.2", "2.3", "2.4", "2.5", "2.6",
    "3.1", "3.2", "3.3",
    "4.1", "4.2",
    "5.1.1", "5.1.2", "5.2", "5.3.1", "5.3.2",
    "6.1", "6.2", "6.3", "6.4", "6.5.1", "6.5.2",
    "7.1", "7.2.1", "7.2.2", "7.2.3",
]  # fmt: skip

# Fields a reviewer must not change by hand: they come from the importer alone.
STRUCTURAL_FIELDS = (
    "code", "section", "lead_units", "responsible_units", "deadline_kind", "due_on", "ongoing",
    "event", "event_offset_days", "targets",
)  # fmt: skip


@pytest.fixture(scope="module")
def registry():
    return load_registry(DIVISION_DIR)


@pytest.fixture(scope="module")
def text() -> str:
    return PLAN_TEXT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def catalogue(text, registry) -> dict:
    return import_plan(
        text, division="640521", year=2018, registry=registry, source_text="plan-2018.txt"
    )


@pytest.fixture(scope="module")
def tasks(catalogue) -> dict[str, dict]:
    return {t["code"]: t for t in catalogue["tasks"]}


def _import(text: str, registry, year: int = 2018) -> dict:
    return import_plan(
        text, division="640521", year=year, registry=registry, source_text="snippet.txt"
    )


# --- structure --------------------------------------------------------------------------------


def test_37_tasks_in_plan_order(catalogue):
    assert [t["code"] for t in catalogue["tasks"]] == EXPECTED_CODES


def test_tasks_per_section(catalogue):
    counts: dict[str, int] = {}
    for t in catalogue["tasks"]:
        counts[t["section"]] = counts.get(t["section"], 0) + 1
    assert counts == {"1": 8, "2": 9, "3": 3, "4": 2, "5": 5, "6": 6, "7": 4}


def test_plan_header(catalogue):
    assert catalogue["division"] == "640521"
    assert catalogue["year"] == 2018
    assert catalogue["title"] == "中宁县2018年政务公开工作“整体提升年”活动方案"
    assert catalogue["source_text"] == "plan-2018.txt"
    assert catalogue["issued_on"] == "2018-06-08"  # 发表日期 of the text: deadlines before it move
    assert catalogue["reporting"] == {
        "due_day": 5,
        "first_period": "2018-06",
        "last_period": "2018-12",
    }
    metrics = [t["metric"] for t in catalogue["plan_targets"]]
    assert metrics == [
        "tasks_done_by_deadline",
        "returns_on_time",
        "requests_within_clock",
        "disclosure_timeliness",
    ]


def test_titles_and_text(tasks):
    t = tasks["1.3"]
    assert t["section_title"] == "围绕建设法治政府,深入推进“五公开”"
    assert t["subsection_title"] == t["title"] == "加强行政执法信息公开"
    assert t["text"].startswith("修订完善并严格落实《中宁县行政执法公示办法》")
    assert t["text"].endswith("2018年8月31日前完成并长期坚持)")
    item = tasks["1.1.3"]
    assert item["subsection_title"] == "加强行政决策公开"
    assert item["title"] == "全面落实行政决策预公开制度"
    assert item["text"].startswith("全面落实行政决策预公开制度")
    assert tasks["4.1"]["title"] == "把握回应重点,引导社会预期"
    assert all(len(t["title"]) <= 30 for t in tasks.values())


def test_indented_lines_of_section_six_are_read(tasks):
    assert tasks["6.1"]["title"] == "强化政府网站建设管理"
    assert tasks["6.5.1"]["subsection_title"] == "充分发挥其他公开平台作用"
    assert tasks["6.5.2"]["lead_units"] == ["县文化旅游广电局"]


# --- deadlines --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "kind", "due_on", "ongoing", "event", "offset"),
    [
        ("6.2", "date", "2018-11-30", False, None, None),
        ("1.1.1", "date_ongoing", "2018-06-30", True, None, None),
        ("1.4", "after_event", None, False, "两会闭幕", 5),
        ("2.1.3", "after_event", None, False, "信息确定", 5),
        ("1.2.1", "external", None, False, None, None),
        ("1.1.4", "none", None, False, None, None),
        ("7.1", "none", None, False, None, None),
        ("5.3.1", "external", None, False, None, None),
        ("2.1.1", "date", "2018-11-30", False, None, None),
        ("6.4", "date_ongoing", "2018-11-20", True, None, None),
        ("4.2", "none", None, False, None, None),
    ],
)
def test_deadlines(tasks, code, kind, due_on, ongoing, event, offset):
    t = tasks[code]
    assert (t["deadline_kind"], t["due_on"], t["ongoing"]) == (kind, due_on, ongoing)
    assert (t["event"], t["event_offset_days"]) == (event, offset)


def test_deadline_text_is_the_phrase_after_the_units(tasks):
    assert tasks["1.1.1"]["deadline_text"] == "2018年6月30日前完成并长期坚持"
    assert tasks["5.3.1"]["deadline_text"] == (
        "除明确时间节点的事项外,其他按照自治区、中卫市相关要求时限推进"
    )
    assert tasks["1.1.4"]["deadline_text"] == ""


def test_every_deadline_kind_is_consistent(catalogue):
    for t in catalogue["tasks"]:
        has_date = t["deadline_kind"] in ("date", "date_ongoing")
        assert (t["due_on"] is not None) == has_date, t["code"]
        assert t["ongoing"] == (t["deadline_kind"] == "date_ongoing"), t["code"]
        assert (t["event"] is not None) == (t["deadline_kind"] == "after_event"), t["code"]


# --- units ------------------------------------------------------------------------------------


def test_lead_and_responsible_units(tasks):
    assert tasks["1.1.1"]["lead_units"] == ["县政府办公室"]
    assert tasks["1.1.1"]["responsible_units"] == ["县政府办公室", "@部门"]
    # "X负责落实" alone: X leads and is responsible.
    assert tasks["1.1.4"]["lead_units"] == tasks["1.1.4"]["responsible_units"] == ["县政府办公室"]
    # A bare group leads nobody.
    assert tasks["1.1.3"]["lead_units"] == []
    assert tasks["1.1.3"]["responsible_units"] == ["@部门"]
    assert tasks["5.1.2"]["lead_units"] == ["县网络安全和信息化办公室"]
    assert tasks["5.1.2"]["responsible_units"] == ["县网络安全和信息化办公室", "@乡镇", "@部门"]
    assert tasks["1.2.1"]["responsible_units"] == ["县机构编制委员会办公室", "县政府法制办公室"]
    assert tasks["4.2"]["responsible_units"] == ["县委宣传部", "县网络安全和信息化办公室", "@部门"]


def test_both_groups_in_either_spelling(tasks):
    assert tasks["1.4"]["responsible_units"] == ["@乡镇", "@部门"]  # 各乡镇、部门〔单位〕
    assert tasks["7.2.3"]["responsible_units"] == ["@乡镇", "@部门"]  # 各乡镇、部门单位


def test_list_without_county_prefix_and_etc(tasks):
    assert tasks["2.4"]["responsible_units"] == [
        "县教育体育局",
        "县民政局",
        "县环境保护局",
        "县文化旅游广电局",
        "县卫生和计划生育局",
        "县市场监督管理局",
        "县安全生产监督管理局",
    ]
    assert tasks["2.4"]["responsible_note"] is None
    assert len(tasks["2.2.2"]["responsible_units"]) == 14
    assert "县工业（物流）园区管委会" in tasks["2.2.2"]["responsible_units"]


def test_other_units_phrase_becomes_a_note(tasks):
    t = tasks["1.3"]
    assert t["lead_units"] == ["县发展和改革局", "县市场监督管理局"]
    assert t["responsible_units"] == ["县发展和改革局", "县市场监督管理局"]
    assert t["responsible_note"] == "其他有关部门〔单位〕"


def test_every_unit_is_canonical(catalogue, registry):
    for t in catalogue["tasks"]:
        for name in (*t["lead_units"], *t["responsible_units"]):
            assert name in ("@部门", "@乡镇") or registry.resolve(name) == name, (t["code"], name)
        assert t["responsible_units"], t["code"]
        assert set(t["lead_units"]) <= set(t["responsible_units"]), t["code"]


def test_groups_expand_through_the_registry(catalogue, registry):
    plan = plan_from_dict(catalogue, registry)
    # group words expand to the units as the plan's year began (not those of a later reform)
    start = dt.date(plan.year, 1, 1)
    departments = registry.names("部门", on=start)
    townships = registry.names("乡镇", on=start)
    assert len(departments) == 30 and len(townships) == 11
    assert set(departments) <= set(plan.task("1.1.1").responsible_units)
    assert not set(townships) & set(plan.task("1.1.1").responsible_units)
    assert set(townships) <= set(plan.task("1.4").responsible_units)
    assert set(departments) <= set(plan.task("1.4").responsible_units)


def test_unknown_unit_names_the_task(registry):
    snippet = (
        "中宁县2018年政务公开工作“整体提升年”活动方案\n"
        "一、围绕建设法治政府\n"
        "(一)加强行政决策公开。\n"
        "1.认真贯彻执行工作规则。(县政府办公室牵头落实,县星际旅行局负责落实,"
        "2018年6月30日前完成)\n"
    )
    with pytest.raises(PlanImportError, match=r"1\.1\.1.*县星际旅行局"):
        _import(snippet, registry)


def test_unknown_deadline_phrase_names_the_task(registry):
    snippet = (
        "中宁县2018年政务公开工作“整体提升年”活动方案\n"
        "一、围绕建设法治政府\n"
        "(一)加强行政决策公开。做好公开。(县财政局负责落实,尽快办理)\n"
    )
    with pytest.raises(PlanImportError, match=r"1\.1.*尽快办理"):
        _import(snippet, registry)


# --- targets ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("1.1.4", [("open_meetings_min", {"activity_type": "会议开放", "min_count": 5})]),
        (
            "2.1.1",
            [
                (
                    "inspection_by",
                    {"activity_type": "专项检查", "keyword": "预决算", "by": "2018-11-15"},
                ),
                ("column_live_by", {"category": "预决算", "by": "2018-11-30"}),
            ],
        ),
        (
            "2.1.3",
            [
                (
                    "publish_within",
                    {"category": "审计信息", "limit_days": 5, "day_kind": "calendar"},
                )
            ],
        ),
        (
            "2.2.2",
            [
                (
                    "showcase_projects_by",
                    {
                        "category": "重大建设项目",
                        "min_per_unit": 1,
                        "max_per_unit": 2,
                        "by": "2018-08-31",
                    },
                )
            ],
        ),
        ("3.2", [("head_interpretation_min", {"min_per_unit": 1, "units": "@部门"})]),
        (
            "5.3.1",
            [
                (
                    "publish_within",
                    {"category": "办事服务", "limit_days": 1, "day_kind": "working"},
                ),
                (
                    "inspection_by",
                    {"activity_type": "专项检查", "keyword": "办事服务", "by": "2018-11-15"},
                ),
            ],
        ),
        ("6.4", [("founded_by", {"channel": "政府公报", "by": "2018-11-20"})]),
        (
            "7.1",
            [
                ("training_by", {"activity_type": "培训", "by": "2018-06-30", "units": "@all"}),
                (
                    "head_study_min",
                    {"activity_type": "研究部署", "min_per_unit": 1, "units": "@all"},
                ),
            ],
        ),
    ],
)
def test_targets(tasks, code, expected):
    got = [(t["metric"], t["params"]) for t in tasks[code]["targets"]]
    assert got == expected
    assert all(t["description"] for t in tasks[code]["targets"])


def test_no_other_task_has_targets(tasks):
    with_targets = {c for c, t in tasks.items() if t["targets"]}
    assert with_targets == {"1.1.4", "2.1.1", "2.1.3", "2.2.2", "3.2", "5.3.1", "6.4", "7.1"}


def test_target_year_comes_from_the_text(registry):
    snippet = (
        "中宁县2019年政务公开工作要点\n"
        "一、强化制度\n"
        "（一）加强队伍建设。2019年5月31日前，对全县各乡镇、部门（单位）政务公开工作人员"
        "培训一遍。（县政府办公室负责落实，2019年12月31日前完成）\n"
    )
    t = _import(snippet, registry, year=2019)["tasks"][0]
    assert t["code"] == "1.1"
    assert t["due_on"] == "2019-12-31"
    assert t["targets"][0]["params"] == {
        "activity_type": "培训",
        "by": "2019-05-31",
        "units": "@all",
    }


# --- variants of the text ---------------------------------------------------------------------


def _section_one(text: str) -> str:
    start = text.index("一、围绕建设法治政府")
    end = text.index("二、围绕重点领域公开")
    return "中宁县2018年政务公开工作“整体提升年”活动方案\n" + text[start:end]


def test_full_width_parentheses_parse_the_same(text, registry):
    half = _section_one(text)
    full = half.replace("(", "（").replace(")", "）").replace(",", "，")
    assert "（一）" in full and "(一)" not in full
    a, b = _import(half, registry)["tasks"], _import(full, registry)["tasks"]
    assert [t["code"] for t in a] == EXPECTED_CODES[:8]
    for x, y in zip(a, b, strict=True):
        for key in (*STRUCTURAL_FIELDS, "subsection_title"):
            assert x[key] == y[key], (x["code"], key)


def test_task_broken_over_lines_is_joined(text, registry):
    snippet = _section_one(text).replace("提升政府公信力和执行力。", "提升政府公信力和执行力。\n")
    tasks = {t["code"]: t for t in _import(snippet, registry)["tasks"]}
    assert tasks["1.1.1"]["deadline_kind"] == "date_ongoing"
    assert tasks["1.1.1"]["responsible_units"] == ["县政府办公室", "@部门"]


def test_title_year_must_match(text, registry):
    with pytest.raises(PlanImportError, match="2019"):
        _import(text, registry, year=2019)


# --- the committed catalogue ------------------------------------------------------------------


def test_committed_catalogue_agrees_with_a_fresh_import(catalogue):
    committed = json.loads(PLAN_JSON.read_text(encoding="utf-8"))
    for key in ("division", "year", "title", "source_text", "issued_on", "reporting"):
        assert committed[key] == catalogue[key], key
    assert [t["metric"] for t in committed["plan_targets"]] == [
        t["metric"] for t in catalogue["plan_targets"]
    ]
    assert len(committed["tasks"]) == len(catalogue["tasks"])
    for mine, fresh in zip(committed["tasks"], catalogue["tasks"], strict=True):
        for key in STRUCTURAL_FIELDS:
            assert mine[key] == fresh[key], (fresh["code"], key)
        assert mine["text"] == fresh["text"], fresh["code"]
        assert mine["title"], fresh["code"]


def test_committed_catalogue_loads(registry):
    plans = load_plans(DIVISION_DIR, registry)
    assert [p.year for p in plans] == [2018, 2019]
    assert [len(p.tasks) for p in plans] == [37, 37]
    assert [p.issued_on for p in plans] == [dt.date(2018, 6, 8), dt.date(2019, 4, 12)]
    assert plans[0].reporting_due_day == 5


def test_the_2019_catalogue_agrees_with_a_fresh_import_of_its_text(registry):
    text = (DIVISION_DIR / "plan-2019.txt").read_text(encoding="utf-8")
    fresh = import_plan(text, division="640521", year=2019, registry=registry, source_text="plan-2019.txt")
    committed = json.loads((DIVISION_DIR / "plan-2019.json").read_text(encoding="utf-8"))
    for key in ("division", "year", "title", "source_text", "issued_on", "reporting", "plan_targets"):
        assert committed[key] == fresh[key], key
    for mine, new in zip(committed["tasks"], fresh["tasks"], strict=True):
        for key in STRUCTURAL_FIELDS:
            assert mine[key] == new[key], (new["code"], key)
    tasks = {t["code"]: t for t in fresh["tasks"]}
    assert fresh["reporting"]["first_period"] == "2019-04"
    assert tasks["1.4"]["event"] == "两会闭幕" and tasks["1.4"]["event_offset_days"] == 5
    assert [t["params"]["min_count"] for t in tasks["1.1.4"]["targets"]] == [6]
    assert not [t for t in tasks["6.4"]["targets"] if t["metric"] == "founded_by"]  # the gazette exists


# --- command line -----------------------------------------------------------------------------


def _cli_args(out: Path) -> list[str]:
    return [str(PLAN_TEXT), "--division", "640521", "--year", "2018", "--out", str(out)]


def test_cli_writes_a_draft(tmp_path):
    out = tmp_path / "plan-2018.json"
    assert main(_cli_args(out)) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert [t["code"] for t in written["tasks"]] == EXPECTED_CODES
    assert "“整体提升年”" in out.read_text(encoding="utf-8")  # ensure_ascii=False


def test_cli_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "plan-2018.json"
    out.write_text("reviewed", encoding="utf-8")
    assert main(_cli_args(out)) != 0
    assert out.read_text(encoding="utf-8") == "reviewed"
    assert "--force" in capsys.readouterr().err
    assert main([*_cli_args(out), "--force"]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["year"] == 2018


# --- task codes (pipelines.plan.catalogue) ----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.1.3", "1.1.3"),
        ("1.3", "1.3"),
        ("一（一）3", "1.1.3"),
        ("一(一)3.", "1.1.3"),
        ("一（三）", "1.3"),
        (" 七（二）1 ", "7.2.1"),
        ("junk", None),
        ("", None),
        (None, None),
        ("一", None),
    ],
)
def test_parse_task_code(value, expected):
    assert parse_task_code(value) == expected


def test_every_catalogue_code_round_trips(catalogue):
    assert all(parse_task_code(t["code"]) == t["code"] for t in catalogue["tasks"])
