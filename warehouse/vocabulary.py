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
