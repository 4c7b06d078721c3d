"""Frames shaped for the pages, built from the read API (no SQL)."""
