"""What the workbench calls things, in Chinese (marked for the English catalogue and
translated when shown), and how a running deadline reads."""

from __future__ import annotations

from collections.abc import Callable

from schema.policy import parse_span
from schema.ticket import TimelineAction

# How a deadline reads, which the templates reach through this module.
from web.countdowns import countdown as countdown
from web.countdowns import due_said as due_said
from web.countdowns import warning_at as warning_at
from web.i18n import N_

STATUS = {
    "received": N_("已受理"),
    "dispatched": N_("已派单"),
    "handling": N_("办理中"),
    "callback": N_("待回访"),
    "returned": N_("已退单"),
    "suspended": N_("已挂起"),
    "awaiting_110": N_("待110受理"),
    "closed": N_("已办结"),
}

ACTION = {
    "answer": N_("直接办结"),
    "transfer-110": N_("转110"),
    "police-accept": N_("110受理"),
    "police-hand-back": N_("110退回"),
    "reopen": N_("市民再次来电（重新受理）"),
    "reject": N_("不予受理"),
    "dispatch": N_("派单"),
    "sign": N_("签收"),
    "return": N_("退单"),
    "return-review": N_("审核退单"),
    "progress": N_("阶段性答复"),
    "part": N_("协办意见"),
    "delegate": N_("下派"),
    "delegated-sign": N_("下级签收"),
    "delegated-return": N_("退回上级"),
    "delegated-reply": N_("下级答复"),
    "delegated-review": N_("审核下级答复"),
    "extension": N_("申请延期"),
    "extension-review": N_("审核延期"),
    "suspend": N_("申请挂起"),
    "suspension-review": N_("审核挂起"),
    "resume": N_("恢复办理"),
    "reply": N_("答复"),
    "rating": N_("回访评价"),
    "rating-review": N_("审核不满意评价"),
    "merge": N_("并单"),
    "withdraw": N_("撤诉"),
    "supervise": N_("督办"),
    "joint-meeting": N_("召开联席会议"),
    "discipline-referral": N_("移送纪委监委"),
    "joint-meeting-report": N_("联席会议报到"),
    "joint-meeting-decision": N_("记录会议决定"),
    "discipline-acknowledge": N_("确认收到移送"),
    "discipline-outcome": N_("记录处理结果"),
}

DEADLINE = {
    "dispatch": N_("派单时限"),
    "sign": N_("签收时限"),
    "reply": N_("答复时限"),
    "return_until": N_("退单截止"),
    "callback": N_("回访时限"),
    "supervision": N_("督办时限"),
    "leader_supervision": N_("领导督办时限"),
    "suspended": N_("挂起最迟至"),
    "police_acceptance": N_("110受理时限"),
    "delegated_reply": N_("下级答复时限"),
    "joint_meeting": N_("联席会议"),
    "discipline_referral": N_("纪委监委"),
}

FIELD = {
    "attachments": N_("附件（照片、文件、录音）"),
    "channel": N_("来源渠道"),
    "type": N_("诉求类型"),
    "category": N_("诉求类别"),
    "urgency": N_("紧急程度"),
    "description": N_("诉求内容"),
    "district": N_("区县"),
    "address": N_("地址"),
    "lead": N_("主办单位"),
    "assisting": N_("协办单位"),
    "note": N_("备注"),
    "reason": N_("理由"),
    "legal_basis": N_("法规依据"),
    "content": N_("内容"),
    "outcome": N_("办理结果"),
    "working_days": N_("延期工作日"),
    "approve": N_("同意"),
    "accept": N_("同意退单"),
    "satisfaction": N_("满意度"),
    "solved": N_("问题已解决"),
    "comment": N_("评价意见"),
    "reasonable": N_("不满意理由成立（发回重办）"),
    "into": N_("并入工单号"),
    "due": N_("督办时限"),
    "leader": N_("督办领导"),
    "departments": N_("参会单位"),
    "agenda": N_("议题"),
    "department": N_("单位"),
    "plan": N_("处置方案"),
    "officials": N_("涉及人员（逗号分隔）"),
    "sign_due": N_("签收时限"),
    "reply_due": N_("答复时限"),
    "callback_due": N_("回访时限"),
    "duplicate": N_("重复工单"),
    "closure": N_("办结方式"),
    "enterprise": N_("涉企诉求"),
    "late": N_("逾期报到"),
    "past_due": N_("逾期提交"),
    "expected_resume": N_("预计恢复日期"),
    "resumes_by": N_("最迟恢复"),
    "suspended_days": N_("挂起天数"),
    "incident_no": N_("警情编号"),
    "answer_by": N_("110答复期限"),
    "reopens": N_("重新受理自"),
    "parts_used": N_("采纳的协办意见"),
    "under": N_("所处督办"),
    "rework_count": N_("发回重办次数"),
    "ticket": N_("工单"),
    "police_incident_no": N_("警情编号"),
    "count": N_("次数"),
    "unit": N_("下派至"),
    "reply_up_due": N_("下级答复时限"),
    "reply_by": N_("下级答复期限（当日结束前）"),
    "level": N_("层级"),
    "units": N_("单位"),
    "why": N_("原因"),
    "to": N_("退回至"),
}

DELEGATION_STAGE = {
    "to_sign": N_("待下级签收"),
    "handling": N_("下级办理中"),
    "replied": N_("下级已答复，待审核"),
}

DELEGATION_END = {  # a finished step of the chain, kept on the ticket
    "accepted": N_("已结束：上级采纳答复"),
    "handed_back": N_("已结束：退回上级"),
    "ended": N_("已结束：工单已离开下级"),
}

# A field that means something else in one action's form: (action, field) → label.
FIELD_IN_ACTION = {
    ("reply", "parts_used"): N_("采纳的协办意见"),
    ("delegated-review", "parts_used"): N_("采纳的协办意见"),
    ("delegated-review", "reply_by"): N_("发回后的答复期限（留空沿用原期限）"),
}

# A decision's question and its two answers (yes, no), by field or by (action, field).
CHOICE = {
    "approve": (N_("审核意见"), N_("同意"), N_("不同意")),
    "accept": (N_("退单审核"), N_("同意退单"), N_("不同意退单")),
    ("delegated-review", "accept"): (N_("下级答复"), N_("采纳"), N_("发回下级重办")),
    "solved": (N_("问题是否解决"), N_("已解决"), N_("未解决")),
    "reasonable": (N_("不满意理由"), N_("成立（发回重办）"), N_("不成立")),
}


def choice_of(action: str, field: str) -> tuple[str, str, str]:
    """The question and answers a decision field is shown with."""
    return CHOICE.get((action, field)) or CHOICE.get(field) or (field, N_("是"), N_("否"))


# The discipline commission's outcomes: a select's options and a rung's outcome alike.
_DISCIPLINE_OUTCOMES = {
    "no_fault": N_("无过错"),
    "summons": N_("约谈"),
    "criticism": N_("通报批评"),
    "accountability": N_("问责"),
}

# The values of the API's enumerations, as a select shows them.
OPTION = {
    # The rungs a deadline can be missed under (a deadline_missed event's "under").
    "supervision_order": N_("督办件"),
    "leader_supervision": N_("领导督办"),
    "joint_meeting": N_("联席会议"),
    "phone": N_("电话"),
    "sms": N_("短信"),
    "wechat": N_("微信"),
    "web": N_("网站"),
    "mailbox": N_("市长信箱"),
    "grid": N_("网格员上报"),
    "110": N_("110移交"),
    "enquiry": N_("咨询"),
    "help": N_("求助"),
    "complaint": N_("投诉"),
    "report": N_("举报"),
    "suggestion": N_("建议"),
    "praise": N_("表扬"),
    "emergency": N_("紧急"),
    "utility": N_("水电气热"),
    "general": N_("一般"),
    "complex": N_("疑难"),
    "resolved": N_("已解决"),
    "explained": N_("已解释说明"),
    "unresolvable": N_("暂不能解决"),
    "satisfied": N_("满意"),
    "basically_satisfied": N_("基本满意"),
    "unsatisfied": N_("不满意"),
    "no_comment": N_("不评价"),
    "rated": N_("已评价"),
    "no_rating": N_("未评价"),
    "transferred_110": N_("已转110"),
    "merged": N_("已并单"),
    "withdrawn": N_("已撤诉"),
    "rejected": N_("不予受理"),
    **_DISCIPLINE_OUTCOMES,
}

ROLE = {
    "agent": N_("话务员"),
    "department": N_("承办单位"),
    "supervisor": N_("督办人员"),
    "discipline": N_("纪委监委"),
    "admin": N_("管理员"),
    "integrator": N_("集成方"),
}

# A refused action, by the API's status: the lead-in before the API's own words.
REFUSAL = {
    403: N_("您无权办理此操作"),
    404: N_("找不到要办理的对象"),
    409: N_("此操作现在不能办理"),
    422: N_("填写的内容有误"),
    503: N_("系统暂时无法办理，请稍后重试"),
}

# The citizen's SMS (短信记录 on the ticket page).
SMS_KIND = {
    "receipt": N_("受理回执"),
    "callback_invite": N_("回访邀请"),
    "closed": N_("办结通知"),
    "supplement": N_("补充材料提醒"),
    "code": N_("查询验证码"),
}
SMS_STATE = {
    "queued": N_("待发送"),
    "deferred": N_("延后发送"),
    "sending": N_("发送中"),
    "sent": N_("已发送"),
    "accepted": N_("运营商已接收"),
    "delivered": N_("已送达"),
    "failed": N_("发送失败"),
    "skipped": N_("未发送"),
}
SMS_REASON = {
    "code_expired": N_("验证码已过期"),
    "quiet_hours": N_("免打扰时段"),
    "rate_limited": N_("超过每小时条数"),
    "opted_out": N_("市民已退订"),
    "event_gone": N_("事项已变更"),
    "no_gateway": N_("未配置短信网关"),
    "refused": N_("网关拒收"),
    "undeliverable": N_("无法送达"),
    "gateway_down": N_("网关长时间不可用"),
}
SMS_REPLY = {
    "rated": N_("已记为回访评价"),
    "noted": N_("已转为内部备注"),
    "late": N_("评价未记录（工单已不在回访中），已转为内部备注"),
    "opted_out": N_("已退订"),
    "unmatched": N_("未匹配到回访邀请"),
}
# Attachments (附件), by kind, and a file's size as a person reads it.
ATTACHMENT_KIND = {"photo": N_("照片"), "document": N_("文件"), "audio": N_("录音")}


def file_label(name: str | None) -> str:
    """A file's name without its extension: the kind beside it says what it is."""
    return (name or "").rsplit(".", 1)[0]


def file_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


TIER = {"blue": N_("蓝色"), "orange": N_("橙色"), "red": N_("红色")}
# A supervision order by its tier, said whole (a queue row, the timeline): 蓝色督办.
TIER_ORDER = {"blue": N_("蓝色督办"), "orange": N_("橙色督办"), "red": N_("红色督办")}

ESCALATION = {
    "warning": N_("临期预警"),
    "reminder": N_("催办"),
    "supervision_order": N_("督办件"),
    "leader_supervision": N_("领导督办"),
    "joint_meeting": N_("联席会议"),
    "missed_report_in": N_("未按时报到"),
    "discipline_referral": N_("移送纪委监委"),
    "open": N_("进行中"),
    "done": N_("已完成"),
    "escalated": N_("已升级"),
    "superseded": N_("已失效"),
    "missed": N_("未报到"),
    "decided": N_("已议定"),
    "no_decision": N_("未议定"),
    "cancelled": N_("已取消"),
    **_DISCIPLINE_OUTCOMES,
}

_T = TimelineAction
EVENT = {
    _T.RECEIVED: N_("来电受理"),
    _T.AWAITING_DISPATCH: N_("待人工派单"),
    _T.DUPLICATE_MERGED: N_("并入重复诉求"),
    _T.SIGNAL_REJECTED: N_("拒收的消息"),
    _T.DISPATCHED: N_("派单"),
    _T.ANSWERED: N_("直接办结"),
    _T.SIGNED: N_("签收"),
    _T.RETURNED: N_("退单"),
    _T.RETURN_ACCEPTED: N_("同意退单"),
    _T.RETURN_REJECTED: N_("驳回退单"),
    _T.PROGRESS: N_("阶段性答复"),
    _T.EXTENSION_REQUESTED: N_("申请延期"),
    _T.EXTENSION_APPROVED: N_("同意延期"),
    _T.EXTENSION_REFUSED: N_("驳回延期"),
    _T.SUSPENSION_REQUESTED: N_("申请挂起"),
    _T.SUSPENSION_APPROVED: N_("同意挂起"),
    _T.SUSPENSION_REFUSED: N_("驳回挂起"),
    _T.RESUMED: N_("恢复办理"),
    _T.TRANSFERRED_TO_110: N_("转110"),
    _T.ACCEPTED_BY_110: N_("110已受理"),
    _T.HANDED_BACK_BY_110: N_("110退回"),
    _T.NO_ANSWER_FROM_110: N_("110逾期未答复"),
    _T.REOPENED_AS: N_("已重新受理为新工单"),
    _T.DELEGATED: N_("下派（二级派单）"),
    _T.DELEGATED_SIGNED: N_("下级签收"),
    _T.DELEGATED_RETURNED: N_("退回上级"),
    _T.DELEGATED_REPLIED: N_("下级答复"),
    _T.DELEGATED_REPLY_ACCEPTED: N_("采纳下级答复"),
    _T.DELEGATED_REPLY_SENT_BACK: N_("下级答复发回重办"),
    _T.DELEGATIONS_ENDED: N_("下派结束"),
    _T.PART_SUBMITTED: N_("协办意见"),
    _T.REPLIED: N_("答复"),
    _T.RATED: N_("回访评价"),
    _T.RATING_EXCLUDED: N_("不满意评价不计入考核"),
    _T.SENT_BACK_FOR_REWORK: N_("发回重办"),
    _T.MERGE_NOTICE_FAILED: N_("并单通知未送达"),
    _T.CLOSED: N_("办结"),
    _T.DEADLINE_WARNING: N_("临期预警"),
    _T.REMINDER: N_("催办"),
    _T.DEADLINE_MISSED: N_("超时"),
    _T.SUPERVISION_ORDER: N_("督办件"),
    _T.LEADER_SUPERVISION: N_("领导督办"),
    _T.LEADER_SUPERVISION_MISSED: N_("领导督办超时"),
    _T.JOINT_MEETING_CONVENED: N_("召开联席会议"),
    _T.JOINT_MEETING_REPORT_IN: N_("联席会议报到"),
    _T.JOINT_MEETING_ABSENT: N_("联席会议未报到"),
    _T.JOINT_MEETING_DECIDED: N_("联席会议议定"),
    _T.JOINT_MEETING_UNDECIDED: N_("联席会议未议定"),
    _T.DISCIPLINE_REFERRAL: N_("移送纪委监委"),
    _T.DISCIPLINE_REFERRAL_ACKNOWLEDGED: N_("纪委监委签收"),
    _T.DISCIPLINE_REFERRAL_UNACKNOWLEDGED: N_("纪委监委逾期未签收"),
    _T.DISCIPLINE_OUTCOME: N_("纪委监委处理结果"),
}


DEPARTMENT_KIND = {
    "department": N_("职能部门"),
    "district_government": N_("区县政府"),
    "township": N_("乡镇街道"),
    "community": N_("社区（村）"),
}

CATALOGUE_ACTION = {"created": N_("新建"), "updated": N_("修改"), "deleted": N_("删除")}

# A policy duration's unit, as said on the page: "2wd" → "2 个工作日".
_SPAN_UNIT = {
    "s": N_("%(n)d 秒"),
    "m": N_("%(n)d 分钟"),
    "h": N_("%(n)d 小时"),
    "d": N_("%(n)d 天（自然日）"),
    "wd": N_("%(n)d 个工作日"),
}


def span_said(span: str, _: Callable[[str], str]) -> str:
    """A policy duration in words: ``"2wd"`` → "2 个工作日"."""
    amount, unit = parse_span(span)
    return _(_SPAN_UNIT[unit.value]) % {"n": amount}
