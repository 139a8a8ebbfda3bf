"""The explained fields of each kind of artifact (used by :mod:`pkilesson.decoding.decode`).

Values are written as ``openssl x509 -text`` writes them where a learner will
compare the two (extension values, key sizes); names use the ``-subj`` form
of the lessons; JSON uses RFC 4514 names and ISO 8601 instants.

Each kind also gets its *learner's rows* (:attr:`Decoded.summary`): what a
newcomer needs first (for whom, signed by, valid from and until, what it may
be used for, its key), in plain words, with no field names from the RFCs.

The code lives by kind: :mod:`._certificate_fields`, :mod:`._csr_fields`,
:mod:`._crl_fields` and :mod:`._key_fields`; the values they share (as
``openssl`` writes them) in :mod:`._values`, the plain words of the learner's
rows in :mod:`._plain`, the warnings in :mod:`._warnings`. This module gathers
them: ``_fields.certificate(...)``, ``_fields.csr(...)``...
"""

from __future__ import annotations

from ._certificate_fields import certificate, certificate_summary
from ._crl_fields import crl
from ._csr_fields import csr
from ._key_fields import private_key, public_key
from ._plain import _PLAIN_PURPOSE, _PLAIN_USAGE, plain_name, plain_purpose
from ._values import _EKU, _KEY_USAGE, extension_value, general_name, key_facts, serial_hex
from ._warnings import CA_WITHOUT_KEY_USAGE, NON_POSITIVE_SERIAL, PLAIN_WARNINGS, PRIVATE_KEY_WARNING, file_mode_warning

__all__ = [
    "certificate", "csr", "crl", "private_key", "public_key", "certificate_summary", "plain_name", "plain_purpose",
    "extension_value", "general_name", "key_facts", "serial_hex", "file_mode_warning",
    "PRIVATE_KEY_WARNING", "CA_WITHOUT_KEY_USAGE", "NON_POSITIVE_SERIAL", "PLAIN_WARNINGS",
    # the decoded view's labels and plain words, which lessons._vocabularies reads from here
    "_EKU", "_KEY_USAGE", "_PLAIN_USAGE", "_PLAIN_PURPOSE",
]
