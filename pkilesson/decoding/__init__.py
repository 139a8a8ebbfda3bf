"""What an artifact says, field by field: decoded certificates, CSRs, CRLs and keys with the meaning
of each field, the DER/ASN.1 tree and the bytes of one field, the signature opened, two artifacts
compared, and the text and HTML views of each. It may import pkilesson.pki and pkilesson.errors,
nothing above (no verifier, handshake, drawing or lesson).
"""
