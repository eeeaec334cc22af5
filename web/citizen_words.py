"""The citizen's page in the citizen's words: each step of their request as they would
say it, no office jargon (派单 is "转交", 签收 is "已接收")."""

from __future__ import annotations

from web.i18n import N_

STATUS = {
    "received": N_("已受理"),
    "dispatched": N_("已转交承办单位"),
    "handling": N_("办理中"),
    "returned": N_("正在重新转交"),
    "suspended": N_("暂停办理"),
    "awaiting_110": N_("已转交公安机关"),
    "callback": N_("已答复，待您评价"),
    "closed": N_("已办结"),
}
STEP = {
    "received": N_("热线受理了您的诉求"),
    "dispatched": N_("转交承办单位办理"),
    "signed": N_("承办单位已接收"),
    "progress": N_("承办单位告知办理进展"),
    "extension_approved": N_("办理时限已延长"),
    "suspension_approved": N_("暂停办理"),
    "resumed": N_("恢复办理"),
    "answered": N_("热线已当场答复"),
    "replied": N_("承办单位答复了您"),
    "sent_back_for_rework": N_("热线要求承办单位重新办理"),
    "rated": N_("您已评价"),
    "closed": N_("诉求办结"),
}
OUTCOME = {
    "resolved": N_("已解决"),
    "explained": N_("已解释说明"),
    "unresolvable": N_("暂时无法解决"),
}
SATISFACTION = {
    "satisfied": N_("满意"),
    "basically_satisfied": N_("基本满意"),
    "unsatisfied": N_("不满意"),
    "no_comment": N_("未表态"),
}
REFUSED = {
    "citizen_link_invalid": N_("链接无效或已过期。请使用短信中的最新链接，或拨打 12345 查询。"),
    "throttled": N_("操作过于频繁，请几分钟后再试。"),
    "forbidden": N_("请从短信中的链接打开本页面。"),
}
