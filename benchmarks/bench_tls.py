"""Mutual-TLS handshakes on 127.0.0.1: median time of one handshake against a warm server.

    python benchmarks/bench_tls.py [--runs 200]

One LoopbackServer (Python ssl, CERT_REQUIRED, VERIFY_X509_STRICT) stays
up; each run is one client connection: TCP connect, the full TLS 1.3
handshake with client certificate, one message each way, close. Also
reports handshake() as a lesson calls it (a fresh server each time).
"""

from __future__ import annotations

import argparse
import statistics
import time

from pkilesson import Settings, make_artifacts
from pkilesson.tls.loopback import LoopbackServer, _connect, handshake, party_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    for key_type in ("p256", "rsa2048"):
        lab = make_artifacts(Settings(key_type=key_type))
        client = party_of(lab, "client")
        with LoopbackServer(party_of(lab, "server"), lifetime=600) as server:
            _connect(server.port, client, "localhost", strict=True, check_hostname=True)  # warm
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                assert _connect(server.port, client, "localhost", strict=True, check_hostname=True).ok
                times.append((time.perf_counter() - start) * 1000)
        fresh = []
        for _ in range(max(args.runs // 10, 5)):
            start = time.perf_counter()
            assert handshake(lab).ok
            fresh.append((time.perf_counter() - start) * 1000)
        print(f"{key_type:8s} warm server: median {statistics.median(times):6.2f} ms, p90 "
              f"{statistics.quantiles(times, n=10)[-1]:6.2f} ms over {args.runs}; "
              f"handshake() with a fresh server: median {statistics.median(fresh):6.2f} ms")


if __name__ == "__main__":
    main()
