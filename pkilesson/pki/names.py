"""Names: who a certificate is about.

Two kinds of names matter in the lessons:

* the *distinguished name* (DN) of the subject and issuer, made of fields
  such as C (country), O (organisation) and CN (common name). ``openssl
  req`` asks for them one by one, or takes them as ``-subj
  "/C=FR/O=Lab/CN=server"``;
* the *subjectAltName* (SAN) entries: DNS names, IP addresses, e-mail
  addresses, URIs. Modern TLS clients match the host name against these only.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Iterable, Mapping, Optional, Union
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.x509.oid import NameOID

from .._catalog import N_, _, tr
from ..errors import InvalidNameError, argument_error

__all__ = [
    "NAME_FIELDS",
    "make_name",
    "parse_subj",
    "format_subj",
    "common_name",
    "parse_general_name",
    "parse_general_names",
    "format_general_name",
    "check_dns_name",
    "to_name",
]

#: The DN fields of the lessons, in the order ``openssl req`` asks for them:
#: short name -> (OID, longest value allowed by RFC 5280's upper bounds, meaning)
NAME_FIELDS = {
    "C": (NameOID.COUNTRY_NAME, 2, N_("country, two letters (ISO 3166)")),
    "ST": (NameOID.STATE_OR_PROVINCE_NAME, 128, N_("state or province")),
    "L": (NameOID.LOCALITY_NAME, 128, N_("locality (city)")),
    "O": (NameOID.ORGANIZATION_NAME, 64, N_("organisation name")),
    "OU": (NameOID.ORGANIZATIONAL_UNIT_NAME, 64, N_("organisational unit")),
    "CN": (NameOID.COMMON_NAME, 64, N_("common name")),
    "emailAddress": (NameOID.EMAIL_ADDRESS, 255, N_("e-mail address (PKCS#9, legacy)")),
}
_LONG_NAMES = {
    "countryname": "C",
    "stateorprovincename": "ST",
    "localityname": "L",
    "organizationname": "O",
    "organizationalunitname": "OU",
    "commonname": "CN",
    "emailaddress": "emailAddress",
}
_SHORT_BY_OID = {oid: short for short, (oid, _longest, _meaning) in NAME_FIELDS.items()}


def _field_short_name(field: str) -> str:
    if not isinstance(field, str):
        raise InvalidNameError(
            _("A name field must be given by its name, got {field!r}.").format(field=field),
            _("use one of {names}.").format(names=", ".join(NAME_FIELDS))
        )
    for short in NAME_FIELDS:
        if field.lower() == short.lower():
            return short
    if field.lower() in _LONG_NAMES:
        return _LONG_NAMES[field.lower()]
    raise InvalidNameError(
        _("Unknown name field {field!r}.").format(field=field),
        _("use one of {names}.").format(names=", ".join(NAME_FIELDS)),
    )


def _attribute(field: str, value: str) -> x509.NameAttribute:
    short = _field_short_name(field)
    oid, longest, meaning = (*NAME_FIELDS[short][:2], tr(NAME_FIELDS[short][2]))
    if not isinstance(value, str):
        raise InvalidNameError(
            _("The {short} field must be text, got {type}.").format(short=short, type=type(value).__name__),
            _("give the {meaning} as a string.").format(meaning=meaning),
        )
    if not value.strip():
        raise InvalidNameError(
            _("The {short} ({meaning}) field is empty.").format(short=short, meaning=meaning),
            _("give a value for {short}, or leave the field out.").format(short=short),
        )
    if value != value.strip():
        raise InvalidNameError(
            _("The {short} field {value!r} starts or ends with spaces.").format(short=short, value=value),
            _("remove the spaces around the value."),
        )
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise InvalidNameError(
            _("The {short} field {value!r} contains a control character.").format(short=short, value=value),
            _("use printable characters only."),
        )
    if short == "C" and not re.fullmatch(r"[A-Za-z]{2}", value):
        raise InvalidNameError(
            _("The country (C) must be two letters, got {value!r}.").format(value=value),
            _("use an ISO 3166 code such as FR, DE or US."),
        )
    if short == "emailAddress":
        _check_email(value)
    if len(value) > longest:
        raise InvalidNameError(
            _("The {short} field is {length} characters long; RFC 5280 allows {longest}.").format(
                short=short, length=len(value), longest=longest), _("shorten the {meaning}.").format(meaning=meaning),
        )
    return x509.NameAttribute(oid, value)


def make_name(
    fields: Optional[Mapping[str, str]] = None, **kwargs: Optional[str]
) -> x509.Name:
    """Build a distinguished name from fields: ``make_name(C="FR", O="Lab", CN="server")``.

    Fields are put in the order ``openssl req`` uses (C, ST, L, O, OU, CN,
    emailAddress); ``None`` values are left out. A CN is required.
    """
    if fields is not None and not isinstance(fields, Mapping):
        raise argument_error("fields", "a mapping of name fields such as {'O': 'Lab', 'CN': 'server'}", fields)
    given = dict(fields or {})
    given.update(kwargs)
    values: dict[str, str] = {}
    for field, value in given.items():
        if value is not None:
            values[_field_short_name(field)] = value
    if "CN" not in values:
        raise InvalidNameError(
            _("The name has no common name (CN)."),
            _("give CN='...': the CA's name, the server's host name or the client's name."),
        )
    return x509.Name(
        [_attribute(short, values[short]) for short in NAME_FIELDS if short in values]
    )


def _split_unescaped(text: str, sep: str) -> list[str]:
    parts, current, i = [], "", 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current += text[i : i + 2]
            i += 2
            continue
        if ch == sep:
            parts.append(current)
            current = ""
        else:
            current += ch
        i += 1
    parts.append(current)
    return parts


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def parse_subj(subj: str) -> x509.Name:
    """Parse OpenSSL's ``-subj`` form, ``/C=FR/O=Lab/CN=server``, into a name.

    As in OpenSSL, ``\\`` escapes a ``/`` or ``+`` inside a value and ``+``
    joins several fields into one multi-valued RDN.
    """
    if not isinstance(subj, str) or not subj.startswith("/"):
        raise InvalidNameError(
            _("{subj!r} is not in the -subj form.").format(subj=subj),
            _("write it as /C=FR/O=Lab/CN=server (it starts with '/')."),
        )
    rdns = []
    for part in _split_unescaped(subj[1:], "/"):
        if not part:
            raise InvalidNameError(
                _("{subj!r} has an empty part between two '/'.").format(subj=subj),
                _("remove the doubled '/', or escape a '/' inside a value as '\\/'."),
            )
        attributes = []
        for item in _split_unescaped(part, "+"):
            if "=" not in item:
                raise InvalidNameError(
                    _("{item!r} in {subj!r} has no '='.").format(item=item, subj=subj),
                    _("write each field as TYPE=value, e.g. CN=server."),
                )
            field, value = item.split("=", 1)
            attributes.append(_attribute(field, _unescape(value)))
        rdns.append(x509.RelativeDistinguishedName(attributes))
    return x509.Name(rdns)


def _escape(value: str) -> str:
    return re.sub(r"([\\/+])", r"\\\1", value)


def format_subj(name: x509.Name) -> str:
    """The ``-subj`` form of a name: ``/C=FR/O=Lab/CN=server``."""
    _check_name(name)
    parts = []
    for rdn in name.rdns:
        items = []
        for attribute in rdn:
            field = _SHORT_BY_OID.get(attribute.oid, attribute.oid.dotted_string)
            value = attribute.value
            if isinstance(value, bytes):
                value = value.hex()
            items.append(f"{field}={_escape(value)}")
        parts.append("+".join(items))
    return "/" + "/".join(parts)


def _check_name(name) -> None:
    if not isinstance(name, x509.Name):
        raise argument_error("name", N_("an x509.Name (a certificate's subject or issuer)"), name,
                             _("pass certificate.subject, or make one with make_name(CN=...)."))


def common_name(name: x509.Name) -> Optional[str]:
    """The (last) CN of a name, or None."""
    _check_name(name)
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[-1].value) if values else None


_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z")


def check_dns_name(name: str, *, allow_wildcard: bool = True) -> str:
    """Return ``name`` if it is a valid DNS host name, else raise :class:`InvalidNameError`.

    Host names are ASCII letters, digits and hyphens, in dot-separated labels
    of at most 63 characters (RFC 1123); a ``*`` may stand for the whole
    leftmost label. International names must be given in their ``xn--`` form.
    """
    if not isinstance(name, str) or not name:
        raise InvalidNameError(_("The DNS name is empty."), _("give a host name such as server.example."))
    if not name.isascii():
        try:
            suggestion = name.encode("idna").decode("ascii")
            hint = _("write it in its ASCII (IDNA) form {suggestion!r}.").format(suggestion=suggestion)
        except UnicodeError:
            hint = _("use ASCII letters, digits and hyphens.")
        raise InvalidNameError(_("{name!r} is not an ASCII DNS name.").format(name=name), hint)
    if not name.strip("."):
        raise InvalidNameError(_("{name!r} is not a host name.").format(name=name),
                               _("give a host name such as server.example."))
    if name.endswith("."):
        raise InvalidNameError(
            _("{name!r} ends with a dot.").format(name=name),
            _("write it without the final dot: {name!r}.").format(name=name.rstrip("."))
        )
    if len(name) > 253:
        raise InvalidNameError(
            _("The DNS name is {length} characters long; the limit is 253.").format(length=len(name)), _("shorten it.")
        )
    labels = name.split(".")
    for index, label in enumerate(labels):
        if label == "*" and index == 0 and allow_wildcard and len(labels) > 2:
            continue
        if not _LABEL.match(label):
            if label == "*" and index == 0 and not allow_wildcard:
                fix = _("a wildcard names many hosts; here one host name is needed, the one a client connects to, "
                        "e.g. {example!r}.").format(example="www" + name[1:])
            elif label == "*" and index == 0:
                fix = _("a wildcard needs at least two labels after it, as in *.example.com (not *.com).")
            elif "*" in label:
                fix = _("a wildcard must be the whole leftmost label, as in *.example.com.")
            elif "_" in label:
                fix = _("replace '_' with '-': host names cannot contain underscores.")
            elif not label:
                fix = _("remove the empty label (two dots in a row).")
            else:
                fix = _("use letters, digits and inner hyphens, at most 63 per label.")
            raise InvalidNameError(_("{name!r} is not a valid DNS name (label {label!r}).").format(
                name=name, label=label), fix)
    if labels[-1].isdigit():
        raise InvalidNameError(
            _("{name!r} looks like an IP address but is not a valid one.").format(name=name),
            _("give a valid IPv4/IPv6 address, or a host name."),
        )
    return name


def _check_email(address: str) -> str:
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise InvalidNameError(
            _("{address!r} is not an e-mail address.").format(address=address), _("write it as name@domain.example.")
        )
    if not address.isascii() or any(ch.isspace() for ch in local):
        raise InvalidNameError(
            _("{address!r} is not a plain ASCII e-mail address.").format(address=address),
            _("use ASCII characters without spaces."),
        )
    check_dns_name(domain, allow_wildcard=False)
    return address


_PREFIXES = {"dns": "DNS", "ip": "IP", "email": "email", "uri": "URI"}


def parse_general_name(text: Union[str, x509.GeneralName]) -> x509.GeneralName:
    """One subjectAltName entry from text.

    Accepts OpenSSL's prefixed form (``DNS:server.example``,
    ``IP:127.0.0.1``, ``email:alice@example.org``, ``URI:spiffe://lab/client``)
    or a bare value, whose kind is guessed: an IP address, an e-mail address
    (with ``@``), a URI (with ``://``), else a DNS name.
    """
    if isinstance(text, x509.GeneralName):
        return text
    if not isinstance(text, str) or not text.strip():
        raise InvalidNameError(
            _("A subjectAltName entry is empty."), _("give a DNS name or an IP address, e.g. localhost.")
        )
    text = text.strip()
    kind = None
    prefix, colon, rest = text.partition(":")
    if colon and prefix.lower() in _PREFIXES:
        kind, text = _PREFIXES[prefix.lower()], rest.strip()
    if kind in (None, "IP"):
        try:
            return x509.IPAddress(ipaddress.ip_address(text))
        except ValueError:
            if kind == "IP":
                raise InvalidNameError(
                    _("{text!r} is not an IP address.").format(text=text),
                    _("write an IPv4 address like 127.0.0.1 or an IPv6 address like ::1."),
                ) from None
    if kind == "email" or (kind is None and "@" in text):
        return x509.RFC822Name(_check_email(text))
    if kind == "URI" or (kind is None and "://" in text):
        parts = urlsplit(text)
        if not parts.scheme or not (parts.netloc or parts.path) or not text.isascii():
            raise InvalidNameError(
                _("{text!r} is not an absolute URI.").format(text=text), _("write it as scheme://authority/path.")
            )
        return x509.UniformResourceIdentifier(text)
    return x509.DNSName(check_dns_name(text))


def parse_general_names(values: Union[str, Iterable]) -> list[x509.GeneralName]:
    """Several SAN entries, from a list or a comma-separated string.

    Duplicates are dropped, keeping the first occurrence.
    """
    if isinstance(values, str):
        values = [v for v in values.split(",") if v.strip()]
    elif isinstance(values, x509.GeneralName) or not isinstance(values, Iterable):
        raise InvalidNameError(
            _("Expected a list of subjectAltName entries, got {type}.").format(type=type(values).__name__),
            _("pass a list such as ['localhost', '127.0.0.1'] or a comma-separated string."),
        )
    result: list[x509.GeneralName] = []
    for value in values:
        name = parse_general_name(value)
        if name not in result:
            result.append(name)
    return result


def format_general_name(name: x509.GeneralName) -> str:
    """OpenSSL's text form of a SAN entry, as ``-addext subjectAltName=`` takes it."""
    if not isinstance(name, x509.GeneralName):
        raise argument_error("name", N_("a subjectAltName entry (an x509.GeneralName)"), name,
                             _("pass an entry of parse_general_names(...), e.g. x509.DNSName('localhost')."))
    if isinstance(name, x509.DNSName):
        return f"DNS:{name.value}"
    if isinstance(name, x509.IPAddress):
        return f"IP:{name.value}"
    if isinstance(name, x509.RFC822Name):
        return f"email:{name.value}"
    if isinstance(name, x509.UniformResourceIdentifier):
        return f"URI:{name.value}"
    return f"{type(name).__name__}:{name.value}"


def to_name(value: Union[x509.Name, str, Mapping[str, str]]) -> x509.Name:
    """A name from a :class:`~cryptography.x509.Name`, a ``-subj`` string or a mapping of fields."""
    if isinstance(value, x509.Name):
        return value
    if isinstance(value, str):
        if value.startswith("/"):
            return parse_subj(value)
        raise InvalidNameError(
            _("{value!r} is not a distinguished name.").format(value=value),
            _("write it in the -subj form, e.g. '/O=Lab/CN={value}', or as a mapping of fields.").format(value=value),
        )
    if isinstance(value, Mapping):
        return make_name(value)
    raise InvalidNameError(
        _("Cannot make a name from {type}.").format(type=type(value).__name__),
        _("give {subj} or {fields}.").format(subj="'/C=FR/O=Lab/CN=server'", fields="{'O': 'Lab', 'CN': 'server'}"),
    )
