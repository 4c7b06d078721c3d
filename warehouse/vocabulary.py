"""The programme's vocabulary: the words offices write for programmes, evaluation kinds and sources, and our keys."""

PROGRAMS = {"农村": "rural", "城市": "urban", "城镇": "urban", "rural": "rural", "urban": "urban"}
EVALUATED_PROGRAMS = PROGRAMS | {"城乡": "all", "all": "all"}  # one evaluation may cover both
EVALUATION_KINDS = {
    "自评": "self",
    "部门评价": "department",
    "财政评价": "finance",
    "self": "self",
    "department": "department",
    "finance": "finance",
}
SOURCES = {"seed": "seed", "synthetic": "synthetic", "upload": "upload", "演示数据": "synthetic"}

# The other way: the word a score sheet or a report writes for each key.
PROGRAM_WORDS = {"rural": "农村", "urban": "城市", "all": "城乡"}
KIND_WORDS = {"self": "自评", "department": "部门评价", "finance": "财政评价"}

# The kinds of finding a roster can raise, in the order pages list them, with their Chinese names.
FINDING_WORDS = {
    "invalid_id": "身份证号无效",
    "duplicate_household": "同一名册重复",
    "cross_county_duplicate": "跨县同月重复",
    "over_standard": "超标准发放",
    "late_payment": "逾期发放",
    "unpaid": "未发放",
}
FINDING_KINDS = tuple(FINDING_WORDS)

# Where a county × programme × month stands in approval (warehouse/month_states.py), and its words.
PENDING, APPROVED, LOCKED, RETURNED = "pending", "approved", "locked", "returned"
STATE_WORDS = {PENDING: "待审核", APPROVED: "已审核", LOCKED: "已锁定", RETURNED: "已退回"}
