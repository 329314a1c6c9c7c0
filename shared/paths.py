"""Where the project's own files are: the repository root and what lies under it.

The project is installed editable (`make install`), so the SQL a DBA runs by hand and the
services' migrations are read from the checkout itself.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = ROOT / "sql"
SERVICES_DIR = ROOT / "services"


def migrations_dir(service: str) -> Path:
    return SERVICES_DIR / service / "migrations"
