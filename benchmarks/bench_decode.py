"""Decoding one certificate with its ASN.1 tree and HTML view, in-process.

    python benchmarks/bench_decode.py               # 200 rounds
    python benchmarks/bench_decode.py --runs 500 --json benchmarks/results/decode.json

Goal: median under 20 ms for ``decode(pem)`` + ``_repr_html_()`` of the
workflow's RSA-2048 server certificate (the tree is built by ``decode``; the
HTML holds the fields, the opened signature and every node). The first
call, which imports the ASN.1 modules, is reported apart. A report, not a
test: it exits 0 whether the goal is met or not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

GOAL_MS = 20.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    from pkilesson import Settings, certificate_to_pem, decode, make_artifacts

    now = dt.datetime(2026, 11, 26, 12, tzinfo=dt.timezone.utc)
    lab = make_artifacts(Settings(), now=now)
    pem = certificate_to_pem(lab.server_certificate)

    def once(issuer=None) -> float:
        start = time.perf_counter()
        view = decode(pem, now=now, issuer=issuer)
        html = view._repr_html_()
        elapsed = time.perf_counter() - start
        assert len(html) > 1000 and view.asn1.root.children
        return elapsed * 1000

    first = once()
    plain = sorted(once() for _ in range(args.runs))
    checked = sorted(once(lab.ca.certificate) for _ in range(args.runs))
    figures = {
        "first_call_ms": round(first, 2),
        "median_ms": round(statistics.median(plain), 3),
        "p90_ms": round(plain[int(0.9 * len(plain))], 3),
        "median_with_issuer_check_ms": round(statistics.median(checked), 3),
        "runs": args.runs,
        "goal_ms": GOAL_MS,
        "python": sys.version.split()[0],
    }
    print(f"decode + HTML of one RSA-2048 certificate ({args.runs} runs)")
    print(f"  first call (imports the ASN.1 modules): {figures['first_call_ms']:.1f} ms")
    print(f"  median: {figures['median_ms']:.2f} ms  (p90 {figures['p90_ms']:.2f} ms)  goal < {GOAL_MS:g} ms: "
          f"{'met' if figures['median_ms'] < GOAL_MS else 'NOT met'}")
    print(f"  median with the signature checked against the CA (RSA walkthrough): "
          f"{figures['median_with_issuer_check_ms']:.2f} ms")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
