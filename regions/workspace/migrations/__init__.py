"""Alembic migrations of the workspace database, shipped in the package (run by ``db.upgrade``)."""
