"""Explaining one verification in-process: median time (goal: under 10 ms).

    python benchmarks/bench_explain.py [--runs 200]

Times pkilesson.explain() on the default workflow's server certificate
(valid), on the client certificate checked as a server's (invalid: EKU),
and, for scale, pyca/cryptography's bare verdict (verify_certificate).
"""

from __future__ import annotations

import argparse
import statistics
import time

from pkilesson import Settings, make_artifacts, verify_certificate
from pkilesson.verify.explain import explain


def median_ms(function, runs: int) -> float:
    function()  # warm: imports, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    lab = make_artifacts(Settings())
    roots = [lab.ca.certificate]
    cases = {
        "explain, valid server certificate": lambda: explain(lab.server_certificate, roots, host="localhost"),
        "explain, client certificate as a server's": lambda: explain(lab.client_certificate, roots, host="localhost"),
        "pyca verdict only (verify_certificate)": lambda: verify_certificate(lab.server_certificate, roots, host="localhost"),
    }
    for name, function in cases.items():
        print(f"{name:45s} median {median_ms(function, args.runs):6.2f} ms over {args.runs} runs")
    print("goal: explaining one verification, median under 10 ms")


if __name__ == "__main__":
    main()
