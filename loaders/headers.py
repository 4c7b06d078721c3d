"""Header aliases: which column of a file means what, whatever the office called it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")", "{": "(", "}": ")"})
_NOISE = re.compile(r"[\s*＊:：]+")
_PARENTHESISED = re.compile(r"\([^)]*\)")


def normalise_header(text: str) -> str:
    """Full-width to half-width, every bracket style to (), no spaces, stars or colons."""
    text = unicodedata.normalize("NFKC", text or "").translate(_BRACKETS)
    return _NOISE.sub("", text)


def _bare(text: str) -> str:
    return _PARENTHESISED.sub("", text)


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # the name used in messages
    aliases: tuple[str, ...]
    required: bool = False


@dataclass(frozen=True)
class HeaderMatch:
    columns: dict[str, int]  # field key → column index
    headers: dict[str, str]  # field key → the header text as written in the file


class HeaderSpec:
    """A set of fields with their aliases; finds the header row and maps its columns."""

    def __init__(self, fields: list[Field], *, minimum_matches: int = 2):
        self.fields = fields
        self.minimum_matches = minimum_matches
        self._exact: dict[str, tuple[int, str]] = {}
        self._bare: dict[str, tuple[int, str]] = {}
        for field in fields:
            for rank, alias in enumerate(field.aliases):
                normal = normalise_header(alias)
                self._exact.setdefault(normal, (rank, field.key))
                self._bare.setdefault(_bare(normal), (rank, field.key))

    def field(self, key: str) -> Field:
        return next(field for field in self.fields if field.key == key)

    def _lookup(self, cell: str) -> tuple[int, str] | None:
        normal = normalise_header(cell)
        if not normal:
            return None
        unbracketed = normal.replace("(", "").replace(")", "")
        return self._exact.get(normal) or self._bare.get(_bare(normal)) or self._exact.get(unbracketed)

    def match(self, row: list[str]) -> HeaderMatch:
        """Map the cells of one row to fields; for a field seen twice keep the best alias."""
        best: dict[str, tuple[int, int, str]] = {}
        for index, cell in enumerate(row):
            found = self._lookup(cell or "")
            if found is None:
                continue
            rank, key = found
            if key not in best or rank < best[key][0]:
                best[key] = (rank, index, (cell or "").strip())
        return HeaderMatch(
            columns={key: index for key, (_, index, _) in best.items()},
            headers={key: text for key, (_, _, text) in best.items()},
        )

    def find_header(self, rows: list[list[str]]) -> int | None:
        """Index of the row that names the most fields (at least `minimum_matches`)."""
        best_index, best_count = None, self.minimum_matches - 1
        for index, row in enumerate(rows):
            count = len(self.match(row).columns)
            if count > best_count:
                best_index, best_count = index, count
        return best_index

    def missing(self, match: HeaderMatch) -> list[Field]:
        return [field for field in self.fields if field.required and field.key not in match.columns]


ROSTER = HeaderSpec(
    [
        Field(
            "township",
            "乡镇",
            ("乡镇", "街道", "镇街", "乡镇（街道）", "乡镇街道", "所属乡镇", "属地", "乡镇(街道)名称", "乡镇名称"),
            required=True,
        ),
        Field("village", "村（社区）", ("村（社区）", "村", "社区", "村委会", "村（居）委会", "所属村", "村居")),
        Field("name", "户主姓名", ("户主姓名", "姓名", "户主")),
        Field(
            "id_number",
            "身份证号码",
            ("身份证号码", "身份证号", "公民身份号码", "证件号码", "户主身份证号", "户主身份证号码"),
            required=True,
        ),
        Field(
            "persons",
            "保障人数",
            ("保障人数", "保障人口", "保障人口数", "享受人数", "享受保障人数", "人数"),
            required=True,
        ),
        Field("household_size", "家庭人口", ("家庭人口", "家庭人口数")),
        Field("category", "保障类别", ("保障类别", "类别", "档次", "保障档次", "分类")),
        Field("standard", "保障标准", ("保障标准", "低保标准", "月保障标准")),
        Field(
            "amount",
            "发放金额",
            (
                "发放金额",
                "发放合计（元）",
                "实发金额",
                "月保障金额",
                "户月保障金额",
                "保障金额",
                "救助金额",
                "金额（元）",
            ),
        ),
        Field("base_amount", "保障金", ("保障金（元）", "保障金", "低保金")),
        Field("classified_amount", "分类施保金", ("分类施保金", "分类施保金（元）")),
        Field("paid_on", "发放日期", ("发放日期", "发放时间", "打卡日期", "到账日期"), required=True),
        Field("month", "月份", ("月份", "发放月份", "所属月份")),
    ]
)
