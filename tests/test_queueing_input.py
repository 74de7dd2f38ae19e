"""Bad input to the queueing math raises ValueError naming the argument; arrays broadcast."""

from __future__ import annotations

import math

import numpy as np
import pytest

import outpace


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda: outpace.erlang_b(0, 1.0), "servers"),
        (lambda: outpace.erlang_b(-3, 1.0), "servers"),
        (lambda: outpace.erlang_b(2.5, 1.0), "servers"),
        (lambda: outpace.erlang_b(3, -1.0), "traffic"),
        (lambda: outpace.erlang_b(3, math.nan), "traffic"),
        (lambda: outpace.erlang_b(3, math.inf), "traffic"),
        (lambda: outpace.erlang_c(3, 1.0, service_time=0.0), "service_time"),
        (lambda: outpace.erlang_c(3, 1.0, answer_within=-1.0), "answer_within"),
        (lambda: outpace.erlang_a(3, -1.0, 1.0, 1.0), "arrival_rate"),
        (lambda: outpace.erlang_a(3, 1.0, math.nan, 1.0), "service_rate"),
        (lambda: outpace.erlang_a(3, 1.0, 1.0, -0.5), "patience_rate"),
        (lambda: outpace.erlang_d(3, 1.0, 1.0, -1.0), "tau"),
        (lambda: outpace.erlang_d(3, 1.0, 1.0, math.nan), "tau"),
        (lambda: outpace.erlang_d(2_000_000_000, 1.0, 1.0, 2.0), "servers"),
        (lambda: outpace.agents_for_abandon(1.0, 1.0, 2.0, 0.0), "target"),
        (lambda: outpace.agents_for_service_level(5.0, 1.0, 20.0), "target"),
        (lambda: outpace.max_arrival_rate(10, 1.0, 2.0, 2.0), "target"),
        (lambda: outpace.max_arrival_rate(0, 1.0, 2.0, 0.03), "servers"),
    ],
)
def test_scalar_bad_input_names_the_argument(call: object, needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        call()  # type: ignore[operator]


def test_array_bad_input_names_argument_and_index() -> None:
    with pytest.raises(ValueError, match=r"traffic\[2\]"):
        outpace.erlang_b([5, 5, 5], [1.0, 2.0, -3.0])
    with pytest.raises(ValueError, match=r"servers\[1\]"):
        outpace.erlang_c(np.array([5, 0, 7]), 2.0)
    with pytest.raises(ValueError, match=r"servers\[0, 1\]"):
        outpace.erlang_a(np.array([[5, 1.5]]), 1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match=r"tau\[1, 0\]"):
        outpace.erlang_d(np.ones((2, 2), dtype=int), 0.1, 1.0, np.array([[0.0], [np.nan]]))
    with pytest.raises(ValueError, match=r"patience_rate\[3\]"):
        outpace.erlang_a(4, 1.0, 1.0, np.array([1.0, 1.0, 1.0, -1.0]))


def test_mismatched_shapes_name_the_arguments() -> None:
    with pytest.raises(ValueError, match=r"servers \(3,\).*traffic \(4,\)"):
        outpace.erlang_b(np.arange(1, 4), np.ones(4))
    with pytest.raises(ValueError, match="arrival_rate"):
        outpace.erlang_a(np.arange(1, 4), np.ones(2), 1.0, 1.0)


def test_non_numeric_input_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="traffic"):
        outpace.erlang_b([1, 2], ["a", "b"])
    with pytest.raises(ValueError, match="servers"):
        outpace.erlang_b([[1, 2], [3]], 1.0)


def test_broadcasting_follows_numpy() -> None:
    n = np.arange(1, 6)[:, None]
    a = np.array([0.5, 1.0, 2.0])
    out = outpace.erlang_b(n, a)
    assert out.shape == (5, 3)
    for i in range(5):
        for j in range(3):
            assert out[i, j] == outpace.erlang_b(int(n[i, 0]), float(a[j]))
    q = outpace.erlang_d(10, np.linspace(0.01, 0.05, 4), 1 / 180, 2.0)
    assert q.p_abandon.shape == (4,) and np.all(np.diff(q.p_abandon) > 0)
    c = outpace.erlang_c(np.array(12), np.array(10.0))  # 0-d arrays give 0-d results
    assert np.shape(c.p_wait) == ()


def test_scalars_give_floats_and_whole_floats_are_servers() -> None:
    assert isinstance(outpace.erlang_b(10, 5.0), float)
    assert outpace.erlang_b(10.0, 5.0) == outpace.erlang_b(10, 5.0)
    assert outpace.erlang_b(np.int32(10), np.float32(5.0)) == outpace.erlang_b(10, 5.0)
    q = outpace.erlang_a(10, 5.0, 1.0, 1.0)
    assert all(isinstance(v, float) for v in (q.p_wait, q.p_abandon, q.mean_wait, q.occupancy))


def test_zero_traffic_and_unstable_queues_are_defined() -> None:
    assert outpace.erlang_b(5, 0.0) == 0.0
    c = outpace.erlang_c(5, 0.0)
    assert (c.p_wait, c.mean_wait, c.service_level) == (0.0, 0.0, 1.0)
    over = outpace.erlang_c(5, 7.0)
    assert over.p_wait == 1.0 and math.isinf(over.mean_wait) and over.occupancy == 1.0
    assert outpace.erlang_a(5, 0.0, 1.0, 1.0).p_wait == 0.0
    assert outpace.erlang_d(5, 0.0, 1.0, 2.0).p_abandon == 0.0


def test_array_calls_release_the_gil() -> None:
    """Two threads computing large arrays at once both finish with correct results."""
    import threading

    n = np.full(200_000, 50)
    a = np.linspace(10, 60, 200_000)
    want = outpace.erlang_c(n, a).p_wait
    results: list[np.ndarray] = []

    def work() -> None:
        results.append(outpace.erlang_c(n, a).p_wait)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2
    for r in results:
        np.testing.assert_array_equal(r, want)
