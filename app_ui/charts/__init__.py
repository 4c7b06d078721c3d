"""Altair chart builders, one module per page area."""
