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
    assert "from pkilesson.tls.wire import observe" in code and "print(seen)" in code


# -- issue #10, item 6: version-dependent sentences name their versions, and the running ones are shown -----

MINE = ("01-certificate-authority.ipynb", "02-server-certificate.ipynb", "03-client-certificate.ipynb",
        "06-going-further.ipynb")
#: Helpers whose output names the running versions (Python, its ssl's OpenSSL, cryptography, the openssl command).
_SHOWS_VERSIONS = ("lesson.versions()", "default_context_verdicts(", "partial_chain_verdicts(", "print(seen)")


@pytest.mark.parametrize("name", MINE)
def test_each_lesson_shows_the_running_versions(name):
    code = _text(name, "code")
    assert any(helper in code for helper in _SHOWS_VERSIONS)


@pytest.mark.parametrize("name", MINE)
def test_no_sentence_pins_a_version_on_this_machine(name):
    """'as on this machine' or 'like the 3.0 that ran above' is true on one machine only."""
    text = _text(name)
    for phrase in ("as on this machine", "like the 3.0 that ran above", "made a **version 1** certificate here",
                   "on this machine's OpenSSL: version 1", "OpenSSL 3 picks one"):
        assert phrase not in text, phrase


def test_lesson_01_names_the_versions_of_the_strict_checks():
    text = _text("01-certificate-authority.ipynb")
    assert "it arrived in OpenSSL 3.0" in text  # the keyUsage check behind error 92
    assert "Python 3.13" in text and "Python 3.12" in text and "With OpenSSL 3.0 or later underneath" in text
    assert "OpenSSL 1.1.1" in text
    assert "Since OpenSSL 3.0, `openssl verify -x509_strict` enforces it" in text  # critical basicConstraints
    assert "Python 3.13's default context when its `ssl` runs on OpenSSL 3.0 or later" in text
    assert "default_context_verdicts(source_ca.certificate, probe)" in _text("01-certificate-authority.ipynb", "code")


def test_lessons_02_and_03_tie_the_version_1_leaf_to_openssl_before_3_2():
    for name in ("02-server-certificate.ipynb", "03-client-certificate.ipynb"):
        text = _text(name)
        assert "before 3.2" in text and "CHANGES for 3.2" in text


# -- issue #10, item 9: PARTIAL_CHAIN is the default context's, not Python 3.11's ----------------------


def test_lesson_06_does_not_tie_the_partial_chain_refusal_to_python_3_11():
    text = _text("06-going-further.ipynb")
    assert "as Python 3.11's `ssl` sets it up" not in text
    assert "build their own `ssl.SSLContext`" in text and "the same on Python 3.11 and 3.13" in text
    assert "since Python 3.13 it also sets `VERIFY_X509_PARTIAL_CHAIN`" in text
    assert "partial_chain_verdicts(h" in _text("06-going-further.ipynb", "code")


def test_lesson_06_does_not_state_an_iteration_count_as_every_version_s():
    text = _text("06-going-further.ipynb")
    assert "the count pyca/cryptography writes. OpenSSL writes the same by default" not in text
    assert "pyca/cryptography 50.0 and OpenSSL 3.0.22" in text
