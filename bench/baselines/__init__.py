"""Erlang C and Erlang A written the way a Python user would, to benchmark outpace against.

One module per baseline: ``pyworkforce_erlang`` (the library), ``scipy_erlang``
(vectorised log-space closed forms) and ``numba_erlang`` (jitted recursion and series).
Every function returns the same quantities, in the same order, as the outpace function
it stands in for.
"""
