"""The privacy check of a built book: four pages of prose with a 2 MB base64 image each,
scanned for e-mail addresses and phone numbers in <= 2 s.

The pages are generated at run time in a temporary folder; the prose holds the kinds of
numbers a page shows (amounts, years, counts, percentages, hex digests), none of them
personal, so the scan must find nothing.
"""

from __future__ import annotations

import base64
import random
import statistics
import tempfile
from pathlib import Path

from welfare_paradoxes.engine.privacy import scan

from .bench_kernels import summary, target, timed

TARGET_SECONDS = 2.0
PAGES = 4
PROSE = "<p>Sygedagpenge 20.350 kr i 2025; 26 af 39 (66,7 %); sha 2d5252553b419aae.</p>\n"


def write_pages(folder: Path) -> int:
    """Write the pages; return their total size in bytes."""
    image = base64.b64encode(random.Random(1).randbytes(1_500_000)).decode()
    for number in range(PAGES):
        page = f"<html>{PROSE * 5000}<img src='data:image/png;base64,{image}'></html>"
        (folder / f"page{number}.html").write_text(page, encoding="utf-8")
    return sum(path.stat().st_size for path in folder.iterdir())


def run(repeats: int = 5) -> dict:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        size = write_pages(folder)
        findings, count = scan([folder])
        times = timed(lambda: scan([folder]), repeats)
    if findings or count != PAGES:
        raise RuntimeError(f"the scan found {findings} in {count} pages; expected none in {PAGES}")
    name = f"privacy check of {PAGES} built pages with base64 images"
    return {
        "title": "privacy check of a built book",
        "note": f"{PAGES} pages, {size / 1e6:.1f} MB in all.",
        "rows": [summary(name, times, "s", 1)],
        "targets": [target(name, statistics.median(times), "s", TARGET_SECONDS, "max")],
    }
