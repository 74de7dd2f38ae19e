"""LifoBuffer: a bounded lock-free last-in-first-out buffer of record ids.

The compiled Treiber stack of ``cpp/include/outpace/lifo.hpp``, used directly:

- ``LifoBuffer(capacity)``: room for ``capacity`` ids (unsigned 64-bit integers).
- ``push(record_id) -> bool``: False when full (the buffer never overwrites).
- ``pop() -> int | None``: the most recent id, None when empty.
- ``push_many(ids) -> int``: a 1-D uint64 or int64 array (non-negative), pushed in order
  so that the last ends on top; stops when full and returns how many were pushed.
- ``pop_many(max_count) -> numpy.ndarray[uint64]``: most recent first.
- ``drain() -> numpy.ndarray[uint64]``: everything, most recent first, in one step.
- ``len(buffer)``: the count; approximate while other threads push or pop.

Every method is safe from any number of threads at once. Batch calls release the GIL,
so threads really do run them in parallel.
"""

from __future__ import annotations

from outpace._core import LifoBuffer

__all__ = ["LifoBuffer"]
