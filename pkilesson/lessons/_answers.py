"""How the exercises read an answer: one normalisation for every check.

A learner may write a name as the RFC does (``keyCertSign``), as the decoded
view labels it (``Certificate Sign``), as pyca/cryptography spells it
(``key_cert_sign``), or by its OID; in any case, with or without spaces,
underscores or hyphens. :func:`squash` removes what does not matter, and a
:class:`Vocabulary` maps every accepted spelling to one :class:`Term`.

An answer that asks for several items may be a set, a list, a tuple or one
string (``"Certificate Sign, CRL Sign"``); one that asks for one item may be a
string, or a collection holding just that item. Reading an answer gives a
:class:`Reading`: the terms found, each with the spelling the learner used,
the words that are terms of another kind (a keyUsage bit given for an
extendedKeyUsage purpose), the words that are nothing known, and a format
problem if the answer's shape is wrong. The checks word their hints from it.

The names themselves (:data:`KEY_USAGE`, :data:`EKU`, :data:`EXTENSION`,
:data:`FIELD`, and :func:`squash`) live in :mod:`pkilesson.lessons._vocabularies`;
this module reads answers against them, and re-exports them.

>>> KEY_USAGE.lookup("Certificate Sign").name
'keyCertSign'
>>> sorted(read_set({"CRL Sign", "key_cert_sign"}, KEY_USAGE).found)
['cRLSign', 'keyCertSign']
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from cryptography import x509

from .._catalog import _
from ._vocabularies import EKU, EXTENSION, FIELD, KEY_USAGE, Term, Vocabulary, kind_of, squash

__all__ = [
    "squash", "a_kind", "Term", "Vocabulary", "Reading", "read_set", "read_one", "read_letters", "read_date",
    "read_file_names", "read_host_names", "read_whole_number", "read_booleans", "listed", "kind_of", "NONE_WORDS",
    "KEY_USAGE", "EKU", "EXTENSION", "FIELD",
]

#: Quotes and brackets a learner may leave around a name, e.g. when pasting a Python literal as text.
_WRAPPING = "'\"`{}[]()<>"
#: Words between the items of a list written as text ("issuer and serial number", "l'émetteur et le numéro").
FILLERS = frozenset({"and", "or", "the", "a", "an", "its", "of", "&", "+",
                     "et", "ou", "le", "la", "les", "un", "une", "du", "des", "de", "sa", "son", "ses"})
#: Fillers that may also be an answer's letters ("de" for (d) and (e)): read_letters keeps them.
_LETTER_WORDS = frozenset({"a", "de"})
#: What separates the items of a list written as text.
_SEPARATORS = re.compile(r"[,;\n|+&]|\band\b|\bet\b", re.IGNORECASE)
#: The words that say "no item" (squashed): English, and French.
NONE_WORDS = frozenset({"none", "aucun", "aucune", "rien"})


def a_kind(value: Any) -> str:
    """``a list``, ``an int``: the type of ``value`` with its article, for format hints."""
    name = type(value).__name__
    return (_("an {name}") if name[:1] in "aeiou" else _("a {name}")).format(name=name)


# -- reading answers -------------------------------------------------------------------------------------


@dataclass
class Reading:
    """What an answer holds, read against one vocabulary.

    Attributes:
        found: term name -> the spelling the learner used, e.g. ``{"keyCertSign": "Certificate Sign"}``.
        strangers: (as written, term) for words that are terms of another kind.
        unknown: words that are no term at all.
        problem: a format problem ("" when the answer's shape is right).
    """

    found: dict[str, str] = field(default_factory=dict)
    strangers: list[tuple[str, Term]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    problem: str = ""

    @property
    def names(self) -> set[str]:
        return set(self.found)

    @property
    def empty(self) -> bool:
        return not (self.found or self.strangers or self.unknown)


_COLLECTIONS = (list, tuple, set, frozenset)


def _pieces(answer: Any) -> Optional[list[str]]:
    """The pieces of an answer: one per item of a collection, one per comma-separated part of a string.

    None when the answer is neither (a number, a dict...).
    """
    if isinstance(answer, str):
        text = answer.strip().strip("{}[]()")
        return [p for p in _SEPARATORS.split(text) if p and p.strip()]
    if isinstance(answer, _COLLECTIONS) or type(answer).__name__ in ("dict_keys", "dict_values"):
        pieces = []
        for item in answer:
            if isinstance(item, (str, int)) and not isinstance(item, bool) or isinstance(item, x509.ObjectIdentifier):
                text = item.dotted_string if isinstance(item, x509.ObjectIdentifier) else str(item)
                pieces += [p for p in _SEPARATORS.split(text) if p and p.strip()]
            else:
                return None
        return pieces
    if isinstance(answer, x509.ObjectIdentifier):
        return [answer.dotted_string]
    return None


def _segment(piece: str, vocabulary: Vocabulary, reading: Reading) -> None:
    """Read one piece: whole if it is a term, else its words, longest known run first."""
    words = [w.strip(_WRAPPING) for w in piece.split()]
    words = [w for w in words if w]
    start = 0
    while start < len(words):
        for end in range(len(words), start, -1):
            text = " ".join(words[start:end])
            term = vocabulary.lookup(text)
            if term is not None:
                reading.found.setdefault(term.name, text)
                break
            other = kind_of(text, besides=vocabulary)
            if other is not None:
                reading.strangers.append((text, other))
                break
        else:
            end = start + 1
            if squash(words[start]) not in FILLERS:
                reading.unknown.append(words[start])
        start = end


def read_set(answer: Any, vocabulary: Vocabulary, *, none_words: Iterable[str] = NONE_WORDS) -> Reading:
    """Read an answer that names several terms: a set, a list, a tuple, or one string.

    Words of ``none_words`` ("none", or French "aucun") stand for the empty answer and are dropped.
    """
    reading = Reading()
    pieces = _pieces(answer)
    if pieces is None:
        reading.problem = _("{kind} is not a collection of names").format(kind=a_kind(answer))
        return reading
    nothing = {squash(w) for w in none_words}
    for piece in pieces:
        if squash(piece) in nothing:
            continue
        _segment(piece, vocabulary, reading)
    return reading


def read_one(answer: Any, vocabulary: Vocabulary) -> Reading:
    """Read an answer that names one term: a string, or a collection holding just it."""
    if isinstance(answer, _COLLECTIONS) and len(answer) == 1:
        answer = next(iter(answer))
    if isinstance(answer, _COLLECTIONS):
        reading = read_set(answer, vocabulary)
        if len(reading.found) + len(reading.strangers) + len(reading.unknown) > 1:
            reading.problem = _("{count} items where one is asked").format(count=len(answer))
        return reading
    if isinstance(answer, x509.ObjectIdentifier):
        answer = answer.dotted_string
    if isinstance(answer, bool) or not isinstance(answer, (str, int)):
        reading = Reading()
        reading.problem = _("{kind} is not a name").format(kind=a_kind(answer))
        return reading
    reading = Reading()
    text = str(answer).strip().strip(_WRAPPING)
    term = vocabulary.lookup(text)
    if term is not None:
        reading.found[term.name] = text
        return reading
    other = kind_of(text, besides=vocabulary)
    if other is not None:
        reading.strangers.append((text, other))
        return reading
    return read_set(text, vocabulary)  # "the keyCertSign" or two names in one string


def read_letters(answer: Any, choices: str) -> tuple[set[str], list[str], str]:
    """Letters from ``{"a", "b"}``, ``"a, b"``, ``"(a) (b)"`` or ``"ab"``: (letters, stray words, format problem)."""
    if isinstance(answer, str):
        words = re.split(r"[^0-9A-Za-z]+", answer)
    elif isinstance(answer, _COLLECTIONS):
        if not all(isinstance(item, str) for item in answer):
            return set(), [], _("letters are strings, e.g. \"a\"")
        words = [w for item in answer for w in re.split(r"[^0-9A-Za-z]+", item)]
    else:
        return set(), [], _("{kind} is not a set of letters").format(kind=a_kind(answer))
    letters, stray = set(), []
    for word in (w.lower() for w in words if w):
        if word in FILLERS - _LETTER_WORDS:
            continue
        if word.isalpha() and len(set(word)) == len(word):
            for letter in word:
                (letters.add(letter) if letter in choices else stray.append(letter))
        else:
            stray.append(word)
    return letters, stray, ""


def read_date(answer: Any) -> Optional[dt.date]:
    """A day from a date, a datetime (its UTC day when it has a time zone), or text starting ``YYYY-MM-DD``.

    ``YYYY/MM/DD`` and ``YYYY.MM.DD`` count too; anything else is None.
    """
    if isinstance(answer, dt.datetime):
        if answer.tzinfo is not None and answer.utcoffset() is not None:
            answer = answer.astimezone(dt.timezone.utc)
        return answer.date()
    if isinstance(answer, dt.date):
        return answer
    if not isinstance(answer, str):
        return None
    text = answer.strip().strip(_WRAPPING)
    text = re.sub(r"^(not\s*after|next\s*update|pas\s*après|prochaine\s*mise\s*à\s*jour)\s*[=:]\s*", "", text,
                  flags=re.IGNORECASE)
    for pattern in ("%b %d %H:%M:%S %Y GMT", "%b %d %H:%M:%S %Y UTC"):  # openssl x509 -enddate
        try:
            return dt.datetime.strptime(" ".join(text.split()), pattern).date()
        except ValueError:
            pass
    match = re.match(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)(.*)$", text)
    if not match:
        return None
    try:
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    rest = match[4].strip()
    if rest and (rest[0] in "Tt" or rest[0].isdigit()):  # an instant: its UTC day
        clock = rest.lstrip("Tt ").replace("Z", "+00:00").replace("z", "+00:00")
        try:
            instant = dt.datetime.fromisoformat(f"{day.isoformat()}T{clock}")
        except ValueError:
            return day
        if instant.tzinfo is not None:
            return instant.astimezone(dt.timezone.utc).date()
    return day


def read_file_names(answer: Any) -> Optional[list[str]]:
    """File names from a string (commas or spaces between them), or a collection of strings or paths.

    Any folder is dropped: ``lab/source/ca-key.pem`` is ``ca-key.pem``. None when the shape is wrong.
    """
    from pathlib import PurePath

    if isinstance(answer, (str, PurePath)):
        items = [str(answer)]
    elif isinstance(answer, _COLLECTIONS):
        items = list(answer)
        if not all(isinstance(item, (str, PurePath)) for item in items):
            return None
    else:
        return None
    names = []
    for item in items:
        for word in re.split(r"[,;\s]+", str(item)):
            word = word.strip(_WRAPPING).replace("\\", "/").rsplit("/", 1)[-1]
            if word and squash(word) not in FILLERS:
                names.append(word)
    return names


_SAN_PREFIX = re.compile(r"^(dns|ip\s*address|ipaddress|ip|dnsname)\s*:\s*", re.IGNORECASE)


def _host(text: str) -> str:
    """A host name lower-cased without a final dot, or an IP address in its canonical form."""
    text = _SAN_PREFIX.sub("", text.strip().strip(_WRAPPING)).strip().rstrip(".").lower()
    try:
        return str(ipaddress.ip_address(text.strip("[]")))
    except ValueError:
        return text


def read_host_names(answer: Any) -> Optional[list[str]]:
    """Names from ``"DNS:localhost, IP Address:127.0.0.1"`` (the decoded view's value), a list, or a set.

    Items may be strings, ``ipaddress`` addresses or ``cryptography`` GeneralNames; None when the shape is wrong.
    """
    if isinstance(answer, str):
        text = re.sub(r"ip\s+address\s*:\s*", "IP:", answer, flags=re.IGNORECASE)
        text = re.sub(r"\b(dns|ip)\s*:\s*", r"\1:", text, flags=re.IGNORECASE)
        items: list = [w for w in re.split(r"[,;\s]+", text.strip().strip("{}[]()")) if w]
    elif isinstance(answer, _COLLECTIONS):
        items = list(answer)
    else:
        return None
    names = []
    for item in items:
        if isinstance(item, x509.GeneralName):
            item = item.value
        if isinstance(item, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
            names.append(str(item))
        elif isinstance(item, str):
            name = _host(item)
            if name and name not in FILLERS:
                names.append(name)
        else:
            return None
    return names


def read_whole_number(answer: Any) -> Optional[int]:
    """A whole number from an int, a float with no fraction, or text such as ``"364"`` or ``"364 days"``."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, int):
        return answer
    if isinstance(answer, float) and answer.is_integer():
        return int(answer)
    if isinstance(answer, str):
        match = re.fullmatch(r"\s*([-+]?\d+)(?:\.0*)?\s*(days?|d|jours?|j)?\s*\.?\s*", answer, flags=re.IGNORECASE)
        if match:
            return int(match[1])
    return None


_TRUE = {"true", "ok", "yes", "y", "accept", "accepts", "accepted", "pass", "passes", "passed", "valid", "1",
         "vrai", "oui", "o", "accepte", "accepté", "acceptée", "acceptés", "passe", "réussi", "réussit", "valide"}
_FALSE = {"false", "no", "n", "refuse", "refuses", "refused", "reject", "rejects", "rejected", "fail", "fails",
          "failed", "invalid", "error", "0",
          "faux", "non", "refusé", "refusée", "refusés", "rejette", "rejeté", "rejetée", "échoue", "échec", "échoué",
          "invalide", "nonvalide", "erreur"}


def read_boolean(value: Any) -> Optional[bool]:
    """True or False from a bool, or from words such as "OK", "accepted", "refused"; None otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    word = squash(value) if isinstance(value, str) else None
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    return None


def read_booleans(answer: Any) -> Optional[list[Optional[bool]]]:
    """Verdicts from a tuple or list (``(True, False)``, ``("ok", "refused")``) or text (``"True, False"``)."""
    if isinstance(answer, str):
        answer = [w for w in re.split(r"[,;\s]+", answer.strip().strip("()[]{}")) if w]
    if not isinstance(answer, (list, tuple)):
        return None
    return [read_boolean(value) for value in answer]


def listed(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``: items in the order given (``a, b et c`` in French)."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])
