"""依申请公开登记台账: the requests of a year, exported whole several times as the year goes on.

A year's exports also list the requests of earlier years still being handled on 1 January
(carried over), so the later file supersedes the earlier year's row of each. Which requests a
year has, and its planted clock cases, are in ``requests_planted``.

Applicants' names, ID numbers and phone numbers are fake but shaped like real ones; they are
written to the raw files only, listed in demo-pii.json for the privacy tests, and counted
(never quoted) in the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pipelines.demo.common import (
    DEMO_AS_OF,
    DemoContext,
    Table,
    add_workdays,
    fmt_date,
    rand_digits,
    weighted,
)
from pipelines.demo.vocab import (
    GIVEN,
    ORGANISATIONS,
    OTHER_PROJECTS,
    PROJECTS,
    REQUEST_SUBJECTS,
    SURNAMES,
    VILLAGES,
)
from pipelines.demo.writers import write_file

SOURCE = "requests"
COLUMNS = ["申请编号", "收到日期", "申请方式", "申请人类型", "申请人", "证件号码", "联系电话", "申请内容",
           "受理单位", "补正告知日期", "补正完成日期", "是否延期", "答复日期", "办理结果", "收费金额"]
# The request clock (rules.md): 15 working days (2008 条例 art. 24) for a request received up to
# 2019-05-14, 20 (2019 条例 art. 33) from 2019-05-15; an extension adds as many again.
RULE_SWITCH = date(2019, 5, 15)
WORDS_2008 = {
    "already_public": "属于已主动公开范围", "grant": "同意公开", "partial": "同意部分公开",
    "deny_commercial": "不同意公开-涉及商业秘密", "deny_privacy": "不同意公开-涉及个人隐私",
    "deny_not_info": "不同意公开-不是《条例》所指政府信息", "not_ours": "不属于本行政机关公开",
    "not_exist": "申请信息不存在", "amend": "告知作出更改补充", "other_route": "告知通过其他途径办理",
}
# The 2019 template's words (an answer given from 2019 on).
WORDS_2019 = {"grant": "予以公开", "partial": "部分公开", "not_exist": "无法提供-本机关不掌握相关政府信息",
              "third_party": "不予公开-保护第三方合法权益", "internal": "不予公开-属于三类内部事务信息",
              "process": "不予公开-属于四类过程性信息", "make_new": "无法提供-没有现成信息需要另行制作",
              "unclear": "无法提供-补正后申请内容仍不明确", "petition": "不予处理-信访举报投诉类申请",
              "repeat": "不予处理-重复申请", "publication": "不予处理-要求提供公开出版物",
              "other": "其他处理"}
OUTCOME_WEIGHTS = {"grant": 30, "already_public": 14, "partial": 8, "deny_commercial": 2,
                   "deny_privacy": 4, "deny_not_info": 3, "not_ours": 12, "not_exist": 12,
                   "amend": 5, "other_route": 6}
NEGATIVE = ("deny_commercial", "deny_privacy", "deny_not_info", "not_exist", "partial")
# Outcomes that an applicant may appeal, in the 2019 words' keys.
NEGATIVE_2019 = ("third_party", "internal", "process", "not_exist", "make_new", "partial")
UNITS = {"县国土资源局": 6, "县住房和城乡建设局": 4, "县政府办公室": 4, "县人力资源和社会保障局": 2,
         "县民政局": 2, "县财政局": 2, "县环境保护局": 1.5, "县公安局": 1, "县发展和改革局": 1,
         "县扶贫办": 1, "宁安镇": 1.5, "石空镇": 1, "鸣沙镇": 1, "新堡镇": 0.8, "恩和镇": 0.8}
METHODS = {"当面": 30, "信函": 28, "网络": 25, "电子邮件": 10, "传真": 4}
APPLICANT_TYPES = {"自然人": 75, "商业企业": 9, "法律服务机构": 8, "其他组织": 4, "社会公益组织": 2,
                   "科研机构": 2}
EXPORTS = {  # per year: (cut-off for 收到日期, export date, file name, encoding, date style)
    2018: ((date(2018, 6, 30), date(2018, 7, 5), "依申请公开登记台账（2018年上半年）.xlsx", None, "excel"),
           (date(2018, 9, 30), date(2018, 10, 9), "依申请公开登记台账_截至2018年9月.csv", "gb18030", "cn"),
           (date(2018, 12, 31), date(2019, 1, 10), "依申请公开登记台账_2018年度.csv", "utf-8-sig", "iso")),
    2019: ((date(2019, 6, 30), date(2019, 7, 4), "依申请公开登记台账（2019年上半年）.xlsx", None, "excel"),
           (date(2019, 12, 31), date(2020, 1, 10), "依申请公开登记台账_2019年度.csv", "utf-8-sig", "iso")),
}
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
PHONE_PREFIXES = ("133", "135", "137", "138", "139", "150", "151", "152", "155", "158", "159",
                  "173", "177", "180", "181", "186", "187", "189")


@dataclass
class Request:
    """One request and everything the ledger eventually records about it."""

    received: date
    method: str
    applicant_type: str
    applicant: tuple[str, str, str]
    content: str
    unit: str
    answered: date | None = None
    outcome: str | None = None
    wording: str | None = None
    notice: date | None = None
    supplemented: date | None = None
    extended: bool = False
    request_id: str = ""
    bad: tuple[str, str, str] | None = None
    note: str = ""
    # The reply letter is dated ahead: the ledger holds its date before that day comes.
    dated_ahead: bool = False

    def clock_start(self) -> date:
        return self.supplemented or self.received

    def limit(self) -> int:
        """Working days to answer under the rule in force on the day of receipt."""
        return 15 if self.received < RULE_SWITCH else 20

    def due(self) -> date:
        return add_workdays(self.clock_start(), self.limit())

    def final_due(self) -> date:
        return add_workdays(self.due(), self.limit()) if self.extended else self.due()


def id_number(rng) -> str:
    """An 18-digit resident ID number with a valid check digit (GB 11643)."""
    area = rng.choice(["640521", "640521", "640521", "640502", "640381", "640522", "642221"])
    born = date(1950, 1, 1).toordinal() + rng.randint(0, 16400)
    body = area + date.fromordinal(born).strftime("%Y%m%d") + rand_digits(rng, 3)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def _applicant(ctx: DemoContext, kind: str, known: dict) -> tuple[str, str, str]:
    rng = ctx.rng
    if kind == "自然人":
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        person = (name, id_number(rng), rng.choice(PHONE_PREFIXES) + rand_digits(rng, 8))
    else:
        # An organisation keeps its credit code and contact number across requests.
        name = rng.choice(ORGANISATIONS[kind])
        if name not in known:
            known[name] = (name, "91640521MA76" + rand_digits(rng, 5) + rng.choice("ABCDX"),
                           rng.choice(PHONE_PREFIXES) + rand_digits(rng, 8))
        person = known[name]
    for column, value in zip(("申请人", "证件号码", "联系电话"), person, strict=True):
        ctx.note_pii(column, value)
    return person


def _content(rng, unit: str, townships: list[str]) -> str:
    projects = [p for ps in PROJECTS.values() for p in ps] + OTHER_PROJECTS
    subjects = REQUEST_SUBJECTS.get("乡镇" if unit in townships else unit, REQUEST_SUBJECTS["县政府办公室"])
    villages = [v for v in VILLAGES if v.startswith(unit)] or VILLAGES
    return "申请公开" + rng.choice(subjects).format(village=rng.choice(villages),
                                                   project=rng.choice(projects))


def draw(ctx: DemoContext, received: date, regulars: dict) -> Request:
    """A request received on ``received`` from a new or a returning applicant."""
    rng = ctx.rng
    kind = weighted(rng, APPLICANT_TYPES)
    people = regulars.setdefault("自然人", [])
    if kind == "自然人" and people and rng.random() < 0.15:
        applicant = rng.choice(people)  # a few people ask again and again
    else:
        applicant = _applicant(ctx, kind, regulars.setdefault("组织", {}))
        if kind == "自然人":
            people.append(applicant)
    method = weighted(rng, METHODS)
    unit = weighted(rng, UNITS)
    return Request(received=received, method=method, applicant_type=kind, applicant=applicant,
                   content=_content(rng, unit, ctx.registry.names("乡镇")), unit=unit)





def answer(req: Request, on: date, outcome: str) -> None:
    """Record the reply, in the words of the template in force for the year of ``on``."""
    req.answered, req.outcome = on, outcome
    words = WORDS_2019 if on.year >= 2019 else WORDS_2008
    req.wording = words[outcome]


def _row(req: Request, as_of: date, style: str, alias: dict, named: str) -> dict:
    def on(day):
        return fmt_date(day, style) if day and day <= as_of else None

    shown = req.answered and (req.answered <= as_of or req.dated_ahead)
    answered = req.answered if shown else None
    return {
        "申请编号": req.request_id, "收到日期": fmt_date(req.received, style),
        "申请方式": req.method, "申请人类型": req.applicant_type, "申请人": req.applicant[0],
        "证件号码": req.applicant[1], "联系电话": req.applicant[2], "申请内容": req.content,
        "受理单位": alias.get((req.unit, named), named), "补正告知日期": on(req.notice),
        "补正完成日期": on(req.supplemented),
        "是否延期": "是" if req.extended and req.due() <= as_of else "否",
        "答复日期": fmt_date(answered, style) if answered else None,
        "办理结果": req.wording if answered else None,
        "收费金额": 0 if style == "excel" else "0",
    }


def state_of(req: Request, as_of: date) -> str:
    """The request's state at ``as_of`` under rules.md (a reply dated after it is no reply yet)."""
    if req.answered and req.answered <= as_of:
        return "answered_on_time" if req.answered <= req.final_due() else "answered_late"
    return "open_overdue" if as_of > req.final_due() else "open"


def carried_into(reqs: list[Request], year: int) -> list[Request]:
    """Requests of earlier years still being handled on 1 January of ``year``."""
    start = date(year, 1, 1)
    return [r for r in reqs
            if not r.bad and r.received < start and (r.answered is None or r.answered >= start)]


def write_requests(ctx: DemoContext, reqs: list[Request], carried: list[Request] = ()) -> None:
    """Write the year's exports: its requests received by each cut-off, and ``carried`` (the
    earlier years' requests still open on 1 January, whose rows there this year's replace)."""
    alias = {"县国土资源局": "县国土局", "县住房和城乡建设局": "县住建局", "宁安镇": "宁安镇人民政府"}
    # A request is named by the unit as it was called on receipt (2019 renames included);
    # the abbreviations stay with the old names they abbreviate.
    alias = {(unit, unit): written for unit, written in alias.items()}
    exports = EXPORTS[ctx.year]
    snapshots: list[dict[str, dict]] = []
    first_file = len(ctx.manifest["files"])
    for n, (cutoff, exported, name, encoding, style) in enumerate(exports):
        last = n == len(exports) - 1
        table = Table(columns=list(COLUMNS), sheet="登记台账")
        if encoding is None:
            table.preamble = [[f"中宁县政府信息公开申请登记台账（截至{exported.year}年{cutoff.month}月"
                               f"{cutoff.day}日）"]]
            table.merges = ["A1:O1"]
        rows = [*carried, *(r for r in reqs if r.received <= cutoff and (last or not r.bad))]
        snapshots.append({r.request_id: _row(r, exported, "iso", {}, ctx.written(r.unit, r.received))
                          for r in rows})
        for req in rows:
            row = _row(req, exported, style, alias, ctx.written(req.unit, req.received))
            defects = {}
            if req.bad:
                row[req.bad[0]] = req.bad[2]
                defects = {req.bad[0]: req.bad[1]}
            table.add(row, defects)
        # Every row of an earlier export comes back in the next one, so all of it is replaced.
        write_file(ctx, SOURCE, name, [table], encoding=encoding,
                   sent_at=datetime(exported.year, exported.month, exported.day, 16, 0),
                   superseded_rows=0 if last else len(rows))
    # The carried requests' rows in the earlier year's last export are replaced too.
    ctx.totals(SOURCE)["superseded_rows"] += len(carried)
    updated = sorted({rid for old, new in zip(snapshots, snapshots[1:], strict=False)
                      for rid, row in old.items() if new[rid] != row})
    ctx.manifest["supersessions"].append({
        "kind": "reexported_ledger", "source": SOURCE, "year": ctx.year, "key": ["申请编号"],
        "files_in_order": [f["file"] for f in ctx.manifest["files"][first_file:] if f["source"] == SOURCE],
        "carried_over_from_earlier_years": [r.request_id for r in carried],
        "updated_between_exports": updated,
    })


def request_expectations(ctx: DemoContext, reqs: list[Request]) -> dict:
    """The manifest's ``expected.requests`` of the year's requests, judged at the demo's as-of."""
    valid = [r for r in reqs if not r.bad]
    states = {r.request_id: state_of(r, DEMO_AS_OF) for r in valid}
    return {
        "received": len(valid),
        "answered_in_year": sum(1 for r in valid if r.answered and r.answered.year == ctx.year),
        "carried_out": sum(1 for r in valid if not r.answered or r.answered.year > ctx.year),
        "states_at_as_of": states,
        "planted_cases": [
            {"request_id": r.request_id, "case": r.note, "received_on": r.received.isoformat(),
             "rule": "2008" if r.limit() == 15 else "2019",
             "clock_start_on": r.clock_start().isoformat(), "due_on": r.due().isoformat(),
             "final_due_on": r.final_due().isoformat(),
             "answered_on": r.answered.isoformat() if r.answered else None,
             "outcome": r.wording, "state": states[r.request_id]}
            for r in valid if r.note],
    }
