"""The stubs of outpace._core are the ones the bindings generate."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

import outpace

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(importlib.util.find_spec("pybind11_stubgen") is None, reason="pybind11-stubgen not installed")
def test_committed_stub_matches_the_bindings() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gen_stubs
    finally:
        sys.path.pop(0)
    committed = Path(outpace.__file__).with_name("_core.pyi").read_text()
    assert gen_stubs.generate() == committed, "run: python tools/gen_stubs.py"
