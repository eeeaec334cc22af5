"""The actions that cannot be undone, and the question the ticket page asks before each
(web/static/forms.js reads it): closing the ticket, the commission's outcome, and a
refusal of a request (asked only when the answer is the refusal)."""

from __future__ import annotations

from web.i18n import N_

# action → (the question, the answer it is asked for: "field:value", or "" for always)
CONFIRM: dict[str, tuple[str, str]] = {
    "merge": (N_("并单后本工单即办结，不能撤回。确定并单？"), ""),
    "withdraw": (N_("撤诉后工单即办结，不能撤回。确定撤诉？"), ""),
    "reject": (N_("不予受理后工单即办结，不能撤回。确定不予受理？"), ""),
    "extension-review": (N_("不同意延期后不能撤回。确定不同意？"), "approve:no"),
    "suspension-review": (N_("不同意挂起后不能撤回。确定不同意？"), "approve:no"),
    "return-review": (N_("不同意退单后不能撤回。确定不同意？"), "accept:no"),
    "discipline-outcome": (N_("处理结果记录后不能更改。确定记录？"), ""),
}
