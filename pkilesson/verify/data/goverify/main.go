// goverify: Go's own certificate verifier (crypto/x509, Certificate.Verify) on PEM files,
// for pkilesson's break-it lab. Standard library only.
//
//	goverify -roots ca-cert.pem [-untrusted untrusted.pem] [-host localhost] [-purpose server|client]
//	         [-at 2026-11-26T12:00:00Z] leaf-cert.pem
//	goverify -version
//
// Prints "ok: " and the chain found (one subject per certificate, leaf first) and exits 0, or prints
// the error Verify returned, exactly as Go words it, and exits 1. Exit 2: the files could not be read.
package main

import (
	"crypto/x509"
	"encoding/pem"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

func readCertificates(path string) ([]*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var found []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		certificate, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		found = append(found, certificate)
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("%s: no CERTIFICATE block", path)
	}
	return found, nil
}

func fail(code int, format string, args ...interface{}) {
	fmt.Fprintf(os.Stdout, format+"\n", args...)
	os.Exit(code)
}

func main() {
	roots := flag.String("roots", "", "the trusted CA certificates (PEM)")
	untrusted := flag.String("untrusted", "", "intermediate certificates given with the leaf (PEM)")
	host := flag.String("host", "", "the server name to check (VerifyOptions.DNSName)")
	purpose := flag.String("purpose", "server", "server (ExtKeyUsageServerAuth) or client (ExtKeyUsageClientAuth)")
	at := flag.String("at", "", "the time of the check, RFC 3339 (default: now)")
	version := flag.Bool("version", false, "print Go's version and exit")
	flag.Parse()
	if *version {
		fmt.Printf("Go %s crypto/x509\n", runtime.Version())
		return
	}
	if *roots == "" || flag.NArg() != 1 {
		fail(2, "usage: goverify -roots ca-cert.pem [-untrusted F] [-host H] [-purpose server|client] [-at T] leaf-cert.pem")
	}
	options := x509.VerifyOptions{Roots: x509.NewCertPool(), Intermediates: x509.NewCertPool(), DNSName: *host}
	switch *purpose {
	case "server":
		options.KeyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	case "client":
		options.KeyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	default:
		fail(2, "-purpose is server or client, not %q", *purpose)
	}
	if *at != "" {
		when, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			fail(2, "-at: %v", err)
		}
		options.CurrentTime = when
	}
	trusted, err := readCertificates(*roots)
	if err != nil {
		fail(2, "%v", err)
	}
	for _, certificate := range trusted {
		options.Roots.AddCert(certificate)
	}
	if *untrusted != "" {
		given, err := readCertificates(*untrusted)
		if err != nil {
			fail(2, "%v", err)
		}
		for _, certificate := range given {
			options.Intermediates.AddCert(certificate)
		}
	}
	leaves, err := readCertificates(flag.Arg(0))
	if err != nil {
		fail(2, "%v", err)
	}
	chains, err := leaves[0].Verify(options)
	if err != nil {
		fail(1, "%v", err)
	}
	names := make([]string, 0, len(chains[0]))
	for _, certificate := range chains[0] {
		names = append(names, certificate.Subject.String())
	}
	fmt.Printf("ok: %s\n", strings.Join(names, " <- "))
}
