"""The reader benchmark runs and reports in the shape the benchmark runner expects."""

from __future__ import annotations

import importlib.util
from pathlib import Path

# benchmarks/ is a folder of scripts the runner discovers, not an installed package.
_spec = importlib.util.spec_from_file_location(
    "bench_reader", Path(__file__).resolve().parents[2] / "benchmarks" / "bench_reader.py"
)
bench_reader = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_reader)


def test_survey_bench_layout_has_sixty_columns():
    assert len(bench_reader.synthetic_codebook().columns) == 60


def test_survey_bench_reports_its_target():
    result = bench_reader.run(rows=300, repeats=2)
    (target,) = result["targets"]
    assert result["title"] and result["rows"][0]["runs"] == 2
    assert set(target) == {"name", "measured", "unit", "target", "ratio", "passed"}
    assert target["unit"] == "s" and target["target"] == 1.0
    assert target["ratio"] == target["target"] / target["measured"]  # >= 1 means met
