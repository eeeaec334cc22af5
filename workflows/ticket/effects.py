"""Every action's effect, by the process table's action name.

The effects themselves are in the modules of their stage of the chart: ``handling``
(派单 → 签收 → 办理, 退单, 延期), ``suspension`` (挂起, 恢复办理), ``closing`` (答复 → 回访
→ 办结, 发回重办, 撤诉, 转110, 不予受理), ``ladder`` (督办 by hand) and ``children``
(联席会议, 纪委监委). 并单 is the workflow's own (it asks the target first).
"""

from __future__ import annotations

from schema.ticket import ClosureReason
from workflows.ticket import children, closing, delegation, handling, ladder, police, suspension
from workflows.ticket.outcome import Effect

EFFECTS: dict[str, Effect] = {
    "dispatch": handling.dispatch,
    "sign": handling.sign,
    "progress": handling.progress,
    "part": handling.submit_part,
    "delegate": delegation.delegate,
    "delegated-sign": delegation.sign_delegated,
    "delegated-return": delegation.return_delegated,
    "delegated-reply": delegation.reply_delegated,
    "delegated-review": delegation.review_delegated_reply,
    "reply": closing.reply,
    "rating": closing.rate,
    "rating-review": closing.review_rating,
    "answer": handling.answer,
    "return": handling.return_ticket,
    "return-review": handling.review_return,
    "extension": handling.request_extension,
    "extension-review": handling.review_extension,
    "suspend": suspension.request_suspension,
    "suspension-review": suspension.review_suspension,
    "resume": suspension.resume,
    "withdraw": closing.closing(ClosureReason.WITHDRAWN),
    "transfer-110": police.transfer_to_110,
    "police-accept": police.accept_for_110,
    "police-hand-back": police.hand_back_from_110,
    "reject": closing.closing(ClosureReason.REJECTED),
    "supervise": ladder.supervise,
    "joint-meeting": children.joint_meeting,
    "discipline-referral": children.discipline_referral,
}
