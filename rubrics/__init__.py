"""Rubrics (指标体系) as data files and the engine that scores them — see issue 4."""
