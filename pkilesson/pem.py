"""Reading PEM text: the ``-----BEGIN ...-----`` armour around DER bytes.

The loaders of keys, requests and certificates all start here, so that a
learner who hands a certificate to a key loader, or a file with a broken
line, gets one clear sentence instead of a parser's error code.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from .errors import PkiLessonError

__all__ = ["PemBlock", "read_pem_blocks", "as_bytes", "single_pem_block", "to_pem"]

Data = Union[bytes, str, Path]

_BLOCK = re.compile(
    rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END ([A-Z0-9 ]+)-----", re.DOTALL
)

#: What each PEM label holds, in words a learner knows.
LABEL_MEANINGS = {
    "CERTIFICATE": "a certificate",
    "CERTIFICATE REQUEST": "a certificate signing request (CSR)",
    "NEW CERTIFICATE REQUEST": "a certificate signing request (CSR)",
    "PRIVATE KEY": "a private key (PKCS#8)",
    "ENCRYPTED PRIVATE KEY": "a passphrase-protected private key (PKCS#8)",
    "RSA PRIVATE KEY": "an RSA private key (PKCS#1, as OpenSSL 1.x wrote it)",
    "EC PRIVATE KEY": "an EC private key (SEC 1)",
    "PUBLIC KEY": "a public key",
    "X509 CRL": "a certificate revocation list (CRL)",
}


@dataclass(frozen=True)
class PemBlock:
    """One ``BEGIN``/``END`` block: its label and the DER bytes inside."""

    label: str
    der: bytes

    @property
    def meaning(self) -> str:
        return LABEL_MEANINGS.get(self.label, f"a PEM block labelled {self.label!r}")


def as_bytes(data: Data, what: str, error: type[PkiLessonError] = PkiLessonError) -> bytes:
    """Return ``data`` as bytes; a :class:`~pathlib.Path`, or a one-line string naming a file, is read from disk."""
    if isinstance(data, Path):
        try:
            return data.read_bytes()
        except OSError as exc:
            raise error(
                f"Cannot read {what} from {data}: {exc.strerror or exc}.",
                "check the path and that the file is readable.",
            ) from None
    if isinstance(data, str):
        if "-----BEGIN" not in data and "\n" not in data and len(data) < 4096 and data.strip():
            # A file name, as learners naturally write it: load_certificate("server-cert.pem").
            if Path(data).is_file():
                return as_bytes(Path(data), what, error)
            raise error(
                f"There is no file named {data!r} here, and the text is not PEM either.",
                "check the file name (and the folder the notebook runs in), or give the PEM text.",
            )
        return data.encode("utf-8", "surrogateescape")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise error(
        f"Expected {what} as PEM text, bytes or a Path, got {type(data).__name__}.",
        "pass the file's contents (or a pathlib.Path to it).",
    )


def read_pem_blocks(
    data: bytes, what: str, error: type[PkiLessonError] = PkiLessonError
) -> list[PemBlock]:
    """Every PEM block in ``data``, in order (an empty list if there is none)."""
    blocks = []
    for match in _BLOCK.finditer(data):
        label, body, end_label = match.group(1), match.group(2), match.group(3)
        name = label.decode("ascii")
        if end_label != label:
            raise error(
                f"The PEM block of {what} begins with {name!r} but ends with "
                f"{end_label.decode('ascii')!r}.",
                "the file was cut or two files were pasted together; export it again.",
            )
        lines = [line.strip() for line in body.splitlines() if line.strip()]
        if any(b":" in line for line in lines):
            raise error(
                f"The PEM block of {what} has headers (like 'Proc-Type:'): it is a "
                "legacy encrypted key format.",
                "convert it with 'openssl pkcs8 -topk8' and load that instead.",
            )
        try:
            der = base64.b64decode(b"".join(lines), validate=True)
        except (binascii.Error, ValueError):
            raise error(
                f"The PEM block of {what} ({name}) is not valid base64.",
                "the file was damaged or edited; make or copy it again.",
            ) from None
        if not der:
            raise error(
                f"The PEM block of {what} ({name}) is empty.",
                "the file was cut; make or copy it again.",
            )
        blocks.append(PemBlock(name, der))
    if not blocks and b"-----BEGIN" in data:
        raise error(
            f"{what.capitalize()} has a '-----BEGIN' line but no matching '-----END' line.",
            "the file was cut short; make or copy it again.",
        )
    return blocks


def single_pem_block(
    data: Data,
    what: str,
    labels: tuple[str, ...],
    error: type[PkiLessonError] = PkiLessonError,
) -> PemBlock:
    """The one PEM block of ``data`` with one of ``labels``.

    DER input (bytes that start with an ASN.1 SEQUENCE) is accepted too and
    returned with the first label. Anything else raises a clear error saying
    what the data holds instead.
    """
    raw = as_bytes(data, what, error)
    if not raw.strip():
        raise error(
            f"{what.capitalize()} is empty.", "give the contents of a PEM file."
        )
    blocks = read_pem_blocks(raw, what, error)
    if not blocks:
        if raw[:1] == b"\x30":
            return PemBlock(labels[0], raw)
        raise error(
            f"{what.capitalize()} is neither PEM (no '-----BEGIN' line) nor DER.",
            "give the contents of a .pem file, starting with '-----BEGIN'.",
        )
    wanted = [b for b in blocks if b.label in labels]
    if not wanted:
        found = ", ".join(b.meaning for b in blocks)
        raise error(
            f"Expected {what}, but the data holds {found}.",
            "check that you opened the right file.",
        )
    if len(wanted) > 1:
        raise error(
            f"The data holds {len(wanted)} PEM blocks of {what}, expected one.",
            "split the bundle into one file per item.",
        )
    return wanted[0]


def to_pem(label: str, der: bytes) -> bytes:
    """Wrap DER bytes in PEM armour, 64 base64 characters a line."""
    b64 = base64.b64encode(der)
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return (
        f"-----BEGIN {label}-----\n".encode()
        + b"\n".join(lines)
        + f"\n-----END {label}-----\n".encode()
    )
