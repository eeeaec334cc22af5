"""A refusal as the workbench says it: from its stable reason and parameters, in the
user's language (the gettext catalogue), never the API's English message.

A workflow's refusal carries a ``Reason`` (workflows/refusals.py) and parameters; a
service's may carry a reason of its own. Parameters are codes and ISO instants: a
department is named, a status and an action read as the pages call them, an instant is
in city time to the minute. A refusal with no reason is said by its code, then by its
status — so no English sentence reaches a page."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, tzinfo
from typing import Any

from services.choices import Choices
from services.errors import Refusal
from web import labels
from web.countdowns import due_said
from web.field_problems import field_problems
from web.i18n import N_
from workflows.refusals import Reason

WORDS: dict[str, str] = {
    Reason.ROLE_MAY_NOT: N_("您的角色（%(role)s）不能办理“%(action)s”，可办理的角色：%(roles)s"),
    Reason.NOT_THE_LEAD: N_("只有主办单位（%(lead)s）可以办理“%(action)s”，您代表%(department)s"),
    Reason.NOT_ASSISTING: N_("%(department)s不是本工单的协办单位"),
    Reason.NOT_INVOLVED: N_("%(department)s既不是本工单的主办单位，也不是协办单位"),
    Reason.NOT_ON_CHAIN: N_("%(department)s不在本工单的办理链条上"),
    Reason.NOT_YOUR_TURN: N_("工单当前为“%(status)s”，“%(action)s”现在不由%(department)s办理"),
    Reason.STILL_REGISTERING: N_("工单仍在登记中，请稍后再试"),
    Reason.STATUS_NOT_ALLOWED: N_(
        "工单当前为“%(status)s”，“%(action)s”只能在以下状态办理：%(statuses)s"
    ),
    Reason.REVIEW_PENDING: N_(
        "工单当前为“%(status)s”，正等待中心审核（%(review)s），“%(action)s”须待审核后办理"
    ),
    Reason.BEING_MERGED: N_("工单正在并入 %(into)s，请稍后再试"),
    Reason.PARTS_NOT_GIVEN: N_("采纳的协办意见尚未提交：%(departments)s"),
    Reason.NOT_A_SUSPENSION_REASON: N_("“%(reason)s”不是可以挂起的理由"),
    Reason.RESUME_IN_PAST: N_("预计恢复日期 %(day)s 已经过去"),
    Reason.NO_SUSPENSION_REQUEST: N_("工单当前为“%(status)s”，没有待审核的挂起申请"),
    Reason.LEAD_ALSO_ASSISTING: N_("主办单位不能同时作为协办单位"),
    Reason.RETURN_NEEDS_LEAD: N_("同意退单须指定新的主办单位"),
    Reason.SAME_LEAD_AGAIN: N_("退单的正是%(lead)s，请改派其他主办单位"),
    Reason.RETURN_WINDOW_CLOSED: N_("退单时限已于 %(at)s 截止"),
    Reason.PART_GIVEN_ALREADY: N_("%(department)s已经提交过协办意见"),
    Reason.PART_CLOSED_UNANSWERED: N_("%(department)s的协办意见在答复时已关闭（未提交）"),
    Reason.NO_PART_ASKED: N_("本工单不需要%(department)s提交协办意见"),
    Reason.REPLY_BY_IN_PAST: N_("答复期限 %(day)s 已经过去"),
    Reason.OWN_DEADLINE_PASSED: N_("%(unit)s的办理时限已于 %(at)s 届满：请自行答复，或先申请延期"),
    Reason.REPLY_BY_AFTER_DEADLINE: N_(
        "答复期限 %(day)s 晚于%(unit)s自身的时限，最晚只能定为 %(last_day)s"
    ),
    Reason.UNIT_ON_TICKET: N_("%(unit)s已在本工单上，请下派给您的下级单位"),
    Reason.PASSED_DOWN_TOO_DEEP: N_("工单已下派 %(levels)s 级，不能再下派"),
    Reason.SIGNED_ALREADY: N_("%(department)s已经签收"),
    Reason.SIGN_BEFORE_REPLY_UP: N_("%(department)s须先签收，再向上级答复"),
    Reason.PARTS_USED_LEAD_ONLY: N_("只有主办单位可以注明采纳的协办意见"),
    Reason.BELOW_DEADLINE_PASSED: N_("%(unit)s的时限已于 %(at)s 届满，请重新指定答复期限"),
    Reason.EXTENSION_TOO_LATE: N_("延期须在答复时限届满前申请，现已超过时限"),
    Reason.EXTENSION_OVER_CAP: N_(
        "每次派单最多延期 %(cap)s 个工作日，还可延期 %(left)s 个，本次申请 %(asked)s 个"
    ),
    Reason.NO_EXTENSION_REQUEST: N_("工单当前为“%(status)s”，没有待审核的延期申请"),
    Reason.MEETING_STILL_OPEN: N_("联席会议尚未结束，须待会议决定"),
    Reason.ALREADY_REFERRED: N_("%(department)s已移送纪委监委，尚待处理"),
    Reason.NO_LEAD_TO_REFER: N_("本工单没有主办单位，请指定要移送的单位"),
    Reason.CHILD_ROLE: N_("您的角色不能办理“%(action)s”"),
    Reason.NOT_SUMMONED: N_("%(department)s未被通知参加本次联席会议"),
    Reason.REPORTED_ALREADY: N_("%(department)s已经报到"),
    Reason.MEETING_CLOSED: N_("联席会议已结束，不能再办理"),
    Reason.REFERRAL_ACKNOWLEDGED: N_("该移送已确认收到"),
    Reason.OUTCOME_RECORDED: N_("该移送已有处理结果：%(outcome)s"),
    Reason.SIGN_BEFORE_REPLY: N_("请先签收，再答复"),
    Reason.SIGN_BEFORE_PROGRESS: N_("请先签收，再作阶段性答复"),
    Reason.ALREADY_RATED: N_("工单已回访评价，由中心审核评价"),
    Reason.NO_UNSATISFIED_RATING: N_("工单当前为“%(status)s”，没有待审核的不满意评价"),
    Reason.MERGE_INTO_ITSELF: N_("工单不能并入自身"),
    Reason.DUE_NOT_IN_FUTURE: N_("督办时限 %(at)s 须晚于现在"),
    Reason.DUE_TOO_FAR: N_("督办时限不能超过 %(days)s 天"),
    Reason.LEADER_SUPERVISION_OPEN: N_("工单已在领导督办中，下一步是召开联席会议"),
    Reason.LEADER_ONLY_AFTER_RED: N_("只有红色督办升级为领导督办时才指定督办领导"),
    Reason.NO_UNIT_TO_SUPERVISE: N_("工单没有可督办的单位"),
    Reason.ESCALATED_ALREADY: N_("工单已在%(kind)s中"),
    Reason.MERGE_INTO_CLOSED: N_("工单已办结，请并入未办结的工单"),
    Reason.MERGING_ITSELF: N_("工单自身正在并入 %(into)s"),
    Reason.PHOTO_REQUIRED: N_("此类诉求的答复须附现场照片"),
    Reason.NOT_THE_OWNER: N_("只有责任单位或知识库管理人员可以办理此条目"),
    Reason.ENTRY_STATE: N_("知识条目当前的状态不能办理此操作"),
    Reason.ENTRY_APPROVED_ALREADY: N_("责任单位已审核通过此版本"),
    Reason.ENTRY_NOT_APPROVED: N_("责任单位尚未审核通过此版本，暂不能发布"),
    Reason.NO_SUCH_CORRECTION: N_("没有第 %(number)s 条纠错"),
    Reason.CORRECTION_ANSWERED: N_("第 %(number)s 条纠错已答复"),
    Reason.TOO_MANY_CORRECTIONS: N_("此条目已有 %(most)s 条纠错待答复，请先答复"),
    # Attachments (services.attachment_refs, services.attachment_files)
    "file_too_large": N_("文件过大，每个文件不能超过 %(limit_mb)s MB"),
    "unsupported_media_type": N_(
        "不能上传这类文件：可上传照片（JPG、PNG、WebP、GIF）、PDF、Word、Excel 文档和录音"
    ),
    "corrupt_file": N_("文件已损坏，或含有宏、脚本，不能上传"),
    "empty_file": N_("文件是空的"),
    "unknown_attachment": N_("附件不存在，或已用于其他工单，请重新上传"),
    "too_many_attachments": N_("每一步最多附 %(most)s 个文件"),
    "file_link_invalid": N_("文件链接无效或已过期，请重新打开工单"),
    "infected_file": N_("病毒扫描发现此文件含有恶意代码，文件未保存"),
    "scan_unavailable": N_("病毒扫描暂时不可用，请稍后重新上传"),
    # The services' own reasons
    "unknown_ticket": N_("没有编号为 %(ticket_no)s 的工单"),
}

# A refusal without a reason, by its code: the services' and the pages' own refusals.
CODE_WORDS: dict[str, str] = {
    "unauthenticated": N_("请先登录"),
    "csrf": N_("此表单已过期或并非来自本站，请刷新页面后重新提交"),
    "forbidden": N_("您无权查看或办理此项"),
    "unknown_action": N_("没有这项操作"),
    "unknown_category": N_("没有这个诉求类别"),
    "unknown_department": N_("没有这个单位"),
    "unknown_place": N_("没有这个区县或街道"),
    "unknown_queue": N_("没有这个队列"),
    "unknown_report": N_("没有这份报表"),
    "unknown_rule": N_("没有这条派单规则"),
    "unknown_district": N_("没有这个区县"),
    "unknown_ticket": N_("没有这个工单"),
    "action_failed": N_("操作未能完成，请稍后重试"),
    "exists": N_("已经存在，不能重复添加"),
    "in_use": N_("仍在使用中，不能删除或停用"),
    "invalid_state": N_("此操作现在不能办理"),
    "invalid_input": N_("填写的内容有误，请检查后重新提交"),
    "ambiguous": N_("有多项符合，请指明是哪一项"),
    "idempotency_key_reused": N_("此表单已经提交过，请刷新页面后再试"),
    "undecryptable": N_("内容无法解密"),
    "query_failed": N_("查询失败，请稍后重试"),
    "temporal_error": N_("系统暂时无法办理，请稍后重试"),
    "temporal_unavailable": N_("系统暂时无法办理，请稍后重试"),
    "ticket_not_answering": N_("工单暂时没有响应，请稍后重试"),
    "report_failed": N_("报表生成失败，请稍后重试"),
    "report_pending": N_("报表正在生成，请稍后再来"),
    "database_unavailable": N_("数据库暂时无法访问，请稍后重试"),
    "too_large": N_("提交的内容过长，请删减后重新提交"),
}

# 待审核: which review the centre owes (schema.ticket.PendingReview).
REVIEW = {
    "return": N_("退单"),
    "extension": N_("延期"),
    "suspension": N_("挂起"),
    "handed_back": N_("110退回"),
    "rating": N_("不满意评价"),
}

_CJK = re.compile(r"[\u4e00-\u9fff]")


def said(
    refusal: Refusal,
    _: Callable[[str], str],
    choices: Choices | None = None,
    tz: tzinfo | None = None,
) -> str:
    """The refusal in the user's language: by its reason, else its code, else its status.
    A message already written in Chinese (a page's own N_-marked words) is kept."""
    words = WORDS.get(refusal.reason or "")
    if words is not None:
        return _(words) % _Named(refusal.params or {}, _, choices, tz)
    if _CJK.search(refusal.message):
        return _(refusal.message)
    return said_by_code(refusal.code, refusal.status, _)


def said_by_code(code: str, status: int, _: Callable[[str], str]) -> str:
    words = CODE_WORDS.get(code) or labels.REFUSAL.get(status) or N_("未能办理")
    return _(words)


class _Named(Mapping[str, str]):
    """The parameters as the words name them; one the words want but the refusal lacks
    reads empty rather than failing the page."""

    def __init__(
        self,
        params: dict[str, Any],
        _: Callable[[str], str],
        choices: Choices | None,
        tz: tzinfo | None,
    ) -> None:
        self.params, self._, self.choices, self.tz = params, _, choices, tz

    def __getitem__(self, key: str) -> str:
        value = self.params.get(key)
        if value is None:
            return ""
        if isinstance(value, list):
            one = {"statuses": "status", "roles": "role", "departments": "department"}
            return "、".join(self._one(one.get(key, key), item) for item in value)
        return self._one(key, value)

    def __iter__(self) -> Any:
        return iter(self.params)

    def __len__(self) -> int:
        return len(self.params)

    def _one(self, key: str, value: Any) -> str:
        _ = self._
        text = str(value)
        if key in ("department", "lead", "unit"):
            return self.choices.name_of(text) if self.choices else text
        if key == "status":
            return _(labels.STATUS.get(text, N_("其他状态")))
        if key == "action":
            return _(labels.ACTION.get(text, N_("此操作")))
        if key == "role":
            return _(labels.ROLE.get(text, N_("其他角色")))
        if key == "review":
            return _(REVIEW.get(text, N_("审核")))
        if key == "kind":
            return _(labels.ESCALATION.get(text, N_("督办")))
        if key == "outcome":
            return _(labels.OPTION.get(text, text))
        if key == "at":
            instant = datetime.fromisoformat(text)
            return due_said(instant, self.tz, "%Y-%m-%d") if self.tz else text[:16]
        if key in ("day", "last_day"):
            return date.fromisoformat(text).strftime("%Y-%m-%d")
        return text


# The field a refusal of the input is about: its words are shown beside that field too.
FIELD_OF: dict[str, str] = {
    Reason.NOT_A_SUSPENSION_REASON: "reason",
    Reason.RESUME_IN_PAST: "expected_resume",
    Reason.LEAD_ALSO_ASSISTING: "assisting",
    Reason.RETURN_NEEDS_LEAD: "lead",
    Reason.SAME_LEAD_AGAIN: "lead",
    Reason.REPLY_BY_IN_PAST: "reply_by",
    Reason.REPLY_BY_AFTER_DEADLINE: "reply_by",
    Reason.BELOW_DEADLINE_PASSED: "reply_by",
    Reason.UNIT_ON_TICKET: "unit",
    Reason.PARTS_NOT_GIVEN: "parts_used",
    Reason.PARTS_USED_LEAD_ONLY: "parts_used",
    Reason.EXTENSION_OVER_CAP: "working_days",
    Reason.NO_LEAD_TO_REFER: "department",
    Reason.MERGE_INTO_ITSELF: "into",
    Reason.DUE_NOT_IN_FUTURE: "due",
    Reason.DUE_TOO_FAR: "due",
    Reason.LEADER_ONLY_AFTER_RED: "leader",
    Reason.PHOTO_REQUIRED: "attachments",
}


def in_form(
    refusal: Refusal,
    action: str | None,
    _: Callable[[str], str],
    choices: Choices | None = None,
    tz: tzinfo | None = None,
) -> tuple[str, dict[str, str]]:
    """A refused form's words: the sentence above the form, and the problems to show
    beside their fields (a body the model refused: each field; a workflow's refusal of
    one field's value: that field)."""
    if refusal.errors:
        problems = field_problems(refusal.errors, action, _)
        return "；".join(problems.values()), problems
    told = said(refusal, _, choices, tz)
    field = FIELD_OF.get(refusal.reason or "")
    return told, ({field: told} if field else {})
