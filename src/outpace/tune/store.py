"""Sweep results on disk: one row per run, keyed by the run key, written as runs finish.

Each finished run is appended at once to a journal beside the results file
(``results.parquet.partial.jsonl``: one JSON object a line, flushed per run), so a crash
of the sweep loses no finished run. When the sweep ends, the journal is merged into the
results file (Parquet or CSV, by its suffix; written to a temporary file and renamed,
so the file is never half-written) and removed. Opening a store reads both, so a sweep
started again skips every run that either holds. A run key is kept once: a run that
arrives twice (a worker redid it) is not counted again.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

__all__ = ["ResultStore"]

_FORMATS = (".parquet", ".csv")


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError("sweeps need pandas and pyarrow: pip install 'outpace[sweep]'") from exc
    return pd


def _encode(row: Mapping[str, Any]) -> str:
    # JSON keeps floats exactly (shortest repr); inf and nan are written as strings.
    def fix(v: Any) -> Any:
        return repr(v) if isinstance(v, float) and not math.isfinite(v) else v

    return json.dumps({k: fix(v) for k, v in row.items()}, separators=(",", ":"))


def _decode(line: str) -> dict[str, Any]:
    row: dict[str, Any] = json.loads(line)
    return {k: float(v) if v in ("inf", "-inf", "nan") else v for k, v in row.items()}


class ResultStore:
    """Rows of finished runs, in memory and (with a path) on disk.

    ``path`` is the results file (``.parquet`` or ``.csv``) or None to keep rows in memory.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._rows: dict[str, dict[str, Any]] = {}
        self._journal: IO[str] | None = None
        if self.path is None:
            return
        if self.path.suffix not in _FORMATS:
            raise ValueError(f"results file must end in .parquet or .csv (got {self.path.name})")
        if self.path.exists():
            for row in self._read_table(self.path):
                self._rows.setdefault(str(row["run_key"]), row)
        if self.journal_path.exists():
            self._read_journal()

    @property
    def journal_path(self) -> Path:
        assert self.path is not None
        return self.path.with_name(self.path.name + ".partial.jsonl")

    def _read_table(self, path: Path) -> list[dict[str, Any]]:
        pd = _pandas()
        try:
            if path.suffix == ".parquet":
                frame = pd.read_parquet(path)
            else:
                # Before pandas 3 the default float parser may miss the written value by
                # the last bit; pandas 3 reads floats exactly and deprecates the option.
                exact = {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}
                frame = pd.read_csv(path, **exact)
        except (OSError, ValueError) as exc:  # pyarrow's and pandas' parse errors are ValueErrors
            raise ValueError(f"cannot read results file {path}: {exc}") from None
        if "run_key" not in frame.columns:
            raise ValueError(f"{path} is not a sweep results file (no run_key column)")
        rows: list[dict[str, Any]] = frame.to_dict(orient="records")
        return rows

    def _read_journal(self) -> None:
        lines = self.journal_path.read_text().splitlines()
        for i, line in enumerate(lines):
            try:
                row = _decode(line)
            except json.JSONDecodeError:
                if i == len(lines) - 1:  # the last line of a crashed sweep may be cut short
                    break
                raise ValueError(f"{self.journal_path}: line {i + 1} is not a result row") from None
            self._rows.setdefault(str(row["run_key"]), row)
        # Rewrite it whole, so a cut-off last line does not glue onto the next row.
        with self.journal_path.open("w") as f:
            f.writelines(_encode(r) + "\n" for r in self._rows.values())

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def keys(self) -> set[str]:
        return set(self._rows)

    def add(self, row: Mapping[str, Any]) -> bool:
        """Keep a finished run's row (on disk at once); False if its run key is already kept."""
        key = str(row["run_key"])
        if key in self._rows:
            return False
        self._rows[key] = dict(row)
        if self.path is not None:
            if self._journal is None:
                self._journal = self.journal_path.open("a")
            self._journal.write(_encode(row) + "\n")
            self._journal.flush()
        return True

    def rows(self, keys: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Rows in the order of ``keys`` (those kept), or all rows in the order kept."""
        if keys is None:
            return list(self._rows.values())
        return [self._rows[k] for k in keys if k in self._rows]

    def close(self, order: Iterable[str] = ()) -> None:
        """Merge the journal into the results file and remove it. Rows whose keys are in
        ``order`` come first in that order (so the file does not depend on which run
        finished first), then the others in the order kept."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        if self.path is None:
            return
        if self._rows and (self.journal_path.exists() or not self.path.exists()):
            pd = _pandas()
            first = {k: None for k in order if k in self._rows}  # ordered, once each
            rest = [k for k in self._rows if k not in first]
            frame = pd.DataFrame(self.rows([*first, *rest]))
            tmp = self.path.with_name(self.path.name + ".tmp")
            if self.path.suffix == ".parquet":
                frame.to_parquet(tmp, index=False)
            else:
                frame.to_csv(tmp, index=False)
            os.replace(tmp, self.path)
        self.journal_path.unlink(missing_ok=True)
