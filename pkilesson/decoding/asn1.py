"""The byte view: the DER tree of an artifact, each node named from its ASN.1 module.

A certificate, a CSR or a key file is DER: a tree of tag-length-value (TLV)
nodes. :func:`der_tree` walks the bytes (offsets, header lengths, lengths,
tags, as ``openssl asn1parse`` prints them) and names each node after the
field it holds in the ASN.1 module of RFC 5280 (X.509), RFC 2986 (PKCS#10),
RFC 5208 (PKCS#8), RFC 8017 (PKCS#1) or RFC 5915 (SEC 1), as transcribed by
the maintained ``pyasn1-alt-modules`` package: ``tbsCertificate.validity.notAfter``.

Three things go beyond ``openssl asn1parse``, which stops at OCTET and BIT
STRINGs: the DER inside an extension's ``extnValue``, inside an RSA
``subjectPublicKey`` and inside an ECDSA ``signatureValue`` is walked too
(those nodes say ``encapsulated=True``); in a private key, every value
that could be secret is *redacted*: its bytes are replaced by zeros in the
tree's data and never shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterator, Optional

from .._catalog import _
from ._der import CLASSES, UNIVERSAL, Raw, bad, parse, value_of
from ..errors import DecodeError, argument_error, check_bool

__all__ = ["Asn1Node", "Asn1Tree", "der_tree", "SCHEMAS"]

#: In a private key, the only leaves whose bytes may be shown (the rest could be secret).
_PUBLIC_IN_KEYS = {"version", "algorithm", "parameters", "modulus", "publicExponent", "publicKey", "namedCurve"}


@dataclass(frozen=True)
class Asn1Node:
    """One TLV node of the DER tree.

    Attributes:
        offset: where the node starts (its tag byte), from the start of the DER.
        header_length: bytes of tag and length ("hl" in ``openssl asn1parse``).
        length: bytes of content ("l").
        tag_class: ``"universal"``, ``"context"``, ``"application"`` or ``"private"``.
        constructed: True when the content is more nodes.
        tag_number: the tag's number (16 for SEQUENCE, 0 for ``[0]``...).
        name: the field's path in the ASN.1 module, e.g. ``tbsCertificate.validity.notAfter``.
        type: the ASN.1 type the module gives that field (``Time: utcTime``), or ``""``.
        value: a readable form of a primitive's content (``""`` for constructed nodes).
        children: the nodes inside.
        encapsulated: True for nodes inside an OCTET or BIT STRING (``openssl
            asn1parse`` does not show them).
        secret: True when the content may be private-key material: never shown.
    """

    offset: int
    header_length: int
    length: int
    tag_class: str
    constructed: bool
    tag_number: int
    name: str = ""
    type: str = ""
    value: str = ""
    children: tuple["Asn1Node", ...] = ()
    encapsulated: bool = False
    secret: bool = False

    @property
    def end(self) -> int:
        """The offset just past the node."""
        return self.offset + self.header_length + self.length

    @property
    def tag(self) -> str:
        """``SEQUENCE``, ``INTEGER``, ``[0]``, ``[APPLICATION 1]``..."""
        if self.tag_class == "universal":
            return UNIVERSAL.get(self.tag_number, f"[UNIVERSAL {self.tag_number}]")
        if self.tag_class == "context":
            return f"[{self.tag_number}]"
        return f"[{self.tag_class.upper()} {self.tag_number}]"

    def walk(self, depth: int = 0) -> Iterator[tuple[int, "Asn1Node"]]:
        """Every node of the subtree, parents first, with its depth."""
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)


@dataclass(frozen=True)
class Asn1Tree:
    """The DER tree of one artifact, with the bytes it describes.

    ``data`` is the DER with every secret node's content replaced by zeros,
    so nothing private can leak through it.
    """

    root: Asn1Node
    data: bytes = field(repr=False)
    schema: str = ""

    def nodes(self) -> Iterator[tuple[int, Asn1Node]]:
        """Every node, parents first, with its depth (0 for the root)."""
        return self.root.walk()

    def find(self, name: str) -> Asn1Node:
        """The outermost node named ``name`` (e.g. ``tbsCertificate.validity.notAfter``)."""
        for _unused, node in self.nodes():
            if node.name == name:
                return node
        raise DecodeError(
            _("No field named {name!r} in this {schema} tree.").format(name=name, schema=self.schema or "DER"),
            _("pick a name from the tree's 'name' column, e.g. 'tbsCertificate.validity.notAfter'."),
        )

    def content_hex(self, node: Asn1Node) -> Optional[str]:
        """The node's content bytes in hex, or None when they are secret."""
        if node.secret:
            return None
        start = node.offset + node.header_length
        return self.data[start : node.end].hex()

    def header_hex(self, node: Asn1Node) -> str:
        return self.data[node.offset : node.offset + node.header_length].hex()

    def to_dict(self, node: Optional[Asn1Node] = None) -> dict:
        """The tree as plain data (for JSON): offset, header_length, length, tag, name, children..."""
        node = node or self.root
        return {
            "offset": node.offset,
            "header_length": node.header_length,
            "length": node.length,
            "tag": node.tag,
            "name": node.name,
            "type": node.type,
            "value": "(secret, not shown)" if node.secret else node.value,
            "hex": None if node.constructed else self.content_hex(node),
            "encapsulated": node.encapsulated,
            "children": [self.to_dict(child) for child in node.children],
        }

    def __str__(self) -> str:
        from ._tree_view import tree_text

        return tree_text(self)

    def _repr_html_(self) -> str:
        from ._tree_view import tree_html

        return tree_html(self)


# -- naming from the ASN.1 modules -----------------------------------------------------


def _schemas() -> dict:
    from pyasn1_alt_modules import rfc2986, rfc3279, rfc5208, rfc5280, rfc5915, rfc8017

    return {
        "Certificate": rfc5280.Certificate(),
        "CertificationRequest": rfc2986.CertificationRequest(),
        "CertificateList": rfc5280.CertificateList(),
        "PrivateKeyInfo": rfc5208.PrivateKeyInfo(),
        "RSAPrivateKey": rfc8017.RSAPrivateKey(),
        "ECPrivateKey": rfc5915.ECPrivateKey(),
        "SubjectPublicKeyInfo": rfc5280.SubjectPublicKeyInfo(),
        "DigestInfo": rfc8017.DigestInfo(),
        "RSAPublicKey": rfc3279.RSAPublicKey(),
        "ECDSA-Sig-Value": rfc3279.ECDSA_Sig_Value(),
    }


class _Schemas(dict):
    """Loaded on first use: importing the ASN.1 modules takes tens of milliseconds."""

    def __missing__(self, key):
        if not super().__len__():
            self.update(_schemas())
            if key in self:
                return self[key]
        raise KeyError(key)


#: The named structures :func:`der_tree` knows, by ASN.1 type name.
SCHEMAS = _Schemas()


def _schema_names() -> list:
    if not dict.__len__(SCHEMAS):
        SCHEMAS.update(_schemas())
    return list(SCHEMAS)

#: DER inside a primitive: (field name, governing algorithm or extension OID) -> schema.
_ENCAPSULATED = {
    ("subjectPublicKey", "1.2.840.113549.1.1.1"): "RSAPublicKey",
    ("signatureValue", "1.2.840.10045.4.3.2"): "ECDSA-Sig-Value",
    ("signatureValue", "1.2.840.10045.4.3.3"): "ECDSA-Sig-Value",
    ("signature", "1.2.840.10045.4.3.2"): "ECDSA-Sig-Value",
    ("signature", "1.2.840.10045.4.3.3"): "ECDSA-Sig-Value",
}


class _Walker:
    def __init__(self, data: bytes, private: bool) -> None:
        from pyasn1.type import univ
        from pyasn1_alt_modules import rfc5280

        self.data, self.private, self.univ = data, private, univ
        self.extensions = {str(k): v for k, v in rfc5280.certificateExtensionsMap.items()}
        # RFC 2985: ExtensionRequest ::= Extensions. The pyasn1-alt-modules rfc2985
        # module registers it too, but importing it costs 50 ms (it pulls in CMS).
        self.attributes = {"1.2.840.113549.1.9.14": rfc5280.Extensions()}
        self.secret_ranges: list[tuple[int, int]] = []

    # tags a spec may start with: a set of (class, number), or None for "any tag"
    def outer_tags(self, spec) -> Optional[set]:
        univ = self.univ
        if not spec.tagSet:
            if isinstance(spec, univ.Choice):
                tags: set = set()
                for named in spec.componentType.namedTypes:
                    sub = self.outer_tags(named.asn1Object)
                    if sub is None:
                        return None
                    tags |= sub
                return tags
            return None  # an untagged ANY
        outer = spec.tagSet.superTags[-1]
        return {(outer.tagClass, outer.tagId)}

    def matches(self, spec, raw: Raw) -> bool:
        tags = self.outer_tags(spec)
        return tags is None or (raw.cls, raw.num) in tags

    def leaf(self, raw: Raw, name: str, type_: str, encapsulated: bool, children=(), spec=None) -> Asn1Node:
        secret = self.private and not raw.cons and not encapsulated and not (
            name.rsplit(".", 1)[-1] in _PUBLIC_IN_KEYS or (raw.cls == 0 and raw.num in (5, 6))
        )
        if secret:
            self.secret_ranges.append((raw.offset + raw.hl, raw.offset + raw.hl + raw.length))
            value = ""
        else:
            own = type(spec).tagSet if spec is not None else None  # the type's tag before IMPLICIT tagging
            base = own.superTags[-1] if own else None
            value = value_of(raw, self.data, base.tagId if base is not None and base.tagClass == 0 else None)
        return Asn1Node(
            raw.offset, raw.hl, raw.length, CLASSES[raw.cls], raw.cons, raw.num, name, type_,
            value, tuple(children), encapsulated, secret,
        )

    def generic(self, raw: Raw, name: str, encapsulated: bool, type_: str = "") -> Asn1Node:
        children = [self.generic(c, f"{name}[{i}]", encapsulated) for i, c in enumerate(raw.children)]
        return self.leaf(raw, name, type_, encapsulated, children)

    def named(self, raw: Raw, spec, name: str, encapsulated: bool = False, layers: Optional[int] = None) -> Asn1Node:
        univ = self.univ
        if spec is None:
            return self.generic(raw, name, encapsulated)
        if layers is None:
            if not self.matches(spec, raw):
                return self.generic(raw, name, encapsulated)
            layers = len(spec.tagSet.superTags) if spec.tagSet else 0
        type_name = type(spec).__name__
        if layers == 0:
            if isinstance(spec, univ.Choice):
                for named in spec.componentType.namedTypes:
                    if self.matches(named.asn1Object, raw):
                        node = self.named(raw, named.asn1Object, name, encapsulated)
                        return replace(node, type=f"{type_name}: {named.name}")
            return self.generic(raw, name, encapsulated, type_name)  # ANY without a known type
        if layers > 1:  # an EXPLICIT tag wrapping the value
            if not raw.cons or len(raw.children) != 1:
                return self.generic(raw, name, encapsulated, type_name)
            inner = self.named(raw.children[0], spec, name, encapsulated, layers - 1)
            return self.leaf(raw, name, f"[{raw.num}] EXPLICIT", encapsulated, [inner])
        if isinstance(spec, (univ.SequenceOf, univ.SetOf)):
            children = [self.named(c, spec.componentType, f"{name}[{i}]", encapsulated) for i, c in enumerate(raw.children)]
            return self.leaf(raw, name, type_name, encapsulated, children)
        if isinstance(spec, (univ.Sequence, univ.Set)):
            return self.leaf(raw, name, type_name, encapsulated, self.components(raw, spec, name, encapsulated))
        return self.leaf(raw, name, type_name, encapsulated, spec=spec)

    def components(self, raw: Raw, spec, name: str, encapsulated: bool) -> list[Asn1Node]:
        named_types = spec.componentType.namedTypes
        prefix = f"{name}." if name else ""
        done: dict[str, Asn1Node] = {}
        children, index = [], 0
        for child in raw.children:
            found = None
            while index < len(named_types):
                candidate = named_types[index]
                if self.matches(candidate.asn1Object, child):
                    found = candidate
                    break
                if not (candidate.isOptional or candidate.isDefaulted):
                    break
                index += 1
            if found is None:
                children.append(self.generic(child, f"{prefix}?", encapsulated))
                continue
            index += 1
            child_spec = self.open_type(found, done)
            path = prefix + found.name
            if child_spec is not None and isinstance(found.asn1Object, (self.univ.SetOf, self.univ.SequenceOf)):
                items = [self.named(c, child_spec, f"{path}[{i}]", encapsulated) for i, c in enumerate(child.children)]
                node = self.leaf(child, path, type(found.asn1Object).__name__, encapsulated, items)
            else:
                node = self.named(child, child_spec if child_spec is not None else found.asn1Object, path, encapsulated)
            node = self.with_inner_der(node, child, found.name, done)
            done[found.name] = node
            children.append(node)
        return children

    def open_type(self, named_type, done: dict) -> object:
        open_type = named_type.openType
        if open_type is None or open_type.name not in done:
            return None
        oid = _oid_of(done[open_type.name])
        if oid is None:
            return None
        key = self.univ.ObjectIdentifier(oid)
        if key in open_type:
            return open_type[key]
        return self.attributes.get(oid)

    def with_inner_der(self, node: Asn1Node, raw: Raw, field_name: str, done: dict) -> Asn1Node:
        """Walk the DER inside an OCTET/BIT STRING when its sibling says what it holds."""
        if raw.cons or raw.cls != 0 or raw.num not in (3, 4) or self.private:
            return node
        if field_name == "extnValue" and "extnID" in done:
            spec = self.extensions.get(_oid_of(done["extnID"]) or "")
        else:
            governing = done.get("signatureAlgorithm") or done.get("algorithm")
            schema = _ENCAPSULATED.get((field_name, _oid_of(governing) if governing else None))
            spec = SCHEMAS[schema] if schema else None
        if spec is None:
            return node
        start = raw.offset + raw.hl + (1 if raw.num == 3 else 0)
        end = raw.offset + raw.hl + raw.length
        try:
            inner = parse(self.data, start, end, 1)
        except DecodeError:
            return node
        if inner.offset + inner.hl + inner.length != end:
            return node
        return replace(node, children=(self.named(inner, spec, node.name, True),))


def _oid_of(node: Asn1Node) -> Optional[str]:
    """The OID a node holds, or the first OID of a SEQUENCE such as an AlgorithmIdentifier."""
    while node.constructed and node.children:
        node = node.children[0]
    if node.tag_class == "universal" and node.tag_number == 6 and node.value:
        return node.value.split(" ", 1)[0]
    return None


def der_tree(der: bytes, schema: str = "", *, private: bool = False) -> Asn1Tree:
    """Walk ``der`` and name each node from the ASN.1 structure ``schema``.

    ``schema`` is one of :data:`SCHEMAS` (``"Certificate"``,
    ``"CertificationRequest"``, ``"PrivateKeyInfo"``...); without one, nodes
    are named by position only. With ``private=True`` every value that is not
    known to be public is redacted. Raises :class:`~pkilesson.errors.DecodeError`
    when the bytes are not one complete DER node.
    """
    if not isinstance(der, (bytes, bytearray, memoryview)):
        raise argument_error("der", "bytes (DER, e.g. certificate.public_bytes(Encoding.DER))", der)
    if not isinstance(schema, str):
        raise argument_error("schema", f"the name of an ASN.1 structure, one of {', '.join(_schema_names())}", schema)
    if schema and schema not in _schema_names():
        raise DecodeError(_("There is no ASN.1 structure {schema!r} here.").format(schema=schema),
                          _("use one of {names}.").format(names=", ".join(_schema_names())))
    check_bool(private, "private")
    der = bytes(der)
    raw = parse(der, 0, len(der), 0)
    if raw.hl + raw.length != len(der):
        raise bad(_("{count} bytes follow the end of the outer node").format(count=len(der) - raw.hl - raw.length))
    walker = _Walker(der, private)
    spec = SCHEMAS[schema] if schema else None
    root = walker.named(raw, spec, "")
    root = replace(root, name=schema or "")
    data = bytearray(der)
    for start, end in walker.secret_ranges:
        data[start:end] = bytes(end - start)
    return Asn1Tree(root, bytes(data), schema)
