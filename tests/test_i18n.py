"""French and English messages (issue #15): the catalogues kept in step, and the command line in both languages.

The catalogue tests need Babel (requirements-test.txt): without it they skip, naming ``pip install babel``,
and fail under PKILESSON_REQUIRE_TOOLS=1. The command-line tests run the real ``pkilesson`` on a real
workspace, in English and in French, through --lang and through the locale's variables.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import pkilesson
from pkilesson import PkiLessonError, language, set_language
from pkilesson.errors import ArgumentError
from pkilesson.i18n import LANGUAGES, language_from_environment

from conftest import require_module

PACKAGE = Path(pkilesson.__file__).resolve().parent


@pytest.fixture(autouse=True)
def english_after_each_test():
    """Every test starts and ends in English, as the library does when nobody asks for French."""
    assert language() == "en", "a test before this one left the messages in French"
    yield
    set_language("en")
    assert language() == "en"


@pytest.fixture(scope="module")
def tools():
    """pkilesson's catalogue tools, once Babel is known to be there."""
    require_module("babel", "it extracts, merges and compiles pkilesson's message catalogues", "babel")
    from pkilesson import _locale_tools

    return _locale_tools


def _read(path):
    from babel.messages.pofile import read_po

    with open(path, "rb") as handle:
        return read_po(handle)


# -- the catalogues ------------------------------------------------------------------------------------------------


def test_the_pot_holds_the_sources_messages(tools, tmp_path):
    """(a) The committed .pot is what extracting the sources gives now (header and dates aside)."""
    fresh = tmp_path / "pkilesson.pot"
    assert tools.extract(fresh) is True and fresh.exists()
    now, committed = tools.messages(_read(fresh)), tools.messages(_read(tools.POT))
    assert now == committed, (
        f"pkilesson/locale/pkilesson.pot is stale: new {sorted(set(now) - set(committed))}, "
        f"gone {sorted(set(committed) - set(now))}; run python -m pkilesson.i18n extract, then update")
    ids = {key[1] for key in now}
    # The command line's words, the errors' label and the verdicts are among them.
    assert {"Fix: {fix}", "{problem} Fix: {fix}", "usage: ", "show this help message and exit",
            "valid for server {name} (chain of {length})", "Step {number}: {title}"} <= ids
    assert ("DER tree ({count} byte):", "DER tree ({count} bytes):") in ids
    assert len(ids) >= 100


def test_every_message_is_a_literal_the_extractor_can_read():
    """``_(f"...")`` or ``_(name)`` would never reach the catalogue: every call holds string literals."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_", "ngettext"):
                texts = node.args[:1] if node.func.id == "_" else node.args[:2]
                if not texts or not all(isinstance(t, ast.Constant) and isinstance(t.value, str) for t in texts):
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert not found, f"messages that are not string literals (write _('... {{x}}').format(x=...)): {found}"


def test_every_message_the_code_holds_reaches_the_catalogue(tools):
    """Each _/N_/ngettext/pgettext call the code holds is in the .pot: a call inside an f-string's {field} is
    invisible to the extractor, so it would stay English in French (write it outside the f-string)."""
    template = _read(tools.POT)
    ids = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in template if m.id}
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in (
                    "_", "N_", "ngettext", "pgettext"):
                context, message = ((node.args[0].value, node.args[1].value) if node.func.id == "pgettext"
                                    else (None, node.args[0].value))
                if (context, message) not in ids:
                    missing.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {message!r}")
    assert not missing, f"messages the extractor does not see: {missing}"


def test_no_message_is_written_inside_an_f_string():
    """A _() call inside an f-string's {field}: Python 3.12+ lets the extractor see it, 3.11 does not, so the .pot
    would depend on the Python that wrote it (and 3.11 would miss the message). Bind it to a name first."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for string in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(string, ast.JoinedStr):
                found += [f"{path.relative_to(PACKAGE.parent)}:{node.lineno}" for node in ast.walk(string)
                          if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                          and node.func.id in ("_", "N_", "ngettext", "pgettext")]
    assert not found, f"messages inside f-strings: {found}"


def test_every_message_has_its_french_translation(tools):
    """(b) Each message of the .pot: a French msgstr, not empty, not fuzzy, with the message's own placeholders."""
    template, french = _read(tools.POT), _read(tools.PO)
    assert french.locale is not None and str(french.locale) == "fr"
    assert french.plural_forms == "nplurals=2; plural=(n > 1);"
    checked = 0
    for message in template:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        translated = french.get(message.id, message.context)
        assert translated is not None, f"{ids[0]!r} has no French entry: python -m pkilesson.i18n update"
        strings = [translated.string] if isinstance(translated.string, str) else list(translated.string)
        assert not translated.fuzzy, f"{ids[0]!r}: the French is fuzzy (to review)"
        # a blank translation only for a separator ("," between thousands is a space in French)
        blank_ok = not any(ch.isalnum() for ch in ids[0])
        assert len(strings) == len(ids) and all(s.strip() or (s and blank_ok) for s in strings), f"{ids[0]!r}: untranslated"
        for text in strings:
            assert tools.placeholders(text) == tools.placeholders(ids[0]), f"{ids[0]!r} -> {text!r}: placeholders"
            assert not tools.spacing_problems(text), f"{text!r}: {tools.spacing_problems(text)}"
        checked += 1
    stale = {m.id if isinstance(m.id, str) else m.id[0] for m in french if m.id} - \
        {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    assert not stale, f"French entries no message uses any more: {sorted(stale)}"
    assert checked == len([m for m in template if m.id])


def test_the_mo_is_the_compiled_po(tools, tmp_path):
    """(c) The committed .mo is the .po compiled now: the same messages as the standard library reads them."""
    fresh = tmp_path / "pkilesson.mo"
    tools.compile_catalog(tools.PO, fresh)

    def catalogue(path):
        with open(path, "rb") as handle:
            return dict(gettext.GNUTranslations(handle)._catalog)

    now, committed = catalogue(fresh), catalogue(tools.MO)
    assert now == committed, "pkilesson.mo is not the compiled pkilesson.po: run python -m pkilesson.i18n compile"
    assert committed["Fix: {fix}"] == "Correction : {fix}"
    assert committed[("DER tree ({count} byte):", 1)] == "Arbre DER ({count} octets) :"


def test_the_check_command_passes_and_its_rules_bite(tools, tmp_path):
    """``python -m pkilesson.i18n check`` is happy with the committed catalogues, and not with broken ones."""
    done = subprocess.run([sys.executable, "-m", "pkilesson.i18n", "check"], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the catalogues are in step" in done.stdout
    assert done.stderr == "", "python -m pkilesson.i18n runs without runpy's warning (pkilesson does not import it)"
    broken = tmp_path / "pkilesson.po"
    text = tools.PO.read_text(encoding="utf-8")
    text = text.replace('msgstr "Correction : {fix}"', 'msgstr "Correction : {correctif}"')
    text = text.replace('msgstr "non valide pour un client"', 'msgstr ""')
    text = text.replace('msgstr "erreur : {message}"', 'msgstr "erreur: {message}"')
    broken.write_text(text, encoding="utf-8")
    found = "\n".join(tools.problems(po=broken, mo=tools.MO))
    assert "'Fix: {fix}': the translation's placeholders are not ['{fix}']" in found
    assert "'invalid for client' is untranslated" in found
    assert "'error: {message}': no space before ':'" in found
    assert "pkilesson.mo is not the compiled pkilesson.po" in found


def test_placeholders_and_french_spacing_rules():
    """The two rules the check applies, on made-up messages (pure functions: no Babel needed)."""
    from pkilesson._locale_tools import placeholders, spacing_problems

    assert placeholders("{a} and {b!r}, mode {m:04o}") == ["{a}", "{b!r}", "{m:04o}"]
    assert placeholders("no field, {{braces}} doubled") == []
    with pytest.raises(ValueError):
        placeholders("{unclosed")
    assert spacing_problems("Correction : voir « pkilesson --help » ; fini ! Vraiment ?") == []
    assert spacing_problems("https://example.com à 12:00, ?x=1") == []
    assert len(spacing_problems("Correction: x; y! z? «a»")) == 6
    assert spacing_problems("Correction\u00a0: x") == ["U+00A0 instead of a normal space"]


# -- the library's language ----------------------------------------------------------------------------------------


def test_the_library_speaks_english_until_asked():
    """English by default, whatever the locale: a notebook gives the same words on every machine."""
    env = dict(os.environ, LANG="fr_FR.UTF-8", LC_ALL="fr_FR.UTF-8", LC_MESSAGES="fr_FR.UTF-8")
    code = "import pkilesson; print(pkilesson.language(), pkilesson.PkiLessonError('a', 'b'))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.stdout == "en a Fix: b\n", done.stderr


def test_set_language_changes_the_errors_label():
    """The one-line error and the notebook's two lines, in French then in English again."""
    set_language("fr")
    assert language() == "fr"
    error = PkiLessonError("Problème.", "faites ceci.")
    assert str(error) == "Problème. Correction : faites ceci."
    assert error._render_traceback_() == ["PkiLessonError: Problème.", "Correction : faites ceci."]
    set_language("en")
    error = PkiLessonError("Problem.", "do this.")
    assert str(error) == "Problem. Fix: do this."
    assert error._render_traceback_() == ["PkiLessonError: Problem.", "Fix: do this."]


@pytest.mark.parametrize("code", ["de", "FR", "fr_FR", "", None, 1])
def test_set_language_refuses_anything_but_en_and_fr(code):
    """(f) One error from our family, with its fix; the language is left as it was."""
    with pytest.raises(ArgumentError) as raised:
        set_language(code)
    assert raised.value.fix and "en" in raised.value.fix and "fr" in raised.value.fix
    assert language() == "en"


def test_the_refusal_speaks_the_current_language():
    set_language("fr")
    with pytest.raises(ArgumentError, match="n'existent pas en 'de'") as raised:
        set_language("de")
    assert 'pkilesson.set_language("fr") pour le français' in raised.value.fix
    assert language() == "fr"


@pytest.mark.parametrize("environ, expected", [
    ({}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "fr"),
    ({"LANG": "fr_CA"}, "fr"),
    ({"LANG": "fr"}, "fr"),
    ({"LANG": "fr_BE@euro"}, "fr"),
    ({"LANG": "C"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({"LANG": "fr_FR.UTF-8", "LC_MESSAGES": "C"}, "en"),
    ({"LANG": "C", "LC_MESSAGES": "fr_FR.UTF-8"}, "fr"),
    ({"LC_MESSAGES": "fr_FR.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8", "LC_ALL": "fr_FR.UTF-8"}, "fr"),
    ({"LANG": "fr_FR.UTF-8", "LC_ALL": ""}, "fr"),
])
def test_language_from_environment(environ, expected):
    """LC_ALL, then LC_MESSAGES, then LANG: the first set and not empty decides."""
    assert language_from_environment(environ) == expected


# -- the command line in both languages ----------------------------------------------------------------------------

SCRIPT = Path(sys.executable).with_name("pkilesson")


def cli(*args, lang=None, lc_all=None):
    """The installed ``pkilesson`` with this locale (LANG; LC_ALL too if given): (exit code, stdout, stderr)."""
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    env.update({"LANG": lang} if lang else {})
    env.update({"LC_ALL": lc_all} if lc_all else {})
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "pkilesson"]
    done = subprocess.run(command + [str(a) for a in args], capture_output=True, env=env, timeout=120)
    return done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A real workspace, made by ``pkilesson workflow DIR``."""
    folder = tmp_path_factory.mktemp("i18n") / "lab"
    code, out, err = cli("workflow", folder, "--key-type", "p256")
    assert code == 0, err
    return folder


def verify(workspace, who, *options, **locale):
    return cli(*options, "verify", "--ca", workspace / "ca-cert.pem", workspace / f"{who}-cert.pem",
               "--host", "localhost", **locale)


@pytest.mark.parametrize("options, locale", [
    (("--lang", "fr"), {}),
    (("--lang", "fr"), {"lang": "C"}),
    ((), {"lang": "fr_FR.UTF-8"}),
    ((), {"lang": "C", "lc_all": "fr_FR.UTF-8"}),
])
def test_verify_speaks_french(workspace, options, locale):
    """(d) ``pkilesson --lang fr verify`` and ``LANG=fr_FR.UTF-8 pkilesson verify``: the verdict in French."""
    code, out, err = verify(workspace, "server", *options, **locale)
    assert code == 0, err
    assert out == f"{workspace / 'server-cert.pem'}: valide pour le serveur localhost (chaîne de longueur 2)\n"


def test_verify_lang_after_the_command(workspace):
    """``pkilesson verify --lang fr``, as the issue writes it, works as well as before the command."""
    code, out, _ = cli("verify", "--lang", "fr", "--ca", workspace / "ca-cert.pem", workspace / "server-cert.pem",
                       "--client")
    assert code == 1
    assert ": non valide pour un client" in out


_SUBCOMMANDS = ("workflow", "verify", "mtls", "revoke", "inspect", "diagram", "serve", "lab", "doctor", "pack", "unpack")


@pytest.mark.parametrize("command", [("--help",), *((name, "--help") for name in _SUBCOMMANDS)],
                         ids=lambda command: " ".join(command))
def test_french_help_is_ours_in_french_and_never_breaks_a_line_at_a_french_space(command):
    """The help is wrapped to the terminal's width: in French a line never starts with : ; ? ! or », nor ends
    with «, as the space French puts there would let it (argparse wraps at any space). And it holds no run of
    our English messages (the same check as the French notebooks' outputs)."""
    from test_french_notebooks import english_in

    for columns in ("60", "80", "100"):
        done = subprocess.run([sys.executable, "-m", "pkilesson", "--lang", "fr", *command], capture_output=True,
                              text=True, env={**os.environ, "COLUMNS": columns}, timeout=60)
        assert done.returncode == 0 and "utilisation" in done.stdout, done.stderr
        lines = done.stdout.splitlines()
        assert [line for line in lines if re.match(r"\s*[:;?!»]", line) or line.rstrip().endswith("«")] == []
        assert english_in(done.stdout) == []


@pytest.mark.parametrize("command", [
    ("verify", "--explain", "--client", "--ca", "{lab}/ca-cert.pem", "{lab}/server-cert.pem"),
    ("mtls", "{lab}"),
    ("inspect", "{lab}/server-cert.pem"), ("inspect", "{lab}/client-req.pem"), ("inspect", "{lab}/ca-key.pem"),
    ("diagram", "{lab}"),
    ("workflow", "{lab}"),  # refused: the files are there
    ("verify", "--client", "--ca", "{lab}/ca-cert.pem", "{lab}/nothing.pem"),  # an error
    ("unpack", "{lab}/nothing.zip", "--into", "{lab}/restored"),  # an error
], ids=lambda command: " ".join(command).replace("{lab}/", ""))
def test_a_french_command_shows_no_english_of_ours(workspace, command):
    """What ``pkilesson --lang fr ...`` prints holds no run of our English messages (only the tools' words,
    commands and file names stay English): the same check as the French notebooks' outputs (the help of
    every command: above)."""
    from test_french_notebooks import english_in

    code, out, err = cli("--lang", "fr", *(part.format(lab=workspace) for part in command))
    assert out + err, f"pkilesson {' '.join(command)} printed nothing"
    assert english_in(out + "\n" + err) == []


def test_a_refusal_in_french_quotes_the_verifier_in_english(workspace):
    """Our words in French; pyca/cryptography's own message stays English, as a quote."""
    code, out, _ = verify(workspace, "client", "--lang", "fr")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].endswith("client-cert.pem: non valide pour le serveur localhost")
    assert lines[1].startswith("  pyca/cryptography ") and \
        " indique : « validation failed: leaf certificate has no matching subjectAltName »" in lines[1]
    assert lines[2].startswith("  explication de pkilesson : le contrôle qui a causé le refus est host_name (")
    assert ". Correction : " in lines[2]


def test_explain_in_french_and_english(workspace):
    """--explain: our frame and marks in the language asked; the marks line up in both."""
    for lang, words in (("fr", ("explication de pkilesson, contrôle par contrôle :", "  ÉCHEC [0] host_name : ",
                                "  ok    [0] signature : ", "le contrôle qui a causé le refus : host_name. Correction : ")),
                        ("en", ("pkilesson's explanation, check by check:", "  FAIL [0] host_name: ",
                                "  ok   [0] signature: ", "the check it refused on: host_name. Fix: "))):
        code, out, _ = cli("--lang", lang, "verify", "--explain", "--ca", workspace / "ca-cert.pem",
                           workspace / "client-cert.pem", "--host", "localhost")
        assert code == 1
        assert all(w in out for w in words), (lang, out)


@pytest.mark.parametrize("options, locale", [
    (("--lang", "en"), {"lang": "fr_FR.UTF-8"}),
    ((), {"lang": "C"}),
    ((), {}),
])
def test_verify_speaks_english(workspace, options, locale):
    code, out, err = verify(workspace, "server", *options, **locale)
    assert code == 0, err
    assert out == f"{workspace / 'server-cert.pem'}: valid for server localhost (chain of 2)\n"
    code, out, _ = verify(workspace, "client", *options, **locale)
    assert code == 1
    assert "pkilesson's explanation: the check it refused on is host_name (" in out and "Fix: " in out


@pytest.mark.parametrize("args", [
    ("verify", "--json", "--ca", "{ws}/ca-cert.pem", "{ws}/server-cert.pem", "--host", "localhost"),
    ("verify", "--json", "--ca", "{ws}/ca-cert.pem", "{ws}/client-cert.pem", "--host", "localhost"),
    ("inspect", "--json", "{ws}/server-cert.pem", "--at", "2030-01-01T00:00:00Z"),
])
def test_json_is_the_same_in_both_languages(workspace, args):
    """(e) --json: the same bytes in English and in French, by --lang or by LANG."""
    args = [a.format(ws=workspace) for a in args]
    outputs = {cli("--lang", "en", *args)[1], cli("--lang", "fr", *args)[1], cli(*args, lang="fr_FR.UTF-8")[1],
               cli(*args, lang="C")[1]}
    assert len(outputs) == 1
    assert next(iter(outputs)).startswith("{")


def test_workflow_summary_in_french(tmp_path):
    code, out, err = cli("--lang", "fr", "workflow", tmp_path / "lab", "--key-type", "p256")
    assert code == 0, err
    assert "\nÉtape 1 : " in out and "  ca-key.pem écrit  (mode 0600)" in out
    assert "Les deux certificats sont validés par ca-cert.pem." in out
    assert "\nopenssl genrsa 2048 > ca-key.pem\n" in out  # the source's commands, as they are


def test_errors_and_argparse_in_french(workspace):
    """Our label and our own errors in French; a usage error keeps argparse's (Python's) words."""
    code, _, err = cli("--lang", "fr", "lab", "no-such-defect")
    assert code == 2
    assert err == ("pkilesson: erreur : Le labo n'a pas de défaut 'no-such-defect'. Correction : lancez "
                   "« pkilesson lab --list » et choisissez l'un des noms qu'il affiche.\n")
    code, _, err = cli("verify", workspace / "server-cert.pem", lang="fr_FR.UTF-8")
    assert code == 2
    assert err.startswith("pkilesson verify: erreur : the following arguments are required: --ca")
    assert err.endswith("(voir « pkilesson verify --help »)\n")


@pytest.mark.parametrize("command", ["", "workflow", "verify", "mtls", "revoke", "inspect", "diagram", "serve",
                                     "lab", "doctor", "pack", "unpack"])
def test_every_help_in_french(command):
    """Each command's --help in French: our words and argparse's headings (argparse %-formats them: none breaks)."""
    from pkilesson.cli import main

    args = [command] if command else []
    with pytest.raises(SystemExit) as done:
        main(["--lang", "fr", *args, "--help"])
    assert done.value.code == 0
    assert language() == "en", "main gives the library back its language"


def test_help_text_in_french_and_english(capsys):
    from pkilesson.cli import main

    for lang, words in (("fr", ("utilisation : pkilesson verify", "options :", "afficher ce message d'aide",
                                "vérifier comme certificat de client")),
                        ("en", ("usage: pkilesson verify", "options:", "show this help message and exit",
                                "verify as a client certificate"))):
        with pytest.raises(SystemExit):
            main(["verify", "--lang", lang, "--help"])
        out = capsys.readouterr().out
        assert all(w in out for w in words), (lang, out)


def test_main_gives_back_the_library_language(workspace, capsys):
    """``main`` called from Python (a notebook) leaves the library's language as it found it."""
    from pkilesson.cli import main

    assert main(["--lang", "fr", "verify", "--ca", str(workspace / "ca-cert.pem"),
                 str(workspace / "server-cert.pem"), "--host", "localhost"]) == 0
    assert "valide pour le serveur localhost" in capsys.readouterr().out
    assert language() == "en"
    set_language("fr")
    assert main(["--lang", "en", "verify", "--ca", str(workspace / "ca-cert.pem"),
                 str(workspace / "server-cert.pem"), "--host", "localhost"]) == 0
    assert "valid for server localhost" in capsys.readouterr().out
    assert language() == "fr"


def test_languages():
    assert LANGUAGES == ("en", "fr")
    assert pkilesson.set_language is set_language and pkilesson.language is language


# -- words made once and kept as data: lesson 07's attempts, the HTTPS server's page ---------------------------


def test_a_recorded_attempt_is_shown_in_french_and_stays_english_as_data():
    """Lesson 07's recorded outcomes hold pkilesson's English words ('the mariadb command (...)', 'in, as ...'):
    shown in French, each recognised by the template it was made from; the recording itself is unchanged."""
    from pkilesson.lessons._access_tries import RECORDED, _recorded

    keys = [key for key in RECORDED if key != "_meta"]
    english = {key: (str(_recorded(key, "why")), _recorded(key, "why")._repr_html_()) for key in keys}
    set_language("fr")
    shown = {key: (str(_recorded(key, "why")), _recorded(key, "why")._repr_html_()) for key in keys}
    data = {key: [a.to_dict() for a in _recorded(key, "why")] for key in keys}
    set_language("en")
    assert data == {key: RECORDED[key]["attempts"] for key in keys}  # the data: English, as recorded
    french = "\n".join(text for pair in shown.values() for text in pair)
    for english_words in ("the mariadb command (", "its TLS library", "its ssl module", "in, as ", "; page: ",
                          " over it", "PyMySQL 1.2.4 (Python 3.11.7, its"):
        assert english_words not in french, english_words
    for french_words in ("la commande mariadb (mariadb Ver ", "(sa bibliothèque TLS : OpenSSL ",
                         "PyMySQL 1.2.4 (Python 3.11.7, son module ssl : OpenSSL ", "le module ssl de Python 3.11.7 (",
                         "connecté, en tant que any_client@%; Ssl_version TLSv1.3", "HTTP 403 ; page : 403 Forbidden",
                         " ; puis GET https://localhost:PORT/ sur cette connexion"):
        assert french_words in french, french_words
    assert "ERROR 1045 (28000): Access denied for user" in french  # the tools' own words, kept
    assert {key: (str(_recorded(key, "why")), _recorded(key, "why")._repr_html_()) for key in keys} == english


def test_every_attempt_template_reads_back_from_its_english():
    """A live attempt's words (a Text) and the same English read back from a recording show the same French."""
    import string

    from pkilesson._catalog import Text
    from pkilesson.tls._attempt import _TEMPLATES, shown_words, words

    values = {"version": "1.2", "library": "OpenSSL 3.0", "python": "3.11.7", "openssl": "OpenSSL 3.0.22 (x)",
              "answer": "a@%; Ssl_version TLSv1.3", "status": "HTTP 200", "page": "hello, CN=a; b",
              "code": "ssl.create_default_context(cafile='ca.pem')", "url": "https://localhost:PORT/", "user": "'bob'"}
    for template in _TEMPLATES:
        names = [name for _lit, name, _spec, _conv in string.Formatter().parse(template) if name]
        given = {name: ("7" if template.startswith("exit") else values[name]) for name in names}
        live = words(template, **given)
        assert isinstance(live, Text) and shown_words(live) == shown_words(str.__str__(live)) == live
        set_language("fr")
        try:
            assert shown_words(str.__str__(live)) == shown_words(live) != live, template
        finally:
            set_language("en")


def test_the_https_servers_page_follows_the_language():
    """Its English bytes as they always were (the browser tests read them); in French, the same ids."""
    from pkilesson.verify._https_server import _page

    assert _page("CN=a,O=b", "CN=<c>") == (
        "<!doctype html><title>pkilesson mutual TLS</title><h1>pkilesson's HTTPS server on 127.0.0.1</h1>"
        "<p>The server accepted the connection, with the client certificate <b id='subject'>CN=a,O=b</b>, issued by "
        "<b id='issuer'>CN=&lt;c&gt;</b>.</p>")
    assert _page(None, None).endswith("with <b id='subject'>no client certificate</b>.</p>")
    set_language("fr")
    page = _page("CN=a,O=b", "CN=c")
    set_language("en")
    assert "<h1>Le serveur HTTPS de pkilesson sur 127.0.0.1</h1>" in page
    assert "Le serveur a accepté la connexion, avec le certificat de client <b id='subject'>CN=a,O=b</b>, émis par " \
           "<b id='issuer'>CN=c</b>." in page
