#!/usr/bin/env bash
# Generates the certificate-container fixtures in tests/data/containers/ (see README.md there).
#
# Needs bash and OpenSSL >= 3.0 with the legacy provider (for `pkcs12 -legacy`, RC2-40).
# Keys are fresh on every run, so the bytes change; names, serials, dates, extensions,
# passwords and file structure do not. `expected.json` records what `openssl` itself reports
# for the certificates (fingerprints, serials, subjects), and is what the tests compare with.
# Run from anywhere:  bash tests/data/containers/make-containers.sh
set -euo pipefail

out="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

PASS='Pfx-Test-Pass'

cat >ext.cnf <<'CNF'
[ ca_ext ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
[ leaf_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = clientAuth, serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:container.client.test, email:container@client.test
CNF

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ca.key 2>/dev/null
openssl req -new -key ca.key -subj "/C=US/O=apim-policy tests/CN=Container Test CA" -out ca.csr
openssl x509 -req -in ca.csr -signkey ca.key -days 36500 -set_serial 0x0A -sha256 \
  -extfile ext.cnf -extensions ca_ext -out ca.pem 2>/dev/null

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out leaf.key
openssl req -new -key leaf.key -subj "/C=US/O=apim-policy tests/CN=container.client.test" -out leaf.csr
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -days 36500 -set_serial 0x00C0FFEE \
  -sha256 -extfile ext.cnf -extensions leaf_ext -out leaf.pem 2>/dev/null

rm -f "$out"/*.pem "$out"/*.der "$out"/*.p7b "$out"/*.pfx "$out"/*.p12 "$out"/expected.json
openssl x509 -in leaf.pem -out "$out/leaf.pem"
openssl x509 -in leaf.pem -outform DER -out "$out/leaf.der"
openssl x509 -in ca.pem -out "$out/ca.pem"
# A PEM bundle: leaf then CA.
cat "$out/leaf.pem" "$out/ca.pem" >"$out/bundle.pem"

# PKCS#7 certificate bags (SignedData without signers), DER and PEM ("-----BEGIN PKCS7-----").
openssl crl2pkcs7 -nocrl -certfile leaf.pem -certfile ca.pem -outform DER -out "$out/chain.p7b"
openssl crl2pkcs7 -nocrl -certfile leaf.pem -certfile ca.pem -out "$out/chain.p7b.pem"
openssl crl2pkcs7 -nocrl -certfile leaf.pem -outform DER -out "$out/single.p7b"
# A signed, streamed CMS message: BER with indefinite lengths (as Windows also writes .p7b).
echo "apim-policy" >msg.txt
openssl cms -sign -in msg.txt -signer leaf.pem -inkey leaf.key -certfile ca.pem -outform DER \
  -stream -nodetach -out "$out/signed-ber.p7b"

# PFX / PKCS#12.
# Current OpenSSL default: PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), MAC HMAC-SHA256.
openssl pkcs12 -export -inkey leaf.key -in leaf.pem -certfile ca.pem -name "container leaf" \
  -passout "pass:$PASS" -out "$out/leaf-aes.pfx"
# `-legacy`: certificates under pbeWithSHAAnd40BitRC2-CBC, key under 3DES, MAC HMAC-SHA1.
openssl pkcs12 -export -legacy -inkey leaf.key -in leaf.pem -certfile ca.pem -name "container leaf" \
  -passout "pass:$PASS" -out "$out/leaf-legacy.pfx"
# 3DES for both certificates and key.
openssl pkcs12 -export -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1 \
  -inkey leaf.key -in leaf.pem -passout "pass:$PASS" -out "$out/leaf-3des.pfx"
# Certificates only, no private key.
openssl pkcs12 -export -nokeys -in leaf.pem -certfile ca.pem -passout "pass:$PASS" \
  -out "$out/certs-only.pfx"

# What openssl reports, for the tests.
fp() { openssl x509 -in "$1" -noout -fingerprint "-$2" | sed 's/.*=//; s/://g'; }
serial() { openssl x509 -in "$1" -noout -serial | sed 's/.*=//'; }
cat >"$out/expected.json" <<JSON
{
  "password": "$PASS",
  "leaf": {"sha1": "$(fp leaf.pem sha1)", "sha256": "$(fp leaf.pem sha256)", "sha384": "$(fp leaf.pem sha384)", "sha512": "$(fp leaf.pem sha512)", "openssl_serial": "$(serial leaf.pem)"},
  "ca": {"sha1": "$(fp ca.pem sha1)", "sha256": "$(fp ca.pem sha256)", "openssl_serial": "$(serial ca.pem)"}
}
JSON
echo "fixtures written to $out"
