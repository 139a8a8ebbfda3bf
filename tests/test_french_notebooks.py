"""The French edition of the lessons (#15): kept in step with the English one, in the glossary's words.

- Parity: each notebook of notebooks/fr/ is its English twin's code, cell for cell, after one first cell that sets
  the language. Only what the reader reads may differ: comments and the text of strings printed for the reader
  (see :func:`code_tokens` for what counts as such, and why).
- Each French notebook runs top to bottom in a fresh kernel, as the English ones do (tests/test_notebooks.py),
  and is still in French at its end.
- The glossary, docs/glossaire.md, parses; each entry has its English term, and together they cover every entry
  of docs/glossary.md; no variant it forbids ("À éviter") is in the French notebooks' prose or in LISEZMOI.md.
- No English paragraph is left in the French notebooks' Markdown (see :func:`english_words`).
- No English of ours in what a French lesson shows when it runs: no run of three words or more of an English
  message of the catalogue is in its outputs, its widgets or their hover texts (see :func:`english_of_ours`);
  the tools' own words, quoted, stay English.
"""

from __future__ import annotations

import ast
import functools
import gettext
import html
import io
import json
import re
import subprocess
import tokenize
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest

import pkilesson
from pkilesson.lessons.glossary import anchor
from test_notebooks import errors_of, printed_private_key, run_alone

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = ROOT / "notebooks"
FRENCH = ENGLISH / "fr"
GLOSSAIRE = ROOT / "docs" / "glossaire.md"
GLOSSARY = ROOT / "docs" / "glossary.md"
LISEZMOI = ROOT / "LISEZMOI.md"

#: Each French notebook -> its English twin in notebooks/. A new French lesson is added here.
TWINS = {
    "00-apercu.ipynb": "00-overview.ipynb",
    "01-autorite-de-certification.ipynb": "01-certificate-authority.ipynb",
    "02-certificat-serveur.ipynb": "02-server-certificate.ipynb",
    "03-certificat-client.ipynb": "03-client-certificate.ipynb",
    "04-verification.ipynb": "04-verification.ipynb",
    "05-tls-mutuel.ipynb": "05-mutual-tls.ipynb",
    "06-pour-aller-plus-loin.ipynb": "06-going-further.ipynb",
    "07-serveurs-reels.ipynb": "07-real-servers.ipynb",
}

#: The first cell of every French notebook, exactly.
LANGUAGE_CELL = 'import pkilesson\npkilesson.set_language("fr")'

NOTEBOOKS = sorted(FRENCH.glob("*.ipynb"))


def _cells(path: Path, kind: str) -> list[dict]:
    return [cell for cell in json.loads(path.read_text(encoding="utf-8"))["cells"] if cell["cell_type"] == kind]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


# -- parity: the same code, cell for cell ------------------------------------------------------------------------


def _reader_strings(tree: ast.AST) -> list[ast.expr]:
    """The string literals (plain or f-strings) passed straight to ``print`` as positional arguments."""
    return [
        argument
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
        for argument in node.args
        if isinstance(argument, ast.JoinedStr) or (isinstance(argument, ast.Constant) and isinstance(argument.value, str))
    ]


def code_tokens(source: str) -> list[tuple]:
    """The tokens of a code cell that must be the same in both editions.

    Comments are left out (they are for the reader), and so are line breaks that end no statement.
    A string literal given straight to ``print()`` as a positional argument is text for the reader: it becomes
    one placeholder holding only its code, the expressions of an f-string's replacement fields with their
    conversions and format specs (``f"# Step {step.number}"`` and ``f"# Étape {step.number}"`` match, and so
    would not ``{step.title}`` and ``{step.number}``). Every other string is code and must be equal: file names
    (``"lab"``), host names, commands given to ``run_openssl`` or to the CLI, keyword arguments such as
    ``sep="\\n"``, names in certificates, strings looked up in output (``"Certificate" in m``). Telling the
    reader's text by its place rather than by its look keeps a command or a file name from passing as prose.
    The placeholder is built from the syntax tree, so Python 3.11 (an f-string is one STRING token) and 3.12+
    (FSTRING_START ... FSTRING_END tokens) compare the same way.
    """
    tree = ast.parse(source)
    lines = source.splitlines()

    def position(line: int, byte: int) -> tuple[int, int]:  # ast counts UTF-8 bytes, tokenize characters
        return line, len(lines[line - 1].encode("utf-8")[:byte].decode("utf-8"))

    spans = []
    for node in _reader_strings(tree):
        fields = [ast.dump(value) for value in getattr(node, "values", []) if isinstance(value, ast.FormattedValue)]
        spans.append((position(node.lineno, node.col_offset), position(node.end_lineno, node.end_col_offset),
                      tuple(fields)))
    tokens: list[tuple] = []
    emitted = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.COMMENT, tokenize.NL):
            continue
        span = next((s for s in spans if s[0] <= token.start < s[1]), None)
        if span is None:
            tokens.append((tokenize.tok_name[token.type], token.string))
        elif span[0] not in emitted:
            emitted.add(span[0])
            tokens.append(("READER-TEXT", span[2]))
    return tokens


def test_the_code_comparison_sets_aside_only_the_readers_text():
    """The rule of code_tokens, on made-up cells: what may differ, and what may not."""
    english = 'for s in steps:\n    print(f"# Step {s.number}, the source: {s.title}", sep="\\n")  # each step\n'
    french = 'for s in steps:\n    # chaque étape\n    print(f"# Étape {s.number}, le document source : {s.title}", sep="\\n")\n'
    assert code_tokens(english) == code_tokens(french)
    assert code_tokens('print(f"{a}: {b}")') != code_tokens('print(f"{b}: {a}")')
    assert code_tokens('print(f"{n:x}")') != code_tokens('print(f"{n:d}")')
    assert code_tokens('print("signed by", x)') == code_tokens('print("signé par", x)')
    assert code_tokens('print("é", f(x), "à")') == code_tokens('print("e", f(x), "a")')
    assert code_tokens('print("é", f(x), "à")') != code_tokens('print("é", g(x), "à")')
    assert code_tokens('lab = Path("lab")') != code_tokens('lab = Path("labo")')
    assert code_tokens('run_openssl("openssl verify a.pem")') != code_tokens('run_openssl("openssl verify b.pem")')
    assert code_tokens('print(*lines, sep="\\n")') != code_tokens('print(*lines, sep=" ")')
    assert code_tokens('print([m for m in x if "Certificate" in m])') != code_tokens(
        'print([m for m in x if "Certificat" in m])'
    )


def test_every_french_notebook_has_its_english_twin():
    """Each French notebook is named in TWINS (the French name of every lesson, fixed in advance)."""
    assert NOTEBOOKS and {path.name for path in NOTEBOOKS} <= set(TWINS), "a French notebook is not named in TWINS"
    assert sorted(TWINS.values()) == sorted(p.name for p in ENGLISH.glob("0*.ipynb")), "TWINS names every lesson"
    for english in TWINS.values():
        assert (ENGLISH / english).is_file(), f"notebooks/{english}, the twin named in TWINS, does not exist"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_first_cell_sets_the_language(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    assert cells[0]["cell_type"] == "code" and _source(cells[0]) == LANGUAGE_CELL
    assert [_source(c) for c in cells[1:] if c["cell_type"] == "code"].count(LANGUAGE_CELL) == 0


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_code_cells_are_the_english_ones(path):
    french = _cells(path, "code")[1:]
    english = _cells(ENGLISH / TWINS[path.name], "code")
    assert len(french) == len(english), (
        f"{path.name} has {len(french)} code cells after the first, {TWINS[path.name]} has {len(english)}"
    )
    for number, (fr, en) in enumerate(zip(french, english), start=1):
        where = f"code cell {number} of {TWINS[path.name]} and its twin in {path.name}"
        assert code_tokens(_source(fr)) == code_tokens(_source(en)), (
            f"{where} differ in code:\n--- English\n{_source(en)}\n--- French\n{_source(fr)}"
        )
        assert fr["metadata"].get("tags", []) == en["metadata"].get("tags", []), f"{where} differ in tags"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs_or_key_material(path):
    text = path.read_text(encoding="utf-8")
    for cell in _cells(path, "code"):
        assert cell["outputs"] == [] and cell["execution_count"] is None, cell["source"]
    assert "PRIVATE KEY-----" not in text


# -- runs in a fresh kernel ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_runs_in_a_fresh_kernel_alone(path, tmp_path):
    """As the English notebooks run (test_notebooks.py): a copy alone in an empty folder, here named like
    notebooks/fr/, which is the kernel's working directory (lab/ is made there). A last cell, added to the
    copy, checks that the lesson is still in French at its end."""
    notebook = run_alone(path, tmp_path / "notebooks" / "fr", extra_cells=(
        'assert pkilesson.language() == "fr", pkilesson.language()',
    ))
    assert errors_of(notebook) == []
    assert not printed_private_key(notebook), "a notebook must never print a private key"
    assert (tmp_path / "notebooks" / "fr" / "lab" / "ca-cert.pem").is_file()
    assert english_of_ours(notebook) == []


# -- no English of ours in a French lesson's outputs -----------------------------------------------------------

MO = ROOT / "pkilesson" / "locale" / "fr" / "LC_MESSAGES" / "pkilesson.mo"

#: Tools' own sentences that hold three words or more of one of our English messages: taken out of the
#: outputs before they are searched (GnuTLS's words hold "does not match", as does our "{names} does not match
#: {host}"). Each is a quote, in English on purpose.
TOOLS_SENTENCES = (
    "The certificate chain does not match the intended purpose",  # GnuTLS certtool and gnutls-cli
)


def _readable(markup: str) -> str:
    """What a learner reads of an HTML (or SVG) text: its words, and its hover texts (title, alt, aria-label)."""
    markup = re.sub(r"<(style|script)\b[^>]*>.*?</\1>", " ", markup, flags=re.S)
    hovers = re.findall(r"""\b(?:title|alt|aria-label)=(?:"([^"]*)"|'([^']*)')""", markup)
    words = " ".join([re.sub(r"<[^>]+>", " ", markup), *(double or single for double, single in hovers)])
    return " ".join(html.unescape(words).split())


@functools.lru_cache(maxsize=1)
def _translated() -> tuple[tuple[str, str], ...]:
    """(English, French) for every message of the compiled French catalogue whose French differs (a plural's
    forms, each with its English singular; a message with a context, without its context)."""
    with open(MO, "rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog
    pairs = ((key[0] if isinstance(key, tuple) else key, french) for key, french in catalogue.items())
    return tuple((english.split("\x04")[-1], french) for english, french in pairs  # context EOT message
                 if english and english.split("\x04")[-1] != french)


@functools.lru_cache(maxsize=1)
def _english_runs() -> dict[str, str]:
    """Each run of our English words that a French learner must not read -> the English message it is from.

    The runs are the parts of each message (from the compiled French catalogue) between its placeholders, of
    three words or more, that its French translation does not itself hold (a tool's name or words kept)."""
    runs: dict[str, str] = {}
    for english, french in _translated():
        for run in re.split(r"\{[^{}]*\}|\n", _readable(english)):
            run = run.strip(" .,;:()[]'\"-–—!?/")
            if len(re.findall(r"[A-Za-z]{2,}", run)) >= 3 and run not in _readable(french):
                runs.setdefault(run, english)
    return runs


def _shown_texts(notebook) -> list[tuple[str, str]]:
    """(where, text) for everything an executed notebook shows: each output, and each widget's state."""
    texts = []
    for number, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if output.get("output_type") == "stream":
                texts.append((f"cell {number}", " ".join(output.get("text", "").split())))
            elif output.get("output_type") == "error":
                texts.append((f"cell {number}", f"{output.get('ename')}: {output.get('evalue')}"))
            if "text/html" in data:
                texts.append((f"cell {number}", _readable(data["text/html"])))
            elif "text/plain" in data:
                texts.append((f"cell {number}", " ".join(data["text/plain"].split())))
    state = notebook.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    for model in state.get("state", {}).values():
        for name in ("value", "description", "placeholder", "tooltip", "_options_labels", "_titles"):
            value = model.get("state", {}).get(name)
            for text in (value if isinstance(value, list) else [value]):
                if isinstance(text, str):
                    texts.append((f"widget {model.get('model_name')}.{name}", _readable(text)))
    return texts


def english_in(text: str) -> list[str]:
    """The runs of our English messages (see :func:`_english_runs`) that ``text`` holds, outside tools' sentences."""
    text = " ".join(text.split())
    for sentence in TOOLS_SENTENCES:
        text = text.replace(sentence, " ")
    return [f"{run!r} (from the message {message!r})" for run, message in _english_runs().items() if run in text]


def _plain_label(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split()).strip(" :.")


@functools.lru_cache(maxsize=1)
def _english_labels() -> dict[str, str]:
    """Each whole English message without placeholders, as a label shows it (one word or more) -> the message,
    when its French differs: a label of ours left in English is one of these, whole."""
    labels = {}
    for english, french in _translated():
        label = _plain_label(english)
        if "{" not in english and re.search("[A-Za-z]{2}", label) and label != _plain_label(french):
            labels.setdefault(label, english)
    return labels


#: The elements whose whole text is a label: headers, cells, buttons, options, bold words, diagram texts...
_LABEL = re.compile(r"<(th|td|summary|button|option|label|b|i|text|title|h[1-6]|li|span|caption|legend)\b[^>]*>"
                    r"([^<]{1,80})</\1>")


def _labels(notebook) -> list[tuple[str, str]]:
    """(where, label) for every short text an executed notebook shows whole: a widget's description, tooltip,
    options and titles, and every element of :data:`_LABEL` in its HTML and SVG (outputs and HTML widgets)."""
    found = []
    for number, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            for kind in ("text/html", "image/svg+xml"):
                found += [(f"cell {number} <{m[1]}>", _plain_label(m[2]))
                          for m in _LABEL.finditer(output.get("data", {}).get(kind, ""))]
    state = notebook.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    for model in state.get("state", {}).values():
        values = model.get("state", {})
        for name in ("description", "tooltip", "placeholder", "_options_labels", "_titles"):
            value = values.get(name)
            found += [(f"widget {name}", _plain_label(text)) for text in (value if isinstance(value, list) else [value])
                      if isinstance(text, str)]
        if model.get("model_name") == "HTMLModel" and isinstance(values.get("value"), str):
            found += [(f"widget <{m[1]}>", _plain_label(m[2])) for m in _LABEL.finditer(values["value"])]
    return found


def english_of_ours(notebook) -> list[str]:
    """Where an executed notebook shows a run of one of our English messages (see :func:`_english_runs`), or one
    of our labels, whole, in English (see :func:`_english_labels`)."""
    labels = _english_labels()
    return ([f"{where}: {found}" for where, text in _shown_texts(notebook) for found in english_in(text)]
            + [f"{where}: the label {label!r}" for where, label in _labels(notebook) if label in labels])


def test_english_of_ours_finds_our_english_and_not_the_french():
    """The check is not blind: an explanation and a diagram made in English are found, the same made in French
    are not; and the catalogue gives it well over a thousand runs to look for."""
    import datetime as dt

    import nbformat

    from pkilesson import Settings, make_artifacts
    from pkilesson.draw.diagrams import workspace_diagram
    from pkilesson.verify.explain import explain

    assert len(_english_runs()) > 1000
    now = dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc)
    artifacts = make_artifacts(Settings(key_type="p256"), now=now)

    def shown(language: str):
        pkilesson.set_language(language)
        try:
            explained = str(explain(artifacts.server_certificate, [artifacts.ca.certificate], host="localhost", now=now))
            svg = workspace_diagram(artifacts, step=4, now=now).svg()
        finally:
            pkilesson.set_language("en")
        cell = nbformat.v4.new_code_cell(outputs=[
            nbformat.v4.new_output("stream", name="stdout", text=explained),
            nbformat.v4.new_output("display_data", data={"image/svg+xml": svg, "text/html": svg}),
        ])
        return nbformat.v4.new_notebook(cells=[cell])

    english = english_of_ours(shown("en"))
    assert len(english) >= 10 and any(": the label 'legend'" in found for found in english)  # the diagram's
    assert english_of_ours(shown("fr")) == []


# -- the glossary -------------------------------------------------------------------------------------------------

_FIELD = re.compile(r"^- \*\*(?P<name>[^*]+?) :\*\* (?P<value>.*)$")
_NOTHING_TO_AVOID = "rien de particulier"


@dataclass(frozen=True)
class Entry:
    term: str  #: the French term: the entry's heading
    english: str  #: the English term
    links: tuple[str, ...]  #: anchors of docs/glossary.md the entry links to
    definition: str
    avoid: tuple[str, ...]  #: the forbidden variants, as written between « »
    avoid_line: str
    source: str  #: how the source document writes the term, if it does ("" if not said)


def glossaire() -> list[Entry]:
    """The entries of docs/glossaire.md, read by the format its introduction states."""
    entries = []
    for block in re.split(r"^## ", GLOSSAIRE.read_text(encoding="utf-8"), flags=re.M)[1:]:
        heading, _, body = block.partition("\n")
        fields: dict[str, str] = {}
        for line in body.splitlines():
            match = _FIELD.match(line)
            if match:
                assert match["name"] not in fields, f"{heading}: two lines '{match['name']}'"
                fields[match["name"]] = match["value"].strip()
            else:
                assert not line.strip(), f"{heading}: a line outside the entry's fields: {line!r}"
        for name in ("Anglais", "Définition", "À éviter"):
            assert fields.get(name), f"glossaire.md, entry {heading!r}: no '- **{name} :**' line"
        english = fields["Anglais"]
        entries.append(Entry(
            term=heading.strip(),
            english=re.split(r" — \[", english)[0].strip(),
            links=tuple(re.findall(r"\]\(glossary\.md#([^)]+)\)", english)),
            definition=fields["Définition"],
            avoid=tuple(re.findall(r"« ?([^»]+?) ?»", fields["À éviter"])),
            avoid_line=fields["À éviter"],
            source=fields.get("Document source", ""),
        ))
    return entries


ENTRIES = glossaire()


def _english_headings() -> list[str]:
    return re.findall(r"^## (.+)$", GLOSSARY.read_text(encoding="utf-8"), flags=re.M)


def test_glossaire_parses_and_every_entry_is_complete():
    assert len(ENTRIES) >= len(_english_headings())
    terms = [entry.term for entry in ENTRIES]
    assert len(set(map(anchor, terms))) == len(terms), "two entries of glossaire.md have the same anchor"
    for entry in ENTRIES:
        assert entry.english and not re.search(r"[àâçéèêëîïôûùüÿœ]", entry.english), (entry.term, entry.english)
        sentences = re.split(r"(?<=[.!?…])\s+(?=[A-ZÀ-Ý«`(])", entry.definition)
        assert 1 <= len(sentences) <= 3, (entry.term, sentences)
        assert entry.avoid or entry.avoid_line.startswith(_NOTHING_TO_AVOID), (
            f"{entry.term}: 'À éviter' names no variant between « » and does not say '{_NOTHING_TO_AVOID}'"
        )


def test_the_glossaires_own_definitions_avoid_what_it_forbids():
    """A variant written in « » in an 'À éviter' line is forbidden: a word named there by mistake (« clé ») would
    show up here, in the definitions."""
    assert forbidden_in(" ".join(prose(entry.definition) for entry in ENTRIES)) == []


def test_glossaire_covers_every_entry_of_the_english_glossary_in_its_order():
    english = [anchor(heading) for heading in _english_headings()]
    linked = [link for entry in ENTRIES for link in entry.links]
    assert set(linked) <= set(english), f"links to no entry of glossary.md: {sorted(set(linked) - set(english))}"
    assert [a for a in english if a not in linked] == [], "entries of glossary.md with no French entry"
    first_seen = list(dict.fromkeys(linked))
    assert first_seen == english, "glossaire.md does not follow glossary.md's order"


def test_glossaire_names_the_issues_terms():
    """The terms #15 lists, each with the English term beside it."""
    english = {entry.term: entry.english for entry in ENTRIES}
    assert "CA" in english["autorité de certification (AC)"]
    assert "CSR" in english["demande de signature de certificat (CSR)"]
    assert english["clé privée"] == "private key"
    assert english["certificat auto-signé"] == "self-signed certificate"
    assert "chain" in english["chaîne de certification"]
    assert "CRL" in english["liste de révocation de certificats (CRL)"]
    assert english["authentification mutuelle"] == "mutual authentication"
    assert english["empreinte"] == "fingerprint"
    assert english["extension critique"] == "critical extension"


def test_glossaire_says_what_becomes_of_the_source_documents_words():
    """Where the source writes a term we do not keep, its entry says so, and forbids it in our prose."""
    source = (ROOT / "docs" / "source-workflow-fr.md").read_text(encoding="utf-8")
    by_term = {entry.term: entry for entry in ENTRIES}
    for term, words in {
        "demande de signature de certificat (CSR)": ["requête de signature"],
        "autorité de certification (AC)": ["Autorité de Certification", "la CA"],
        "processus (les quatre étapes)": ["workflow"],
    }.items():
        for word in words:
            assert word.lower() in source.lower()
            assert word in by_term[term].avoid and by_term[term].source, (term, word)
    for term in ("clé privée", "certificat auto-signé", "authentification mutuelle"):
        assert "nous gardons" in by_term[term].source


# -- the words of the French prose --------------------------------------------------------------------------------


def prose(markdown: str) -> str:
    """The words of a Markdown text that are ours: without code (fenced blocks, `spans`), without quotations in
    « » (the source document's words, the tools', an English label named), without link targets; one line."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    text = re.sub(r"`[^`\n]*`", " ", text)
    text = re.sub(r"«[^»]*»", " ", text)
    text = re.sub(r"\]\([^)\s]*\)", "]", text)
    return " ".join(text.split())


def _french_prose(path: Path) -> str:
    """A French notebook's Markdown, its code cells' comments and the text of their printed strings."""
    parts = [prose(_source(cell)) for cell in _cells(path, "markdown")]
    for cell in _cells(path, "code"):
        source = _source(cell)
        parts += [t.string for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.COMMENT]
        parts += [_literal_text(node) for node in _reader_strings(ast.parse(source))]
    return " ".join(" ".join(parts).split())


def _literal_text(node) -> str:
    """The words a printed string writes itself: an f-string's literal parts, not its {fields} (code names)."""
    if isinstance(node, ast.JoinedStr):
        return " ".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""


def forbidden_in(text: str) -> list[str]:
    """The glossary's forbidden variants found in ``text``: each as written, as a whole word (and, when it is
    all lower-case, also with a capital first letter, as at the start of a sentence)."""
    found = []
    for entry in ENTRIES:
        for variant in entry.avoid:
            forms = {variant, variant[0].upper() + variant[1:]} if variant == variant.lower() else {variant}
            for form in forms:
                if re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text):
                    found.append(f"« {form} » (glossaire.md, entry « {entry.term} »)")
    return found


def test_the_forbidden_variants_are_found_where_they_are():
    assert forbidden_in("Le client ouvre une poignée de main avec la CA.") == [
        "« poignée de main » (glossaire.md, entry « négociation TLS »)",
        "« la CA » (glossaire.md, entry « autorité de certification (AC) »)",
    ]
    assert forbidden_in("Poignée de main, puis encryption.") != []
    assert forbidden_in(prose("Il cite « la CA signe » et lance `openssl x509 -req`.")) == []
    assert forbidden_in("L'AC signe ; la CAF paie ; une CAisse.") == []
    # a printed f-string's {fields} are code (a variable named issuer), its literal words are prose
    printed = _reader_strings(ast.parse('print(f"{subject:45} émis par {issuer}", "la CA")'))
    assert [_literal_text(node).strip() for node in printed] == ["émis par", "la CA"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_forbidden_variant_in_the_french_notebooks(path):
    assert forbidden_in(_french_prose(path)) == []


def test_no_forbidden_variant_in_lisezmoi():
    assert forbidden_in(prose(LISEZMOI.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_glossary_links_point_at_real_entries(path):
    anchors = {anchor(entry.term) for entry in ENTRIES}
    markdown = "\n".join(_source(cell) for cell in _cells(path, "markdown"))
    links = re.findall(r"\]\(([^)\s]+)\)", markdown)
    assert any("glossaire.md" in link for link in links)
    for link in links:
        target, _, fragment = link.partition("#")
        assert (path.parent / unquote(target)).resolve().exists(), f"{path.name}: {link} leads nowhere"
        assert "glossary.md" not in target, f"{path.name}: {link} goes to the English glossary"
        if target.endswith("glossaire.md") and fragment:
            assert unquote(fragment) in anchors, f"{path.name}: {link}: no such entry in glossaire.md"


# -- no English left ----------------------------------------------------------------------------------------------

#: Words frequent in any English sentence and that are not French words (so not "a", "an", "as", "on", "or",
#: "but", "son"...). An English sentence of ten words has two to four of them; a French paragraph has none,
#: or one in an English name or term.
ENGLISH_WORDS = frozenset(
    "the and which of is are was were be been with that this these those to for from by it its you your we our "
    "they their what when where who how not has have will can could would should must does into only each "
    "there than then same other if in at".split()
)

#: Words that nearly every French sentence has, and English ones do not ("on" and "s" are left out: English has
#: them too, "CA's" gives an "s").
FRENCH_WORDS = frozenset(
    "le la les l de des du d un une et est à en que qui qu pour dans sur avec par ne n pas son sa ses ce cette "
    "ces il elle ils au aux se ou où leur leurs nous vous sont".split()
)


def _words(paragraph: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", prose(paragraph))


def english_words(paragraph: str) -> list[str]:
    return [word for word in _words(paragraph) if word.lower() in ENGLISH_WORDS]


def is_english(paragraph: str) -> bool:
    """A paragraph is left in English when, outside code and « » quotations, it has three of the English words
    above, or when it has six words or more and not one of the French words above (a short English sentence
    such as "A private CA signs both certificates" has few English function words, but no French one)."""
    words = [word.lower() for word in _words(paragraph)]
    return len(english_words(paragraph)) >= 3 or (len(words) >= 6 and not FRENCH_WORDS.intersection(words))


def _paragraphs(path: Path) -> list[str]:
    """The Markdown cells' paragraphs, each list item apart."""
    return [
        paragraph
        for cell in _cells(path, "markdown")
        for paragraph in re.split(r"\n\s*\n|\n(?=[-*] |\d+\. )", _source(cell))
        if paragraph.strip()
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_english_paragraph_is_left(path):
    assert [paragraph for paragraph in _paragraphs(path) if is_english(paragraph)] == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_english_check_finds_english(path):
    """The check is not blind: it flags every paragraph of six words or more of the English twin."""
    english = [p for p in _paragraphs(ENGLISH / TWINS[path.name]) if len(_words(p)) >= 6]
    assert english and [p for p in english if not is_english(p)] == []


# -- the way in: README, LISEZMOI, ./dev lessons --lang fr, Binder -----------------------------------------------

BINDER = "https://mybinder.org/v2/gh/pkilesson/pkilesson/HEAD?urlpath=lab/tree/"


def test_readme_and_lisezmoi_open_the_french_edition():
    readme, lisezmoi = (ROOT / "README.md").read_text(encoding="utf-8"), LISEZMOI.read_text(encoding="utf-8")
    start = "notebooks/fr/00-apercu.ipynb"
    assert (ROOT / start).is_file()
    assert BINDER + "notebooks/00-overview.ipynb" in readme  # the English badge, whose pattern the French link follows
    for text in (readme, lisezmoi):
        assert f"({BINDER}{start})" in text and "./dev lessons --lang fr" in text
    assert "](LISEZMOI.md)" in readme
    assert "./dev test" in lisezmoi and "docs/glossaire.md" in lisezmoi
    assert not [p for p in re.split(r"\n\s*\n", lisezmoi) if is_english(p)], "LISEZMOI.md has an English paragraph"


def test_dev_lessons_opens_each_edition_s_first_lesson():
    """What ./dev lessons opens for each --lang exists (running it starts JupyterLab: not done here)."""
    dev = (ROOT / "dev").read_text(encoding="utf-8")
    starts = dict(re.findall(r"^\s*(en|fr)\) start=(\S+) ;;$", dev, flags=re.M))
    assert starts == {"en": "notebooks/00-overview.ipynb", "fr": "notebooks/fr/00-apercu.ipynb"}
    assert all((ROOT / path).is_file() for path in starts.values())


@pytest.mark.parametrize("arguments, words", [
    (["--lang", "de"], "dev: no lessons in language 'de': choose --lang en or --lang fr"),
    (["--port", "9999", "--lang=xx"], "dev: no lessons in language 'xx': choose --lang en or --lang fr"),
    (["--lang"], "dev: --lang needs a language: ./dev lessons --lang fr (or en)"),
])
def test_dev_lessons_refuses_another_language_before_installing_anything(arguments, words):
    done = subprocess.run([str(ROOT / "dev"), "lessons", *arguments], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr.strip(), done.stdout) == (2, words, "")
