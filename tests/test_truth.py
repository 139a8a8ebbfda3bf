"""Claims the lessons once made wrongly (issue #10), held so they do not come back.

Each test reads the committed notebooks' Markdown (what a learner reads) or runs the library, and
fails if a wrong claim returns: a verdict credited to the wrong tool, a version-dependent sentence
that names no version, a lab row blamed on a second defect.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pkilesson.verify.defects import DEFECTS, differences, make_defect

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def prose(name: str) -> str:
    notebook = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")


def code(name: str) -> str:
    notebook = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")


def test_lesson_04_does_not_blame_the_v1_leaf_on_strict_openssl():
    """Item 1: strict OpenSSL refuses the source's CA; under a correct CA it accepts a v1 leaf, shown live."""
    text = prose("04-verification.ipynb")
    assert "stops at the leaf" not in text and "stops at depth 1" not in text
    assert "this verdict says nothing about the version 1 leaf" in text
    assert 'verdict_matrix(make_defect("v1-leaf"))' in code("04-verification.ipynb")
    assert "Only pyca/cryptography (*certificate must be an X509v3 certificate*) and pkilint refuse it" in text


def test_lesson_04_names_the_versions_of_version_dependent_claims():
    """Item 6: error 92's check arrived in OpenSSL 3.0; the 3.11/3.13 difference holds with OpenSSL 3.0+."""
    text = prose("04-verification.ipynb")
    assert "fail on 3.13, with OpenSSL 3.0 or newer" in text
    assert "OpenSSL 1.1.1's `-x509_strict` does not check them" in text
    assert "print(lesson.versions())" in code("04-verification.ipynb")


def test_lesson_04_labels_our_explanation_and_its_first_failure():
    """Item 2: the explanation's first failure is the check pyca refused on (the v1 leaf's version)."""
    text = prose("04-verification.ipynb")
    assert "first the check it refused on (the leaf's version)" in text
    assert "three fail, the CA's keyUsage" not in text


@pytest.mark.parametrize("name", ["00-overview.ipynb", "05-mutual-tls.ipynb"])
def test_the_mtls_diagram_is_said_to_be_a_real_handshake(name):
    """Item 5: the diagram's checks are a real Python ssl handshake, not pyca's verdict credited to a TLS side."""
    text = prose(name)
    assert "runs that handshake for real on 127.0.0.1" in text
    assert "(here checked for real on your files)" not in text


def test_same_subject_is_the_name_clash_alone():
    """Item 4: the same-subject defect keeps the control's key identifiers, so only the subject differs."""
    broken = make_defect("same-subject")
    assert differences(broken) == ("leaf: subject",)
    from cryptography import x509

    assert broken.leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
    assert DEFECTS["same-subject"].differs == ("leaf: subject",)


def test_client_without_san_gets_the_right_fix(tmp_path, capsys):
    """Item 7: a v3 client certificate without subjectAltName: the fix names the SAN, not the AKI."""
    from cryptography import x509

    from pkilesson import CLIENT, CertificateAuthority, create_csr, generate_key
    from pkilesson.verify._rebuild import rebuild
    from pkilesson.pki.certificates import certificate_to_pem
    from pkilesson.cli import main

    ca = CertificateAuthority.create("/CN=Lab CA", key_type="p256")
    client = ca.issue(create_csr(generate_key("p256"), "/CN=client", ["client.localhost"]), CLIENT)
    bare = rebuild(client, ca.key, drop=(x509.SubjectAlternativeName,))
    (tmp_path / "ca.pem").write_bytes(certificate_to_pem(ca.certificate))
    (tmp_path / "client.pem").write_bytes(certificate_to_pem(bare))
    code = main(["verify", "--ca", str(tmp_path / "ca.pem"), str(tmp_path / "client.pem"), "--client", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["first_failure"] == "client_san"
    assert "subjectAltName" in report["fix"] and "authorityKeyIdentifier" not in report["fix"]


def test_a_leaf_without_eku_is_warned_about():
    """Item 11: valid for pyca, but the Baseline Requirements want an EKU in a server certificate."""
    from pkilesson.verify.explain import explain

    broken = make_defect("missing-eku")
    report = explain(broken.leaf, list(broken.roots), host="localhost", now=broken.at)
    assert report.valid and any(w.startswith("no-eku:") and "Baseline Requirements" in w for w in report.warnings)


def test_verdicts_carry_no_object_dump():
    """Item 15: pyca's message without '(encountered processing <Certificate(...)>)'."""
    from pkilesson import verify_certificate

    broken = make_defect("expired")
    verdict = verify_certificate(broken.leaf, list(broken.roots), host="localhost", now=broken.at)
    assert verdict.reason == "validation failed: cert is not valid at validation time"
    assert verdict.processing == "CN=localhost,O=Lab,C=FR"


def test_the_predict_exercise_names_every_column_of_the_matrix():
    """04.predict's stated format lists the matrix's columns as they are, the new stacks included."""
    from pkilesson.lessons.exercises import FORMATS
    from pkilesson.verify.matrix import CHECKERS

    assert all(name in FORMATS["04.predict"] for name in CHECKERS)
