"""Property tests of every exercise check (issue #19): right answers in any accepted spelling pass,
near misses fail with a hint that names what is actually wrong.

For each exercise, hypothesis draws *accepted variants* of the right answer (case, spaces,
underscores, hyphens; the decoded view's label or the RFC name; a set, list, tuple or one
string; any order) and *near misses* (one item missing, one extra, one wrong). The checks
read real files made once per module; the openssl command is needed only where the check
itself runs it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pkilesson import Settings, load_certificate, run_workflow
from pkilesson.lessons import lesson
from pkilesson.lessons._answers import EKU, EXTENSION, FIELD, KEY_USAGE, squash
from pkilesson.lessons.exercises import EXERCISES, FORMATS, check

FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: For checks that run handshakes or verifiers at every call.
FEWER = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A lab made with EC keys: the server's and client's keyUsage are then the same."""
    folder = tmp_path_factory.mktemp("properties") / "lab"
    run_workflow(folder, Settings(key_type="p256"))
    return folder


@pytest.fixture(scope="module")
def source_keys(tmp_path_factory):
    """A lab/source/ after lessons 01 to 03 under umask 022, plus lesson 01's ca-key-out.pem (made with -out)."""
    folder = tmp_path_factory.mktemp("readable") / "lab"
    source = folder / "source"
    source.mkdir(parents=True)
    key = "-----BEGIN PRIVATE KEY-----\nMA==\n-----END PRIVATE KEY-----\n"
    for name, mode, text in (("ca-key.pem", 0o644, key), ("ca-key-out.pem", 0o600, key), ("server-key.pem", 0o644, key),
                             ("clash-key.pem", 0o644, key), ("client-key.pem", 0o600, key),
                             ("ca-cert.pem", 0o644, "cert"), ("server-req.pem", 0o644, "csr")):
        (source / name).write_text(text)
        os.chmod(source / name, mode)
    return folder


# -- drawing spellings -------------------------------------------------------------------------------


@st.composite
def respelled(draw, spelling: str) -> str:
    """``spelling`` with each letter's case drawn, and each space, underscore or hyphen replaced by a drawn one."""
    out = []
    for char in spelling:
        if char in " _-":
            out.append(draw(st.sampled_from(["", " ", "_", "-", "  "])))
        else:
            out.append(char.upper() if draw(st.booleans()) else char.lower())
    return "".join(out).strip() or spelling


def spelling_of(vocabulary, name):
    """Any accepted spelling of the term ``name``, respelled."""
    return st.sampled_from(vocabulary.spellings(name)).flatmap(respelled)


@st.composite
def collection(draw, items: list):
    """``items`` in a drawn order, as a set, list, tuple, frozenset, or one string with separators."""
    items = draw(st.permutations(items))
    shape = draw(st.sampled_from(["set", "list", "tuple", "frozenset", ", ", "; ", " and ", "\n"]))
    if shape == "set":
        return set(items)
    if shape == "frozenset":
        return frozenset(items)
    if shape in ("list", "tuple"):
        return list(items) if shape == "list" else tuple(items)
    return shape.join(items)


def spelled_set(vocabulary, names):
    """The terms ``names``, each in a drawn spelling, as a drawn collection."""
    return st.tuples(*(spelling_of(vocabulary, n) for n in names)).flatmap(lambda t: collection(list(t)))


def other_terms(vocabulary, wanted):
    return [t.name for t in vocabulary.terms if t.name not in wanted]


# -- every exercise --------------------------------------------------------------------------------------


def test_every_exercise_states_its_format_and_says_it_when_unanswered():
    assert set(FORMATS) == set(EXERCISES)
    for exercise_id, text in FORMATS.items():
        assert len(text) > 10, exercise_id
        feedback = check(exercise_id, None)
        assert not feedback and "replace None" in feedback.why and text in feedback.why


# -- 01.ca-key-usage ----------------------------------------------------------------------------------

CA_BITS = ["keyCertSign", "cRLSign"]
ROLE = {"keyCertSign": "sign certificates", "cRLSign": "revocation lists"}


@FEW
@given(spelled_set(KEY_USAGE, CA_BITS))
def test_01_ca_key_usage_accepts_every_spelling(answer):
    feedback = check("01.ca-key-usage", answer)
    assert feedback, (answer, feedback.why)


@FEW
@given(st.sampled_from(CA_BITS).flatmap(lambda kept: st.tuples(st.just(kept), spelling_of(KEY_USAGE, kept))),
       st.sampled_from(["str", "set", "list"]))
def test_01_ca_key_usage_one_missing_names_the_missing_one_only(kept, shape):
    name, spelling = kept
    answer = {"str": spelling, "set": {spelling}, "list": [spelling]}[shape]
    feedback = check("01.ca-key-usage", answer)
    (missing,) = set(CA_BITS) - {name}
    assert not feedback and "missing" in feedback.why
    assert ROLE[missing] in feedback.why and ROLE[name] not in feedback.why, feedback.why


@FEW
@given(st.sampled_from(other_terms(KEY_USAGE, CA_BITS)).flatmap(
    lambda extra: st.tuples(st.just(extra), spelling_of(KEY_USAGE, extra))), st.data())
def test_01_ca_key_usage_one_extra_is_named(extra, data):
    name, spelling = extra
    right = [data.draw(spelling_of(KEY_USAGE, n)) for n in CA_BITS]
    feedback = check("01.ca-key-usage", data.draw(collection(right + [spelling])))
    assert not feedback and name in feedback.why and "not needed" in feedback.why
    assert "missing" not in feedback.why, feedback.why


@FEW
@given(st.sampled_from(CA_BITS), st.sampled_from(other_terms(KEY_USAGE, CA_BITS)), st.data())
def test_01_ca_key_usage_one_wrong_is_named_and_the_missing_one_too(replaced, wrong, data):
    (kept,) = set(CA_BITS) - {replaced}
    answer = data.draw(collection([data.draw(spelling_of(KEY_USAGE, kept)), data.draw(spelling_of(KEY_USAGE, wrong))]))
    feedback = check("01.ca-key-usage", answer)
    assert not feedback and wrong in feedback.why and ROLE[replaced] in feedback.why and ROLE[kept] not in feedback.why


@FEW
@given(st.sampled_from(["serverAuth", "clientAuth", "subjectAltName", "basicConstraints"]), st.data())
def test_01_ca_key_usage_a_name_of_another_kind_is_called_so(stranger, data):
    vocabulary = EKU if stranger.endswith("Auth") else EXTENSION
    answer = data.draw(collection(["keyCertSign", "cRLSign", data.draw(spelling_of(vocabulary, stranger))]))
    feedback = check("01.ca-key-usage", answer)
    assert not feedback and stranger in feedback.why and "not a keyUsage bit" in feedback.why


@pytest.mark.parametrize("answer", [42, True, {"keyCertSign": True}, 3.5])
def test_01_ca_key_usage_a_wrong_shape_gets_the_format(answer):
    feedback = check("01.ca-key-usage", answer)
    assert not feedback and "wrong format" in feedback.why and FORMATS["01.ca-key-usage"] in feedback.why


# -- 01.readable-keys ----------------------------------------------------------------------------------

PREFIXES = st.sampled_from(["", "lab/source/", "./", "source/"])


def file_list(names):
    return st.tuples(*(PREFIXES.map(lambda p, n=n: p + n) for n in names)).flatmap(
        lambda t: collection(list(t)) if len(t) > 1 else st.sampled_from([t[0], [t[0]], {t[0]}]))


@FEW
@given(st.sets(st.sampled_from(["server-key.pem", "clash-key.pem"])).flatmap(lambda later: file_list(["ca-key.pem", *later])))
def test_01_readable_keys_lesson_01s_key_suffices_later_ones_may_be_named(source_keys, answer):
    feedback = check("01.readable-keys", answer, directory=source_keys)
    assert feedback, (answer, feedback.why)


@FEW
@given(st.sampled_from(["client-key.pem", "ca-key-out.pem"]), st.data())
def test_01_readable_keys_a_private_key_is_named_with_its_mode(source_keys, private, data):
    feedback = check("01.readable-keys", data.draw(file_list(["ca-key.pem", private])), directory=source_keys)
    assert not feedback and private in feedback.why and "0600" in feedback.why and "missing" not in feedback.why


@FEW
@given(st.sampled_from(["ca-cert.pem", "server-req.pem"]), st.data())
def test_01_readable_keys_a_public_file_is_called_public(source_keys, public, data):
    feedback = check("01.readable-keys", data.draw(file_list(["ca-key.pem", public])), directory=source_keys)
    assert not feedback and public in feedback.why and "public by design" in feedback.why


@FEW
@given(file_list(["server-key.pem"]))
def test_01_readable_keys_missing_lesson_01s_key(source_keys, answer):
    feedback = check("01.readable-keys", answer, directory=source_keys)
    assert not feedback and "missing" in feedback.why and "server-key.pem" not in feedback.why


def test_01_readable_keys_a_file_that_is_not_there(source_keys):
    feedback = check("01.readable-keys", ["ca-key.pem", "root-key.pem"], directory=source_keys)
    assert not feedback and "root-key.pem: no such file" in feedback.why


# -- 01.ca-valid-until -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def old_ca(tmp_path_factory):
    """lab/ca-cert.pem made 400 days ago: the CA a notebook made in memory today ends 400 days later."""
    folder = tmp_path_factory.mktemp("old-ca")
    made = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(days=400)
    choices = dataclasses.replace(lesson.DEFAULT_CHOICES[1], key_type="p256")
    lesson.write_pem(lesson.make_step(1, choices, now=made).ca.certificate, folder / "ca-cert.pem")
    return folder


def day_forms(instant: dt.datetime):
    """Every accepted way of writing the UTC day of ``instant``."""
    day = instant.date()
    return st.sampled_from([
        day.isoformat(), day, instant, day.strftime("%Y/%m/%d"), instant.strftime("%Y-%m-%dT%H:%M:%SZ"),
        f" {day.isoformat()} ", instant.strftime("%b %d %H:%M:%S %Y GMT"),
        instant.astimezone(dt.timezone(dt.timedelta(hours=-3))),  # the same instant, another time zone
        instant.strftime("%Y-%m-%d %H:%M UTC"),
    ])


def test_01_ca_valid_until_accepts_the_lab_ca_in_every_form(old_ca):
    end = load_certificate(old_ca / "ca-cert.pem").not_valid_after_utc

    @FEW
    @given(day_forms(end))
    def run(answer):
        feedback = check("01.ca-valid-until", answer, directory=old_ca)
        assert feedback, (answer, feedback.why)

    run()


def test_01_ca_valid_until_the_day_of_a_ca_made_today_points_to_the_lab_file(old_ca):
    certificate = load_certificate(old_ca / "ca-cert.pem")
    now = dt.datetime.now(dt.timezone.utc)
    today_end = (now + (certificate.not_valid_after_utc - certificate.not_valid_before_utc)).date()
    feedback = check("01.ca-valid-until", today_end.isoformat(), directory=old_ca, now=now)
    assert not feedback and "made earlier" in feedback.why and "ca-cert.pem" in feedback.why


@FEW
@given(st.integers(min_value=-30, max_value=30).filter(lambda d: d not in (0,)))
def test_01_ca_valid_until_near_misses(old_ca, offset):
    end = load_certificate(old_ca / "ca-cert.pem").not_valid_after_utc
    feedback = check("01.ca-valid-until", (end + dt.timedelta(days=offset)).date().isoformat(), directory=old_ca)
    assert not feedback
    if abs(offset) == 1:
        assert "one day off" in feedback.why and "UTC" in feedback.why


@pytest.mark.parametrize("answer", ["tomorrow", "27/11/2036", 2036])
def test_01_ca_valid_until_a_wrong_shape_gets_the_format(old_ca, answer):
    feedback = check("01.ca-valid-until", answer, directory=old_ca)
    assert not feedback and "wrong format" in feedback.why and "YYYY-MM-DD" in feedback.why


# -- 02.csr-proves, 06.minimal-chain: one letter ---------------------------------------------------------

LETTER_FORMS = ["{}", "({})", "{})", " {} ", "{}.", "'{}'"]


def letter(value):
    return st.tuples(st.sampled_from(LETTER_FORMS), st.booleans(), st.booleans()).map(
        lambda t: ([t[0].format(value.upper() if t[1] else value)] if t[2] else t[0].format(value.upper() if t[1] else value)))


@FEW
@given(letter("b"))
def test_02_csr_proves_accepts_b_in_any_form(answer):
    assert check("02.csr-proves", answer), answer


@FEW
@given(st.sampled_from("ac").flatmap(lambda x: st.tuples(st.just(x), letter(x))))
def test_02_csr_proves_a_wrong_letter_is_named(wrong):
    name, answer = wrong
    feedback = check("02.csr-proves", answer)
    assert not feedback and feedback.why.startswith(f"({name}) is wrong")


@pytest.mark.parametrize("answer", ["d", "a b", {"a", "b"}, 2])
def test_02_csr_proves_not_one_of_the_letters(answer):
    feedback = check("02.csr-proves", answer)
    assert not feedback and "wrong format" in feedback.why and "one letter" in feedback.why


# -- 02.server-names ----------------------------------------------------------------------------------------


def host_forms(name: str):
    if ":" in name or name.replace(".", "").isdigit():  # an IP address
        return st.sampled_from([name, f"IP Address:{name}", f"ip:{name}", ipaddress.ip_address(name)])
    return st.tuples(respelled(name), st.sampled_from(["", "DNS:", "dns: "]), st.sampled_from(["", "."])).map(
        lambda t: t[1] + t[0] + t[2])


def names_answer(names):
    def shape(items):
        if all(isinstance(i, str) for i in items):
            return collection(items)
        return st.sampled_from([list(items), tuple(items), set(items)])

    return st.tuples(*(host_forms(n) for n in names)).flatmap(lambda t: shape(list(t)))


SAN = ["localhost", "127.0.0.1"]  # the default choices


@FEW
@given(names_answer(SAN))
def test_02_server_names_accepts_dns_and_ip_in_any_form(lab, answer):
    feedback = check("02.server-names", answer, directory=lab)
    assert feedback, (answer, feedback.why)


@FEW
@given(st.sampled_from(SAN), st.data())
def test_02_server_names_one_missing_says_which_kind(lab, dropped, data):
    kept = [n for n in SAN if n != dropped]
    feedback = check("02.server-names", data.draw(names_answer(kept)), directory=lab)
    kind = "IP address" if dropped[0].isdigit() else "host name"
    assert not feedback and "missing 1 " + kind in feedback.why and "find the others" in feedback.why
    assert dropped not in feedback.why.split(":")[0]  # the hint counts, it does not give the answer away


@FEW
@given(st.sampled_from(["example.test", "10.0.0.1", "www.localhost"]), st.data())
def test_02_server_names_one_extra_is_named(lab, extra, data):
    feedback = check("02.server-names", data.draw(names_answer(SAN + [extra])), directory=lab)
    assert not feedback and extra in feedback.why and "missing" not in feedback.why


# -- 02.issuer-serial --------------------------------------------------------------------------------------

ISSUER_SERIAL = ["issuer", "serialNumber"]
FIELD_ROLE = {"issuer": "who issued", "serialNumber": "number the CA gives"}


@FEW
@given(spelled_set(FIELD, ISSUER_SERIAL))
def test_02_issuer_serial_accepts_labels_and_rfc_names(answer):
    feedback = check("02.issuer-serial", answer)
    assert feedback, (answer, feedback.why)


@FEW
@given(st.sampled_from(ISSUER_SERIAL), st.data())
def test_02_issuer_serial_one_missing(kept, data):
    (missing,) = set(ISSUER_SERIAL) - {kept}
    feedback = check("02.issuer-serial", data.draw(spelled_set(FIELD, [kept])))
    assert not feedback and "missing " in feedback.why
    assert FIELD_ROLE[missing] in feedback.why and FIELD_ROLE[kept] not in feedback.why


@FEW
@given(st.sampled_from(other_terms(FIELD, ISSUER_SERIAL)), st.data())
def test_02_issuer_serial_one_extra_is_named(extra, data):
    feedback = check("02.issuer-serial", data.draw(spelled_set(FIELD, ISSUER_SERIAL + [extra])))
    assert not feedback and extra in feedback.why and "missing" not in feedback.why


# -- 03.client-eku ------------------------------------------------------------------------------------------


@FEW
@given(spelling_of(EKU, "clientAuth"), st.booleans())
def test_03_client_eku_accepts_every_spelling(lab, spelling, boxed):
    feedback = check("03.client-eku", [spelling] if boxed else spelling, directory=lab)
    assert feedback, (spelling, feedback.why)


@FEW
@given(st.sampled_from(other_terms(EKU, ["clientAuth"])).flatmap(lambda n: st.tuples(st.just(n), spelling_of(EKU, n))))
def test_03_client_eku_a_wrong_purpose_is_named(lab, wrong):
    name, spelling = wrong
    feedback = check("03.client-eku", spelling, directory=lab)
    assert not feedback and name in feedback.why


@FEW
@given(st.sampled_from([t.name for t in KEY_USAGE.terms]).flatmap(lambda n: st.tuples(st.just(n), spelling_of(KEY_USAGE, n))))
def test_03_client_eku_a_key_usage_bit_is_called_so(lab, bit):
    name, spelling = bit
    feedback = check("03.client-eku", spelling, directory=lab)
    assert not feedback and name in feedback.why and "keyUsage bit, not an extendedKeyUsage purpose" in feedback.why


# -- 03.sslserver, 04.predict-source: they run openssl -------------------------------------------------------


@pytest.fixture(scope="module")
def with_source(lab, openssl_cli):
    lesson.run_source_step(3, lab / "source")
    return lab


WHO = {"source": ["source", "the source's", "Source"], "yours": ["yours", "ours", "mine"],
       "both": ["both", "all"], "none": ["none", "neither"]}


@FEWER
@given(st.sampled_from(WHO["source"]).flatmap(respelled), st.booleans())
def test_03_sslserver_accepts_every_spelling(with_source, spelling, boxed):
    feedback = check("03.sslserver", [spelling] if boxed else spelling, directory=with_source)
    assert feedback, (spelling, feedback.why)


@pytest.mark.parametrize("answer, wrong", [("both", "yours accepted"), ("yours", "the source refused and yours accepted"),
                                           ("none", "the source refused")])
def test_03_sslserver_names_the_wrong_prediction(with_source, answer, wrong):
    feedback = check("03.sslserver", answer, directory=with_source)
    assert not feedback and f"your answer has {wrong}," in feedback.why


VERDICT_WORDS = {True: [True, "True", "ok", "OK", "accepted", "yes"], False: [False, "False", "refused", "no", "fails"]}
LABELS = ("the source's command", "the strict command", "pyca/cryptography")


def verdicts(values):
    def shape(words):
        if all(isinstance(w, str) for w in words):
            return st.sampled_from([tuple(words), list(words), ", ".join(words)])
        return st.sampled_from([tuple(words), list(words)])

    return st.tuples(*(st.sampled_from(VERDICT_WORDS[v]) for v in values)).flatmap(shape)


@FEWER
@given(verdicts((True, False, False)))
def test_04_predict_source_accepts_every_form(with_source, answer):
    feedback = check("04.predict-source", answer, directory=with_source)
    assert feedback, (answer, feedback.why)


@FEWER
@given(st.integers(min_value=0, max_value=2), st.data())
def test_04_predict_source_one_wrong_verdict_is_named(with_source, flipped, data):
    values = [True, False, False]
    values[flipped] = not values[flipped]
    feedback = check("04.predict-source", data.draw(verdicts(values)), directory=with_source)
    assert not feedback and LABELS[flipped] in feedback.why
    assert all(label not in feedback.why for i, label in enumerate(LABELS) if i != flipped)


# -- 03.differences ----------------------------------------------------------------------------------------

DIFFERING = ["extendedKeyUsage", "subjectAltName"]  # EC keys: keyUsage is digitalSignature in both


@FEW
@given(spelled_set(EXTENSION, DIFFERING), st.booleans())
def test_03_differences_accepts_every_spelling(lab, answer, with_ski):
    if with_ski:  # the question sets the subjectKeyIdentifier aside: naming it is no mistake
        answer = (list(answer) if not isinstance(answer, str) else [answer]) + ["SKI"]
    feedback = check("03.differences", answer, directory=lab)
    assert feedback, (answer, feedback.why)


@FEW
@given(st.sampled_from(DIFFERING), st.data())
def test_03_differences_one_missing_is_named(lab, kept, data):
    (missing,) = set(DIFFERING) - {kept}
    feedback = check("03.differences", data.draw(spelled_set(EXTENSION, [kept])), directory=lab)
    assert not feedback and f"also {missing}" in feedback.why and kept not in feedback.why


@FEW
@given(st.sampled_from(["keyUsage", "basicConstraints", "authorityKeyIdentifier"]), st.data())
def test_03_differences_one_extra_is_named(lab, extra, data):
    feedback = check("03.differences", data.draw(spelled_set(EXTENSION, DIFFERING + [extra])), directory=lab)
    assert not feedback and extra in feedback.why and "the same in both" in feedback.why and "missing" not in feedback.why


# -- 04.days-left, 04.mutual-needs ----------------------------------------------------------------------------


def test_04_days_left_tolerance_and_hints(lab):
    now = dt.datetime.now(dt.timezone.utc)
    days = int((load_certificate(lab / "server-cert.pem").not_valid_after_utc - now).total_seconds() // 86400)

    @FEW
    @given(st.integers(min_value=-1, max_value=1), st.sampled_from(["{}", "{} days", " {} ", "int", "float"]))
    def right(offset, form):
        value = days + offset
        answer = value if form == "int" else float(value) if form == "float" else form.format(value)
        assert check("04.days-left", answer, directory=lab, now=now), answer

    @FEW
    @given(st.integers(min_value=2, max_value=400), st.booleans())
    def wrong(offset, above):
        value = days + offset if above else days - offset
        feedback = check("04.days-left", value, directory=lab, now=now)
        assert not feedback and f"too {'many' if above else 'few'}" in feedback.why

    right()
    wrong()


def letters_answer(letters):
    def shape(items):
        return st.sampled_from([set(items), list(items), ", ".join(items), " ".join(f"({x})" for x in items),
                                "".join(items), " and ".join(items), {x.upper() for x in items}])

    return st.permutations(letters).flatmap(shape)


@FEW
@given(letters_answer("abcd"))
def test_04_mutual_needs_accepts_every_form(answer):
    assert check("04.mutual-needs", answer), answer


@FEW
@given(st.sampled_from("abcd"), st.data())
def test_04_mutual_needs_one_missing(dropped, data):
    feedback = check("04.mutual-needs", data.draw(letters_answer([x for x in "abcd" if x != dropped])))
    assert not feedback and "missing: 1 more of the letters is needed" in feedback.why


@FEW
@given(st.sampled_from("ef"), st.data())
def test_04_mutual_needs_one_extra_is_named(extra, data):
    feedback = check("04.mutual-needs", data.draw(letters_answer(list("abcd") + [extra])))
    assert not feedback and f"({extra}) is wrong" in feedback.why and "missing" not in feedback.why


# -- 04.predict: the break-it quiz (the matrix is run once, then reused) -------------------------------------------


@pytest.fixture(scope="module")
def cached_matrix(openssl_cli):
    from pkilesson.verify import matrix

    made = {}
    real = matrix.verdict_matrix

    def cached(broken, folder=None):
        if broken.title not in made:
            made[broken.title] = real(broken, folder)
        return made[broken.title]

    matrix.verdict_matrix = cached
    yield cached
    matrix.verdict_matrix = real


CHECKER_SPELLINGS = {"openssl": ["openssl", "OpenSSL", "openssl verify"], "openssl-strict": ["openssl-strict", "openssl_strict", "strict openssl"],
                     "pyca": ["pyca", "pyca/cryptography", "cryptography"]}


@FEWER
@given(st.fixed_dictionaries({k: st.sampled_from(v).flatmap(respelled) for k, v in CHECKER_SPELLINGS.items()}),
       st.data())
def test_04_predict_accepts_checker_spellings_and_verdict_words(cached_matrix, names, data):
    truth = {"openssl": True, "openssl-strict": False, "pyca": False}  # a CA without keyUsage
    answer = {names[k]: data.draw(st.sampled_from(VERDICT_WORDS[v])) for k, v in truth.items()}
    feedback = check("04.predict", answer, defect="ca-no-key-usage")
    assert feedback, (answer, feedback.why)
    flipped = data.draw(st.sampled_from(sorted(truth)))
    answer[names[flipped]] = not truth[flipped]
    feedback = check("04.predict", answer, defect="ca-no-key-usage")
    assert not feedback and f"not quite: {flipped} " in feedback.why


# -- 05.alert, 05.possession: real handshakes -----------------------------------------------------------------


@FEWER
@given(st.sampled_from(["unknown_ca", "Unknown CA", "48", "TLSV1_ALERT_UNKNOWN_CA", "alert_unknown_ca"]).flatmap(respelled),
       st.sampled_from(["{}", "sent Alert {} (fatal)", "Alert {}"]), st.booleans())
def test_05_alert_accepts_every_spelling(lab, spelling, line, boxed):
    spelling = line.format(spelling)  # the name alone, or the whole line of the messages column
    feedback = check("05.alert", [spelling] if boxed else spelling, directory=lab)
    assert feedback, (spelling, feedback.why)


@FEWER
@given(st.sampled_from(["bad_certificate", "certificate_required", "handshake_failure", "certificate_unknown"]))
def test_05_alert_another_alert_is_named(lab, wrong):
    feedback = check("05.alert", wrong, directory=lab)
    assert not feedback and wrong in feedback.why


@FEWER
@given(st.sampled_from(["CertificateVerify", "Certificate Verify", "certificate_verify"]).flatmap(respelled))
def test_05_possession_accepts_every_spelling(lab, spelling):
    assert check("05.possession", spelling, directory=lab), spelling


@FEW
@given(st.sampled_from(["Certificate", "Finished", "ClientHello", "CertificateRequest", "ServerHello"]).flatmap(
    lambda n: st.tuples(st.just(n), respelled(n))))
def test_05_possession_another_message_is_named(lab, wrong):
    name, spelling = wrong
    feedback = check("05.possession", spelling, directory=lab)
    assert not feedback and name in feedback.why


# -- 06: revocation, the intermediate CA ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def lab_06(lab):
    from pkilesson.pki.hierarchy import make_hierarchy
    from pkilesson.pki.revocation import revoke

    make_hierarchy().save(lab / "intermediate", root_passphrase="a passphrase")
    revoke(lab, lab / "client-cert.pem")
    return lab


def test_06_crl_stale_every_form_and_near_misses(lab_06):
    from pkilesson.pki.revocation import load_crl

    crl = load_crl(lab_06 / "ca-crl.pem")

    @FEW
    @given(day_forms(crl.next_update_utc))
    def right(answer):
        assert check("06.crl-stale", answer, directory=lab_06), answer

    right()
    issued = check("06.crl-stale", crl.last_update_utc.date().isoformat(), directory=lab_06)
    assert not issued and "when the CA issued this CRL" in issued.why
    late = check("06.crl-stale", (crl.next_update_utc + dt.timedelta(days=1)).date(), directory=lab_06)
    assert not late and "one day off" in late.why


@FEWER
@given(letter("b"))
def test_06_minimal_chain_accepts_b_in_any_form(lab_06, answer):
    assert check("06.minimal-chain", answer, directory=lab_06), answer


@FEWER
@given(st.sampled_from(["intermediate", "the intermediate", "intermediate-key.pem", "Intermediate CA",
                        "intermediate key"]).flatmap(respelled), st.booleans())
def test_06_offline_accepts_every_spelling(lab_06, spelling, boxed):
    feedback = check("06.offline", [spelling] if boxed else spelling, directory=lab_06)
    assert feedback, (spelling, feedback.why)


@pytest.mark.parametrize("answer", ["root", "both", ["root", "intermediate"], "root and intermediate", "root-key.pem"])
def test_06_offline_the_root_is_not_needed(lab_06, answer):
    feedback = check("06.offline", answer, directory=lab_06)
    assert not feedback and "who signs the leaves" in feedback.why


def test_squash_is_what_every_check_ignores():
    assert squash("TLS Web Client-Authentication") == squash("tls_web_client_authentication")
