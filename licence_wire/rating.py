"""The service rating (好差评) as both sides spell it: levels, reasons, endings, case kinds.

Every government service channel, self-service terminals included, offers a rating after every
case (国办发〔2019〕51号, GB/T 39734-2020 and GB/T 39735-2020): one rating per case, five levels,
and for a bad rating the reason, grouped by the on-site indicators. The kiosk and the reference
service both import these tables, so a level or reason code cannot mean one thing on the screen
and another at the authority.

A rating carries no personal data: only the case number, how the case ended, the level and the
reason codes.
"""

from __future__ import annotations

import re

# Best first. The national scale: 非常满意 / 满意 / 基本满意 / 不满意 / 非常不满意.
LEVELS = ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied")
# A rating of 不满意 or below is a 差评: it asks for the reason and opens a follow-up at the
# authority (verify, fix, answer within its deadline).
BAD_LEVELS = frozenset({"dissatisfied", "very_dissatisfied"})

# The on-site indicators (GB/T 39735-2020): 整体满意度, 服务效率, 服务水平, 服务态度.
INDICATORS = ("overall", "efficiency", "quality", "attitude")
# Reason code -> the indicator it speaks to. The kiosk offers them as a pick list, grouped.
REASONS = {
    "too_slow": "efficiency",  # 办理时间太长
    "repeated_steps": "efficiency",  # 需要重复操作或多次核验
    "unclear_guidance": "quality",  # 提示和说明不清楚
    "not_completed": "quality",  # 事项没有办成
    "device_problem": "quality",  # 设备不好用或出现故障
    "staff_help": "attitude",  # 工作人员帮助不及时或态度不好
    "other": "overall",  # 其他原因
}
MAX_REASONS = len(REASONS)

# How the case ended on the kiosk.
ENDINGS = (
    "issued",  # licence printed
    "referred",  # sent to manual review, receipt printed
    "refused",  # the authority refused the application and the applicant stopped there
    "staff",  # a member of staff took the case over and ended it on the kiosk
    "abandoned",  # the applicant stopped after a real step (see docs/rating.md)
)

# The case number (办件编号) a rating is filed under:
# - "application": the authority's application id, once the application was submitted;
# - "kiosk_transaction": the kiosk's own transaction id, for a case that ended before any
#   submission (the authority never saw it; the kiosk id in X-Kiosk-Id scopes it).
CASE_KINDS = ("application", "kiosk_transaction")
CASE_ID_PATTERNS = {
    "application": r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    "kiosk_transaction": r"^[0-9a-f]{32}$",
}
_CASE_IDS = {kind: re.compile(p[1:-1], re.ASCII) for kind, p in CASE_ID_PATTERNS.items()}
# rated_at: UTC, to the second, as the kiosk's clock saw the tap
RATED_AT_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"

# A bad rating is answered within this many working days (Shandong's rule, the strictest found).
FOLLOW_UP_WORKING_DAYS = 5


def valid_case_id(kind: str, case_id: str) -> bool:
    pattern = _CASE_IDS.get(kind)
    return pattern is not None and bool(pattern.fullmatch(case_id))
