"""A generic DER walker: tag, length and value of every node, as ``openssl asn1parse`` reads them.

It knows no schema; :mod:`pkilesson.decoding.asn1` names the nodes it finds. Input is
untrusted (a learner's damaged file, a fuzzer's bytes), so every length is
checked against the bytes that remain, nesting is bounded, and BER's
indefinite lengths are refused: a problem raises
:class:`~pkilesson.errors.DecodeError`, never an IndexError or a hang.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Optional

from .._catalog import _
from ..errors import DecodeError

#: Deepest nesting accepted; real certificates stay under 15.
MAX_DEPTH = 48

UNIVERSAL = {
    1: "BOOLEAN", 2: "INTEGER", 3: "BIT STRING", 4: "OCTET STRING", 5: "NULL", 6: "OBJECT IDENTIFIER",
    10: "ENUMERATED", 12: "UTF8String", 16: "SEQUENCE", 17: "SET", 18: "NumericString",
    19: "PrintableString", 20: "T61String", 22: "IA5String", 23: "UTCTime", 24: "GeneralizedTime",
    26: "VisibleString", 28: "UniversalString", 30: "BMPString",
}
CLASSES = {0x00: "universal", 0x40: "application", 0x80: "context", 0xC0: "private"}
_STRINGS = {12: "utf-8", 18: "ascii", 19: "ascii", 20: "latin-1", 22: "ascii", 26: "ascii", 30: "utf-16-be",
            28: "utf-32-be"}
class Raw:
    __slots__ = ("offset", "hl", "length", "cls", "cons", "num", "children")

    def __init__(self, offset, hl, length, cls, cons, num, children):
        self.offset, self.hl, self.length = offset, hl, length
        self.cls, self.cons, self.num, self.children = cls, cons, num, children


def bad(problem: str) -> DecodeError:
    return DecodeError(_("The bytes are not valid DER: {problem}.").format(problem=problem),
                       _("the file is damaged or is not DER; make or copy it again."))


def parse(data: bytes, offset: int, end: int, depth: int) -> Raw:
    if depth > MAX_DEPTH:
        raise bad(_("nesting deeper than {most} levels at offset {offset}").format(most=MAX_DEPTH, offset=offset))
    if offset >= end:
        raise bad(_("a node is missing at offset {offset}").format(offset=offset))
    first = data[offset]
    cls, cons, num = first & 0xC0, bool(first & 0x20), first & 0x1F
    pos = offset + 1
    if num == 0x1F:  # high tag number: base 128, at most 4 bytes
        num = 0
        for _unused in range(4):
            if pos >= end:
                raise bad(_("the tag at offset {offset} is cut").format(offset=offset))
            byte = data[pos]
            pos += 1
            num = (num << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        else:
            raise bad(_("the tag at offset {offset} is too long").format(offset=offset))
    if pos >= end:
        raise bad(_("the length at offset {offset} is missing").format(offset=offset))
    byte = data[pos]
    pos += 1
    if byte < 0x80:
        length = byte
    elif byte == 0x80:
        raise bad(_("indefinite length at offset {offset} (BER, not DER)").format(offset=offset))
    else:
        count = byte & 0x7F
        if count > 4 or pos + count > end:
            raise bad(_("the length at offset {offset} is cut or too large").format(offset=offset))
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > end:
        raise bad(_("the node at offset {offset} claims {length} bytes but only {left} remain").format(
            offset=offset, length=length, left=end - pos))
    children = []
    if cons:
        child = pos
        while child < pos + length:
            raw = parse(data, child, pos + length, depth + 1)
            children.append(raw)
            child = raw.offset + raw.hl + raw.length
    return Raw(offset, pos - offset, length, cls, cons, num, children)


def oid_of_content(content: bytes) -> Optional[str]:
    if not content or content[-1] & 0x80:
        return None
    arcs, value = [], 0
    for byte in content:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(map(str, [first, arcs[0] - 40 * first, *arcs[1:]]))


def _oid_name(dotted: str) -> str:
    from .meanings import oid_name

    return oid_name(dotted)


def value_of(raw: Raw, data: bytes, num: Optional[int] = None) -> str:
    """A short readable form of a primitive's content (``num``: the universal type of an IMPLICIT tag)."""
    if raw.cons or (raw.cls != 0 and num is None):
        return ""
    content = data[raw.offset + raw.hl : raw.offset + raw.hl + raw.length]
    num = raw.num if num is None else num
    try:
        if num == 1:
            return "TRUE" if content and content[0] else "FALSE"
        if num in (2, 10):
            value = int.from_bytes(content, "big", signed=True)
            return str(value) if len(content) <= 8 else f"0x{content.hex().upper()}"
        if num == 6:
            dotted = oid_of_content(content)
            return f"{dotted} ({_oid_name(dotted)})" if dotted else "(invalid OID)"
        if num == 3:
            unused = content[0] if content else 0
            return f"{max(8 * (len(content) - 1) - unused, 0)} bits"
        if num == 4:
            if raw.cls == 0x80 and raw.num == 7 and len(content) in (4, 16):  # GeneralName iPAddress
                return str(ipaddress.ip_address(content))
            return f"{len(content)} bytes"
        if num in _STRINGS:
            return content.decode(_STRINGS[num])
        if num in (23, 24):
            return _time(content.decode("ascii"), num)
    except (UnicodeDecodeError, ValueError, IndexError):
        return "(not decodable)"
    return ""


def _time(text: str, num: int) -> str:
    form = "%y%m%d%H%M%SZ" if num == 23 else "%Y%m%d%H%M%SZ"
    try:
        return dt.datetime.strptime(text, form).strftime("%Y-%m-%d %H:%M:%SZ")
    except ValueError:
        return text
