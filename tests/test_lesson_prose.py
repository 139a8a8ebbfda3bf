"""The committed lessons' prose: claims found false stay out, version-dependent claims name their versions.

Each test reads the Markdown (and code) of a committed notebook, so a wrong
sentence cannot come back unnoticed. The facts themselves are checked live by
the library tests (test_selfissued.py, test_wire.py...).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"


def _cells(name: str, kind: str = "markdown") -> list[str]:
    notebook = json.loads((NOTEBOOKS / name).read_text())
    return ["".join(cell["source"]) for cell in notebook["cells"] if kind in ("any", cell["cell_type"])]


def _text(name: str, kind: str = "markdown") -> str:
    return re.sub(r"\s+", " ", "\n".join(_cells(name, kind)))


# -- issue #10, item 8: "ten years" -------------------------------------------------------------------


def test_lesson_01_says_3650_days_not_ten_years():
    text = _text("01-certificate-authority.ipynb")
    assert "ten years of validity" not in text and "it is ten years after" not in text
    assert "3650 days" in text and "2036-11-27" in text


# -- issue #10, item 3: error 18, the whole rule, shown live ------------------------------------------


def test_lesson_02_states_openssl_s_self_signed_rule_where_it_lives():
    text = _text("02-server-certificate.ipynb")
    assert "X509_check_issued" not in text  # the old, wrong attribution
    assert "x509v3_cache_extensions" in text and "X509_check_akid" in text
    assert "signature algorithm fits its own key" in text
    assert "OpenSSL 3.2" in text and "19271" in text


def test_lesson_02_shows_the_cases_live():
    code = _text("02-server-certificate.ipynb", "code")
    assert "same_subject_cases(" in code


# -- issue #10, item 10: the server key signs, it does not encrypt ------------------------------------


def test_lesson_02_corrects_the_source_where_the_server_key_is_made():
    cells = _cells("02-server-certificate.ipynb")
    key_section = next(c for c in cells if c.startswith("## 1 · The server's key"))
    flat = re.sub(r"\s+", " ", key_section)
    assert "chiffrer ses communications" in flat and "Not in TLS 1.3" in flat
    assert "only **signs**" in flat and "CertificateVerify" in flat and "ephemeral key exchange" in flat


def test_lesson_02_shows_the_key_exchange_and_the_signature_live():
    code = _text("02-server-certificate.ipynb", "code")
    assert "from pkilesson.wire import observe" in code and "print(seen)" in code
