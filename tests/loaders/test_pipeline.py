"""The read-ahead and write-behind threads: order kept, errors raised where the caller is, nothing left running."""

from __future__ import annotations

import threading

import pytest

from loaders.pipeline import Behind, ahead


def test_ahead_keeps_the_order_and_stays_at_most_depth_ahead():
    produced = []

    def items():
        for number in range(20):
            produced.append(number)
            yield number

    seen = []
    for number in ahead(items(), depth=2):
        seen.append(number)
        assert len(produced) - len(seen) <= 3  # two waiting, one being made
    assert seen == list(range(20))


def test_an_error_while_producing_is_raised_to_the_caller_after_the_items_before_it():
    def items():
        yield 1
        raise ValueError("bad chunk")

    seen = []
    with pytest.raises(ValueError, match="bad chunk"):
        for number in ahead(items()):
            seen.append(number)
    assert seen == [1]


def test_a_caller_that_stops_early_stops_the_producer():
    before = threading.active_count()
    for number in ahead(iter(range(1_000_000))):
        if number == 3:
            break
    assert threading.active_count() == before


def test_behind_consumes_everything_in_order_before_close_returns():
    consumed = []
    behind = Behind(consumed.append, depth=1)
    for number in range(50):
        behind.put(number)
    behind.close()
    assert consumed == list(range(50))


def test_a_consumer_error_is_raised_by_the_next_put_or_close():
    def consume(number):
        if number == 2:
            raise OSError("disk full")

    behind = Behind(consume)
    with pytest.raises(OSError, match="disk full"):
        for number in range(100):
            behind.put(number)
        behind.close()
    with pytest.raises(OSError, match="disk full"):
        behind.close()
