"""Shipped data: the five seed places, their standards and evaluations, and synthetic rosters."""

from pathlib import Path

SEEDS = Path(__file__).resolve().parent / "seeds"
