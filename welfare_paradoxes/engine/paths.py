"""Where the project's folders are, independent of the working directory.

Notebooks run from the repository root under the build, but a reader may open one in Jupyter
from notebooks/; resolving against the package location makes both work.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
BOOK_DIR = REPO_ROOT / "book"
PARAMS_DIR = REPO_ROOT / "params"
DEFAULT_BUILD_DIR = REPO_ROOT / "build"
LOCKS_DIR = REPO_ROOT / "locks"
#: The exact lock the environment of this interpreter is installed from (one per Python).
LOCK_FILE = LOCKS_DIR / f"python{sys.version_info[0]}.{sys.version_info[1]}.txt"
LIBRARY_DIRS = (REPO_ROOT / "welfare_paradoxes", REPO_ROOT / "kernels")


def resolve(path: str | Path) -> Path:
    """Return ``path`` as an absolute path, reading a relative one from the repository root."""
    path = Path(path)
    return path if path.is_absolute() else REPO_ROOT / path


def relative_to_repo(path: str | Path) -> str:
    """Return ``path`` relative to the repository root (POSIX form) when it lies inside it.

    A path outside the repository (a user's folder of raw exports) is shown by its folder and
    file name only, after "…/", so no machine path reaches a page; its sha256 identifies it.
    """
    path = Path(path).resolve()
    try:
        return path.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return f"…/{path.parent.name}/{path.name}"
