"""Settings, read from the environment (prefix DIBAO_) or a local .env file."""

from __future__ import annotations

import functools
import getpass
from pathlib import Path

from pydantic import PositiveInt, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WAREHOUSE = PROJECT_ROOT / "data" / "warehouse.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DIBAO_", env_file=".env", extra="ignore")

    warehouse_url: str = f"sqlite:///{DEFAULT_WAREHOUSE}"
    """SQLAlchemy URL: embedded SQLite by default, postgresql+psycopg://… in production."""

    id_key: SecretStr | None = None
    """Key for hashing ID numbers (after a rotation, the keys oldest first, separated by commas).
    Unset: generated once and kept beside the SQLite file (warehouse.idkeys)."""

    new_id_key: SecretStr | None = None
    """The key `dibao keys rotate` adds when the keys come from DIBAO_ID_KEY."""

    user: str | None = None
    """Who is recorded in the upload log for command-line work; defaults to the OS user."""

    max_upload_mb: PositiveInt = 200
    """Largest file the 上传 page accepts, in MB; keep equal to maxUploadSize in .streamlit/config.toml."""

    max_file_mb: PositiveInt = 1024
    """Largest file any loader reads, command line included, in MB (a 5,000,000-row roster CSV is about 400 MB)."""

    max_rows: PositiveInt = 5_000_000
    """Most rows one file may hold, all sheets together."""

    max_unzipped_mb: PositiveInt = 1000
    """Most a workbook (XLSX) may unpack to, in MB: real sheets compress about 10:1, zip bombs 1000:1."""

    max_cells: PositiveInt = 30_000_000
    """Most cells (rows × columns of each sheet's used range, all sheets together) a workbook may hold."""

    min_cell: PositiveInt = 5
    """Household counts below this are hidden (「<5」) from viewers and readers outside a county's scope, with the
    fewest further counts that keep them from being worked out (warehouse/disclosure.py); 1 hides nothing."""


@functools.lru_cache
def get_settings() -> Settings:
    return Settings()


def current_user(settings: Settings) -> str:
    if settings.user:
        return settings.user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def sqlite_path(url: str) -> Path | None:
    """The file behind an embedded SQLite URL, or None for other backends and memory."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)
