"""Shipped data: the five seed places, their standards and evaluations, and synthetic rosters."""
