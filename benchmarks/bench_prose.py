#!/usr/bin/env python3
"""How the lessons read for a novice (issue #19); a report, not a test (exit 0 always).

    python benchmarks/bench_prose.py [--skip-run] [--json FILE]

Per lesson of notebooks/, in order:

- the words of the main path (the Markdown less its <details> blocks) and the
  share of them in expert sentences (pkilesson.lessons.prose.EXPERT: RFC citations,
  version numbers, pull requests, OpenSSL internals, error numbers, bytes in
  hex);
- the glossary terms (pkilesson.lessons.glossary.TERMS) whose first use, reading the
  lessons in order, is neither their definition nor a link to
  docs/glossary.md;
- the size of the executed outputs: each notebook run by nbclient in a fresh
  kernel, alone in an empty folder, then the JSON of its outputs measured.

Goals: expert share <= 10% on every main path; no term used before it is
explained.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pkilesson.lessons.glossary import first_uses  # noqa: E402
from pkilesson.lessons.prose import prose_report  # noqa: E402

LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def output_bytes(path: Path) -> int:
    """The size of a notebook's outputs once executed alone in a fresh kernel, in an empty folder."""
    import nbformat
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="pkilesson-prose-") as temp:
        copy = Path(temp) / path.name
        shutil.copyfile(path, copy)
        notebook = nbformat.read(copy, as_version=4)
        NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": temp}},
                       allow_errors=False).execute()
        return len(json.dumps([cell.get("outputs", []) for cell in notebook.cells]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-run", action="store_true", help="do not execute the notebooks (no output sizes)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    late = {}
    for use in first_uses(LESSONS):
        if not use.explained:
            late.setdefault(use.notebook, []).append(use.term)
    rows = []
    print(f"{'lesson':32s} {'words':>6s} {'expert':>7s} {'terms before definition':>24s} {'outputs':>10s}")
    for path in LESSONS:
        report = prose_report(path)
        size = None if args.skip_run else output_bytes(path)
        terms = late.get(path.name, [])
        rows.append({"lesson": path.name, "words": report.words, "expert_words": report.expert_words,
                     "expert_share": round(report.expert_share, 3), "terms_before_definition": terms,
                     "output_bytes": size})
        shown = "-" if size is None else f"{size / 1000:.0f} kB"
        print(f"{path.name:32s} {report.words:6d} {report.expert_share:7.0%} {len(terms):24d} {shown:>10s}")
        if terms:
            print(f"    used before explained: {', '.join(terms)}")
    worst = max(r["expert_share"] for r in rows)
    unexplained = sum(len(r["terms_before_definition"]) for r in rows)
    print(f"\nGoals: expert share <= 10% (worst {worst:.0%}: {'met' if worst <= 0.10 else 'NOT met'}); "
          f"terms before definition 0 ({unexplained}: {'met' if unexplained == 0 else 'NOT met'})")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
