"""The reference campaign with Progressive pacing, written with SimPy: the baseline for
the simulator's speed (bench/bench_sim.py). Same model as outpace's simulator: agents,
dials with their outcomes and times, talk, wrap-up, tau, decisions every second."""

from __future__ import annotations

import math
import random

import simpy


def run(agents: int = 100, hours: float = 8.0, seed: int = 1) -> dict[str, float]:
    env = simpy.Environment()
    rng = random.Random(seed)
    mu_a, s_a = _lognormal(12.0, 6.0)
    mu_t, s_t = _lognormal(150.0, 120.0)
    mu_w, s_w = _lognormal(30.0, 15.0)
    state = {"ready": agents, "dialing": 0, "events": 0, "connects": 0, "work": 0.0, "abandoned": 0}
    idle = simpy.Store(env)  # ready agents, longest idle first
    for a in range(agents):
        idle.put(a)

    def agent_work(agent: int) -> simpy.events.ProcessGenerator:
        talk = rng.lognormvariate(mu_t, s_t)
        wrap = rng.lognormvariate(mu_w, s_w)
        state["work"] += talk + wrap
        yield env.timeout(talk)
        state["events"] += 1
        yield env.timeout(wrap)
        state["events"] += 1
        state["ready"] += 1
        yield idle.put(agent)

    def call() -> simpy.events.ProcessGenerator:
        state["events"] += 1  # the dial
        r = rng.random()
        if r < 0.30:
            yield env.timeout(rng.lognormvariate(mu_a, s_a))
            state["dialing"] -= 1
            state["events"] += 1  # the outcome
            if idle.items:
                agent = yield idle.get()
                state["ready"] -= 1
                state["connects"] += 1
                state["events"] += 1  # the connect
                env.process(agent_work(agent))
            else:
                state["abandoned"] += 1
        else:
            yield env.timeout(rng.lognormvariate(mu_a, s_a) if r < 0.45 else 5.0 if r < 0.55 else 25.0)
            state["dialing"] -= 1
            state["events"] += 1

    def pacer() -> simpy.events.ProcessGenerator:
        while env.now < hours * 3600:
            calls = state["ready"] - state["dialing"]  # progressive, one line per agent
            for _ in range(max(calls, 0)):
                state["dialing"] += 1
                env.process(call())
            yield env.timeout(1.0)

    env.process(pacer())
    env.run(until=hours * 3600)
    return {k: float(v) for k, v in state.items()}


def _lognormal(mean: float, sd: float) -> tuple[float, float]:
    s2 = math.log1p((sd / mean) ** 2)
    return math.log(mean) - s2 / 2, math.sqrt(s2)
