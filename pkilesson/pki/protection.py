"""A private key file protected by a passphrase: what protects it, read from the file itself.

``private_key_to_pem(key, passphrase=...)`` writes PKCS#8's
``EncryptedPrivateKeyInfo`` (``BEGIN ENCRYPTED PRIVATE KEY``): the key is
encrypted with a key *derived from the passphrase* (PBES2, RFC 8018). Whoever
copies the file must still guess the passphrase; each guess costs one run of
the derivation, whose iteration count is in the file. :func:`key_protection`
reads those parameters (never the key).

>>> from pkilesson import generate_key, private_key_to_pem
>>> print(key_protection(private_key_to_pem(generate_key("p256"), passphrase="a long passphrase")).cipher)
AES-256-CBC
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from pyasn1.codec.der import decoder
from pyasn1.error import PyAsn1Error
from pyasn1_alt_modules import rfc5958, rfc8018

from .._catalog import N_, _
from ..errors import InvalidKeyError
from .pem import Data, single_pem_block

__all__ = ["Protection", "key_protection"]

_PRF = {
    str(rfc8018.id_hmacWithSHA1): "HMAC-SHA1", str(rfc8018.id_hmacWithSHA224): "HMAC-SHA224",
    str(rfc8018.id_hmacWithSHA256): "HMAC-SHA256", str(rfc8018.id_hmacWithSHA384): "HMAC-SHA384",
    str(rfc8018.id_hmacWithSHA512): "HMAC-SHA512",
}
_CIPHERS = {
    str(rfc8018.aes128_CBC_PAD): "AES-128-CBC", str(rfc8018.aes192_CBC_PAD): "AES-192-CBC",
    str(rfc8018.aes256_CBC_PAD): "AES-256-CBC", str(rfc8018.des_EDE3_CBC): "3DES-CBC (obsolete)",
}
_LABELS = ("PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY")


@dataclass(frozen=True)
class Protection:
    """How a private key file is protected.

    ``encrypted`` is False for a plain key (then every other field is None).
    ``iterations`` is PBKDF2's iteration count: the work of one guess.
    """

    label: str
    encrypted: bool
    scheme: Optional[str] = None
    kdf: Optional[str] = None
    prf: Optional[str] = None
    iterations: Optional[int] = None
    salt_bytes: Optional[int] = None
    cipher: Optional[str] = None

    def seconds_per_guess(self, rounds: int = 9) -> Optional[float]:
        """How long one passphrase guess takes on this machine: one PBKDF2 run with this file's parameters.

        The median of ``rounds`` runs of Python's ``hashlib.pbkdf2_hmac``
        (OpenSSL underneath) on one core. None when the key is not encrypted
        with PBKDF2. An attacker with the file pays this for every guess
        (plus one small decryption); dedicated hardware pays less.
        """
        import hashlib
        import statistics
        import time

        digest = {"HMAC-SHA1": "sha1", "HMAC-SHA224": "sha224", "HMAC-SHA256": "sha256", "HMAC-SHA384": "sha384",
                  "HMAC-SHA512": "sha512"}.get(self.prf or "")
        if not self.encrypted or self.kdf != "PBKDF2" or digest is None:
            return None
        times = []
        for _round in range(max(1, rounds)):
            start = time.perf_counter()
            hashlib.pbkdf2_hmac(digest, b"a guess", b"\0" * (self.salt_bytes or 8), self.iterations, 32)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    def __str__(self) -> str:
        if not self.encrypted:
            return _("{label}: not encrypted. Whoever can read the file holds the key; only the file's permissions "
                     "protect it.").format(label=self.label)
        if self.kdf != "PBKDF2":
            return _("{label}: encrypted with {scheme} ({cipher}).").format(
                label=self.label, scheme=self.scheme, cipher=self.cipher or _("unknown cipher"))
        return _("{label}: {scheme} (RFC 8018). The passphrase goes through {kdf} with {prf}, {iterations} iterations "
                 "and a random salt of {salt} bytes; the result is the {cipher} key that encrypts the private key."
                 ).format(label=self.label, scheme=self.scheme, kdf=self.kdf, prf=self.prf, iterations=self.iterations,
                          salt=self.salt_bytes, cipher=self.cipher)


def key_protection(data: Data) -> Protection:
    """Read how the private key in ``data`` (PEM text, bytes or a Path) is protected, without decrypting it."""
    block = single_pem_block(data, N_("a private key"), _LABELS, InvalidKeyError)
    if block.label != "ENCRYPTED PRIVATE KEY":
        return Protection(block.label, False)
    try:
        info, _rest = decoder.decode(block.der, asn1Spec=rfc5958.EncryptedPrivateKeyInfo())
        algorithm = info["encryptionAlgorithm"]
        if str(algorithm["algorithm"]) != str(rfc8018.id_PBES2):
            return Protection(block.label, True, scheme=f"the scheme {algorithm['algorithm']} (not PBES2)")
        pbes2, _rest = decoder.decode(algorithm["parameters"], asn1Spec=rfc8018.PBES2_params())
        kdf = pbes2["keyDerivationFunc"]
        cipher = _CIPHERS.get(str(pbes2["encryptionScheme"]["algorithm"]), str(pbes2["encryptionScheme"]["algorithm"]))
        if str(kdf["algorithm"]) != str(rfc8018.id_PBKDF2):
            return Protection(block.label, True, "PBES2", str(kdf["algorithm"]), cipher=cipher)
        params, _rest = decoder.decode(kdf["parameters"], asn1Spec=rfc8018.PBKDF2_params())
        prf = params["prf"]
        prf_name = _PRF.get(str(prf["algorithm"]), str(prf["algorithm"])) if prf.isValue else "HMAC-SHA1"
        salt = params["salt"]["specified"]
        return Protection(block.label, True, "PBES2", "PBKDF2", prf_name, int(params["iterationCount"]),
                          len(salt.asOctets()), cipher)
    except (PyAsn1Error, KeyError, TypeError, ValueError):
        raise InvalidKeyError(_("The encrypted private key's bytes are damaged: its protection cannot be read."),
                              _("restore the key file from a copy.")) from None
