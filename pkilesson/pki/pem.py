"""Reading PEM text: the ``-----BEGIN ...-----`` armour around DER bytes.

The loaders of keys, requests and certificates all start here, so that a
learner who hands a certificate to a key loader, or a file with a broken
line, gets one clear sentence instead of a parser's error code.
"""

from __future__ import annotations

import base64
import binascii
import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from .._catalog import N_, _, tr
from ..errors import PkiLessonError, argument_error

__all__ = ["PemBlock", "read_pem_blocks", "as_bytes", "single_pem_block", "to_pem", "read_regular_file", "file_kind",
           "MAX_FILE_SIZE"]

Data = Union[bytes, str, Path]

#: The largest file read as a certificate, key, CSR or CRL (a CRL of a big public CA is a few MB).
MAX_FILE_SIZE = 64 * 1024 * 1024

# RFC 7468 labels: printable characters but '-', single inner spaces or hyphens ("X9.42 DH PARAMETERS").
_LABEL = rb"([\x21-\x2c\x2e-\x7e](?:[ -]?[\x21-\x2c\x2e-\x7e])*)"
_BLOCK = re.compile(rb"-----BEGIN " + _LABEL + rb"-----\r?\n(.*?)-----END " + _LABEL + rb"-----", re.DOTALL)

#: What each PEM label holds, in words a learner knows.
LABEL_MEANINGS = {
    "CERTIFICATE": N_("a certificate"),
    "CERTIFICATE REQUEST": N_("a certificate signing request (CSR)"),
    "NEW CERTIFICATE REQUEST": N_("a certificate signing request (CSR)"),
    "PRIVATE KEY": N_("a private key (PKCS#8)"),
    "ENCRYPTED PRIVATE KEY": N_("a passphrase-protected private key (PKCS#8)"),
    "RSA PRIVATE KEY": N_("an RSA private key (PKCS#1, as OpenSSL 1.x wrote it)"),
    "EC PRIVATE KEY": N_("an EC private key (SEC 1)"),
    "PUBLIC KEY": N_("a public key"),
    "X509 CRL": N_("a certificate revocation list (CRL)"),
    "EC PARAMETERS": N_("the parameters of an elliptic curve (openssl ecparam)"),
    "DH PARAMETERS": N_("Diffie-Hellman parameters (openssl dhparam)"),
    "X9.42 DH PARAMETERS": N_("X9.42 Diffie-Hellman parameters (openssl genpkey -genparam)"),
    "PKCS7": N_("a PKCS#7 bundle"),
}

_KINDS = {
    stat.S_IFDIR: N_("a folder"),
    stat.S_IFLNK: N_("a symbolic link"),
    stat.S_IFIFO: N_("a FIFO (named pipe)"),
    stat.S_IFCHR: N_("a character device"),
    stat.S_IFBLK: N_("a block device"),
    stat.S_IFSOCK: N_("a socket"),
    stat.S_IFREG: N_("a regular file"),
}


def file_kind(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words: "a regular file", "a FIFO (named pipe)"..."""
    return tr(_KINDS[stat.S_IFMT(mode)]) if stat.S_IFMT(mode) in _KINDS else _("a special file")


def _short(path: object) -> str:
    text = os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else str(path)
    return text if len(text) <= 120 else f"{text[:60]}...{text[-40:]}"


def os_problem(exc: OSError, path: object, verb: str) -> tuple[str, str]:
    """(problem, fix) for an OSError met while ``verb``-ing ``path``, in words a learner can act on."""
    where, verb = _short(path), tr(verb)
    code = exc.errno
    if code == errno.ENAMETOOLONG:
        return (_("Cannot {verb} {where}: the name is too long for the file system.").format(verb=verb, where=where),
                _("choose a shorter name (at most 255 characters for each folder or file name)."))
    if code in (errno.EACCES, errno.EPERM):
        return (_("Cannot {verb} {where}: permission denied.").format(verb=verb, where=where),
                _("check that you may enter every folder on the path and read the file (ls -ld each folder)."))
    if code == errno.ELOOP:
        return (_("Cannot {verb} {where}: too many symbolic links.").format(verb=verb, where=where),
                _("give the path of the file itself."))
    if code == errno.ENOSPC:
        return (_("Cannot {verb} {where}: no space left on the device.").format(verb=verb, where=where),
                _("free some disk space, then run again."))
    if code == errno.EDQUOT:
        return (_("Cannot {verb} {where}: the disk quota is exceeded.").format(verb=verb, where=where),
                _("free some space, then run again."))
    if code == errno.EROFS:
        return (_("Cannot {verb} {where}: the file system is read-only.").format(verb=verb, where=where),
                _("choose a folder on a writable disk."))
    if code == errno.ENXIO:
        return (_("Cannot {verb} {where}: it is a socket or a device with nothing behind it.").format(
            verb=verb, where=where), _("give the path of a regular file."))
    return (_("Cannot {verb} {where}: {reason}.").format(verb=verb, where=where, reason=exc.strerror or exc),
            _("check the path and its permissions."))


def read_regular_file(path: Union[str, os.PathLike], what: str,
                      error: type[PkiLessonError] = PkiLessonError) -> bytes:
    """The bytes of the regular file ``path``, read at once.

    A FIFO, a device, a socket or a folder is refused at once (never waited
    on), as is a file larger than :data:`MAX_FILE_SIZE`; every OS error
    becomes one ``error`` saying what is wrong and how to fix it.
    """
    where, what = _short(path), tr(what)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        problem, fix = os_problem(exc, path, _("read {what} from").format(what=what))
        if exc.errno == errno.ENOENT:
            problem = _("Cannot read {what} from {where}: there is no such file.").format(what=what, where=where)
            fix = _("check the path and that the file is readable.")
        raise error(problem, fix) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise error(_("{where} is {kind}, not a regular file: pkilesson reads only regular files (it never waits "
                          "on a pipe or a device).").format(where=where, kind=file_kind(info.st_mode)),
                        _("give the path of a .pem (or DER) file holding {what}.").format(what=what))
        if info.st_size > MAX_FILE_SIZE:
            raise error(_("{where} is {size} MB: too large to be {what}.").format(
                where=where, size=info.st_size // (1024 * 1024), what=what), _("check that you gave the right file."))
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            if sum(map(len, chunks)) > MAX_FILE_SIZE:
                raise error(_("{where} is larger than {size} MB: too large to be {what}.").format(
                    where=where, size=MAX_FILE_SIZE // (1024 * 1024), what=what),
                    _("check that you gave the right file."))
        return b"".join(chunks)
    except OSError as exc:
        raise error(*os_problem(exc, path, _("read {what} from").format(what=what))) from None
    finally:
        os.close(fd)


def _upper(sentence: str) -> str:
    """``sentence`` with a capital first letter (the message may begin with a placeholder, "a private key ...")."""
    return sentence[:1].upper() + sentence[1:]


def _names_a_file(text: str) -> bool:
    """True when the text is a path that exists (as anything: a FIFO is then refused by name)."""
    try:
        os.lstat(text)
    except (OSError, ValueError):  # ValueError: a NUL character
        return False
    return True


@dataclass(frozen=True)
class PemBlock:
    """One ``BEGIN``/``END`` block: its label and the DER bytes inside."""

    label: str
    der: bytes

    @property
    def meaning(self) -> str:
        if self.label in LABEL_MEANINGS:
            return tr(LABEL_MEANINGS[self.label])
        return _("a PEM block labelled {label!r}").format(label=self.label)


def as_bytes(data: Data, what: str, error: type[PkiLessonError] = PkiLessonError) -> bytes:
    """Return ``data`` as bytes; a path (:class:`~pathlib.Path` or any ``os.PathLike``), or a one-line
    string naming a file, is read from disk (regular files only: see :func:`read_regular_file`)."""
    what = tr(what)
    if isinstance(data, os.PathLike):
        return read_regular_file(data, what, error)
    if isinstance(data, str):
        if "-----BEGIN" not in data and "\n" not in data and len(data) < 4096 and data.strip():
            # A file name, as learners naturally write it: load_certificate("server-cert.pem").
            if _names_a_file(data):
                return read_regular_file(data, what, error)
            raise error(
                _("There is no file named {name!r} here, and the text is not PEM either.").format(name=data),
                _("check the file name (and the folder the notebook runs in), or give the PEM text."),
            )
        return data.encode("utf-8", "surrogateescape")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise error(
        _("Expected {what} as PEM text, bytes or a Path, got {type}.").format(what=what, type=type(data).__name__),
        _("pass the file's contents (or a pathlib.Path to it)."),
    )


# PFX, RFC 7292: SEQUENCE { INTEGER 3, ContentInfo SEQUENCE { OID pkcs7-data ... } ... }
_PKCS12 = re.compile(rb"\x30(?:[\x00-\x7f]|\x81.|\x82..|\x83...)\x02\x01\x03\x30(?:[\x00-\x7f]|\x81.|\x82..|\x83...)"
                     rb"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07[\x01\x06]", re.DOTALL)


def is_pkcs12(der: bytes) -> bool:
    """True when ``der`` starts like a PKCS#12 file (.p12, .pfx)."""
    return _PKCS12.match(der[:32]) is not None


def read_pem_blocks(
    data: bytes, what: str, error: type[PkiLessonError] = PkiLessonError
) -> list[PemBlock]:
    """Every PEM block in ``data``, in order (an empty list if there is none)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise argument_error("data", N_("bytes (the contents of a PEM file)"), data)
    if not isinstance(what, str):
        raise argument_error("what", N_("text naming what the data should hold"), what)
    data, what = bytes(data), tr(what)
    blocks = []
    for match in _BLOCK.finditer(data):
        label, body, end_label = match.group(1), match.group(2), match.group(3)
        name = label.decode("ascii")  # the label pattern allows ASCII only
        if end_label != label:
            raise error(
                _("The PEM block of {what} begins with {begin!r} but ends with {end!r}.").format(
                    what=what, begin=name, end=end_label.decode("ascii")),
                _("the file was cut or two files were pasted together; export it again."),
            )
        lines = [line.strip() for line in body.splitlines() if line.strip()]
        if any(b":" in line for line in lines):
            raise error(
                _("The PEM block of {what} has headers (like 'Proc-Type:'): it is a legacy encrypted key format."
                  ).format(what=what),
                _("convert it with 'openssl pkcs8 -topk8' and load that instead."),
            )
        try:
            der = base64.b64decode(b"".join(lines), validate=True)
        except (binascii.Error, ValueError):
            raise error(
                _("The PEM block of {what} ({label}) is not valid base64.").format(what=what, label=name),
                _("the file was damaged or edited; make or copy it again."),
            ) from None
        if not der:
            raise error(
                _("The PEM block of {what} ({label}) is empty.").format(what=what, label=name),
                _("the file was cut; make or copy it again."),
            )
        blocks.append(PemBlock(name, der))
    if not blocks and b"-----BEGIN" in data:
        raise error(
            _upper(_("{what} has a '-----BEGIN' line but no matching '-----END' line.").format(what=what)),
            _("the file was cut short; make or copy it again."),
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
    if isinstance(labels, str) or not isinstance(labels, (tuple, list)) or not labels or \
            not all(isinstance(label, str) for label in labels):
        raise argument_error("labels", N_("a tuple of PEM labels such as ('CERTIFICATE',)"), labels)
    if not isinstance(what, str):
        raise argument_error("what", N_("text naming what the data should hold"), what)
    what = tr(what)
    raw = as_bytes(data, what, error)
    if not raw.strip():
        raise error(_upper(_("{what} is empty.").format(what=what)), _("give the contents of a PEM file."))
    blocks = read_pem_blocks(raw, what, error)
    if not blocks:
        if is_pkcs12(raw):
            raise error(
                _("Expected {what}, but the data is a PKCS#12 bundle (.p12/.pfx: a key and certificates together, "
                  "usually protected by a password).").format(what=what),
                _("extract the part you need first, e.g. 'openssl pkcs12 -in FILE -nocerts -nodes -out key.pem' "
                  "for the key, or '-nokeys -out cert.pem' for the certificates."),
            )
        if raw[:1] == b"\x30":
            return PemBlock(labels[0], raw)
        raise error(
            _upper(_("{what} is neither PEM (no '-----BEGIN' line) nor DER.").format(what=what)),
            _("give the contents of a .pem file, starting with '-----BEGIN'."),
        )
    wanted = [b for b in blocks if b.label in labels]
    if not wanted:
        found = ", ".join(b.meaning for b in blocks)
        raise error(
            _("Expected {what}, but the data holds {found}.").format(what=what, found=found),
            _("check that you opened the right file."),
        )
    if len(wanted) > 1:
        raise error(
            _("The data holds {count} PEM blocks of {what}, expected one.").format(count=len(wanted), what=what),
            _("split the bundle into one file per item."),
        )
    return wanted[0]


def to_pem(label: str, der: bytes) -> bytes:
    """Wrap DER bytes in PEM armour, 64 base64 characters a line."""
    if not isinstance(label, str) or not re.fullmatch(_LABEL.decode("ascii"), label):
        raise argument_error("label", N_("a PEM label such as 'CERTIFICATE'"), label) if not isinstance(label, str) \
            else PkiLessonError(_("{label!r} is not a PEM label.").format(label=label),
                                _("use a label such as 'CERTIFICATE' or 'PRIVATE KEY'."))
    if not isinstance(der, (bytes, bytearray, memoryview)):
        raise argument_error("der", N_("bytes"), der)
    b64 = base64.b64encode(der)
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return (
        f"-----BEGIN {label}-----\n".encode()
        + b"\n".join(lines)
        + f"\n-----END {label}-----\n".encode()
    )
