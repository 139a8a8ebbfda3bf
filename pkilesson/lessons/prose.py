"""How a lesson reads: the words of its main path, and how many of them are expert talk.

The *main path* is the Markdown a learner reads without opening anything:
every Markdown cell, less its ``<details>`` blocks (the folded "For the
curious" notes and the exercises' solutions). A sentence is *expert* when
it cites an RFC or a section, a version number, a pull request, OpenSSL's
source or internals, an error number, or reads bytes in hex: what a
novice does not need to follow the story. :func:`prose_report` measures a
notebook; issue #19 asks for at most 10% expert words on each main path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .glossary import markdown_cells

__all__ = ["EXPERT", "ProseReport", "main_path", "expert_sentences", "prose_report"]

#: What makes a sentence expert talk, by kind.
EXPERT = {
    "rfc": r"\bRFC ?\d+|§ ?\d",
    "version": r"\b(?:OpenSSL|Python|Chrome|Firefox|Go|cryptography|pyca/cryptography|LibreSSL|GnuTLS|NSS)"
               r" \d+(?:\.\d+)*\+?|\bversions? \d+\.\d+|\b\d+\.\d+\+|\b(?:before|after|since|until) \d+\.\d+\b"
               r"|\bCHANGES\b",
    "pull request": r"(?i:\bpull request\b|\bPR ?#?\d+|\bissue \d{4,})",
    "source code": r"\b\w+\.c\b|\bX509_\w+|\bx509v3_\w+|\bSSL_\w+|\bEVP_\w+|\bVERIFY_X509_\w+",
    "error number": r"(?i:\berror \d+\b|\berrors \d+\b)|\bSEC_ERROR_\w+|\bX509_V_ERR_\w+",
    "bytes": r"`?\b[0-9a-f]{2}(?: [0-9a-f]{2}){1,}\b`?|(?i:\boctets?\b|\bDigestInfo\b|\bmodulus\b|\bexponent\b)"
             r"|\b(?:BIT STRING|OCTET STRING|SEQUENCE|INTEGER|UTCTime|GeneralizedTime|TLV)\b|(?i:\b(?:tag|length) bytes?\b)",
    "internals": r"\bhostname_checks_common_name\b|\b_msg_callback\b|\bPARTIAL_CHAIN\b"
                 r"|(?i:\bOpenSSL's (?:source|code|internals)\b)",
}
_EXPERT = re.compile("|".join(f"(?:{p})" for p in EXPERT.values()))
_DETAILS = re.compile(r"<details\b.*?</details>", re.S | re.I)
_CODE_BLOCK = re.compile(r"```.*?```", re.S)
_SENTENCE = re.compile(r"(?<=[.!?:])\s+(?=[A-Z`*(\"«])|\n\s*\n|\n(?=\s*[-*] |\s*\d+\. |#)")
_WORD = re.compile(r"[\w'’/.#§-]+")


def main_path(text: str) -> str:
    """A Markdown cell's text without its ``<details>`` blocks and its fenced code blocks."""
    return _CODE_BLOCK.sub(" ", _DETAILS.sub(" ", text))


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def expert_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that are expert talk."""
    sentences = [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]
    return [s for s in sentences if _EXPERT.search(s)]


@dataclass(frozen=True)
class ProseReport:
    """One notebook's main path: its words, its expert words, and the expert sentences."""

    notebook: str
    words: int
    expert_words: int
    sentences: tuple[str, ...]

    @property
    def expert_share(self) -> float:
        return self.expert_words / self.words if self.words else 0.0

    def __str__(self) -> str:
        return (f"{self.notebook}: {self.words} words on the main path, {self.expert_words} in expert sentences "
                f"({self.expert_share:.0%})")


def prose_report(path: Path) -> ProseReport:
    """Measure the main path of the notebook at ``path``."""
    words = expert = 0
    found: list[str] = []
    for _, text in markdown_cells(path):
        body = main_path(text)
        words += _words(body)
        for sentence in expert_sentences(body):
            expert += _words(sentence)
            found.append(sentence)
    return ProseReport(Path(path).name, words, expert, tuple(found))
