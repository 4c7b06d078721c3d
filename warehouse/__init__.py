"""The warehouse: schema, settings, engine, bulk writes and the read API."""
