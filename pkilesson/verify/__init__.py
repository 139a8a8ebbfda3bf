"""Step 4 and the break-it lab: verification by pyca/cryptography, the explained check list, the
external verifiers (openssl, Python's ssl, GnuTLS, NSS, Go, Chromium) each in its own words, the
defects made from a correct chain, the verdict matrix, pkilint, and the workflow end to end. It
may import pkilesson.tls, pkilesson.decoding, pkilesson.pki and pkilesson.errors; drawings and
lessons sit above it.
"""
