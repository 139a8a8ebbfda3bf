"""The break-it lab's whole verdict matrix for one defect, every checker present: goal under 5 s.

    python benchmarks/bench_stacks.py [--runs 5] [--defects none,no-san,...] [--json FILE]

For each defect (default: all of them), times verdict_matrix(make_defect(NAME)) --runs times and reports
the median and the worst, and the median of each column alone (the same code the matrix runs, timed
cell by cell). Before timing, it warms what is done once per machine or process: the Go program's build
(pkilesson.verify.golang.goverify, about 20 s the first time, then cached in ~/.cache/pkilesson) and pkilint's
validators. It says which checkers are missing here: the goal is for a machine that has them all.
A report, not a test: it exits 0 whether the goal is met or not.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pkilesson.verify import matrix as lab
from pkilesson.verify.defects import DEFECTS, make_defect

GOAL = 5.0  # seconds, the whole matrix of one defect (issue #13)


def _columns(broken) -> dict:
    """Each column's time alone, in seconds, on the files of one defect."""
    from pkilesson.verify.explain import explain

    times = {}
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "lab"
        lab.write_lab_files(broken, folder)
        work = Path(temp) / "work"
        work.mkdir()
        report = explain(broken.leaf, list(broken.roots), host=broken.host, client=broken.purpose == "client",
                         intermediates=list(broken.intermediates), now=broken.at)
        steps = {
            "openssl": lambda: lab._openssl(broken, folder, strict=False),
            "openssl-strict": lambda: lab._openssl(broken, folder, strict=True),
            "python-ssl": lambda: lab._python_ssl(broken, folder, strict=False),
            "python-ssl-strict": lambda: lab._python_ssl(broken, folder, strict=True),
            "pyca": lambda: lab._pyca(broken, report),
            "pkilint": lambda: lab._pkilint(broken),
            "gnutls": lambda: lab._gnutls(broken, folder),
            "gnutls-cli": lambda: lab._gnutls_cli(broken, folder),
            "nss": lambda: lab._nss(broken, folder, Path(tempfile.mkdtemp(dir=work))),
            "go": lambda: lab._go(broken, folder),
            "chromium": lambda: lab._chromium(broken),
        }
        for name, step in steps.items():
            start = time.perf_counter()
            step()
            times[name] = time.perf_counter() - start
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--defects", default=",".join(DEFECTS))
    parser.add_argument("--json", type=Path, help="write the figures as JSON too")
    args = parser.parse_args()
    names = [n for n in args.defects.split(",") if n]

    start = time.perf_counter()
    warm = lab.verdict_matrix(make_defect("none"))  # builds the Go program if needed, loads pkilint
    print(f"warm-up (Go build if not cached, pkilint's first load): {time.perf_counter() - start:.1f} s")
    missing = [c.checker for c in warm.cells if c.accepted is None]
    for cell in warm.cells:
        print(f"  {cell.checker:18s} {cell.version}")
    if missing:
        print(f"NOT every checker is here (missing: {', '.join(missing)}): the goal is for a machine with all of "
              "them; the figures below leave those out.")

    results = {}
    column_times: dict = {}
    for name in names:
        times = []
        for _ in range(args.runs):
            broken = make_defect(name)
            start = time.perf_counter()
            lab.verdict_matrix(broken)
            times.append(time.perf_counter() - start)
        for column, seconds in _columns(make_defect(name)).items():
            column_times.setdefault(column, []).append(seconds)
        results[name] = {"median_s": statistics.median(times), "max_s": max(times), "runs": args.runs}
        verdict = "ok" if max(times) < GOAL else "OVER THE GOAL"
        print(f"{name:22s} median {statistics.median(times):5.2f} s, worst {max(times):5.2f} s over {args.runs} "
              f"({verdict}: < {GOAL:.0f} s)")
    print("each column alone, median over the defects:")
    for column, seconds in column_times.items():
        print(f"  {column:18s} {statistics.median(seconds) * 1000:7.1f} ms")
    worst = max(r["max_s"] for r in results.values())
    print(f"worst matrix: {worst:.2f} s; goal < {GOAL:.0f} s with every checker present: "
          f"{'met' if worst < GOAL and not missing else 'NOT met' if worst >= GOAL else 'not measurable here'}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"defects": results, "columns_median_ms": {
            c: statistics.median(s) * 1000 for c, s in column_times.items()}, "missing": missing,
            "python": sys.version.split()[0]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
