#!/usr/bin/env bash
# Generates the test PKI in tests/data/pki/ (see tests/data/pki/README.md for what each file is).
#
# Needs bash and OpenSSL >= 3.0 (`openssl ca -crl_lastupdate/-crl_nextupdate`). Keys are fresh on
# every run, so the bytes change but the file names, names, dates, extensions and relations do
# not. Private keys are not kept. Run from anywhere:  bash tests/data/make-fixtures.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/pki"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$out"
rm -f "$out"/*.pem "$out"/*.der "$out"/*.crl

O="/O=apim-policy tests/C=US"
ROOT_DN="/CN=APIM Test Root CA$O"
INT_DN="/CN=APIM Test Intermediate CA$O"

# Validity periods (UTC). Long-lived material is valid 2020-01-01 .. 2120-01-01.
START=20200101000000Z
END=21200101000000Z

cat >"$work/openssl.cnf" <<'EOF'
[ ca ]
default_ca = CA_default

[ CA_default ]
dir             = $ENV::CADIR
database        = $dir/index.txt
new_certs_dir   = $dir/newcerts
serial          = $dir/serial
crlnumber       = $dir/crlnumber
default_md      = $ENV::CAMD
policy          = policy_anything
unique_subject  = no
email_in_dn     = yes
preserve        = yes
copy_extensions = none
crl_extensions  = crl_ext

[ policy_anything ]
commonName             = supplied
organizationName       = optional
countryName            = optional

[ req ]
distinguished_name = req_dn
prompt             = no
[ req_dn ]
CN = placeholder

[ root_ext ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash

[ int_ext ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ int_nocertsign_ext ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, digitalSignature, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ root_pathlen0_ext ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash

[ root_nocrlsign_ext ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign
subjectKeyIdentifier   = hash

[ leaf_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ leaf_ed_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ server_only_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ self_signed_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash

[ crl_ext ]
authorityKeyIdentifier = keyid:always
EOF
export OPENSSL_CONF="$work/openssl.cnf"
export CADIR="$work" CAMD=sha256

# key <name> <type>: writes $work/<name>.key
key() {
  case "$2" in
    rsa2048) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/$1.key" 2>/dev/null ;;
    rsa3072) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$work/$1.key" 2>/dev/null ;;
    p256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve -out "$work/$1.key" ;;
    p384) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -pkeyopt ec_param_enc:named_curve -out "$work/$1.key" ;;
    ed25519) openssl genpkey -algorithm ED25519 -out "$work/$1.key" ;;
    *) echo "unknown key type $2" >&2; exit 1 ;;
  esac
}

# newca <ca-name> <first-serial-hex>: a CA database directory
newca() {
  mkdir -p "$work/ca-$1/newcerts"
  : >"$work/ca-$1/index.txt"
  echo "$2" >"$work/ca-$1/serial"
  echo 01 >"$work/ca-$1/crlnumber"
}

# emit <name>: copies $work/<name>.pem to $out as PEM (certificate only) and DER
emit() {
  openssl x509 -in "$work/$1.pem" -out "$out/$1.pem"
  openssl x509 -in "$work/$1.pem" -outform DER -out "$out/$1.der"
}

# sign <ca-name|-selfsign> <name> <subject> <key-type> <start> <end> <ext> <md> [sigopts...]
# Makes a key and CSR for <name> and has CA <ca-name> sign it (or signs it with its own key).
sign() {
  local ca="$1" name="$2" subj="$3" ktype="$4" start="$5" end="$6" ext="$7" md="$8"
  shift 8
  key "$name" "$ktype"
  openssl req -new -key "$work/$name.key" -subj "$subj" -out "$work/$name.csr"
  if [ "$ca" = "-selfsign" ]; then
    newca "$name" "$(serial_for "$name")"
    CADIR="$work/ca-$name" CAMD="$md" openssl ca -batch -notext -selfsign \
      -keyfile "$work/$name.key" -in "$work/$name.csr" -out "$work/$name.pem" \
      -startdate "$start" -enddate "$end" -extensions "$ext" "$@" 2>/dev/null
  else
    CADIR="$work/ca-$ca" CAMD="$md" openssl ca -batch -notext \
      -cert "$work/$ca.pem" -keyfile "$work/$ca.key" -in "$work/$name.csr" -out "$work/$name.pem" \
      -startdate "$start" -enddate "$end" -extensions "$ext" "$@" 2>/dev/null
  fi
}

# Self-signed certificates get their own serials (a one-off database each).
serial_for() {
  case "$1" in
    root) echo 01 ;; untrusted-root) echo 02 ;; ec-root) echo 03 ;; ed25519-root) echo 04 ;;
    self-signed) echo 05 ;; expired-root) echo 06 ;; root-no-crlsign) echo 08 ;;
    root-pathlen0) echo 09 ;; *) echo 7F ;;
  esac
}

# crl <ca-name> <md> <lastUpdate> <nextUpdate> <out-name> [sigopts...]
crl() {
  local ca="$1" md="$2" last="$3" next="$4" name="$5"
  shift 5
  CADIR="$work/ca-$ca" CAMD="$md" openssl ca -batch -gencrl \
    -cert "$work/$ca.pem" -keyfile "$work/$ca.key" \
    -crl_lastupdate "$last" -crl_nextupdate "$next" -out "$work/$name.crl.pem" "$@" 2>/dev/null
  openssl crl -in "$work/$name.crl.pem" -out "$out/$name.crl.pem"
  openssl crl -in "$work/$name.crl.pem" -outform DER -out "$out/$name.crl"
}

revoke() { # revoke <ca-name> <cert-name> <md>
  CADIR="$work/ca-$1" CAMD="$3" openssl ca -batch -revoke "$work/$2.pem" \
    -cert "$work/$1.pem" -keyfile "$work/$1.key" -crl_reason keyCompromise 2>/dev/null
}

# ---- Main RSA chain: root -> intermediate -> leaves -------------------------------------------
sign -selfsign root "$ROOT_DN" rsa3072 $START $END root_ext sha256
newca root 1000
sign root intermediate "$INT_DN" rsa2048 $START $END int_ext sha256
newca intermediate 2000

sign intermediate good "/CN=good.client.test$O" rsa2048 $START $END leaf_ext sha256
sign intermediate expired "/CN=expired.client.test$O" rsa2048 20010101000000Z 20020101000000Z leaf_ext sha256
sign intermediate not-yet-valid "/CN=not-yet-valid.client.test$O" rsa2048 20900101000000Z 21000101000000Z leaf_ext sha256
sign intermediate revoked "/CN=revoked.client.test$O" rsa2048 $START $END leaf_ext sha256
sign intermediate server-auth-only "/CN=server-auth-only.client.test$O" rsa2048 $START $END server_only_ext sha256
sign intermediate rsa-sha1 "/CN=rsa-sha1.client.test$O" rsa2048 $START $END leaf_ext sha1
sign intermediate rsa-sha384 "/CN=rsa-sha384.client.test$O" rsa2048 $START $END leaf_ext sha384
sign intermediate rsa-sha512 "/CN=rsa-sha512.client.test$O" rsa2048 $START $END leaf_ext sha512
for h in sha256 sha384 sha512; do
  sign intermediate "rsa-pss-$h" "/CN=rsa-pss-$h.client.test$O" rsa2048 $START $END leaf_ext $h \
    -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -sigopt rsa_mgf1_md:$h
done
for c in root intermediate good expired not-yet-valid revoked server-auth-only \
  rsa-sha1 rsa-sha384 rsa-sha512 rsa-pss-sha256 rsa-pss-sha384 rsa-pss-sha512; do
  emit $c
done

# CRLs: the root's (covers the intermediate, revokes nothing), the intermediate's (revokes
# `revoked`), and an intermediate CRL that expired in 2021.
crl root sha256 $START $END root
revoke intermediate revoked sha256
crl intermediate sha256 $START $END intermediate
crl intermediate sha256 $START 20210101000000Z intermediate-expired
# A root CRL that revokes the intermediate (made last so root.crl above revokes nothing).
revoke root intermediate sha256
crl root sha256 $START $END root-revokes-intermediate

# ---- Untrusted chain with exactly the same names (different keys) ----------------------------
sign -selfsign untrusted-root "$ROOT_DN" rsa3072 $START $END root_ext sha256
newca untrusted-root 1000
sign untrusted-root untrusted-intermediate "$INT_DN" rsa2048 $START $END int_ext sha256
newca untrusted-intermediate 2000
sign untrusted-intermediate untrusted-good "/CN=good.client.test$O" rsa2048 $START $END leaf_ext sha256
emit untrusted-root; emit untrusted-intermediate; emit untrusted-good

# ---- Self-signed client certificate -----------------------------------------------------------
sign -selfsign self-signed "/CN=self-signed.client.test$O" rsa2048 $START $END self_signed_ext sha256
emit self-signed

# ---- Expired CA certificates: an expired root and an expired intermediate --------------------
sign -selfsign expired-root "/CN=APIM Test Expired Root CA$O" rsa2048 20010101000000Z 20020101000000Z root_ext sha256
newca expired-root 3000
sign expired-root expired-root-leaf "/CN=expired-root-leaf.client.test$O" rsa2048 $START $END leaf_ext sha256
sign root expired-intermediate "/CN=APIM Test Expired Intermediate CA$O" rsa2048 20010101000000Z 20020101000000Z int_ext sha256
newca expired-intermediate 4000
sign expired-intermediate expired-intermediate-leaf "/CN=expired-intermediate-leaf.client.test$O" rsa2048 $START $END leaf_ext sha256
emit expired-root; emit expired-root-leaf; emit expired-intermediate; emit expired-intermediate-leaf

# ---- ECDSA chain: ec-root (P-384) -> ec-intermediate (P-256) -> leaves -----------------------
sign -selfsign ec-root "/CN=APIM Test EC Root CA$O" p384 $START $END root_ext sha384
newca ec-root 5000
sign ec-root ec-intermediate "/CN=APIM Test EC Intermediate CA$O" p256 $START $END int_ext sha384
newca ec-intermediate 6000
for h in sha256 sha384 sha512 sha1; do
  # signed by the P-256 intermediate
  sign ec-intermediate "ec-p256-$h" "/CN=ec-p256-$h.client.test$O" p256 $START $END leaf_ed_ext $h
  # signed directly by the P-384 root
  sign ec-root "ec-p384-$h" "/CN=ec-p384-$h.client.test$O" p384 $START $END leaf_ed_ext $h
done
crl ec-root sha384 $START $END ec-root
crl ec-intermediate sha256 $START $END ec-intermediate
emit ec-root; emit ec-intermediate
for h in sha256 sha384 sha512 sha1; do emit "ec-p256-$h"; emit "ec-p384-$h"; done

# ---- Ed25519 chain: ed25519-root -> ed25519-good ---------------------------------------------
sign -selfsign ed25519-root "/CN=APIM Test Ed25519 Root CA$O" ed25519 $START $END root_ext default
newca ed25519-root 7000
sign ed25519-root ed25519-good "/CN=ed25519-good.client.test$O" ed25519 $START $END leaf_ed_ext default
crl ed25519-root default $START $END ed25519-root
emit ed25519-root; emit ed25519-good

# ---- CA key usage: an intermediate without keyCertSign, a root without cRLSign ---------------
sign root no-certsign-intermediate "/CN=APIM Test No-CertSign Intermediate CA$O" rsa2048 $START $END int_nocertsign_ext sha256
newca no-certsign-intermediate 9000
sign no-certsign-intermediate no-certsign-leaf "/CN=no-certsign-leaf.client.test$O" rsa2048 $START $END leaf_ext sha256
sign -selfsign root-no-crlsign "/CN=APIM Test No-CRLSign Root CA$O" rsa2048 $START $END root_nocrlsign_ext sha256
newca root-no-crlsign 8000
sign root-no-crlsign root-no-crlsign-leaf "/CN=root-no-crlsign-leaf.client.test$O" rsa2048 $START $END leaf_ext sha256
crl root-no-crlsign sha256 $START $END root-no-crlsign
emit no-certsign-intermediate; emit no-certsign-leaf; emit root-no-crlsign; emit root-no-crlsign-leaf

# ---- OpenSSL trust-anchor rules: a root with pathLenConstraint 0, a root revoking itself -----
sign -selfsign root-pathlen0 "/CN=APIM Test PathLen0 Root CA$O" rsa2048 $START $END root_pathlen0_ext sha256
newca root-pathlen0 A000
sign root-pathlen0 pathlen0-intermediate "/CN=APIM Test Under-PathLen0 Intermediate CA$O" rsa2048 $START $END int_ext sha256
newca pathlen0-intermediate B000
sign pathlen0-intermediate pathlen0-leaf "/CN=pathlen0-leaf.client.test$O" rsa2048 $START $END leaf_ext sha256
sign root-pathlen0 pathlen0-direct-leaf "/CN=pathlen0-direct-leaf.client.test$O" rsa2048 $START $END leaf_ext sha256
emit root-pathlen0; emit pathlen0-intermediate; emit pathlen0-leaf; emit pathlen0-direct-leaf
# The Ed25519 root's CRL listing the root itself (made last so ed25519-root.crl revokes nothing).
revoke ed25519-root ed25519-root default
crl ed25519-root default $START $END ed25519-root-revokes-itself

echo "fixtures written to $out"
