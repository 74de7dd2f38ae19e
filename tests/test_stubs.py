"""The hand-written stubs of outpace._core name exactly what the module has."""

from __future__ import annotations

import ast
from pathlib import Path

import outpace
from outpace import _core


def test_stub_names_match_module() -> None:
    stub = Path(outpace.__file__).with_name("_core.pyi")
    tree = ast.parse(stub.read_text())
    names = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    names |= {n.target.id for n in tree.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}
    public = {n for n in dir(_core) if not n.startswith("_")}
    assert names == public
