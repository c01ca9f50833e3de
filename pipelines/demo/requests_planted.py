"""Which requests each demo year has: its planted clock cases, then ordinary ones.

2018: the 2008 条例's 15 working days throughout; holidays, an extension, a supplement, late
answers, requests still open at the year's end, two answered in January 2019 in the 2019
template's words. 2019: requests on both sides of 2019-05-15 (15, then 20 working days), the
2018 requests carried over and answered, a reply whose letter is dated after the demo's as-of,
and a few still open when the demo ends.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pipelines.demo.common import DemoContext, add_workdays, weighted, workdays_between
from pipelines.demo.requests import OUTCOME_WEIGHTS, Request, answer, draw

# Outcomes of 2019's ordinary requests, in the 2019 words' keys (requests.WORDS_2019).
OUTCOME_WEIGHTS_2019 = {"grant": 40, "partial": 8, "third_party": 4, "internal": 2, "process": 3,
                        "not_exist": 14, "make_new": 4, "unclear": 2, "petition": 2, "repeat": 2,
                        "publication": 1, "other": 5}


def _planter(ctx: DemoContext, regulars: dict, reqs: list[Request]) -> Callable[..., Request]:
    """``planted(received, note, outcome, answered_on(req), **fields)``: one planted case."""

    def planted(received, note, outcome=None, answer_on=None, **kw) -> Request:
        req = draw(ctx, received, regulars)
        req.note = note
        for key, value in kw.items():
            setattr(req, key, value)
        if outcome:
            answer(req, answer_on(req), outcome)
        reqs.append(req)
        return req

    return planted


def _number(reqs: list[Request], year: int) -> list[Request]:
    reqs.sort(key=lambda r: (r.received, r.applicant[2]))
    for n, req in enumerate(reqs, start=1):
        req.request_id = f"ZNYSQ-{year}-{n:03d}"
    return reqs


def build_2018(ctx: DemoContext, regulars: dict) -> list[Request]:
    """The requests of 2018, the planted clock cases first, then ordinary ones."""
    rng, year = ctx.rng, ctx.year
    reqs: list[Request] = []

    planted = _planter(ctx, regulars, reqs)

    planted(date(year, 2, 9), "跨春节假期，最后一日答复", "grant", lambda r: r.due())
    planted(date(year, 9, 28), "跨国庆假期及调休，最后一日答复", "already_public", lambda r: r.due())
    planted(date(year, 6, 17), "端午假期中经网络收到", "not_exist", lambda r: r.due(), method="网络")
    planted(date(year, 5, 14), "延期答复，在延长期限内", "partial",
            lambda r: add_workdays(r.due(), 6), extended=True)
    planted(date(year, 7, 2), "补正后重新计算期限", "grant", lambda r: date(year, 7, 31),
            notice=date(year, 7, 4), supplemented=date(year, 7, 13))
    planted(date(year, 4, 2), "逾期答复", "not_ours", lambda r: add_workdays(r.due(), 4))
    planted(date(year, 8, 20), "逾期答复", "deny_privacy", lambda r: add_workdays(r.due(), 9))
    planted(date(year, 10, 15), "逾期答复", "grant", lambda r: add_workdays(r.due(), 2))
    planted(date(year, 6, 26), "上半年台账中尚未办结，三季度答复", "already_public",
            lambda r: date(year, 7, 13))
    planted(date(year, 11, 26), "截至统计日仍未答复且已超期")
    planted(date(year, 12, 24), "截至统计日仍在办理")
    planted(date(year, 12, 27), "截至统计日仍在办理")
    planted(date(year, 12, 13), "2019年答复，按2019年表式填写", "grant",
            lambda r: date(year + 1, 1, 3))
    planted(date(year, 12, 17), "2019年答复，按2019年表式填写", "not_exist",
            lambda r: date(year + 1, 1, 8))
    days = workdays_between(date(year, 1, 2), date(year, 11, 30))
    for _ in range(60 - len(reqs)):
        req = draw(ctx, rng.choice(days), regulars)
        answer(req, add_workdays(req.received, weighted(rng, {rng.randint(2, 7): 3,
                                                               rng.randint(8, 15): 5})),
                weighted(rng, OUTCOME_WEIGHTS))
        reqs.append(req)
    # Staff write the same outcome in different hands: full-width dash, colon after the group.
    privacy = [r for r in reqs if r.outcome == "deny_privacy"]
    privacy[0].wording = "不同意公开－涉及个人隐私"
    commercial = next((r for r in reqs if r.outcome == "deny_commercial"), None) or next(
        r for r in reqs if r.outcome == "grant" and r.answered.year == year and not r.note)
    answer(commercial, commercial.answered, "deny_commercial")
    commercial.wording = "不同意公开：涉及商业秘密"

    bad_date = draw(ctx, date(year, 11, 30), regulars)
    bad_date.bad = ("收到日期", "bad_date", f"{year}-11-31")
    bad_method = draw(ctx, date(year, 12, 5), regulars)
    bad_method.bad = ("申请方式", "bad_vocabulary", "微信")
    for req in (bad_date, bad_method):
        answer(req, add_workdays(req.received, rng.randint(5, 12)), "grant")
    reqs += [bad_date, bad_method]
    return _number(reqs, year)


def answer_carried(carried: list[Request]) -> None:
    """Answer in January the earlier year's requests still unanswered at its end: the overdue
    one late, one on its last day, one two working days late (in the new year's words)."""
    pending = sorted((r for r in carried if r.answered is None), key=lambda r: r.received)
    for n, req in enumerate(pending):
        if req.final_due() < date(req.received.year + 1, 1, 1):
            answer(req, add_workdays(req.final_due(), 22), "partial")
        elif n % 2:
            answer(req, add_workdays(req.due(), 2), "not_exist")
        else:
            answer(req, req.due(), "grant")
        req.note += "；次年1月答复"


def build_2019(ctx: DemoContext, regulars: dict) -> list[Request]:
    """The requests of 2019: the planted cases across the 2019-05-15 rule switch, then
    ordinary ones answered within the rule of their day."""
    rng, year = ctx.rng, ctx.year
    reqs: list[Request] = []
    planted = _planter(ctx, regulars, reqs)
    planted(date(year, 1, 31), "跨春节假期，最后一日答复", "grant", lambda r: r.due())
    planted(date(year, 4, 22), "2008年条例：15个工作日后逾期答复", "not_exist",
            lambda r: add_workdays(r.due(), 3))
    planted(date(year, 5, 14), "新条例施行前一日收到，仍适用15个工作日，最后一日答复", "grant",
            lambda r: r.due())
    planted(date(year, 5, 15), "新条例施行首日收到，适用20个工作日，第18个工作日答复", "partial",
            lambda r: add_workdays(r.received, 18))
    planted(date(year, 8, 5), "新条例下延期答复，在延长期限内", "make_new",
            lambda r: add_workdays(r.due(), 10), extended=True)
    planted(date(year, 9, 2), "补正后重新计算期限（新条例）", "grant",
            lambda r: add_workdays(date(year, 9, 16), 12), notice=date(year, 9, 4),
            supplemented=date(year, 9, 16))
    planted(date(year, 10, 21), "新条例下逾期答复", "third_party", lambda r: add_workdays(r.due(), 3))
    planted(date(year, 11, 8), "截至统计日仍未答复且已超期")
    planted(date(year, 12, 9), "年底最后一个工作日答复", "grant", lambda r: date(year, 12, 31))
    planted(date(year, 12, 20), "截至统计日仍在办理")
    planted(date(year, 12, 23), "答复书落款日期（次年1月13日）晚于统计日：统计日尚未答复", "grant",
            lambda r: date(year + 1, 1, 13), dated_ahead=True)
    planted(date(year, 12, 26), "截至统计日仍在办理")
    days = workdays_between(date(year, 1, 2), date(year, 11, 29))
    for _ in range(ctx.story.requests - len(reqs)):
        req = draw(ctx, rng.choice(days), regulars)
        answer(req, add_workdays(req.received, rng.randint(2, req.limit() - 1)),
               weighted(rng, OUTCOME_WEIGHTS_2019))
        reqs.append(req)
    # Staff write the same outcome in different hands: a colon after the group.
    withheld = next(r for r in reqs if r.outcome == "third_party")
    withheld.wording = "不予公开：保护第三方合法权益"

    bad_date = draw(ctx, date(year, 3, 1), regulars)
    bad_date.bad = ("收到日期", "bad_date", f"{year}-02-29")
    answer(bad_date, add_workdays(date(year, 3, 1), 5), "grant")
    old_word = draw(ctx, date(year, 6, 3), regulars)
    answer(old_word, add_workdays(old_word.received, 6), "grant")
    # A 2008 word on a 2019 reply: the row rules refuse it, naming the template in force.
    old_word.bad = ("办理结果", "outcome_of_old_template", "同意公开")
    reqs += [bad_date, old_word]
    return _number(reqs, year)


def build_requests(ctx: DemoContext, regulars: dict) -> list[Request]:
    """The year's requests (``regulars``: applicants who asked before, kept across years)."""
    builders = {2018: build_2018, 2019: build_2019}
    return builders[ctx.year](ctx, regulars)
