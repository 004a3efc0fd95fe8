"""Proposal records for tests, made through the real services."""

import itertools
from datetime import date

from accounts.models import Role
from proposals import services
from proposals.models import AnswerClass, Body, Kind, Session
from tests.factories import make_agency, make_staff

_seq = itertools.count(1)
CONTACT = "13912345678 宁夏吴忠市利通区胜利路88号"


def make_session(**fields):
    n = next(_seq)
    defaults = {
        "name": f"测试区第{n}届人民代表大会第一次会议",
        "short_name": f"区{n}届人大一次会议",
        "body": Body.NPC,
        "year": 2024,
    }
    defaults.update(fields)
    return Session.objects.create(**defaults)


class Unit:
    """An agency with one member per role."""

    def __init__(self, **fields):
        self.agency = make_agency(**fields)
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.reviewer = make_staff(self.agency, Role.REVIEWER)
        self.head = make_staff(self.agency, Role.HEAD)


def answer_class(code="A"):
    return AnswerClass.objects.get(code=code)


def register(unit, *, session=None, number=None, assigned=date(2024, 1, 31), co_units=(), **fields):
    values = {
        "kind": Kind.NPC_SUGGESTION,
        "title": "关于加强道路交通安全的建议",
        "content": "建议加强排查。",
        "proposer": "马代表",
        "co_signers": "王代表、张代表",
        "proposer_contact": CONTACT,
    }
    values.update(fields)
    return services.proposal_register(
        by=unit.clerk,
        session=session or make_session(),
        number=number or str(next(_seq)),
        lead_unit=unit.agency,
        assigned_date=assigned,
        co_units=[u.agency for u in co_units],
        **values,
    )


def reply(unit, proposal, *, on=date(2024, 4, 15), code="A", text="经研究，已经解决。"):
    return services.proposal_reply(
        proposal=proposal,
        by=unit.head,
        reply_date=on,
        reply_number="利安监函〔2024〕3号",
        reply_text=text,
        signatory="朱局长",
        answer_class=answer_class(code),
        contact="办公室 0953-1111111",
    )


def publish(unit, proposal, *, mode="full", summary="", on=date(2024, 5, 6)):
    services.proposal_submit_publication(
        proposal=proposal,
        by=unit.clerk,
        mode=mode,
        summary=summary,
        withheld_reason="涉及国家秘密" if mode == "withheld" else "",
    )
    services.proposal_review_publication(proposal=proposal, by=unit.reviewer, approved=True)
    return services.proposal_publish(proposal=proposal, by=unit.head, published_date=on)


def published_proposal(unit=None, **fields):
    unit = unit or Unit()
    proposal = register(unit, **fields)
    reply(unit, proposal)
    return publish(unit, proposal)
