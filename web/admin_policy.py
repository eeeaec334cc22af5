"""The admin console's deadline policy (时限政策), read-only: every time limit the workflows
run by, with its unit, as loaded from the city's policy file (``HOTLINE_POLICY``) over
the defaults of docs/domain.md. Changing it is a file edit and a worker restart, on
purpose: a deadline policy is decided, reviewed and deployed, not clicked."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from schema.policy import Lane, Policy
from schema.ticket import Role
from web.base import ContextDep, UserDep, page, require_role
from web.i18n import N_

router = APIRouter(include_in_schema=False)
URGENCIES = ("emergency", "utility", "general", "complex")


@dataclass(frozen=True)
class Limit:
    label: str  # an N_-marked message
    span: str | None = None  # "2wd": shown with its unit
    text: str | None = None  # a number or a name, shown as it is
    word: str | None = None  # an N_-marked yes or no


def lane_terms(lane: Lane) -> str:
    """What a fast lane matches and sets, as the policy file says it."""
    matched = {"type": lane.type, "category": lane.category, "enterprise": lane.enterprise}
    limits = {"sign": lane.sign, "reply": lane.reply}
    return ", ".join(
        f"{name} = {value}" for name, value in {**matched, **limits}.items() if value is not None
    )


def limits(policy: Policy) -> list[Limit]:
    """The single limits, in the order a ticket meets them."""
    escalation, reports = policy.escalation, policy.reports
    on_off = {True: N_("是"), False: N_("否")}
    return [
        Limit(N_("退单申请期限"), span=policy.return_window),
        Limit(N_("延期最多（工作日）"), text=str(policy.extension_max_working_days)),
        Limit(N_("挂起最长期限（期满自动恢复）"), span=policy.suspension.longest),
        Limit(N_("挂起理由"), text="；".join(policy.suspension.reasons)),
        *(Limit(N_("快速通道"), text=f"{lane.name}：{lane_terms(lane)}") for lane in policy.lanes),
        Limit(N_("回访期限"), span=policy.callback),
        Limit(N_("重办期限"), span=policy.rework),
        Limit(N_("临期预警（已用时限比例）"), text=f"{policy.warning_ratio:.0%}"),
        Limit(N_("预警与催办错峰（最多晚几秒）"), text=str(policy.rung_jitter_seconds)),
        Limit(N_("逾期后发督办件的宽限"), span=policy.supervision_grace),
        Limit(N_("督办件办理期限"), span=policy.supervision_order),
        Limit(N_("领导督办期限"), span=escalation.leader_supervision),
        Limit(N_("默认督办领导"), text=escalation.default_leader),
        Limit(
            N_("领导督办逾期自动召开联席会议"),
            word=on_off[escalation.convene_meeting_automatically],
        ),
        Limit(N_("联席会议报到期限"), span=escalation.report_in),
        Limit(N_("联席会议议定期限"), span=escalation.meeting_decision),
        Limit(N_("自动移送纪委监委"), word=on_off[escalation.refer_to_discipline_automatically]),
        Limit(N_("纪委监委签收期限"), span=escalation.discipline_acknowledge),
        Limit(N_("调度会：逾期即为难点件"), word=on_off[reports.hard_when_overdue]),
        Limit(N_("调度会：重办次数达到"), text=str(reports.hard_at_rework_count)),
        Limit(N_("调度会：退单次数达到"), text=str(reports.hard_at_return_count)),
        Limit(N_("月度抽查件数"), text=str(reports.audit_sample_size)),
    ]


@router.get("/admin/policy")
async def deadline_policy(request: Request, me: UserDep, context: ContextDep) -> Response:
    require_role(me, (Role.ADMIN,), N_("时限政策只供管理员查阅"))
    policy = context.policy
    by_urgency = [
        (N_("派单时限"), policy.dispatch),
        (N_("签收时限"), policy.sign),
        (N_("办理答复时限"), policy.reply),
    ]
    return page(
        request,
        "admin_policy.html",
        me,
        policy=policy,
        source=str(context.settings.policy) if context.settings.policy else None,
        urgencies=URGENCIES,
        by_urgency=[(label, [getattr(spans, u) for u in URGENCIES]) for label, spans in by_urgency],
        limits=limits(policy),
    )
