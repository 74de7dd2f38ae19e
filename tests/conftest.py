from __future__ import annotations

from pathlib import Path

import pytest

# shared/ sits beside the repository (../shared from its root), laid there for sessions and CI.
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def validation_dir() -> Path:
    path = SHARED / "validation"
    if not path.is_dir():
        pytest.skip(f"reference values not found at {path}")
    return path

