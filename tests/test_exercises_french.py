"""The exercises read French answers (#15): a French learner writes « signature numérique », « émetteur et numéro de
série », « aucun », « les deux », « vrai », and the check counts them as the English names they stand for; every
English spelling still counts. With the language set to French, the feedback is French (once the catalogue holds
the exercises' messages); in English it is unchanged."""

from __future__ import annotations

import pytest

import pkilesson
from pkilesson._catalog import _translations
from pkilesson.lessons._answers import (
    EKU, EXTENSION, FIELD, KEY_USAGE, listed, read_boolean, read_letters, read_one, read_set, read_whole_number,
)
from pkilesson.lessons.exercises import check

#: (vocabulary, a French name a learner may write, the RFC name it stands for).
FRENCH_NAMES = [
    (KEY_USAGE, "signature numérique", "digitalSignature"),
    (KEY_USAGE, "Signature de certificat", "keyCertSign"),
    (KEY_USAGE, "signer des CRL", "cRLSign"),
    (KEY_USAGE, "chiffrement de clé", "keyEncipherment"),
    (KEY_USAGE, "accord de clé", "keyAgreement"),
    (KEY_USAGE, "non-répudiation", "nonRepudiation"),
    (EKU, "authentification du serveur", "serverAuth"),
    (EKU, "Authentification du client", "clientAuth"),
    (EKU, "client TLS", "clientAuth"),
    (EKU, "signature de code", "codeSigning"),
    (EKU, "horodatage", "timeStamping"),
    (EXTENSION, "contraintes de base", "basicConstraints"),
    (EXTENSION, "usage de la clé", "keyUsage"),
    (EXTENSION, "usage étendu de la clé", "extendedKeyUsage"),
    (EXTENSION, "nom alternatif du sujet", "subjectAltName"),
    (EXTENSION, "identifiant de la clé de l'autorité", "authorityKeyIdentifier"),
    (FIELD, "émetteur", "issuer"),
    (FIELD, "numéro de série", "serialNumber"),
    (FIELD, "sujet", "subject"),
    (FIELD, "clé publique", "subjectPublicKeyInfo"),
    (FIELD, "date d'expiration", "notAfter"),
]


@pytest.mark.parametrize("vocabulary, written, name", FRENCH_NAMES, ids=[w for _v, w, _n in FRENCH_NAMES])
def test_a_french_name_is_its_rfc_name(vocabulary, written, name):
    assert vocabulary.lookup(written).name == name
    assert vocabulary.lookup(written.upper()).name == name  # case does not matter, in French either


def test_no_french_name_stands_for_two_terms_of_different_kinds():
    """A French spelling never names a term in one vocabulary and another term in the next."""
    owner = {}
    for vocabulary in (KEY_USAGE, EKU, EXTENSION, FIELD):
        for spelling, term in vocabulary._by_spelling.items():
            assert owner.setdefault(spelling, term.name) == term.name, spelling


def test_every_english_spelling_still_counts():
    for written, name in (("Certificate Sign", "keyCertSign"), ("key_cert_sign", "keyCertSign"),
                          ("TLS Web Client Authentication", "clientAuth"), ("SAN", "subjectAltName"),
                          ("Serial number", "serialNumber"), ("Signed by", "issuer"), ("CRL Sign", "cRLSign")):
        assert (KEY_USAGE.lookup(written) or EKU.lookup(written) or EXTENSION.lookup(written)
                or FIELD.lookup(written)).name == name


def test_a_french_list_reads_et_as_a_separator_and_skips_articles():
    assert read_set("l'émetteur et le numéro de série", FIELD).names == {"issuer", "serialNumber"}
    assert read_set("signature de certificat, signature de CRL", KEY_USAGE).names == {"keyCertSign", "cRLSign"}
    reading = read_set("aucun", KEY_USAGE)
    assert reading.empty and not reading.problem


def test_french_letters_verdicts_and_days():
    assert read_letters("a, b, c et d", "abcdef")[:2] == ({"a", "b", "c", "d"}, [])
    assert read_letters("de", "abcdef")[0] == {"d", "e"}  # "de" is two letters here, not a filler
    assert read_letters("la b", "abc")[0] == {"b"}
    for word in ("vrai", "Oui", "accepté", "valide"):
        assert read_boolean(word) is True, word
    for word in ("faux", "non", "refusé", "échec", "non valide"):
        assert read_boolean(word) is False, word
    assert read_whole_number("100 jours") == 100 and read_whole_number("1 jour") == 1


def test_the_checks_count_french_answers():
    assert check("01.ca-key-usage", {"signature de certificat", "signature de CRL"}).correct
    assert check("01.ca-key-usage", "signer des certificats et signer des listes de révocation").correct
    assert check("02.issuer-serial", "l'émetteur et le numéro de série").correct
    assert check("02.issuer-serial", {"Émetteur", "Numéro de série"}).correct
    assert check("04.mutual-needs", "a, b, c et d").correct
    assert not check("04.mutual-needs", "a, b, c, d et e").correct


def test_the_other_answers_read_french_words():
    from pkilesson.lessons._exercises_03 import _WHO
    from pkilesson.lessons._exercises_06 import _KEYS

    for written, name in (("le vôtre", "yours"), ("la source", "source"), ("les deux", "both"), ("aucun", "none"),
                          ("ni l'un ni l'autre", "none")):
        assert read_one(written, _WHO).names == {name}, written
    for written, names in (("la racine", {"root"}), ("l'intermédiaire", {"intermediate"}),
                           ("clé de l'AC intermédiaire", {"intermediate"}), ("les deux", {"both"}),
                           ("racine et intermédiaire", {"root", "intermediate"})):
        assert read_set(written, _KEYS).names == names, written


def test_a_client_eku_answered_in_french(workspace_dir):
    assert check("03.client-eku", "authentification du client", directory=workspace_dir).correct
    assert check("03.client-eku", "client TLS", directory=workspace_dir).correct
    feedback = check("03.client-eku", "aucun", directory=workspace_dir)
    assert not feedback and "has an extendedKeyUsage" in feedback.why


def test_english_feedback_is_unchanged():
    assert str(check("02.csr-proves", None)) == (
        'Not yet: replace None with your answer (one letter: "a", "b" or "c"), then run the cell again.')
    feedback = check("01.ca-key-usage", {"keyCertSign", "cRLSign", "signature numérique"})
    assert str(feedback) == ('Not yet: "signature numérique" (digitalSignature) is not needed: a root CA\'s key signs '
                             "only certificates and CRLs.")
    assert listed(["a", "b", "c"]) == "a, b and c"


def _translated(message: str) -> bool:
    return _translations("fr").gettext(message) != message


def test_feedback_in_french():
    """Once the catalogue holds the exercises' messages (they are merged into it), the feedback is French."""
    if not _translated("replace None with your answer ({format}), then run the cell again."):
        pytest.skip("the French catalogue does not hold the exercises' messages yet")
    pkilesson.set_language("fr")
    try:
        feedback = check("02.csr-proves", None)
        assert str(feedback).startswith("Pas encore : remplacez None par votre réponse (une lettre : ")
        assert "✘ Pas encore</b> : remplacez None" in feedback._repr_html_()
        assert str(check("02.csr-proves", "b")).startswith("Juste : ")
        assert listed(["a", "b", "c"]) == "a, b et c"
        hint = check("01.ca-key-usage", {"keyCertSign", "cRLSign", "serverAuth"}).why
        assert hint == "serverAuth est un usage extendedKeyUsage, pas un bit keyUsage."
    finally:
        pkilesson.set_language("en")


def test_a_date_copied_with_its_french_label():
    from pkilesson.lessons._answers import read_date

    assert str(read_date("Pas après : 2030-01-31")) == str(read_date("Not after: 2030-01-31")) == "2030-01-31"


@pytest.mark.parametrize("answer", [None, "zzz", 42, ["a", "b"]], ids=["none", "word", "number", "list"])
def test_no_feedback_holds_english_of_ours_in_french(answer, tmp_path, monkeypatch):
    """Every exercise (lesson 07's too), answered with nothing or with something of the wrong shape, in French:
    its feedback, as text and as HTML, holds no run of our English messages (test_french_notebooks.english_in)."""
    import pkilesson.lessons.access  # noqa: F401  (registers lesson 07's exercises)
    from pkilesson.lessons.exercises import EXERCISES
    from test_french_notebooks import english_in

    monkeypatch.chdir(tmp_path)
    pkilesson.set_language("fr")
    try:
        found = {exercise: english_in(feedback.why + " " + feedback._repr_html_())
                 for exercise in EXERCISES for feedback in [check(exercise, answer)]}
    finally:
        pkilesson.set_language("en")
    assert len(found) >= 22
    assert {exercise: runs for exercise, runs in found.items() if runs} == {}
