"""Run every ``benchmarks/bench_*.py``, print its table, write build/bench.json and end with
one line per target. Exit status 0 even when a target is missed (this is a report); non-zero
only when a benchmark crashes."""

from __future__ import annotations

import importlib
import json
import platform
import sys
import textwrap
import time
import traceback
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
OUTPUT = PACKAGE_DIR.parent / "build" / "bench.json"


def discover() -> list[str]:
    return sorted(path.stem for path in PACKAGE_DIR.glob("bench_*.py"))


def format_table(rows: list[dict]) -> str:
    if not rows:
        return "(no rows)"
    columns = list(dict.fromkeys(key for row in rows for key in row))

    def cell(value):
        if isinstance(value, float):
            return f"{value:.4g}"
        return str(value)

    widths = {c: max(len(c), *(len(cell(row.get(c, ""))) for row in rows)) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns)]
    lines.append("  ".join("-" * widths[c] for c in columns))
    for row in rows:
        lines.append("  ".join(cell(row.get(c, "")).ljust(widths[c]) for c in columns))
    return "\n".join(lines)


def main() -> int:
    results = []
    crashed = []
    for name in discover():
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            result = module.run()
        except Exception:
            traceback.print_exc()
            crashed.append(name)
            continue
        result["module"] = name
        result["seconds"] = time.perf_counter() - started
        results.append(result)
        print(f"\n== {result['title']} ({name}, {result['seconds']:.1f} s)")
        if result.get("note"):
            print(textwrap.fill(result["note"], width=100))
        print(format_table(result["rows"]))
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "processor": platform.processor(),
        "results": results,
        "crashed": crashed,
    }
    OUTPUT.write_text(json.dumps(report, indent=2, default=float) + "\n")
    print(f"\nwrote {OUTPUT.relative_to(PACKAGE_DIR.parent)}")
    print("\ntargets:")
    for result in results:
        for target in result["targets"]:
            verdict = "PASS" if target["passed"] else "MISS"
            comparison = ">=" if target.get("direction") == "min" else "<="
            print(
                f"  {target['name']}: measured {target['measured']:.4g} {target['unit']}, "
                f"target {comparison} {target['target']:.4g}, ratio {target['ratio']:.3g}, "
                f"{verdict}"
            )
    for name in crashed:
        print(f"  {name}: CRASHED")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
