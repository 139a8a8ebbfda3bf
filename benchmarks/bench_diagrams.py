#!/usr/bin/env python3
"""How long drawing the workspace diagram takes; a report, not a test (exit 0 always).

    python benchmarks/bench_diagrams.py [--runs N] [--json FILE]

In one process, for each renderer found (bundled: graphviz-pure; system:
Graphviz's dot), it times ``workspace_diagram(DIR).svg(renderer)`` on the
eight files of a fresh ``run_workflow``: reading the files, checking every
link, writing the DOT source and rendering it to SVG. The first render is
reported apart (it imports the graphviz package and finds the renderer);
then the median of --runs renders, split into "build" (files -> DOT) and
"render" (DOT -> SVG), against the goal: median under 50 ms after the first.
The chain and mutual-TLS diagrams are timed the same way, for information.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

GOAL_MS = 50.0
NOW = dt.datetime(2026, 11, 26, 12, tzinfo=dt.timezone.utc)


def ms(seconds: float) -> float:
    return seconds * 1000.0


def first_render(folder: Path, renderer: str) -> float:
    from pkilesson.draw.diagrams import workspace_diagram

    start = time.perf_counter()
    workspace_diagram(folder, now=NOW).svg(renderer)
    return ms(time.perf_counter() - start)


def timed(build, renderer: str, runs: int) -> dict:
    totals, builds, renders = [], [], []
    for _ in range(runs):
        start = time.perf_counter()
        diagram = build()
        built = time.perf_counter()
        diagram.svg(renderer)
        done = time.perf_counter()
        totals.append(ms(done - start))
        builds.append(ms(built - start))
        renders.append(ms(done - built))
    return {
        "median_ms": statistics.median(totals),
        "min_ms": min(totals),
        "max_ms": max(totals),
        "build_median_ms": statistics.median(builds),
        "render_median_ms": statistics.median(renders),
        "dot_bytes": len(diagram.source),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="renders per measure (default 30)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    import pkilesson
    from pkilesson.draw.diagrams import chain_diagram, mtls_diagram, workspace_diagram
    from pkilesson.errors import RenderError
    from pkilesson.draw.render import find_renderer

    results: dict = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "runs": args.runs,
        "goal_ms": GOAL_MS,
        "renderers": {},
    }
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "lab"
        pkilesson.run_workflow(folder, now=NOW)
        artifacts = pkilesson.load_artifacts(folder)
        print(f"Workspace diagram of {folder} (8 files, RSA 2048), Python {results['python']}, {args.runs} runs")
        for name in ("bundled", "system"):
            try:
                found = find_renderer(name)
            except RenderError as exc:
                print(f"\n{name}: not available ({exc.problem})")
                continue
            figures = {"path": str(found.path), "first_ms": first_render(folder, name)}
            figures["workspace"] = timed(lambda: workspace_diagram(folder, now=NOW), name, args.runs)
            figures["workspace_in_memory"] = timed(lambda: workspace_diagram(artifacts, now=NOW), name, args.runs)
            figures["chain"] = timed(lambda: chain_diagram(artifacts, purpose="server", now=NOW), name, args.runs)
            figures["mtls"] = timed(lambda: mtls_diagram(artifacts, now=NOW), name, args.runs)
            results["renderers"][name] = figures
            ws = figures["workspace"]
            verdict = "meets" if ws["median_ms"] < GOAL_MS else "MISSES"
            print(f"\n{name}: {found.path}")
            print(f"  first render (imports, finding the renderer) {figures['first_ms']:8.1f} ms")
            for label, key in (("workspace, from the folder", "workspace"),
                               ("workspace, from Artifacts", "workspace_in_memory"),
                               ("chain (server)", "chain"), ("mutual TLS", "mtls")):
                f = figures[key]
                print(f"  {label:<27} median {f['median_ms']:6.1f} ms  (build {f['build_median_ms']:5.1f} + "
                      f"render {f['render_median_ms']:5.1f}; min {f['min_ms']:.1f}, max {f['max_ms']:.1f})")
            print(f"  goal: workspace median < {GOAL_MS:.0f} ms after the first render: {verdict} "
                  f"({ws['median_ms']:.1f} ms)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
