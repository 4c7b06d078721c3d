"""Which county, programme and month a roster is: from the caller, the file's month column or its title."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from loaders import values
from warehouse.errors import Problem
from warehouse.vocabulary import PROGRAMS


@dataclass(frozen=True)
class CountyInfo:
    code: str
    name: str
    short_names: tuple[str, ...]
    deadline_day: int | None


@dataclass
class MonthTexts:
    """A roster's month column over the whole file, gathered chunk by chunk: the months it names and
    where a text names none."""

    months: set[dt.date] = field(default_factory=set)
    unreadable: list[Problem] = field(default_factory=list)
    _parsed: dict[str, dt.date | None] = field(default_factory=dict)

    def add(self, name: str, rows: pl.DataFrame) -> None:
        for text in rows["month_text"].drop_nulls().unique().to_list():
            if text not in self._parsed:
                self._parsed[text] = values.parse_month(text)
        bad = [text for text, month in self._parsed.items() if month is None]
        self.months |= {month for month in self._parsed.values() if month is not None}
        if bad:
            unreadable = rows.filter(pl.col("month_text").is_in(bad)).select("sheet", "row", "month_text")
            for sheet, row, text in unreadable.iter_rows():
                self.unreadable.append(
                    Problem(name, sheet=sheet, row=row, column="月份", message=f"无法识别为月份：「{text}」")
                )


def resolve_slot(
    name: str,
    months: MonthTexts,
    titles: list[str],
    *,
    counties: dict[str, CountyInfo],
    county: str | None,
    month: str | None,
    program: str | None,
) -> tuple[list[Problem], tuple[CountyInfo, str, dt.date]]:
    problems: list[Problem] = []
    title = " ".join(titles)

    month_date = None
    if month:
        month_date = values.parse_month(month)
        if month_date is None:
            problems.append(Problem(name, message=f"月份「{month}」无法识别，应写作 YYYY-MM"))
    file_months = set(months.months)
    problems += months.unreadable
    if len(file_months) > 1:
        listed = "、".join(sorted(values.month_label(m) for m in file_months))
        problems.append(Problem(name, column="月份", message=f"一个名册只能是一个月，文件中有 {listed}"))
    title_month = values.parse_month(title)
    found_month = next(iter(file_months)) if len(file_months) == 1 else title_month
    if month_date and found_month and found_month != month_date:
        problems.append(
            Problem(
                name,
                message=f"指定的月份 {values.month_label(month_date)} "
                f"与文件中写明的 {values.month_label(found_month)} 不一致",
            )
        )
    month_date = month_date or found_month
    if month_date is None and not problems:
        problems.append(
            Problem(name, message="无法确定名册所属月份：请指定月份（--month YYYY-MM），或在文件中写明（月份列或标题）")
        )

    program_key = None
    if program:
        program_key = PROGRAMS.get(program.strip().lower())
        if program_key is None:
            problems.append(Problem(name, message=f"项目类别「{program}」无法识别，应为 rural（农村）或 urban（城市）"))
    else:
        mentioned = {key for word, key in PROGRAMS.items() if word in title}
        if len(mentioned) == 1:
            program_key = mentioned.pop()
        else:
            problems.append(
                Problem(name, message="无法确定项目类别（农村或城市）：请指定 --program rural|urban，或在标题中写明")
            )

    county_info = None
    if county:
        county_info = counties.get(county.strip())
        if county_info is None:
            problems.append(Problem(name, message=f"县区代码 {county} 不在县区名录中，请先导入县区"))
    else:
        named = [
            info
            for info in counties.values()
            if any(alias and alias in title for alias in (info.name, *info.short_names))
        ]
        if len(named) == 1:
            county_info = named[0]
        else:
            problems.append(Problem(name, message="无法确定县区：请指定 --county 代码，或在标题中写明县区名称"))
    return problems, (county_info, program_key, month_date)  # type: ignore[return-value]
