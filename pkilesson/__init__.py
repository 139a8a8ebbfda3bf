"""pkilesson: a private CA signs a server's and a client's certificates, step by step.

The helper library behind the lesson notebooks. One module per concern:
keys, names, csr (signing requests), profiles, authority (the CA),
certificates, decode (every field explained, the bytes, the signature
opened; asn1, signatures, compare), verification, workspace (the eight files), openssl (the
equivalent command lines) and workflow (the four steps end to end).
``set_language("fr")`` gives the messages in French (i18n).
"""

from .pki.authority import CertificateAuthority, check_serial
from .pki.certificates import certificate_to_pem, check_key_pair, is_self_issued, load_certificate, load_certificates
from .pki.csr import check_csr_signature, create_csr, csr_to_pem, load_csr, requested_sans
from .decoding.compare import Comparison, Row, compare
from .decoding.decode import Decoded, Field, decode, decode_all
from .errors import (
    InvalidCertificateError,
    InvalidKeyError,
    InvalidNameError,
    InvalidRequestError,
    IssuanceError,
    DecodeError,
    OpenSSLError,
    PkiLessonError,
    RenderError,
    WorkspaceError,
)
from .pki.keys import (
    CA_KEY_TYPES,
    DEFAULT_KEY_TYPE,
    KEY_TYPES,
    describe_key_type,
    generate_key,
    key_matches,
    key_type_of,
    load_private_key,
    private_key_to_pem,
    public_key_to_pem,
    spki_sha256,
)
from .pki.names import format_general_name, format_subj, make_name, parse_general_names, parse_subj
from .decoding.asn1 import Asn1Node, Asn1Tree, der_tree
from .pki.profiles import CLIENT, INTERMEDIATE_CA, PROFILES, ROOT_CA, SERVER, Profile
from .decoding.signatures import SignatureCheck, open_signature
from .verify.verification import Verdict, verify_certificate
from .pki.artifacts import Artifacts, Settings, load_artifacts, make_artifacts
from .verify.workflow import WorkflowResult, ensure_workflow, run_workflow
from .pki.workspace import FILE_NAMES, Workspace

from ._version import __version__


def __getattr__(name: str):
    """``from pkilesson import lesson``, as the notebooks write it: the lesson helpers, loaded on first use;
    ``pkilesson.set_language`` and ``pkilesson.language`` (:mod:`pkilesson.i18n`)."""
    if name == "lesson":
        from .lessons import lesson

        return lesson
    if name in ("set_language", "language"):  # not imported above, so python -m pkilesson.i18n runs it afresh
        from . import i18n

        return getattr(i18n, name)
    raise AttributeError(f"module 'pkilesson' has no attribute {name!r}")

__all__ = [
    # keys
    "KEY_TYPES", "CA_KEY_TYPES", "DEFAULT_KEY_TYPE", "generate_key", "load_private_key", "private_key_to_pem",
    "public_key_to_pem", "key_type_of", "describe_key_type", "key_matches", "spki_sha256",
    # names
    "make_name", "parse_subj", "format_subj", "parse_general_names", "format_general_name",
    # signing requests
    "create_csr", "load_csr", "csr_to_pem", "check_csr_signature", "requested_sans",
    # the CA and its profiles
    "CertificateAuthority", "check_serial", "Profile", "ROOT_CA", "INTERMEDIATE_CA", "SERVER", "CLIENT", "PROFILES",
    # certificates
    "load_certificate", "load_certificates", "certificate_to_pem", "check_key_pair", "is_self_issued",
    # decoding: fields, bytes, signatures, comparisons
    "decode", "decode_all", "Decoded", "Field", "der_tree", "Asn1Tree", "Asn1Node", "open_signature",
    "SignatureCheck", "compare", "Comparison", "Row",
    # verification
    "Verdict", "verify_certificate",
    # the workflow and its files
    "Settings", "Artifacts", "WorkflowResult", "make_artifacts", "run_workflow", "ensure_workflow", "load_artifacts", "Workspace", "FILE_NAMES",
    # the language of the messages
    "set_language", "language",
    # errors
    "PkiLessonError", "InvalidKeyError", "InvalidNameError", "InvalidRequestError",
    "InvalidCertificateError", "IssuanceError", "WorkspaceError", "OpenSSLError", "DecodeError", "RenderError",
]
