"""Reading the SVG Graphviz draws: groups by id, their text lines and colours (xml.etree only)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

SVG = "{http://www.w3.org/2000/svg}"
GREEN, RED, GREY = "#2e7d32", "#c62828", "#757575"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg", root.tag
    return root


def groups(root: ET.Element) -> dict[str, ET.Element]:
    """Every node, edge and cluster group, by the id the diagram gave it."""
    return {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("id")}


def classes(group: ET.Element) -> set[str]:
    return set((group.get("class") or "").split())


def lines(group: ET.Element) -> list[str]:
    """The group's text, one string per line: the <text> pieces of one baseline joined left to right."""
    rows: dict[float, list[tuple[float, str]]] = defaultdict(list)
    for text in group.iter(f"{SVG}text"):
        rows[round(float(text.get("y")), 1)].append((float(text.get("x")), text.text or ""))
    return [" ".join("".join(piece for _, piece in sorted(row)).split()) for _, row in sorted(rows.items())]


def text_colours(group: ET.Element) -> dict[str, str]:
    """{text piece: its fill colour} for the coloured pieces of a group (e.g. 'FAILED': red)."""
    return {(t.text or "").strip(): t.get("fill") for t in group.iter(f"{SVG}text") if t.get("fill")}


def stroke(group: ET.Element) -> str:
    """The colour of an edge's line (its <path>)."""
    path = group.find(f"{SVG}path")
    assert path is not None, ET.tostring(group)
    return path.get("stroke")


def all_text(root: ET.Element) -> str:
    return "\n".join(t.text or "" for t in root.iter(f"{SVG}text"))
