"""Distinguished names, the openssl -subj form, and subjectAltName entries."""

from __future__ import annotations

import ipaddress

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from hypothesis import given, settings, strategies as st

from pkilesson import InvalidNameError, format_general_name, format_subj, make_name, parse_general_names, parse_subj
from pkilesson.pki.names import NAME_FIELDS, check_dns_name, common_name, parse_general_name, to_name


def test_make_name_orders_fields_like_openssl():
    name = make_name(CN="server", O="Lab", C="FR", emailAddress="ops@lab.example", OU="Ops", L="Paris", ST="IDF")
    assert format_subj(name) == "/C=FR/ST=IDF/L=Paris/O=Lab/OU=Ops/CN=server/emailAddress=ops@lab.example"
    assert name.rfc4514_string() == "1.2.840.113549.1.9.1=ops@lab.example,CN=server,OU=Ops,O=Lab,L=Paris,ST=IDF,C=FR"


def test_make_name_accepts_long_field_names_and_a_mapping():
    assert make_name({"commonName": "x", "organizationName": "Lab"}) == make_name(CN="x", O="Lab")


def test_country_is_printable_string_and_two_letters():
    name = make_name(C="FR", CN="x")
    attribute = name.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0]
    assert attribute._type.name == "PrintableString"
    for bad in ["FRA", "F", "F1", "12", "É1"]:
        with pytest.raises(InvalidNameError, match="two letters"):
            make_name(C=bad, CN="x")


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"O": "Lab"}, "no common name"),
        ({"CN": ""}, "CN .* field is empty"),
        ({"CN": "   "}, "empty"),
        ({"CN": " server"}, "spaces"),
        ({"CN": "a" * 65}, "65 characters long; RFC 5280 allows 64"),
        ({"CN": "x", "O": "a\nb"}, "control character"),
        ({"CN": "x", "emailAddress": "not-an-address"}, "not an e-mail address"),
        ({"CN": "x", "XX": "y"}, "Unknown name field 'XX'"),
        ({"CN": 42}, "must be text"),
    ],
)
def test_make_name_refuses_bad_fields(fields, message):
    with pytest.raises(InvalidNameError, match=message):
        make_name(fields)


def test_parse_subj_reads_openssl_form():
    name = parse_subj("/C=FR/O=Lab/CN=server")
    assert name == x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Lab"),
            x509.NameAttribute(NameOID.COMMON_NAME, "server"),
        ]
    )
    assert common_name(name) == "server"


def test_parse_subj_escapes_and_multivalued_rdns():
    name = parse_subj(r"/O=A\/B/CN=x+OU=y")
    assert name.rdns[0].get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "A/B"
    assert len(name.rdns[1]) == 2
    assert parse_subj(format_subj(name)) == name


def test_value_may_contain_equals_sign():
    assert common_name(parse_subj("/CN=a=b")) == "a=b"


@pytest.mark.parametrize(
    "subj, message",
    [
        ("C=FR/CN=x", "starts with '/'"),
        ("/C=FR//CN=x", "empty part"),
        ("/CN", "has no '='"),
        ("/C=FRA/CN=x", "two letters"),
        ("/CN=", "empty"),
        ("/FOO=bar", "Unknown name field"),
    ],
)
def test_parse_subj_errors(subj, message):
    with pytest.raises(InvalidNameError, match=message):
        parse_subj(subj)


_value = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FF, blacklist_characters="\x7f"), min_size=1, max_size=30
).filter(lambda v: v == v.strip() and v.strip())


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {"CN": _value},
        optional={"O": _value, "OU": _value, "L": _value, "ST": _value, "C": st.from_regex(r"\A[A-Z]{2}\Z")},
    )
)
def test_subj_round_trip(fields):
    name = make_name(fields)
    assert parse_subj(format_subj(name)) == name
    assert to_name(format_subj(name)) == name


def test_to_name_forms():
    assert to_name({"CN": "x"}) == make_name(CN="x")
    with pytest.raises(InvalidNameError, match="-subj form"):
        to_name("server")
    with pytest.raises(InvalidNameError, match="Cannot make a name"):
        to_name(42)


@pytest.mark.parametrize(
    "good", ["localhost", "server.example", "a-b.example", "xn--bcher-kva.example", "*.lab.example", "a" * 63 + ".example"]
)
def test_valid_dns_names(good):
    assert check_dns_name(good) == good


@pytest.mark.parametrize(
    "bad, message",
    [
        ("under_score.example", "underscores"),
        ("-lead.example", "not a valid DNS name"),
        ("trail-.example", "not a valid DNS name"),
        ("a..b", "two dots"),
        ("server.example.", "final dot"),
        ("a" * 64 + ".example", "at most 63"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("*.example", "not a valid DNS name"),
        ("a.*.example", "leftmost label"),
        ("w*.example.com", "leftmost label"),
        ("1.2.3", "looks like an IP address"),
        ("has space.example", "not a valid DNS name"),
        (".".join(["abcdefghi"] * 26), "253"),
    ],
)
def test_invalid_dns_names(bad, message):
    with pytest.raises(InvalidNameError, match=message):
        check_dns_name(bad)


def test_general_names_guess_the_kind():
    names = parse_general_names(["localhost", "127.0.0.1", "::1", "alice@lab.example", "spiffe://lab/client", "DNS:x.example", "IP:10.0.0.1"])
    assert names == [
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("::1")),
        x509.RFC822Name("alice@lab.example"),
        x509.UniformResourceIdentifier("spiffe://lab/client"),
        x509.DNSName("x.example"),
        x509.IPAddress(ipaddress.ip_address("10.0.0.1")),
    ]
    assert [format_general_name(n) for n in names[:5]] == [
        "DNS:localhost", "IP:127.0.0.1", "IP:::1", "email:alice@lab.example", "URI:spiffe://lab/client",
    ]


def test_general_names_from_comma_string_drop_duplicates():
    assert parse_general_names("localhost, 127.0.0.1,localhost") == [
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
    ]


@pytest.mark.parametrize(
    "bad, message",
    [
        ("IP:999.1.1.1", "not an IP address"),
        ("", "empty"),
        ("email:@x", "not an e-mail address"),
        ("bad_host", "underscores"),
        ("URI:nothing", "absolute URI"),
    ],
)
def test_general_name_errors(bad, message):
    with pytest.raises(InvalidNameError, match=message):
        parse_general_name(bad)


def test_name_fields_documented():
    assert list(NAME_FIELDS) == ["C", "ST", "L", "O", "OU", "CN", "emailAddress"]


# -- issue #11: messages that hold ---------------------------------------------------------------------


def test_a_wildcard_refused_where_one_host_is_needed_says_so():
    """Finding 3: '*.example.com' was refused with 'a wildcard must be the whole leftmost label' (it is)."""
    with pytest.raises(InvalidNameError) as info:
        check_dns_name("*.example.com", allow_wildcard=False)
    assert "whole leftmost label" not in str(info.value)
    assert "one host name is needed" in str(info.value) and "'www.example.com'" in str(info.value)
    with pytest.raises(InvalidNameError, match=r"needs at least two labels after it.*not \*\.com"):
        check_dns_name("*.com")
    assert check_dns_name("*.example.com") == "*.example.com"


@pytest.mark.parametrize("name", [".", "..", "..."])
def test_dots_alone_are_not_a_host_name(name):
    """Finding 5: 'mtls --host .' was told to write the name without its final dot: ''."""
    with pytest.raises(InvalidNameError, match="is not a host name") as info:
        check_dns_name(name)
    assert "''" not in str(info.value)


@pytest.mark.parametrize("call", [
    lambda: format_subj(None), lambda: common_name("CN=x"), lambda: format_general_name("localhost"),
    lambda: make_name(5), lambda: make_name(["CN", "x"]),
])
def test_wrong_types_name_the_parameter(call):
    """Finding 11: format_subj(None) and friends raised AttributeError from inside."""
    with pytest.raises(TypeError, match=r"^(name|fields)= must be ") as info:
        call()
    from pkilesson import PkiLessonError

    assert isinstance(info.value, PkiLessonError) and " Fix: " in str(info.value)
