"""The admin console's 运行诊断: what is stuck in Temporal or behind it, each with its
Temporal UI link and what to do (services/doctor.py finds it; `hotline doctor` prints the
same). The look runs when the page is opened, within the limits the settings give."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from schema.ticket import Role
from services.doctor import Trouble, checkup
from web.base import ContextDep, UserDep, page, require_role
from web.i18n import N_

router = APIRouter(include_in_schema=False)

# In the order an operator should look: a failing task stops a ticket, the rest delay it.
TITLES = {
    Trouble.WORKFLOW_TASK: N_("工作流任务反复失败"),
    Trouble.ACTIVITY: N_("活动反复重试"),
    Trouble.READ_MODEL: N_("读模型落后于工单"),
    Trouble.SCHEDULE: N_("定时任务漏跑"),
}
ADVICE = {
    Trouble.WORKFLOW_TASK: N_(
        "工单停在原处，不会丢失，但不再前进。按失败原因处理：non_deterministic_error "
        "多因新版工作流代码改变了旧工单已走过的步骤而未用 workflow.patched 保护——把 worker "
        "回退到上一版，补上补丁并通过 tests/replay 后再部署；其他原因看 worker 日志中的异常，"
        "修复后重新部署 worker，任务会自动重试并继续。"
    ),
    Trouble.ACTIVITY: N_(
        "活动按重试策略反复重试，工单在等它。按最后一次失败检查它依赖的系统（读模型数据库、"
        "被并入的工单、报告的数据）；恢复后下一次重试即成功，无需人工重放。"
    ),
    Trouble.READ_MODEL: N_(
        "列表、统计和工作台显示的是该工单的旧状态。检查读模型数据库和 worker 日志中 "
        "publish_transition 的错误；工单下一次流转会重写该行。若读模型曾从备份恢复，"
        "受影响的工单会在各自的下一次流转时追上。"
    ),
    Trouble.SCHEDULE: N_(
        "在 Temporal UI 的 Schedules 中查看该定时任务：已暂停的恢复运行（unpause）；"
        "最近一次运行失败的查看其工作流；漏掉的报告用 hotline report run 种类 "
        "--as-of 时间 补编。"
    ),
}

# The workflow types by what the centre calls them.
KINDS = {
    "Ticket": N_("工单"),
    "JointMeeting": N_("联席会议"),
    "DisciplineReferral": N_("移送纪委监委"),
    "Report": N_("定期报告"),
}

FACT_LABELS = {
    "workflow_status": N_("工作流中的状态"),
    "workflow_updated": N_("工作流更新于"),
    "row_status": N_("读模型中的状态"),
    "row_updated": N_("读模型更新于"),
    "missed_runs": N_("应运行而未运行（次）"),
    "first_missed": N_("最早一次应运行于"),
    "paused": N_("已暂停，备注"),
    "beyond_catchup": N_("超出补跑窗口而跳过（次，累计）"),
    "failed_run": N_("最近一次运行未成功"),
}
STOPPED_EARLY = N_(
    "此项检查达到本次上限后停止，结果可能不全（见 doctor_scan_limit、doctor_detail_limit）"
)
FLAGS_UNAVAILABLE = N_(
    "此 Temporal 服务不标记失败的工作流任务（TemporalReportedProblems），第一项未能检查。"
)


@router.get("/admin/doctor")
async def doctor_page(request: Request, me: UserDep, context: ContextDep) -> Response:
    require_role(me, (Role.ADMIN,), N_("运行诊断只供管理员使用"))
    client = await context.tickets.client()
    settings = context.settings
    result = await checkup(
        client, context.sessions, settings, scan_limit=settings.doctor_page_scan_limit
    )
    return page(
        request,
        "admin_doctor.html",
        me,
        result=result,
        sections=[(trouble, TITLES[trouble], ADVICE[trouble]) for trouble in Trouble],
        fact_labels=FACT_LABELS,
        kinds=KINDS,
        stopped_early=STOPPED_EARLY,
        flags_unavailable=FLAGS_UNAVAILABLE,
        tz=ZoneInfo(context.policy.timezone),
    )
