"""Quantitative targets: the plan-wide ones every plan of this kind has, and the phrases of a
task's text that state a measurable one (不少于N次, …前完成专栏开设, …后N个工作日内公开)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from pipelines.plan.importer.deadlines import DATE, cn_date, iso_date
from pipelines.plan.importer.errors import PlanImportError
from pipelines.plan.importer.units import group_of
from pipelines.reference.names import normalize_text

# Plan-wide targets hold for every plan of this kind; they are not written per task.
DEFAULT_PLAN_TARGETS = (
    {
        "metric": "tasks_done_by_deadline",
        "description": "每项任务在时限内报告完成（已完成或长期坚持）并附佐证",
        "params": {},
    },
    {"metric": "returns_on_time", "description": "各责任单位按月按时报送进展", "params": {}},
    {"metric": "requests_within_clock", "description": "依申请公开在法定期限内答复", "params": {}},
    {
        "metric": "disclosure_timeliness",
        "description": "主动公开信息在形成或变更之日起20个工作日内公开",
        "params": {"limit_days": 20, "day_kind": "working"},
    },
)

# Keywords of the task text that name a disclosure category (raw-formats.md 信息类别).
_CATEGORY_KEYWORDS = (
    ("审计", "审计信息"),
    ("办事", "办事服务"),
    ("预决算", "预决算"),
    ("重大建设项目", "重大建设项目"),
    ("债务", "政府债务"),
    ("公共资源", "公共资源配置"),
    ("建议", "建议提案办理"),
)

_DAY_WORDS = {"工作日": "个工作日", "日": "日", "天": "天"}


def plan_targets(due_day: int) -> list[dict]:
    """The plan-wide targets, with the monthly returns' due day filled in."""
    targets = json.loads(json.dumps(DEFAULT_PLAN_TARGETS))
    for target in targets:
        if target["metric"] == "returns_on_time":
            target["params"]["due_day"] = due_day
    return targets


def _category_in(text: str, code: str) -> str:
    hits = [(text.find(k), cat) for k, cat in _CATEGORY_KEYWORDS if k in text]
    if not hits:
        raise PlanImportError(f"任务 {code}：时效目标无法判断信息类别，请在类别关键词表中补充")
    return min(hits)[1]


@dataclass(frozen=True)
class TargetRule:
    """A phrase pattern of the plan text that states a measurable target."""

    metric: str
    pattern: re.Pattern
    params: Callable[[re.Match, int, str, str], dict]
    description: Callable[[re.Match, dict], str]


_TARGET_RULES: tuple[TargetRule, ...] = (
    TargetRule(
        "open_meetings_min",
        re.compile(r"列席[^。]*?会议不得少于(?P<n>\d+)次"),
        lambda m, y, text, code: {"activity_type": "会议开放", "min_count": int(m["n"])},
        lambda m, p: (
            f"年内邀请利益相关方、公众代表等列席涉及重大民生事项的政府会议不少于{p['min_count']}次"
        ),
    ),
    TargetRule(
        "inspection_by",
        re.compile(DATE + r"前,?[^。]*?开展[^。]*?全县性?(?P<kw>[^。,]+?)(?:信息)?公开专项检查"),
        lambda m, y, text, code: {
            "activity_type": "专项检查",
            "keyword": m["kw"],
            "by": iso_date(m, y),
        },
        lambda m, p: f"{cn_date(p['by'])}前集中开展一次全县{p['keyword']}信息公开专项检查",
    ),
    TargetRule(
        "column_live_by",
        re.compile(r"开设(?P<cat>[^。,]+?)公开专栏.*?" + DATE + r"前完成[^,。)]*?专栏开设"),
        lambda m, y, text, code: {"category": m["cat"], "by": iso_date(m, y)},
        lambda m, p: f"{cn_date(p['by'])}前在政府网站开设{p['category']}公开专栏并完善相关信息",
    ),
    TargetRule(
        "publish_within",
        re.compile(
            r"(?:应在)?(?P<event>[^,。(]*?(?:确定|审批程序))后(?P<n>\d+)个?(?P<unit>工作日|日|天)内"
        ),
        lambda m, y, text, code: {
            "category": _category_in(text, code),
            "limit_days": int(m["n"]),
            "day_kind": "working" if m["unit"] == "工作日" else "calendar",
        },
        lambda m, p: f"{p['category']}：{m['event']}后{m['n']}{_DAY_WORDS[m['unit']]}内公开",
    ),
    TargetRule(
        "showcase_projects_by",
        re.compile(
            r"每个部门(?:\(单位\))?确定(?P<lo>\d+)[-~～—至](?P<hi>\d+)个[^。]*?"
            r"(?P<cat>重大建设项目).*?" + DATE + r"前完成"
        ),
        lambda m, y, text, code: {
            "category": m["cat"],
            "min_per_unit": int(m["lo"]),
            "max_per_unit": int(m["hi"]),
            "by": iso_date(m, y),
        },
        lambda m, p: (
            f"{cn_date(p['by'])}前每个责任部门(单位)确定{p['min_per_unit']}-{p['max_per_unit']}个"
            f"社会关注度高的{p['category']}示范公开"
        ),
    ),
    TargetRule(
        "head_interpretation_min",
        re.compile(
            r"(?P<who>各(?:乡镇)?[、和]?部门(?:\(单位\))?|各乡镇)主要负责同志[^。]*?"
            r"第一解读人[^。]*?不少于(?P<n>\d+)次"
        ),
        lambda m, y, text, code: {"min_per_unit": int(m["n"]), "units": group_of(m["who"])},
        lambda m, p: f"{m['who']}主要负责同志年内解读重要政策措施不少于{p['min_per_unit']}次",
    ),
    TargetRule(
        "founded_by",
        re.compile(r"创办(?P<what>[^。,]*?公报).*?" + DATE + r"前完成"),
        lambda m, y, text, code: {"channel": "政府公报", "by": iso_date(m, y)},
        lambda m, p: f"{cn_date(p['by'])}前创办{m['what']}",
    ),
    TargetRule(
        "training_by",
        re.compile(DATE + r"前,?对(?P<who>[^。]*?)工作人员培训"),
        lambda m, y, text, code: {
            "activity_type": "培训",
            "by": iso_date(m, y),
            "units": group_of(m["who"]),
        },
        lambda m, p: f"{cn_date(p['by'])}前对{m['who']}工作人员培训一遍",
    ),
    TargetRule(
        "head_study_min",
        re.compile(r"(?P<who>[^。,]*?)主要负责人年内至少研究部署(?P<n>\d+)次"),
        lambda m, y, text, code: {
            "activity_type": "研究部署",
            "min_per_unit": int(m["n"]),
            "units": group_of(m["who"]),
        },
        lambda m, p: f"{m['who']}主要负责人年内至少研究部署{p['min_per_unit']}次政务公开工作",
    ),
)


def find_targets(text: str, *, year: int, code: str) -> list[dict]:
    """Quantitative targets stated in a task's text, in the order the text states them."""
    norm = normalize_text(text)
    found: list[tuple[int, dict]] = []
    for rule in _TARGET_RULES:
        for m in rule.pattern.finditer(norm):
            params = rule.params(m, year, norm, code)
            found.append(
                (
                    m.end(),
                    {
                        "metric": rule.metric,
                        "description": rule.description(m, params),
                        "params": params,
                    },
                )
            )
    return [t for _, t in sorted(found, key=lambda pair: pair[0])]
