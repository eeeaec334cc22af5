"""What the workbench calls things (zh-CN), and how a running deadline reads."""

from __future__ import annotations

from datetime import datetime

STATUS = {
    "received": "已受理",
    "dispatched": "已派单",
    "handling": "办理中",
    "callback": "待回访",
    "returned": "已退单",
    "closed": "已办结",
}

ACTION = {
    "answer": "直接办结",
    "transfer-110": "转110",
    "reject": "不予受理",
    "dispatch": "派单",
    "sign": "签收",
    "return": "退单",
    "return-review": "审核退单",
    "progress": "阶段性答复",
    "extension": "申请延期",
    "extension-review": "审核延期",
    "reply": "答复",
    "rating": "回访评价",
    "rating-review": "审核不满意评价",
    "merge": "并单",
    "withdraw": "撤诉",
    "supervise": "督办",
    "joint-meeting": "召开联席会议",
    "discipline-referral": "移送纪委监委",
}

DEADLINE = {
    "dispatch": "派单时限",
    "sign": "签收时限",
    "reply": "答复时限",
    "return_until": "退单截止",
    "callback": "回访时限",
    "supervision": "督办时限",
    "leader_supervision": "领导督办时限",
    "joint_meeting": "联席会议",
    "discipline_referral": "纪委监委",
}

FIELD = {
    "channel": "来源渠道",
    "type": "诉求类型",
    "category": "诉求类别",
    "urgency": "紧急程度",
    "description": "诉求内容",
    "district": "区县",
    "address": "地址",
    "lead": "主办单位",
    "assisting": "协办单位（逗号分隔）",
    "note": "备注",
    "reason": "理由",
    "legal_basis": "法规依据",
    "content": "内容",
    "outcome": "办理结果",
    "working_days": "延期工作日",
    "approve": "同意",
    "accept": "同意退单",
    "satisfaction": "满意度",
    "solved": "问题已解决",
    "comment": "评价意见",
    "reasonable": "不满意理由成立（发回重办）",
    "into": "并入工单号",
    "due": "督办时限",
    "leader": "督办领导",
    "departments": "参会单位（逗号分隔）",
    "agenda": "议题",
    "department": "单位",
}

ROLE = {
    "agent": "话务员",
    "department": "承办单位",
    "supervisor": "督办",
    "discipline": "纪委监委",
    "admin": "管理员",
    "integrator": "集成方",
}


def countdown(due: datetime, now: datetime) -> tuple[str, str]:
    """``(text, rung)``: 还剩 1 小时 12 分 / 已超时 3 小时, and a CSS class by urgency."""
    seconds = int((due - now).total_seconds())
    late = seconds < 0
    minutes = abs(seconds) // 60
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    parts = [f"{days} 天" if days else "", f"{hours} 小时" if hours else "", f"{mins} 分"]
    span = " ".join(p for p in parts if p)
    if late:
        return f"已超时 {span}", "overdue"
    return f"还剩 {span}", "warning" if seconds < 4 * 3600 else "running"
