"""Tables of shared/validation/pacing.md, parsed for the tests."""

from __future__ import annotations

from pathlib import Path


def capacity_table(validation_dir: Path) -> list[tuple[int, float, float]]:
    """pacing.md's static capacity at 3% abandon: (agents, answer load in Erlangs, busy factor)."""
    text = (validation_dir / "pacing.md").read_text()
    section = text.split("## Static capacity at 3% abandon")[1].split("##")[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].isdigit():
            rows.append((int(cells[0]), float(cells[1]), float(cells[2])))
    assert len(rows) == 5
    return rows
