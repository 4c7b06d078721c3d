"""What leadership sees: an approved month stays on the dashboard while its replacement waits; the
sidebar's 「含待审核数据」 shows the replacement instead, marked 「待审核」, and approval makes it the figure."""

from __future__ import annotations

import datetime as dt

import pytest

from access.approval import approve
from tests.files import make_id, store_plain_roster
from tests.pages.apptest import metrics, open_app, table
from warehouse.month_states import Slot

RECIPIENTS = "app_pages/dashboard/recipients.py"
ON_TIME = "app_pages/dashboard/on_time.py"
JANUARY = Slot("370881", "rural", dt.date(2023, 1, 1))


def households(count: int, persons: str = "2") -> list[list[str]]:
    return [["鲁城街道", make_id(sequence=n), persons, "1490", "2023-01-10"] for n in range(1, count + 1)]


@pytest.fixture
def replaced(tmp_path, warehouse):
    """Qufu January 2023: three households approved; a replacement of five waits for approval."""
    for folder in ("approved", "waiting"):
        (tmp_path / folder).mkdir()
    store_plain_roster(warehouse, tmp_path / "approved", households(3), county="370881", month="2023-01")
    store_plain_roster(warehouse, tmp_path / "waiting", households(5), county="370881", month="2023-01", approved=False)
    return warehouse


def recipients(pending: bool):
    app = open_app(RECIPIENTS, county="370881", year="2023", pending="1" if pending else "")
    assert not app.exception
    return app


def test_leadership_sees_the_approved_version_until_the_replacement_is_approved(replaced):
    app = recipients(pending=False)
    assert app.toggle(key="pending").value is False
    assert metrics(app)["2023年1月保障户数"] == "3"
    assert not [warning for warning in app.warning if "待审核" in warning.value]
    assert "待审核" not in " ".join(table(app, "月份")["月份"])

    approve(replaced, "审核员", [JANUARY])
    assert metrics(recipients(pending=False))["2023年1月保障户数"] == "5"


def test_the_toggle_shows_the_waiting_version_marked_wherever_it_appears(replaced):
    app = recipients(pending=False)
    app.toggle(key="pending").set_value(True).run()
    assert not app.exception
    assert app.query_params["pending"] == "1"
    assert metrics(app)["2023年1月（待审核）保障户数"] == "5"
    assert "以下为待审核数据，尚未经审核：曲阜市 2023-01" in app.warning[0].value
    assert table(app, "月份")["月份"].tolist() == ["2023年1月（待审核）"]
    townships = table(app, "乡镇（街道）")
    assert townships["保障户数"].tolist() == [5]  # the drill-down follows the toggle too

    on_time = open_app(ON_TIME, county="370881", year="2023", pending="1")
    assert not on_time.exception
    assert "曲阜市 2023-01" in on_time.warning[0].value
    assert metrics(on_time)["保障户数"] == "5"
