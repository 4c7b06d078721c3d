"""`python -m demo.write_rosters OUTDIR`: write the demo's synthetic rosters without loading them.

Its own module, not demo.rosters' `__main__`: the second writing process (spawned) imports
demo.rosters by name, which a module run as `__main__` cannot offer it.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from demo.rosters import FIRST_YEAR, LAST_YEAR, write_rosters


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the demo's synthetic monthly rosters.")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--year", type=int, action="append", help="only this year (repeatable)")
    parser.add_argument("--county", action="append", help="only this county code (repeatable)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    years = args.year or range(FIRST_YEAR, LAST_YEAR + 1)
    files = write_rosters(args.out_dir, years=years, counties=args.county)
    print(f"{len(files)} files in {args.out_dir} ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
