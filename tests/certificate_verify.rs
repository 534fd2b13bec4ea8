//! Chain verification with .NET `Verify()` / APIM `VerifyNoRevocation()` semantics, over the
//! test PKI in tests/data/pki (see its README; regenerate with tests/data/make-fixtures.sh).
//!
//! Expected answers come from the .NET rules (spec dotnet-x509.md §5, apim-policies.md §4.3):
//! `Verify()` = chain to a trusted root, every element in its validity period, leaf and
//! intermediates with a definite revocation status (root excluded), no EKU requirement;
//! `VerifyNoRevocation()` = the same without revocation.

use std::sync::Arc;

use apim_policy::cert::store::{Crl, StoreError, TrustStore};
use apim_policy::cert::verify::{RevocationMode, VerifyError, verify_chain};
use sha1::{Digest, Sha1};

use RevocationMode::{NoCheck, Online};

/// 2030-01-01T00:00:00Z, the evaluation time of the fixtures README.
const AT: i64 = 1_893_456_000;
/// 2001-06-01T00:00:00Z: inside `expired`'s validity, before every CRL's thisUpdate.
const Y2001: i64 = 991_353_600;
/// 2019-06-01T00:00:00Z: before the long-lived certificates' notBefore.
const Y2019: i64 = 1_559_347_200;
/// 2020-01-01T00:00:00Z: notBefore of the long-lived certificates and thisUpdate of the CRLs.
const Y2020: i64 = 1_577_836_800;
/// 2095-01-01T00:00:00Z: inside `not-yet-valid`'s validity.
const Y2095: i64 = 3_944_678_400;
/// 2120-01-01T00:00:00Z: notAfter of the long-lived certificates and nextUpdate of the CRLs.
const Y2120: i64 = 4_733_510_400;
/// 2121-01-01T00:00:00Z: after everything.
const Y2121: i64 = 4_765_132_800;

fn der(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/pki/{name}.der", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn crl(name: &str) -> Crl {
    let path = format!("{}/tests/data/pki/{name}.crl", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap();
    let mut crls = Crl::load(&bytes).unwrap();
    assert_eq!(crls.len(), 1);
    crls.pop().unwrap()
}

fn thumbprint(der: &[u8]) -> [u8; 20] {
    Sha1::digest(der).into()
}

/// Which uploaded material a case runs against.
#[derive(Debug, Clone, Copy)]
enum Store {
    /// root + intermediate, root.crl + intermediate.crl, plus the EC and Ed25519 chains with
    /// their CRLs.
    Full,
    /// root + intermediate, no CRLs.
    NoCrls,
    /// root only (the intermediate is not uploaded), CRLs.
    NoIntermediate,
    /// root + intermediate, only intermediate.crl (nothing covers the intermediate).
    NoRootCrl,
    /// root + intermediate, root.crl + the intermediate CRL that expired in 2021.
    ExpiredIntermediateCrl,
    /// root + intermediate, the root CRL that revokes the intermediate + intermediate.crl.
    IntermediateRevoked,
    /// Full + the untrusted intermediate uploaded as an intermediate (its root is not).
    FullWithUntrustedIntermediate,
    /// The self-signed client certificate uploaded as a root (no CRLs).
    SelfSignedRoot,
    /// The expired root with its leaf, and root -> expired intermediate (no CRLs for them).
    ExpiredCas,
    /// Main chain + the intermediate without keyCertSign + the root without cRLSign, with
    /// root.crl, intermediate.crl and root-no-crlsign.crl.
    CaKeyUsage,
}

fn build(store: Store) -> TrustStore {
    let b = TrustStore::builder();
    let main = |b: apim_policy::cert::store::TrustStoreBuilder| {
        b.add_root(&der("root"))
            .add_intermediate(&der("intermediate"))
    };
    let others = |b: apim_policy::cert::store::TrustStoreBuilder| {
        b.add_root(&der("ec-root"))
            .add_intermediate(&der("ec-intermediate"))
            .add_root(&der("ed25519-root"))
            .add_crl(crl("ec-root"))
            .add_crl(crl("ec-intermediate"))
            .add_crl(crl("ed25519-root"))
    };
    let b = match store {
        Store::Full => others(main(b))
            .add_crl(crl("root"))
            .add_crl(crl("intermediate")),
        Store::NoCrls => main(b),
        Store::NoIntermediate => b
            .add_root(&der("root"))
            .add_crl(crl("root"))
            .add_crl(crl("intermediate")),
        Store::NoRootCrl => main(b).add_crl(crl("intermediate")),
        Store::ExpiredIntermediateCrl => main(b)
            .add_crl(crl("root"))
            .add_crl(crl("intermediate-expired")),
        Store::IntermediateRevoked => main(b)
            .add_crl(crl("root-revokes-intermediate"))
            .add_crl(crl("intermediate")),
        Store::FullWithUntrustedIntermediate => others(main(b))
            .add_intermediate(&der("untrusted-intermediate"))
            .add_crl(crl("root"))
            .add_crl(crl("intermediate")),
        Store::SelfSignedRoot => b.add_root(&der("self-signed")),
        Store::ExpiredCas => b
            .add_root(&der("root"))
            .add_root(&der("expired-root"))
            .add_intermediate(&der("expired-intermediate")),
        Store::CaKeyUsage => main(b)
            .add_root(&der("root-no-crlsign"))
            .add_intermediate(&der("no-certsign-intermediate"))
            .add_crl(crl("root"))
            .add_crl(crl("intermediate"))
            .add_crl(crl("root-no-crlsign")),
    };
    b.build().unwrap()
}

/// The expected .NET answer: `true`, or `false` with the status we report for it.
#[derive(Debug, Clone, Copy)]
enum Expect {
    Ok,
    UntrustedRoot,
    PartialChain,
    Expired,
    NotYetValid,
    Revoked(&'static str),
    Unknown,
    BadSignature,
    InvalidBasicConstraints,
    /// `false`; .NET reports several statuses at once and we report one of them.
    AnyFailure,
}

fn check(expect: Expect, got: &Result<(), VerifyError>) -> bool {
    match (expect, got) {
        (Expect::Ok, Ok(())) => true,
        (Expect::UntrustedRoot, Err(VerifyError::UntrustedRoot)) => true,
        (Expect::PartialChain, Err(VerifyError::PartialChain)) => true,
        (Expect::Expired, Err(VerifyError::Expired { .. })) => true,
        (Expect::NotYetValid, Err(VerifyError::NotYetValid { .. })) => true,
        (Expect::Revoked(s), Err(VerifyError::Revoked { serial })) => serial == s,
        (Expect::Unknown, Err(VerifyError::RevocationStatusUnknown)) => true,
        (Expect::BadSignature, Err(VerifyError::BadSignature)) => true,
        (Expect::InvalidBasicConstraints, Err(VerifyError::InvalidBasicConstraints)) => true,
        (Expect::AnyFailure, Err(_)) => true,
        _ => false,
    }
}

/// (store, leaf fixture, time, expected with Online = Verify(), expected with NoCheck =
/// VerifyNoRevocation()).
const CASES: &[(Store, &str, i64, Expect, Expect)] = &[
    // The good chain with CRLs: both true.
    (Store::Full, "good", AT, Expect::Ok, Expect::Ok),
    (Store::Full, "good", Y2020, Expect::Ok, Expect::Ok),
    (Store::Full, "good", Y2120 - 1, Expect::Ok, Expect::Ok),
    // At nextUpdate the CRLs are expired: status unknown; the certificates are still valid
    // (notAfter is inclusive) so VerifyNoRevocation() holds.
    (Store::Full, "good", Y2120, Expect::Unknown, Expect::Ok),
    (Store::Full, "good", Y2121, Expect::Expired, Expect::Expired),
    (
        Store::Full,
        "good",
        Y2019,
        Expect::NotYetValid,
        Expect::NotYetValid,
    ),
    // No EKU check: a serverAuth-only certificate verifies.
    (Store::Full, "server-auth-only", AT, Expect::Ok, Expect::Ok),
    // Every signature algorithm.
    (Store::Full, "rsa-sha1", AT, Expect::Ok, Expect::Ok),
    (Store::Full, "rsa-sha384", AT, Expect::Ok, Expect::Ok),
    (Store::Full, "rsa-sha512", AT, Expect::Ok, Expect::Ok),
    (Store::Full, "rsa-pss-sha256", AT, Expect::Ok, Expect::Ok),
    (Store::Full, "rsa-pss-sha384", AT, Expect::Ok, Expect::Ok),
    (Store::Full, "rsa-pss-sha512", AT, Expect::Ok, Expect::Ok),
    (Store::Full, "ec-p256-sha1", AT, Expect::Ok, Expect::Ok),
    (Store::Full, "ec-p256-sha256", AT, Expect::Ok, Expect::Ok),
    (Store::Full, "ec-p256-sha384", AT, Expect::Ok, Expect::Ok),
    (Store::Full, "ec-p256-sha512", AT, Expect::Ok, Expect::Ok),
    (Store::Full, "ec-p384-sha1", AT, Expect::Ok, Expect::Ok),
    (Store::Full, "ec-p384-sha256", AT, Expect::Ok, Expect::Ok),
    (Store::Full, "ec-p384-sha384", AT, Expect::Ok, Expect::Ok),
    (Store::Full, "ec-p384-sha512", AT, Expect::Ok, Expect::Ok),
    (Store::Full, "ed25519-good", AT, Expect::Ok, Expect::Ok),
    // Time validity of the leaf.
    (Store::Full, "expired", AT, Expect::Expired, Expect::Expired),
    // In 2001 `expired` is valid but its issuers are not yet (and no CRL is current).
    (
        Store::Full,
        "expired",
        Y2001,
        Expect::AnyFailure,
        Expect::NotYetValid,
    ),
    (
        Store::Full,
        "not-yet-valid",
        AT,
        Expect::NotYetValid,
        Expect::NotYetValid,
    ),
    (Store::Full, "not-yet-valid", Y2095, Expect::Ok, Expect::Ok),
    // Revocation.
    (
        Store::Full,
        "revoked",
        AT,
        Expect::Revoked("2003"),
        Expect::Ok,
    ),
    (
        Store::IntermediateRevoked,
        "good",
        AT,
        Expect::Revoked("1000"),
        Expect::Ok,
    ),
    (
        Store::IntermediateRevoked,
        "revoked",
        AT,
        Expect::AnyFailure,
        Expect::Ok,
    ),
    (Store::NoCrls, "good", AT, Expect::Unknown, Expect::Ok),
    (Store::NoCrls, "revoked", AT, Expect::Unknown, Expect::Ok),
    (Store::NoRootCrl, "good", AT, Expect::Unknown, Expect::Ok),
    (
        Store::ExpiredIntermediateCrl,
        "good",
        AT,
        Expect::Unknown,
        Expect::Ok,
    ),
    // Trust.
    (
        Store::Full,
        "untrusted-good",
        AT,
        Expect::BadSignature,
        Expect::BadSignature,
    ),
    (
        Store::FullWithUntrustedIntermediate,
        "untrusted-good",
        AT,
        Expect::AnyFailure,
        Expect::AnyFailure,
    ),
    (
        Store::Full,
        "untrusted-intermediate",
        AT,
        Expect::AnyFailure,
        Expect::AnyFailure,
    ),
    (
        Store::Full,
        "untrusted-root",
        AT,
        Expect::AnyFailure,
        Expect::AnyFailure,
    ),
    (
        Store::NoIntermediate,
        "good",
        AT,
        Expect::PartialChain,
        Expect::PartialChain,
    ),
    (
        Store::Full,
        "self-signed",
        AT,
        Expect::UntrustedRoot,
        Expect::UntrustedRoot,
    ),
    (
        Store::SelfSignedRoot,
        "self-signed",
        AT,
        Expect::Ok,
        Expect::Ok,
    ),
    (
        Store::SelfSignedRoot,
        "self-signed",
        Y2121,
        Expect::Expired,
        Expect::Expired,
    ),
    (
        Store::SelfSignedRoot,
        "self-signed",
        Y2019,
        Expect::NotYetValid,
        Expect::NotYetValid,
    ),
    (
        Store::SelfSignedRoot,
        "good",
        AT,
        Expect::PartialChain,
        Expect::PartialChain,
    ),
    // Expired CAs: webpki does not check the root's dates; we do.
    (
        Store::ExpiredCas,
        "expired-root-leaf",
        AT,
        Expect::AnyFailure,
        Expect::Expired,
    ),
    // CA key usage as OpenSSL checks it: an issuer without keyCertSign is not a CA
    // (InvalidBasicConstraints); a root without cRLSign cannot vouch for its CRL, so the status
    // of what it issued is unknown.
    (Store::CaKeyUsage, "good", AT, Expect::Ok, Expect::Ok),
    (
        Store::CaKeyUsage,
        "no-certsign-leaf",
        AT,
        Expect::AnyFailure,
        Expect::InvalidBasicConstraints,
    ),
    (
        Store::CaKeyUsage,
        "root-no-crlsign-leaf",
        AT,
        Expect::Unknown,
        Expect::Ok,
    ),
    (
        Store::ExpiredCas,
        "expired-intermediate-leaf",
        AT,
        Expect::Expired,
        Expect::Expired,
    ),
];

#[test]
fn table() {
    let mut failures = Vec::new();
    for &(store_kind, leaf, at, online, nocheck) in CASES {
        let store = build(store_kind);
        let leaf_der = der(leaf);
        for (mode, expect) in [(Online, online), (NoCheck, nocheck)] {
            let uncached = verify_chain(&leaf_der, &store, at, mode);
            let cached = store.verify(&leaf_der, &thumbprint(&leaf_der), at, mode);
            let cached_again = store.verify(&leaf_der, &thumbprint(&leaf_der), at, mode);
            if !check(expect, &uncached) || cached != uncached || cached_again != uncached {
                failures.push(format!(
                    "{store_kind:?} {leaf} at {at} {mode:?}: expected {expect:?}, got {uncached:?} (cached {cached:?}, again {cached_again:?})"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn error_details() {
    let store = build(Store::Full);
    assert_eq!(
        verify_chain(&der("expired"), &store, AT, NoCheck),
        Err(VerifyError::Expired {
            not_after: 1_009_843_200, // 2002-01-01T00:00:00Z
            at: AT
        })
    );
    assert_eq!(
        verify_chain(&der("not-yet-valid"), &store, AT, NoCheck),
        Err(VerifyError::NotYetValid {
            not_before: 3_786_912_000, // 2090-01-01T00:00:00Z
            at: AT
        })
    );
    // The expired root's notAfter, not the leaf's.
    let expired_cas = build(Store::ExpiredCas);
    assert_eq!(
        verify_chain(&der("expired-root-leaf"), &expired_cas, AT, NoCheck),
        Err(VerifyError::Expired {
            not_after: 1_009_843_200,
            at: AT
        })
    );
}

#[test]
fn cache_window() {
    let store = build(Store::Full);
    let good = der("good");
    let tp = thumbprint(&good);
    // Everything in the good chain changes state only at 2020-01-01 and 2120-01-01 (CRL
    // nextUpdate) / 2120-01-01T00:00:01 (certificate notAfter + 1 s).
    assert_eq!(store.window(&good, AT), (Y2020, Y2120));
    assert_eq!(store.window(&good, Y2120), (Y2120, Y2120 + 1));
    assert_eq!(store.window(&good, Y2121), (Y2120 + 1, i64::MAX));
    assert_eq!(store.window(&good, Y2019).1, Y2020);

    assert_eq!(store.cached_results(), 0);
    assert_eq!(store.verify(&good, &tp, AT, Online), Ok(()));
    assert_eq!(store.cached_results(), 1);
    // Inside the window: same answer, no new entry.
    assert_eq!(
        store.verify(&good, &tp, AT + 86_400 * 365 * 50, Online),
        Ok(())
    );
    assert_eq!(store.cached_results(), 1);
    // Outside the window: recomputed, different answers.
    assert_eq!(
        store.verify(&good, &tp, Y2120, Online),
        Err(VerifyError::RevocationStatusUnknown)
    );
    assert!(matches!(
        store.verify(&good, &tp, Y2121, Online),
        Err(VerifyError::Expired { .. })
    ));
    assert!(matches!(
        store.verify(&good, &tp, Y2019, Online),
        Err(VerifyError::NotYetValid { .. })
    ));
    // And back inside.
    assert_eq!(store.verify(&good, &tp, AT, Online), Ok(()));
    // The modes are cached separately.
    assert_eq!(store.verify(&good, &tp, Y2120, NoCheck), Ok(()));
    assert_eq!(
        store.verify(&good, &tp, Y2120, Online),
        Err(VerifyError::RevocationStatusUnknown)
    );
    assert_eq!(store.cached_results(), 2);
}

#[test]
fn cache_is_bounded() {
    let store = TrustStore::builder()
        .add_root(&der("root"))
        .add_intermediate(&der("intermediate"))
        .cache_capacity(3)
        .build()
        .unwrap();
    let leaves = [
        "good",
        "revoked",
        "expired",
        "not-yet-valid",
        "rsa-sha1",
        "server-auth-only",
    ];
    for leaf in leaves {
        let d = der(leaf);
        let expected = verify_chain(&d, &store, AT, NoCheck);
        assert_eq!(
            store.verify(&d, &thumbprint(&d), AT, NoCheck),
            expected,
            "{leaf}"
        );
        assert!(store.cached_results() <= 3);
    }
    let uncached = TrustStore::builder()
        .add_root(&der("root"))
        .cache_capacity(0)
        .build()
        .unwrap();
    let d = der("good");
    assert_eq!(
        uncached.verify(&d, &thumbprint(&d), AT, NoCheck),
        Err(VerifyError::PartialChain)
    );
    assert_eq!(uncached.cached_results(), 0);
}

#[test]
fn shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<TrustStore>();
    let store = Arc::new(build(Store::Full));
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                let leaf = if i % 2 == 0 {
                    der("good")
                } else {
                    der("revoked")
                };
                let tp = thumbprint(&leaf);
                (0..50)
                    .map(|j| store.verify(&leaf, &tp, AT + j, Online).is_ok())
                    .all(|ok| ok == (i % 2 == 0))
            })
        })
        .collect();
    for h in handles {
        assert!(h.join().unwrap());
    }
}

#[test]
fn garbage_never_panics() {
    let store = build(Store::Full);
    let good = der("good");
    let mut inputs: Vec<Vec<u8>> = vec![
        vec![],
        vec![0x30],
        vec![0x30, 0x80],
        vec![0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
        vec![0xff; 64],
        b"-----BEGIN CERTIFICATE-----".to_vec(),
        good[..good.len() / 2].to_vec(),
    ];
    // Deterministic single-byte mutations all over the certificate.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..300 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let mut m = good.clone();
        let pos = usize::try_from(seed >> 33).unwrap() % m.len();
        m[pos] ^= u8::try_from((seed >> 8) & 0xff).unwrap() | 1;
        inputs.push(m);
    }
    for input in &inputs {
        for mode in [Online, NoCheck] {
            let r = store.verify(input, &thumbprint(input), AT, mode);
            if input.len() < 16 {
                assert!(matches!(r, Err(VerifyError::Malformed(_))), "{r:?}");
            }
        }
    }
}

#[test]
fn tampered_signature_is_bad_signature() {
    let store = build(Store::Full);
    let mut d = der("good");
    let last = d.len() - 1;
    d[last] ^= 0x01;
    assert_eq!(
        verify_chain(&d, &store, AT, NoCheck),
        Err(VerifyError::BadSignature)
    );
}

#[test]
fn bad_store_input_is_a_typed_error() {
    assert!(matches!(
        TrustStore::builder().add_root(b"not a certificate").build(),
        Err(StoreError::BadRoot { index: 0, .. })
    ));
    assert!(matches!(
        TrustStore::builder()
            .add_root(&der("root"))
            .add_intermediate(&[0x30, 0x03, 0x02, 0x01, 0x00])
            .build(),
        Err(StoreError::BadIntermediate { index: 0, .. })
    ));
    assert!(matches!(Crl::load(b""), Err(StoreError::NoCrl)));
    assert!(matches!(Crl::load(b"hello"), Err(StoreError::NoCrl)));
    assert!(matches!(
        Crl::load(&[0x30, 0x00]),
        Err(StoreError::BadCrl { index: 0, .. })
    ));
    // A certificate is not a CRL.
    assert!(Crl::load(&der("good")).is_err());
}

#[test]
fn pem_and_der_fixtures_agree() {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let dir = format!("{}/tests/data/pki", env!("CARGO_MANIFEST_DIR"));
    let mut certs = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if let Some(stem) = name.strip_suffix(".crl.pem") {
            let pem = Crl::load(&std::fs::read(&path).unwrap()).unwrap();
            let der = crl(stem);
            assert_eq!(pem.len(), 1);
            assert_eq!(pem[0].this_update(), der.this_update(), "{name}");
            assert_eq!(pem[0].next_update(), der.next_update(), "{name}");
            assert_eq!(pem[0].issuer(), der.issuer(), "{name}");
        } else if let Some(stem) = name.strip_suffix(".pem") {
            let from_pem = CertificateDer::from_pem_file(&path).unwrap();
            assert_eq!(from_pem.as_ref(), der(stem).as_slice(), "{name}");
            certs += 1;
        }
    }
    assert!(certs >= 30, "only {certs} certificates found");
}

#[test]
fn crl_dates() {
    let c = crl("intermediate");
    assert_eq!((c.this_update(), c.next_update()), (Y2020, Y2120));
    assert!(c.is_current(AT));
    assert!(!c.is_current(Y2120));
    assert!(!c.is_current(Y2019));
    let expired = crl("intermediate-expired");
    assert_eq!(expired.next_update(), 1_609_459_200); // 2021-01-01
    assert!(!expired.is_current(AT));
}

// ---------------------------------------------------------------------------------------------
// OpenSSL-as-.NET rules on top of webpki, and the general entry point's knobs.
//
// Several cases take their certificates from the x509-limbo suite (tests/data/x509-limbo); the
// expected answers are .NET's (OpenSSL 3 with .NET's flags, see divergences.txt there), which for
// these cases equal the suite's except where noted.

mod general {
    use std::io::Read;

    use apim_policy::cert::store::{Crl, TrustStore};
    use apim_policy::cert::verify::{
        GeneralOptions, RevocationMode, RevocationScope, VerifyError, verify_chain, verify_general,
    };
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    use serde_json::Value;

    use super::{AT, Store, build, crl, der};

    /// 2026-06-29T00:00:00Z: inside the validity of the limbo cases without a validation time.
    const LIMBO_AT: i64 = 1_782_691_200;

    fn limbo_case(id: &str) -> Value {
        static SUITE: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
        let suite = SUITE.get_or_init(|| {
            let path = format!(
                "{}/tests/data/x509-limbo/limbo.json.gz",
                env!("CARGO_MANIFEST_DIR")
            );
            let mut gz = flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap());
            let mut json = String::new();
            gz.read_to_string(&mut json).unwrap();
            serde_json::from_str(&json).unwrap()
        });
        suite["testcases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|tc| tc["id"] == id)
            .unwrap_or_else(|| panic!("no limbo case {id}"))
            .clone()
    }

    fn pem(v: &Value) -> Vec<u8> {
        CertificateDer::from_pem_slice(v.as_str().unwrap().as_bytes())
            .unwrap()
            .as_ref()
            .to_vec()
    }

    /// The case as an uploaded store: trusted certs as roots, untrusted ones as intermediates,
    /// CRLs; and its leaf.
    fn limbo_store(id: &str) -> (TrustStore, Vec<u8>) {
        let tc = limbo_case(id);
        let mut b = TrustStore::builder().cache_capacity(0);
        for r in tc["trusted_certs"].as_array().unwrap() {
            b = b.add_root(&pem(r));
        }
        for i in tc["untrusted_intermediates"].as_array().unwrap() {
            b = b.add_intermediate(&pem(i));
        }
        for c in tc["crls"].as_array().unwrap() {
            b = b.add_crls(Crl::load(c.as_str().unwrap().as_bytes()).unwrap());
        }
        (b.build().unwrap(), pem(&tc["peer_certificate"]))
    }

    fn no_revocation(id: &str) -> Result<(), VerifyError> {
        let (store, leaf) = limbo_store(id);
        verify_chain(&leaf, &store, LIMBO_AT, RevocationMode::NoCheck)
    }

    #[test]
    fn ca_certificate_as_leaf_verifies() {
        // OpenSSL puts no CA requirement on the leaf (webpki alone rejects it).
        assert_eq!(no_revocation("rfc5280::ca-as-leaf"), Ok(()));
        assert_eq!(
            no_revocation("pathlen::validation-ignores-pathlen-in-leaf"),
            Ok(())
        );
        // The own path builder behind this keeps every other check: a tampered signature, the
        // validity period, an unknown issuer.
        let (store, mut leaf) = limbo_store("rfc5280::ca-as-leaf");
        let last = leaf.len() - 1;
        leaf[last] ^= 0x01;
        assert!(verify_chain(&leaf, &store, LIMBO_AT, RevocationMode::NoCheck).is_err());
        let (store, leaf) = limbo_store("rfc5280::ca-as-leaf");
        assert!(matches!(
            // Valid from 1970-01-01T00:00:01Z.
            verify_chain(&leaf, &store, 0, RevocationMode::NoCheck),
            Err(VerifyError::NotYetValid { .. })
        ));
        let empty = TrustStore::builder().build().unwrap();
        assert!(verify_chain(&leaf, &empty, LIMBO_AT, RevocationMode::NoCheck).is_err());
    }

    #[test]
    fn uploaded_intermediate_presented_as_client_certificate() {
        // A CA certificate as the leaf goes through the own path builder, with revocation too:
        // root.crl covers the intermediate.
        let intermediate = der("intermediate");
        let verify = |store: Store, mode| verify_chain(&intermediate, &build(store), AT, mode);
        assert_eq!(verify(Store::Full, RevocationMode::Online), Ok(()));
        assert_eq!(verify(Store::Full, RevocationMode::NoCheck), Ok(()));
        assert_eq!(
            verify(Store::IntermediateRevoked, RevocationMode::Online),
            Err(VerifyError::Revoked {
                serial: "1000".into()
            })
        );
        assert_eq!(
            verify(Store::IntermediateRevoked, RevocationMode::NoCheck),
            Ok(())
        );
        assert_eq!(
            verify(Store::NoRootCrl, RevocationMode::Online),
            Err(VerifyError::RevocationStatusUnknown)
        );
        // Its validity still counts: at 2121 it has expired.
        assert!(matches!(
            verify_chain(
                &intermediate,
                &build(Store::Full),
                4_765_132_800,
                RevocationMode::NoCheck
            ),
            Err(VerifyError::Expired { .. })
        ));
        // Issued by a root that is not uploaded: no path.
        assert!(
            verify_chain(
                &der("untrusted-intermediate"),
                &build(Store::Full),
                AT,
                RevocationMode::NoCheck
            )
            .is_err()
        );
    }

    #[test]
    fn self_issued_intermediates_do_not_count() {
        assert_eq!(no_revocation("pathlen::self-issued-certs-pathlen"), Ok(()));
        assert_eq!(no_revocation("rfc5280::nc::permitted-self-issued"), Ok(()));
        // Real path-length violations still fail.
        assert!(no_revocation("pathlen::intermediate-violates-pathlen-0").is_err());
    }

    #[test]
    fn max_intermediates_counts_logical_intermediates() {
        let (store, leaf) = limbo_store("pathlen::max-chain-depth-1-self-issued");
        let opts = |max| GeneralOptions {
            at: LIMBO_AT,
            max_intermediates: Some(max),
            ..GeneralOptions::default()
        };
        assert_eq!(verify_general(&leaf, &store, &opts(1)), Ok(()));
        assert!(verify_general(&leaf, &store, &opts(0)).is_err());
        let (store, leaf) = limbo_store("pathlen::max-chain-depth-1");
        assert_eq!(verify_general(&leaf, &store, &opts(1)), Ok(()));
        assert!(verify_general(&leaf, &store, &opts(0)).is_err());
    }

    #[test]
    fn email_and_directory_name_constraints() {
        for id in [
            "rfc5280::nc::nc-permits-email-exact",
            "rfc5280::nc::nc-permits-email-domain",
            "rfc5280::nc::nc-permits-email-literal-mid-asterisk",
            "rfc5280::nc::permitted-dn-match",
        ] {
            assert_eq!(no_revocation(id), Ok(()), "{id}");
        }
        for id in [
            "rfc5280::nc::nc-permits-email-literal-asterisk-rejects-user",
            "rfc5280::nc::nc-permits-email-literal-double-asterisk-rejects-single",
            "rfc5280::nc::nc-permits-invalid-email-san",
            "rfc5280::nc::invalid-email-address",
        ] {
            assert!(no_revocation(id).is_err(), "{id}");
        }
    }

    #[test]
    fn excluded_dns_constraint_covers_wildcard_san() {
        // CVE-2025-61727: `*.example.com` may stand for the excluded `bar.example.com`.
        for id in [
            "cve::cve-2025-61727",
            "rfc5280::nc::nc-forbids-dnsname-wildcard-san",
        ] {
            assert!(no_revocation(id).is_err(), "{id}");
        }
    }

    #[test]
    fn host_like_cn_is_name_constrained_without_san_dns() {
        // bettertls: leaf with only an iPAddress SAN and a CN under an excluded dNSName subtree.
        // OpenSSL (NAME_CONSTRAINTS_check_CN) and so .NET reject it; the RFC 5280 reading
        // (skip_cn_name_constraints) accepts it, as bettertls expects.
        for id in [
            "bettertls::nameconstraints::tc5194",
            "bettertls::nameconstraints::tc5245",
        ] {
            let tc = limbo_case(id);
            let at = time::OffsetDateTime::parse(
                tc["validation_time"].as_str().unwrap(),
                &time::format_description::well_known::Rfc3339,
            )
            .unwrap()
            .unix_timestamp();
            let (store, leaf) = limbo_store(id);
            let opts = |skip| GeneralOptions {
                at,
                skip_cn_name_constraints: skip,
                ..GeneralOptions::default()
            };
            assert_eq!(
                verify_general(&leaf, &store, &opts(false)),
                Err(VerifyError::NameConstraints),
                "{id}"
            );
            assert_eq!(
                verify_chain(&leaf, &store, at, RevocationMode::NoCheck),
                Err(VerifyError::NameConstraints),
                "{id}"
            );
            assert_eq!(verify_general(&leaf, &store, &opts(true)), Ok(()), "{id}");
        }
    }

    #[test]
    fn trust_anchor_must_be_self_signed() {
        // Without X509_V_FLAG_PARTIAL_CHAIN OpenSSL only stops at a self-signed certificate;
        // a root whose AKI contradicts self-signature is not one.
        for id in [
            "webpki::aki::root-with-aki-ski-mismatch",
            "webpki::aki::root-with-aki-authoritycertserialnumber",
            "rfc5280::root-and-intermediate-swapped",
        ] {
            assert_eq!(no_revocation(id), Err(VerifyError::PartialChain), "{id}");
        }
        // An AKI that agrees with the certificate itself is fine.
        assert_eq!(
            no_revocation("webpki::aki::root-with-aki-missing-keyidentifier"),
            Ok(())
        );
    }

    #[test]
    fn root_self_signature_is_checked() {
        // .NET sets X509_V_FLAG_CHECK_SS_SIGNATURE: a root whose own signature is broken fails.
        let mut root = der("root");
        let last = root.len() - 1;
        root[last] ^= 0x01;
        let store = TrustStore::builder()
            .add_root(&root)
            .add_intermediate(&der("intermediate"))
            .build()
            .unwrap();
        assert_eq!(
            verify_chain(&der("good"), &store, AT, RevocationMode::NoCheck),
            Err(VerifyError::BadSignature)
        );
        let store = TrustStore::builder().add_root(&root).build().unwrap();
        assert_eq!(
            verify_chain(&root, &store, AT, RevocationMode::NoCheck),
            Err(VerifyError::BadSignature)
        );
    }

    #[test]
    fn crl_with_unhandled_critical_extension_is_not_used() {
        // OpenSSL: X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION for a critical cRLNumber.
        let (store, leaf) = limbo_store("crl::crlnumber-critical");
        let at = time::OffsetDateTime::parse(
            limbo_case("crl::crlnumber-critical")["validation_time"]
                .as_str()
                .unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
        .unix_timestamp();
        assert_eq!(
            verify_chain(&leaf, &store, at, RevocationMode::Online),
            Err(VerifyError::RevocationStatusUnknown)
        );
        assert_eq!(
            verify_chain(&leaf, &store, at, RevocationMode::NoCheck),
            Ok(())
        );
        // The same CRL without the critical flag is used.
        let (store, leaf) = limbo_store("crl::crlnumber-missing");
        let at = time::OffsetDateTime::parse(
            limbo_case("crl::crlnumber-missing")["validation_time"]
                .as_str()
                .unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
        .unix_timestamp();
        assert_eq!(
            verify_chain(&leaf, &store, at, RevocationMode::Online),
            Ok(())
        );
    }

    fn scoped(store: Store, leaf: &str, scope: RevocationScope) -> Result<(), VerifyError> {
        verify_general(
            &der(leaf),
            &build(store),
            &GeneralOptions {
                at: AT,
                revocation: Some(RevocationMode::Online),
                revocation_scope: scope,
                ..GeneralOptions::default()
            },
        )
    }

    #[test]
    fn revocation_scope() {
        use RevocationScope::{EndCertificateOnly, EntireChain, ExcludeRoot};
        // The default is ExcludeRoot, as Verify().
        assert_eq!(RevocationScope::default(), ExcludeRoot);
        // Nothing covers the intermediate: only EndCertificateOnly holds.
        assert_eq!(scoped(Store::NoRootCrl, "good", EndCertificateOnly), Ok(()));
        assert_eq!(
            scoped(Store::NoRootCrl, "good", ExcludeRoot),
            Err(VerifyError::RevocationStatusUnknown)
        );
        // The intermediate is revoked: only EndCertificateOnly holds.
        assert_eq!(
            scoped(Store::IntermediateRevoked, "good", EndCertificateOnly),
            Ok(())
        );
        assert!(matches!(
            scoped(Store::IntermediateRevoked, "good", ExcludeRoot),
            Err(VerifyError::Revoked { .. })
        ));
        // The revoked leaf is revoked whatever the scope.
        for scope in [EndCertificateOnly, ExcludeRoot, EntireChain] {
            assert!(matches!(
                scoped(Store::Full, "revoked", scope),
                Err(VerifyError::Revoked { .. })
            ));
        }
        // EntireChain: the root's own CRL (root.crl, issued by the root) gives its status.
        assert_eq!(scoped(Store::Full, "good", EntireChain), Ok(()));
        assert_eq!(scoped(Store::Full, "ed25519-good", EntireChain), Ok(()));
        // A self-signed root as the client certificate: no revocation check for ExcludeRoot,
        // but EntireChain needs a CRL from it, and there is none.
        assert_eq!(
            scoped(Store::SelfSignedRoot, "self-signed", ExcludeRoot),
            Ok(())
        );
        assert_eq!(
            scoped(Store::SelfSignedRoot, "self-signed", EntireChain),
            Err(VerifyError::RevocationStatusUnknown)
        );
        // Without the root CRL, EntireChain cannot know the root's status even where the leaf
        // and intermediate are covered.
        let store = TrustStore::builder()
            .add_root(&der("root"))
            .add_intermediate(&der("intermediate"))
            .add_crl(crl("intermediate"))
            .add_crl(crl("root-revokes-intermediate"))
            .build()
            .unwrap();
        let entire = |leaf: &str| {
            verify_general(
                &der(leaf),
                &store,
                &GeneralOptions {
                    at: AT,
                    revocation: Some(RevocationMode::Online),
                    revocation_scope: EntireChain,
                    ..GeneralOptions::default()
                },
            )
        };
        assert!(matches!(entire("good"), Err(VerifyError::Revoked { .. })));
    }

    #[test]
    fn root_revoked_in_its_own_crl() {
        // `openssl verify -crl_check_all` (EntireChain): "certificate revoked" at the root.
        let store = TrustStore::builder()
            .add_root(&der("ed25519-root"))
            .add_crl(crl("ed25519-root-revokes-itself"))
            .build()
            .unwrap();
        let scoped = |scope| {
            verify_general(
                &der("ed25519-good"),
                &store,
                &GeneralOptions {
                    at: AT,
                    revocation: Some(RevocationMode::Online),
                    revocation_scope: scope,
                    ..GeneralOptions::default()
                },
            )
        };
        assert_eq!(
            scoped(RevocationScope::EntireChain),
            Err(VerifyError::Revoked {
                serial: "04".into()
            })
        );
        assert_eq!(scoped(RevocationScope::ExcludeRoot), Ok(()));
        assert_eq!(scoped(RevocationScope::EndCertificateOnly), Ok(()));
    }

    #[test]
    fn root_path_length_constraint() {
        // OpenSSL checks the top certificate's pathLenConstraint too ("path length constraint
        // exceeded" at depth 2); webpki alone ignores it for trust anchors.
        let store = TrustStore::builder()
            .add_root(&der("root-pathlen0"))
            .add_intermediate(&der("pathlen0-intermediate"))
            .build()
            .unwrap();
        assert_eq!(
            verify_chain(&der("pathlen0-leaf"), &store, AT, RevocationMode::NoCheck),
            Err(VerifyError::InvalidBasicConstraints)
        );
        assert_eq!(
            verify_chain(
                &der("pathlen0-direct-leaf"),
                &store,
                AT,
                RevocationMode::NoCheck
            ),
            Ok(())
        );
    }

    #[test]
    fn email_peer_name() {
        // EE SAN: rfc822Name foo@example.com.
        let (store, leaf) = limbo_store("rfc5280::nc::nc-permits-email-exact");
        let name = |n: &'static str| {
            verify_general(
                &leaf,
                &store,
                &GeneralOptions {
                    at: LIMBO_AT,
                    subject_name: Some(n),
                    ..GeneralOptions::default()
                },
            )
        };
        assert_eq!(name("foo@example.com"), Ok(()));
        // Domain case-insensitive, local part case-sensitive (OpenSSL equal_email).
        assert_eq!(name("foo@EXAMPLE.com"), Ok(()));
        assert_eq!(name("FOO@example.com"), Err(VerifyError::NameMismatch));
        assert_eq!(name("bar@example.com"), Err(VerifyError::NameMismatch));
        assert_eq!(name("foo@example.com@x"), Err(VerifyError::NameMismatch));
        // DNS names still use the SAN dNSName rules.
        assert_eq!(name("example.com"), Err(VerifyError::NameMismatch));
    }
}
