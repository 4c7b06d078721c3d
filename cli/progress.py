"""How far `dibao ingest roster` has got, on stderr: nothing for a quick file, a line a second once it has run
two seconds, and with --progress every step's rows and seconds (the profile docs/benchmarks.md quotes)."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

import click

from loaders.progress import STEP_WORDS

QUIET_SECONDS = 2.0  # a file done sooner says nothing on the way


@dataclass
class _Step:
    started: float
    ended: float
    rows: int = 0


@dataclass
class ProgressLines:
    always: bool = False  # --progress: every step, from the start, and the profile at the end
    started: float = field(default_factory=time.perf_counter)
    steps: dict[str, _Step] = field(default_factory=dict)
    _said: float = 0.0

    def __call__(self, step: str, rows: int) -> None:
        now = time.perf_counter()
        if step not in self.steps:
            previous = max((seen.ended for seen in self.steps.values()), default=self.started)
            self.steps[step] = _Step(previous, now)
        self.steps[step].ended, self.steps[step].rows = now, rows
        if (self.always or now - self.started >= QUIET_SECONDS) and now - self._said >= 1.0:
            self._said = now
            click.echo(f"{STEP_WORDS[step][0]}：{rows:,} 行（{now - self.started:.1f} 秒）", err=True)

    def profile(self) -> None:
        """Each step's rows and seconds, and the whole run's."""
        if not self.always:
            return
        finished = time.perf_counter()
        for step, seen in self.steps.items():
            click.echo(
                f"  {step:<8} {STEP_WORDS[step][0]}：{seen.rows:,} 行，{seen.ended - seen.started:.2f} 秒",
                err=True,
            )
        click.echo(f"  total    合计：{finished - self.started:.2f} 秒", err=True)
        sys.stderr.flush()
