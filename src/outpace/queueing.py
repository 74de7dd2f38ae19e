"""Erlang-style queueing math on scalars or NumPy arrays.

Every function takes scalars or array-likes, broadcasts them against each other as NumPy
does, and returns scalars for scalar input and arrays of the broadcast shape otherwise.
Array work runs in C++ with the GIL released.

Units: rates are per the same time unit (per second for pacing); ``traffic`` is offered
load in Erlangs (arrival rate / service rate); ``tau`` and ``answer_within`` are in that
time unit (``answer_within`` in units of ``service_time``).
"""

from __future__ import annotations

from typing import Any, Generic, NamedTuple, TypeVar, Union, cast

import numpy as np
import numpy.typing as npt

from outpace import _core

__all__ = [
    "ErlangC",
    "QueueMetrics",
    "agents_for_abandon",
    "agents_for_service_level",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "erlang_d",
    "max_arrival_rate",
]

FloatArray = npt.NDArray[np.float64]
T = TypeVar("T", float, FloatArray)
ArrayLike = Union[float, int, npt.ArrayLike]

_SCALAR_TYPES = (int, float, np.integer, np.floating)
# Plain numbers (and NumPy's scalar types) go straight to the core, which validates them.
_INTS = frozenset((int, np.int64, np.int32, np.intp))
_PLAIN = frozenset((int, float, np.float64, np.float32, np.int64, np.int32, np.intp))


class QueueMetrics(NamedTuple, Generic[T]):
    """Steady-state measures of a queue with abandonment (Erlang A, M/M/n+D).

    Attributes:
        p_wait: probability that an arriving call is not served at once.
        p_abandon: probability that it leaves unserved (abandons, or is dropped after tau).
        mean_wait: mean time in queue of an arriving call, in the rates' time unit.
        occupancy: fraction of agent time spent serving (the busy factor).
    """

    p_wait: T
    p_abandon: T
    mean_wait: T
    occupancy: T


class ErlangC(NamedTuple, Generic[T]):
    """Erlang C (M/M/n, infinite patience) measures.

    Attributes:
        p_wait: probability of waiting at all (1 when traffic >= servers: unstable).
        mean_wait: mean wait in units of ``service_time`` (infinite when unstable).
        service_level: probability of waiting at most ``answer_within``.
        occupancy: traffic / servers, capped at 1.
    """

    p_wait: T
    mean_wait: T
    service_level: T
    occupancy: T


def _is_scalar(*values: Any) -> bool:
    return all(isinstance(v, _SCALAR_TYPES) and not isinstance(v, bool) for v in values)


def _f(value: Any) -> float:
    return float(value)


def _servers_scalar(servers: Any) -> int:
    if isinstance(servers, (float, np.floating)):
        if not float(servers).is_integer():
            raise ValueError(f"servers must be a whole number (got {servers!r})")
    value = int(servers)
    if value < 1 or value > _core.MAX_SERVERS:
        raise ValueError(f"servers must be a whole number from 1 to {_core.MAX_SERVERS} (got {servers!r})")
    return value


def _broadcast(names: tuple[str, ...], values: tuple[Any, ...]) -> tuple[tuple[int, ...], list[np.ndarray[Any, Any]]]:
    """Broadcast the arguments; servers (first) become int64, the rest float64, all flat."""
    arrays: list[np.ndarray[Any, Any]] = []
    for name, value in zip(names, values):
        try:
            arr = np.asarray(value)
        except Exception as exc:  # ragged nested lists and the like
            raise ValueError(f"{name} must be a number or an array of numbers: {exc}") from None
        if arr.dtype.kind not in "biuf":
            raise ValueError(f"{name} must be numeric (got dtype {arr.dtype})")
        arrays.append(arr)
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        described = ", ".join(f"{n} {a.shape}" for n, a in zip(names, arrays))
        raise ValueError(f"argument shapes do not broadcast together: {described}") from None
    servers = arrays[0]
    if servers.dtype.kind == "f":
        bad = ~np.isfinite(servers) | (servers != np.floor(servers))
        if bad.any():
            index = tuple(int(i) for i in np.unravel_index(int(np.argmax(bad)), servers.shape))
            where = f"[{', '.join(map(str, index))}]" if index else ""
            raise ValueError(f"{names[0]}{where} must be a whole number (got {float(servers[index])})")
    flat: list[np.ndarray[Any, Any]] = [np.ascontiguousarray(np.broadcast_to(servers, shape), dtype=np.int64).ravel()]
    flat += [np.ascontiguousarray(np.broadcast_to(a, shape), dtype=np.float64).ravel() for a in arrays[1:]]
    return shape, flat


def _reindex(exc: ValueError, shape: tuple[int, ...]) -> ValueError:
    """Turn a flat index in a core message ("traffic[7] ...") into the broadcast index."""
    message = str(exc)
    head, sep, rest = message.partition("[")
    if sep and len(shape) != 1:
        number, close, tail = rest.partition("]")
        if close and number.isdigit():
            index = np.unravel_index(int(number), shape) if shape else ()
            message = f"{head}[{', '.join(str(int(i)) for i in index)}]{tail}"
    return ValueError(message)


def _call_array(fn: Any, names: tuple[str, ...], values: tuple[Any, ...]) -> tuple[tuple[int, ...], Any]:
    shape, flat = _broadcast(names, values)
    try:
        return shape, fn(*flat)
    except ValueError as exc:
        raise _reindex(exc, shape) from None


def erlang_b(servers: ArrayLike, traffic: ArrayLike) -> Any:
    """Erlang B: blocking probability of an M/M/n/n loss system.

    Args:
        servers: number of servers (agents, lines), a whole number >= 1.
        traffic: offered load in Erlangs (arrival rate x mean holding time), >= 0.

    Returns:
        The probability that an arriving call finds every server busy; a float for
        scalar input, an array of the broadcast shape otherwise.
    """
    if type(servers) in _INTS and type(traffic) in _PLAIN:
        try:
            return _core.erlang_b(cast(int, servers), cast(float, traffic))
        except TypeError:  # an int beyond 64 bits: the checks below name it
            pass
    if _is_scalar(servers, traffic):
        return _core.erlang_b(_servers_scalar(servers), _f(traffic))
    shape, out = _call_array(_core.erlang_b_array, ("servers", "traffic"), (servers, traffic))
    return out.reshape(shape)


def erlang_c(
    servers: ArrayLike,
    traffic: ArrayLike,
    *,
    service_time: ArrayLike = 1.0,
    answer_within: ArrayLike = 0.0,
) -> ErlangC[Any]:
    """Erlang C: an M/M/n queue whose callers wait as long as it takes.

    Args:
        servers: number of agents, >= 1.
        traffic: offered load in Erlangs, >= 0. At or above ``servers`` the queue is
            unstable: p_wait 1, mean_wait infinite, service_level 0.
        service_time: mean handling time; ``mean_wait`` comes out in its unit (default 1,
            so mean_wait is in units of the mean handling time).
        answer_within: the service-level threshold, in the unit of ``service_time``.
    """
    if type(servers) in _INTS and type(traffic) in _PLAIN and type(service_time) in _PLAIN and type(answer_within) in _PLAIN:
        try:
            return ErlangC(*_core.erlang_c(cast(int, servers), cast(float, traffic), cast(float, service_time), cast(float, answer_within)))
        except TypeError:  # an int beyond 64 bits: the checks below name it
            pass
    if _is_scalar(servers, traffic, service_time, answer_within):
        values = _core.erlang_c(
            _servers_scalar(servers), _f(traffic), _f(service_time), _f(answer_within)
        )
        return ErlangC(*values)
    shape, out = _call_array(
        _core.erlang_c_array,
        ("servers", "traffic", "service_time", "answer_within"),
        (servers, traffic, service_time, answer_within),
    )
    return ErlangC(*(out[f].reshape(shape) for f in ("p_wait", "mean_wait", "service_level", "occupancy")))


def _queue_metrics(out: Any, shape: tuple[int, ...]) -> QueueMetrics[Any]:
    return QueueMetrics(*(out[f].reshape(shape) for f in ("p_wait", "p_abandon", "mean_wait", "occupancy")))


def erlang_a(
    servers: ArrayLike, arrival_rate: ArrayLike, service_rate: ArrayLike, patience_rate: ArrayLike
) -> QueueMetrics[Any]:
    """Erlang A (M/M/n+M): callers abandon after an exponential patience.

    Evaluated in log space, so heavy traffic and 100,000 servers neither overflow nor
    lose accuracy.

    Args:
        servers: number of agents, >= 1.
        arrival_rate: calls per time unit, >= 0.
        service_rate: 1 / mean handling time, > 0.
        patience_rate: 1 / mean patience, >= 0 (0 means infinite patience: Erlang C).
    """
    if type(servers) in _INTS and type(arrival_rate) in _PLAIN and type(service_rate) in _PLAIN and type(patience_rate) in _PLAIN:
        try:
            return QueueMetrics(*_core.erlang_a(cast(int, servers), cast(float, arrival_rate), cast(float, service_rate), cast(float, patience_rate)))
        except TypeError:  # an int beyond 64 bits: the checks below name it
            pass
    if _is_scalar(servers, arrival_rate, service_rate, patience_rate):
        return QueueMetrics(
            *_core.erlang_a(
                _servers_scalar(servers), _f(arrival_rate), _f(service_rate), _f(patience_rate)
            )
        )
    shape, out = _call_array(
        _core.erlang_a_array,
        ("servers", "arrival_rate", "service_rate", "patience_rate"),
        (servers, arrival_rate, service_rate, patience_rate),
    )
    return _queue_metrics(out, shape)


def erlang_d(
    servers: ArrayLike, arrival_rate: ArrayLike, service_rate: ArrayLike, tau: ArrayLike
) -> QueueMetrics[Any]:
    """M/M/n+D: an answered call is abandoned when no agent takes it within ``tau``.

    This is the 2-second rule of US telemarketing law (FTC TSR, FCC TCPA) as a queue:
    Poisson live answers, exponential handling, deterministic patience tau. tau = 0 is
    Erlang B; tau = inf is Erlang C. ``mean_wait`` is the mean of min(wait, tau).

    Args:
        servers: number of agents, >= 1.
        arrival_rate: live answers per time unit (per second for tau in seconds), >= 0.
        service_rate: 1 / mean handling time (talk + wrap-up), > 0.
        tau: the abandon timer, >= 0 (inf allowed).
    """
    if type(servers) in _INTS and type(arrival_rate) in _PLAIN and type(service_rate) in _PLAIN and type(tau) in _PLAIN:
        try:
            return QueueMetrics(*_core.erlang_d(cast(int, servers), cast(float, arrival_rate), cast(float, service_rate), cast(float, tau)))
        except TypeError:  # an int beyond 64 bits: the checks below name it
            pass
    if _is_scalar(servers, arrival_rate, service_rate, tau):
        return QueueMetrics(
            *_core.erlang_d(_servers_scalar(servers), _f(arrival_rate), _f(service_rate), _f(tau))
        )
    shape, out = _call_array(
        _core.erlang_d_array,
        ("servers", "arrival_rate", "service_rate", "tau"),
        (servers, arrival_rate, service_rate, tau),
    )
    return _queue_metrics(out, shape)


def agents_for_service_level(
    traffic: float, target: float, answer_within: float, service_time: float = 1.0
) -> int:
    """Fewest agents for which Erlang C answers ``target`` of calls within ``answer_within``.

    Args:
        traffic: offered load in Erlangs.
        target: service-level goal, a probability in (0, 1) (0.8 for "80/20").
        answer_within: threshold time, in the unit of ``service_time``.
        service_time: mean handling time (default 1).
    """
    return int(_core.agents_for_service_level(_f(traffic), float(target), _f(answer_within), _f(service_time)))


def agents_for_abandon(arrival_rate: float, service_rate: float, tau: float, target: float) -> int:
    """Fewest agents for which M/M/n+D keeps the abandon probability at or under ``target``.

    Args:
        arrival_rate: live answers per time unit.
        service_rate: 1 / mean handling time.
        tau: abandon timer (2 s under US law, with rates per second).
        target: abandon probability goal in (0, 1) (0.03 for 3%).
    """
    return int(_core.agents_for_abandon(_f(arrival_rate), _f(service_rate), _f(tau), float(target)))


def max_arrival_rate(servers: int, service_rate: float, tau: float, target: float) -> float:
    """Largest arrival rate for which M/M/n+D keeps the abandon probability <= ``target``.

    The answer rate a dialer that ignores agent state could sustain: multiply by the
    mean handling time for the load in Erlangs.
    """
    return float(_core.max_arrival_rate(_servers_scalar(servers), _f(service_rate), _f(tau), float(target)))
