#!/usr/bin/env python3
"""How long the lessons take to run, and a widget to regenerate; a report, not a test (exit 0 always).

    python benchmarks/bench_lessons.py [--runs N] [--skip-notebooks] [--json FILE]

1. Every notebook of notebooks/, executed headlessly by nbclient, each in a
   fresh kernel (started and shut down inside the timing), twice: in order
   in one fresh folder, as a learner runs the series (later lessons load
   lab/), and each alone in an empty folder, as the tests run them (each
   makes what it needs). Goal: under 30 s in total.
2. A widget regeneration in a kernel: StepPanel(2).generate(), what the
   Generate button runs (a new key, the CSR, the certificate signed by the
   CA, the decoded view with its byte view, the workspace diagram as SVG),
   median of --runs for EC P-256 and RSA 2048; steps 1 (the CA: no CSR) and
   3 (the client) too. Goals: median under 150 ms (P-256), under 500 ms
   (RSA 2048).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
GOAL_TOTAL_S = 30.0
GOALS_MS = {"p256": 150.0, "rsa2048": 500.0}

# Runs in the kernel: times StepPanel.generate() and prints one JSON line.
_TIMING_CELL = """
import json, statistics, time
from pkilesson.lessons import lesson
from pkilesson.lessons.widgets import StepPanel
prepared = lesson.prepare(3, LAB)
results = {{}}
for step in (2, 1, 3):
    panel = StepPanel(step, ca=prepared.ca, earlier=prepared.items)
    for key_type in ("p256", "rsa2048"):
        panel.controls["key_type"].value = key_type
        panel.generate()  # a first one, not timed
        times = []
        for _ in range({runs}):
            start = time.perf_counter()
            panel.generate()
            times.append((time.perf_counter() - start) * 1000)
            assert panel.result.choices.key_type == key_type and "<svg" in panel.diagram_view.value
        times.sort()
        results[f"step{{step}}-{{key_type}}"] = {{
            "median_ms": statistics.median(times), "min_ms": times[0], "max_ms": times[-1],
            "p90_ms": times[int(0.9 * (len(times) - 1))]}}
print(json.dumps(results))
"""


def execute(path: Path, folder: Path) -> float:
    """Run one notebook in a fresh kernel in ``folder``; seconds from kernel start to shutdown."""
    import nbclient
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    try:
        nbclient.NotebookClient(
            notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
        ).execute()
    except nbclient.exceptions.CellExecutionError as exc:  # reported, and the other notebooks still run
        print(f"  {path.name} FAILED: {exc.ename}: {exc.evalue}")
    return time.perf_counter() - start


def notebooks(mode: str) -> dict:
    """``mode`` "series": one folder, in order; "alone": an empty folder each."""
    times = {}
    with tempfile.TemporaryDirectory() as temp:
        for path in NOTEBOOKS:
            folder = Path(temp) / (path.stem if mode == "alone" else "series")
            folder.mkdir(exist_ok=True)
            times[path.name] = execute(path, folder)
    return times


def regeneration(runs: int) -> dict:
    """Time StepPanel.generate() inside a real kernel (the way a button click runs it)."""
    import nbclient
    from nbformat.v4 import new_code_cell, new_notebook

    with tempfile.TemporaryDirectory() as temp:
        notebook = new_notebook(cells=[new_code_cell(f"LAB = {str(Path(temp) / 'lab')!r}"),
                                       new_code_cell(_TIMING_CELL.format(runs=runs))])
        nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": temp}}).execute()
        for output in notebook.cells[1].outputs:
            if output.output_type == "stream" and output.text.strip().startswith("{"):
                return json.loads(output.text)
            if output.output_type == "error":
                raise RuntimeError(f"{output.ename}: {output.evalue}")
    raise RuntimeError("the timing cell printed nothing")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="regenerations per measure (default 30)")
    parser.add_argument("--skip-notebooks", action="store_true", help="only time the widget regeneration")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    results: dict = {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
                     "goal_total_s": GOAL_TOTAL_S, "goals_ms": GOALS_MS, "runs": args.runs}
    print(f"Python {results['python']} on {results['machine']}, {results['cpus']} CPUs; "
          f"openssl CLI: {shutil.which('openssl') or 'not installed'}")
    if not args.skip_notebooks:
        for mode, title in (("series", "in order, one folder (as a learner)"),
                            ("alone", "each alone, an empty folder (as the tests)")):
            times = notebooks(mode)
            total = sum(times.values())
            results[f"notebooks_{mode}"] = {"per_notebook_s": times, "total_s": total}
            print(f"\n{len(times)} notebooks, fresh kernels, {title}:")
            for name, seconds in times.items():
                print(f"  {name:<34} {seconds:6.2f} s")
            verdict = "meets" if total < GOAL_TOTAL_S else "MISSES"
            print(f"  {'total':<34} {total:6.2f} s   goal < {GOAL_TOTAL_S:.0f} s: {verdict}")
    figures = regeneration(args.runs)
    results["regeneration"] = figures
    print(f"\nStepPanel.generate() in a kernel (key, CSR, certificate, decoded view, diagram), {args.runs} runs:")
    for key, f in figures.items():
        step, key_type = key.split("-")
        goal = GOALS_MS[key_type]
        verdict = "meets" if f["median_ms"] < goal else "MISSES"
        print(f"  {step} {key_type:<8} median {f['median_ms']:7.1f} ms  (min {f['min_ms']:.1f}, p90 {f['p90_ms']:.1f}, "
              f"max {f['max_ms']:.1f})  goal < {goal:.0f} ms: {verdict}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
