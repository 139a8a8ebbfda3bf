"""How the lessons' helpers display in a notebook (issue #12): a failing openssl command reads as a lesson,
its raw error stack folded."""

from __future__ import annotations

from pkilesson.lessons import lesson


def test_a_failing_command_shows_its_words_and_folds_openssl_s_error_stack():
    output = ("Could not read key from root-key.pem\n"
              "800B09DB527F0000:error:1C800064:Provider routines:ossl_cipher_unpadblock:bad decrypt:../providers/c.c:124:\n"
              "800B09DB527F0000:error:11800074:PKCS12 routines:PKCS12_pbe_crypt_ex:pkcs12 cipherfinal error:../p12.c:89:"
              "maybe wrong password\n")
    done = lesson.Transcript("openssl pkey -in root-key.pem -passin pass:wrong -noout", output, 1)
    page = done._repr_html_()
    shown, folded = page.split("<details>")
    assert "Could not read key from root-key.pem" in shown and "✗ exit status 1: failure" in shown
    assert ":error:" not in shown and "bad decrypt" in folded and "maybe wrong password" in folded
    assert "OpenSSL's own error stack (2 lines" in folded
    assert str(done).count(":error:") == 2  # the text form keeps every line


def test_a_command_that_succeeds_has_nothing_folded():
    page = lesson.Transcript("openssl verify -CAfile ca.pem leaf.pem", "leaf.pem: OK\n", 0)._repr_html_()
    assert "<details>" not in page and "leaf.pem: OK" in page and "✓ exit status 0: success" in page
    shown = lesson.Transcript("openssl version", "", None)._repr_html_()
    assert "shown, not run" in shown
