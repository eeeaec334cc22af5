"""`hotline doctor`'s printout: the findings of services/doctor.py with the admin page's
words (web/admin_doctor.py), in Chinese, one block per trouble."""

from __future__ import annotations

from datetime import datetime

from services.doctor_findings import Checkup
from web.admin_doctor import ADVICE, FACT_LABELS, FLAGS_UNAVAILABLE, STOPPED_EARLY, TITLES


def checkup_text(result: Checkup) -> str:
    lines = [f"运行诊断 {result.at.isoformat(timespec='seconds')}，用时 {result.seconds:.2f} 秒"]
    if result.flags_unavailable:
        lines.append(f"！{FLAGS_UNAVAILABLE}")
    for trouble, title in TITLES.items():
        found = result.of(trouble)
        lines.append("")
        lines.append(f"== {title}：{len(found)} 项（检查了 {result.examined.get(trouble, 0)} 个）")
        if trouble in result.stopped_early:
            lines.append(f"  ！{STOPPED_EARLY}")
        for finding in found:
            attempts = f"，第 {finding.attempts} 次尝试" if finding.attempts else ""
            since = f"，{finding.since.isoformat(timespec='seconds')}" if finding.since else ""
            lines.append(f"- {finding.subject}（{finding.what}{attempts}{since}）")
            if finding.detail:
                lines.append(f"  {finding.detail}")
            for name, value in finding.facts:
                shown = (
                    value.isoformat(timespec="seconds") if isinstance(value, datetime) else value
                )
                lines.append(f"  {FACT_LABELS[name]}：{shown}")
            lines.append(f"  {finding.link}")
        if found:
            lines.append(f"  处理：{ADVICE[trouble]}")
    return "\n".join(lines)


def _said(value: str | datetime) -> str:
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value
