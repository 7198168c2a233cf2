"""Benchmarks run by ``make bench`` (``python -m benchmarks``).

Each module ``bench_*.py`` defines ``run()`` returning::

    {"title": str,
     "rows": [dict, ...],                      # the table printed
     "targets": [{"name": str, "measured": float, "unit": str, "target": float,
                  "ratio": float, "passed": bool}, ...]}

``ratio`` is how many times over the target is met: target / measured for a ceiling
(``"direction": "max"``, e.g. a time) and measured / target for a floor (``"direction":
"min"``, e.g. a speed-up), so a ratio of 1 or more always means PASS.
"""
