"""依申请公开登记台账: ~60 requests of 2018, exported whole three times as the year goes on.

Applicants' names, ID numbers and phone numbers are fake but shaped like real ones; they are
written to the raw files only, listed in demo-pii.json for the privacy tests, and counted
(never quoted) in the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pipelines.demo.common import (
    DEMO_AS_OF,
    YEAR,
    DemoContext,
    Table,
    add_workdays,
    fmt_date,
    rand_digits,
    weighted,
    workdays_between,
)
from pipelines.demo.scenario import Scenario
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
CLOCK_DAYS = 15  # 2008 条例 art. 24, in force for every request of 2018
WORDS_2008 = {
    "already_public": "属于已主动公开范围", "grant": "同意公开", "partial": "同意部分公开",
    "deny_commercial": "不同意公开-涉及商业秘密", "deny_privacy": "不同意公开-涉及个人隐私",
    "deny_not_info": "不同意公开-不是《条例》所指政府信息", "not_ours": "不属于本行政机关公开",
    "not_exist": "申请信息不存在", "amend": "告知作出更改补充", "other_route": "告知通过其他途径办理",
}
WORDS_2019 = {"grant": "予以公开", "partial": "部分公开",
              "not_exist": "无法提供-本机关不掌握相关政府信息"}
OUTCOME_WEIGHTS = {"grant": 30, "already_public": 14, "partial": 8, "deny_commercial": 2,
                   "deny_privacy": 4, "deny_not_info": 3, "not_ours": 12, "not_exist": 12,
                   "amend": 5, "other_route": 6}
NEGATIVE = ("deny_commercial", "deny_privacy", "deny_not_info", "not_exist", "partial")
UNITS = {"县国土资源局": 6, "县住房和城乡建设局": 4, "县政府办公室": 4, "县人力资源和社会保障局": 2,
         "县民政局": 2, "县财政局": 2, "县环境保护局": 1.5, "县公安局": 1, "县发展和改革局": 1,
         "县扶贫办": 1, "宁安镇": 1.5, "石空镇": 1, "鸣沙镇": 1, "新堡镇": 0.8, "恩和镇": 0.8}
METHODS = {"当面": 30, "信函": 28, "网络": 25, "电子邮件": 10, "传真": 4}
APPLICANT_TYPES = {"自然人": 75, "商业企业": 9, "法律服务机构": 8, "其他组织": 4, "社会公益组织": 2,
                   "科研机构": 2}
EXPORTS = (  # (cut-off for 收到日期, export date, file name, format)
    (date(YEAR, 6, 30), date(YEAR, 7, 5), "依申请公开登记台账（2018年上半年）.xlsx", None, "excel"),
    (date(YEAR, 9, 30), date(YEAR, 10, 9), "依申请公开登记台账_截至2018年9月.csv", "gb18030", "cn"),
    (date(YEAR, 12, 31), DEMO_AS_OF, "依申请公开登记台账_2018年度.csv", "utf-8-sig", "iso"),
)
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

    def clock_start(self) -> date:
        return self.supplemented or self.received

    def due(self) -> date:
        return add_workdays(self.clock_start(), CLOCK_DAYS)

    def final_due(self) -> date:
        return add_workdays(self.due(), CLOCK_DAYS) if self.extended else self.due()


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


def _draw(ctx: DemoContext, received: date, regulars: dict) -> Request:
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


def _answer(req: Request, on: date, outcome: str) -> None:
    req.answered, req.outcome = on, outcome
    words = WORDS_2019 if on.year >= 2019 else WORDS_2008
    req.wording = words[outcome]


def build_requests(ctx: DemoContext) -> list[Request]:
    """All requests of the year, the planted clock cases first, then ordinary ones."""
    rng = ctx.rng
    regulars: dict = {}
    reqs: list[Request] = []

    def planted(received, note, outcome=None, answer=None, **kw) -> Request:
        req = _draw(ctx, received, regulars)
        req.note = note
        for key, value in kw.items():
            setattr(req, key, value)
        if outcome:
            _answer(req, answer(req), outcome)
        reqs.append(req)
        return req

    planted(date(YEAR, 2, 9), "跨春节假期，最后一日答复", "grant", lambda r: r.due())
    planted(date(YEAR, 9, 28), "跨国庆假期及调休，最后一日答复", "already_public", lambda r: r.due())
    planted(date(YEAR, 6, 17), "端午假期中经网络收到", "not_exist", lambda r: r.due(), method="网络")
    planted(date(YEAR, 5, 14), "延期答复，在延长期限内", "partial",
            lambda r: add_workdays(r.due(), 6), extended=True)
    planted(date(YEAR, 7, 2), "补正后重新计算期限", "grant", lambda r: date(YEAR, 7, 31),
            notice=date(YEAR, 7, 4), supplemented=date(YEAR, 7, 13))
    planted(date(YEAR, 4, 2), "逾期答复", "not_ours", lambda r: add_workdays(r.due(), 4))
    planted(date(YEAR, 8, 20), "逾期答复", "deny_privacy", lambda r: add_workdays(r.due(), 9))
    planted(date(YEAR, 10, 15), "逾期答复", "grant", lambda r: add_workdays(r.due(), 2))
    planted(date(YEAR, 6, 26), "上半年台账中尚未办结，三季度答复", "already_public",
            lambda r: date(YEAR, 7, 13))
    planted(date(YEAR, 11, 26), "截至统计日仍未答复且已超期")
    planted(date(YEAR, 12, 24), "截至统计日仍在办理")
    planted(date(YEAR, 12, 27), "截至统计日仍在办理")
    planted(date(YEAR, 12, 13), "2019年答复，按2019年表式填写", "grant",
            lambda r: date(YEAR + 1, 1, 3))
    planted(date(YEAR, 12, 17), "2019年答复，按2019年表式填写", "not_exist",
            lambda r: date(YEAR + 1, 1, 8))
    days = workdays_between(date(YEAR, 1, 2), date(YEAR, 11, 30))
    for _ in range(60 - len(reqs)):
        req = _draw(ctx, rng.choice(days), regulars)
        _answer(req, add_workdays(req.received, weighted(rng, {rng.randint(2, 7): 3,
                                                               rng.randint(8, 15): 5})),
                weighted(rng, OUTCOME_WEIGHTS))
        reqs.append(req)
    # Staff write the same outcome in different hands: full-width dash, colon after the group.
    privacy = [r for r in reqs if r.outcome == "deny_privacy"]
    privacy[0].wording = "不同意公开－涉及个人隐私"
    commercial = next((r for r in reqs if r.outcome == "deny_commercial"), None) or next(
        r for r in reqs if r.outcome == "grant" and r.answered.year == YEAR and not r.note)
    _answer(commercial, commercial.answered, "deny_commercial")
    commercial.wording = "不同意公开：涉及商业秘密"

    bad_date = _draw(ctx, date(YEAR, 11, 30), regulars)
    bad_date.bad = ("收到日期", "bad_date", "2018-11-31")
    bad_method = _draw(ctx, date(YEAR, 12, 5), regulars)
    bad_method.bad = ("申请方式", "bad_vocabulary", "微信")
    for req in (bad_date, bad_method):
        _answer(req, add_workdays(req.received, rng.randint(5, 12)), "grant")
    reqs += [bad_date, bad_method]
    reqs.sort(key=lambda r: (r.received, r.applicant[2]))
    for n, req in enumerate(reqs, start=1):
        req.request_id = f"ZNYSQ-{YEAR}-{n:03d}"
    return reqs


def _row(req: Request, as_of: date, style: str, alias: dict[str, str]) -> dict:
    def on(day):
        return fmt_date(day, style) if day and day <= as_of else None

    answered = req.answered if req.answered and req.answered <= as_of else None
    return {
        "申请编号": req.request_id, "收到日期": fmt_date(req.received, style),
        "申请方式": req.method, "申请人类型": req.applicant_type, "申请人": req.applicant[0],
        "证件号码": req.applicant[1], "联系电话": req.applicant[2], "申请内容": req.content,
        "受理单位": alias.get(req.unit, req.unit), "补正告知日期": on(req.notice),
        "补正完成日期": on(req.supplemented),
        "是否延期": "是" if req.extended and req.due() <= as_of else "否",
        "答复日期": on(answered), "办理结果": req.wording if answered else None,
        "收费金额": 0 if style == "excel" else "0",
    }


def state_of(req: Request, as_of: date) -> str:
    """The request's state at ``as_of`` under rules.md."""
    if req.answered and req.answered <= as_of:
        return "answered_on_time" if req.answered <= req.final_due() else "answered_late"
    return "open_overdue" if as_of > req.final_due() else "open"


def write_requests(ctx: DemoContext, scenario: Scenario) -> tuple[list[Request], dict]:
    """Write the three exports; return the requests (for appeals) and the expectations."""
    reqs = build_requests(ctx)
    alias = {"县国土资源局": "县国土局", "县住房和城乡建设局": "县住建局", "宁安镇": "宁安镇人民政府"}
    snapshots: list[dict[str, dict]] = []
    for n, (cutoff, exported, name, encoding, style) in enumerate(EXPORTS):
        last = n == len(EXPORTS) - 1
        table = Table(columns=list(COLUMNS), sheet="登记台账")
        if encoding is None:
            table.preamble = [[f"中宁县政府信息公开申请登记台账（截至{exported.year}年{cutoff.month}月"
                               f"{cutoff.day}日）"]]
            table.merges = ["A1:O1"]
        rows = [r for r in reqs if r.received <= cutoff and (last or not r.bad)]
        snapshots.append({r.request_id: _row(r, exported, "iso", {}) for r in rows})
        for req in rows:
            row = _row(req, exported, style, alias)
            defects = {}
            if req.bad:
                row[req.bad[0]] = req.bad[2]
                defects = {req.bad[0]: req.bad[1]}
            table.add(row, defects)
        # Every row of an earlier export comes back in the next one, so all of it is replaced.
        write_file(ctx, SOURCE, name, [table], encoding=encoding,
                   sent_at=datetime(exported.year, exported.month, exported.day, 16, 0),
                   superseded_rows=0 if last else len(rows))
    updated = sorted({rid for old, new in zip(snapshots, snapshots[1:], strict=False)
                      for rid, row in old.items() if new[rid] != row})
    ctx.manifest["supersessions"].append({
        "kind": "reexported_ledger", "source": SOURCE, "key": ["申请编号"],
        "superseded_rows": ctx.totals(SOURCE)["superseded_rows"],
        "files_in_order": [f["file"] for f in ctx.manifest["files"] if f["source"] == SOURCE],
        "updated_between_exports": updated,
    })
    valid = [r for r in reqs if not r.bad]
    states = {r.request_id: state_of(r, DEMO_AS_OF) for r in valid}
    expected = {
        "received_2018": len(valid),
        "answered_2018": sum(1 for r in valid if r.answered and r.answered.year == YEAR),
        "states_at_as_of": states,
        "planted_cases": [
            {"request_id": r.request_id, "case": r.note, "received_on": r.received.isoformat(),
             "clock_start_on": r.clock_start().isoformat(), "due_on": r.due().isoformat(),
             "final_due_on": r.final_due().isoformat(),
             "answered_on": r.answered.isoformat() if r.answered else None,
             "outcome": r.wording, "state": states[r.request_id]}
            for r in valid if r.note],
        "pii_values": {column: len(values) for column, values in ctx.pii.items()},
    }
    return valid, expected
