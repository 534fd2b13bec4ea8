//! Certificate containers through `Certificate::load_any`: PEM bundles, DER, PKCS#7 (DER and
//! PEM) and PFX/PKCS#12 (AES, legacy RC2-40/3DES, 3DES, certificates only), wrong passwords,
//! corrupt and truncated input. Expected counts and serials for the dotnet `.p7b` files come
//! from dotnet/runtime `CollectionImportTests.cs`; for the generated files from
//! `tests/data/containers/README.md` and `expected.json` (openssl's fingerprints).

use apim_policy::cert::certificate::{CertError, Certificate, X509NameType};
use apim_policy::cert::container::{ContainerFormat, detect};
use apim_policy::cert::name::NameStyle;
use serde_json::Value;

const PASS: &str = "Pfx-Test-Pass";
const LEAF: &str = "CN=container.client.test, O=apim-policy tests, C=US";
const CA: &str = "CN=Container Test CA, O=apim-policy tests, C=US";

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("tests/data/containers/{name}")).unwrap()
}

fn expected() -> Value {
    serde_json::from_str(&std::fs::read_to_string("tests/data/containers/expected.json").unwrap())
        .unwrap()
}

fn subjects(certs: &[Certificate]) -> Vec<&str> {
    certs.iter().map(Certificate::subject).collect()
}

#[test]
fn dotnet_pkcs7_files() {
    let single = std::fs::read("tests/data/dotnet-x500/certs/singlecert.p7b").unwrap();
    assert_eq!(detect(&single), Some(ContainerFormat::Pkcs7));
    let certs = Certificate::load_any(&single, None).unwrap();
    assert_eq!(certs.len(), 1);
    assert_eq!(certs[0].serial_number(), "D5B5BC1C458A558845BFF51CB4DFF31C");

    let chain = std::fs::read("tests/data/dotnet-x500/certs/certchain.p7b").unwrap();
    let certs = Certificate::load_any(&chain, None).unwrap();
    assert_eq!(certs.len(), 3);
    let mut names: Vec<String> = certs
        .iter()
        .map(|c| c.get_name_info(X509NameType::SimpleName, false).to_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "MS Passport Test Root CA",
            "MS Passport Test Sub CA",
            "test.local"
        ]
    );
}

#[test]
fn pem_der_and_pkcs7() {
    let e = expected();
    for (file, want) in [
        ("leaf.pem", vec![LEAF]),
        ("leaf.der", vec![LEAF]),
        ("bundle.pem", vec![LEAF, CA]),
        ("chain.p7b", vec![LEAF, CA]),
        ("chain.p7b.pem", vec![LEAF, CA]),
        ("single.p7b", vec![LEAF]),
        ("signed-ber.p7b", vec![LEAF, CA]),
    ] {
        let certs = Certificate::load_any(&data(file), None).unwrap();
        assert_eq!(subjects(&certs), want, "{file}");
        assert_eq!(
            certs[0].thumbprint(),
            e["leaf"]["sha1"].as_str().unwrap(),
            "{file}"
        );
        assert!(certs.iter().all(|c| !c.has_private_key()), "{file}");
    }
    assert_eq!(detect(&data("leaf.der")), Some(ContainerFormat::Der));
    assert_eq!(
        detect(&data("signed-ber.p7b")),
        Some(ContainerFormat::Pkcs7)
    );
    assert_eq!(detect(&data("chain.p7b.pem")), Some(ContainerFormat::Pem));
    assert_eq!(detect(&data("leaf-aes.pfx")), Some(ContainerFormat::Pkcs12));
}

#[test]
fn pfx_files() {
    let e = expected();
    assert_eq!(e["password"], PASS);
    for (file, want, keys) in [
        ("leaf-aes.pfx", vec![LEAF, CA], vec![true, false]),
        ("leaf-legacy.pfx", vec![LEAF, CA], vec![true, false]),
        ("leaf-3des.pfx", vec![LEAF], vec![true]),
        ("certs-only.pfx", vec![LEAF, CA], vec![false, false]),
    ] {
        let certs = Certificate::load_any(&data(file), Some(PASS)).unwrap();
        let mut got: Vec<(&str, bool)> = certs
            .iter()
            .map(|c| (c.subject(), c.has_private_key()))
            .collect();
        got.sort();
        let mut exp: Vec<(&str, bool)> = want.into_iter().zip(keys).collect();
        exp.sort();
        assert_eq!(got, exp, "{file}");
        let leaf = certs.iter().find(|c| c.subject() == LEAF).unwrap();
        assert_eq!(
            leaf.thumbprint(),
            e["leaf"]["sha1"].as_str().unwrap(),
            "{file}"
        );
        if let Some(ca) = certs.iter().find(|c| c.subject() == CA) {
            assert_eq!(ca.thumbprint(), e["ca"]["sha1"].as_str().unwrap(), "{file}");
            assert_eq!(ca.friendly_name(), "");
        }
    }
}

#[test]
fn pfx_friendly_name_is_windows_only() {
    let w = Certificate::load_any_with_style(&data("leaf-aes.pfx"), Some(PASS), NameStyle::Windows)
        .unwrap();
    let l = Certificate::load_any_with_style(&data("leaf-aes.pfx"), Some(PASS), NameStyle::Linux)
        .unwrap();
    let leaf_fn = |certs: &[Certificate]| {
        certs
            .iter()
            .find(|c| c.subject() == LEAF)
            .unwrap()
            .friendly_name()
            .to_owned()
    };
    assert_eq!(leaf_fn(&w), "container leaf");
    assert_eq!(leaf_fn(&l), "");
}

#[test]
fn wrong_or_missing_password() {
    for file in [
        "leaf-aes.pfx",
        "leaf-legacy.pfx",
        "leaf-3des.pfx",
        "certs-only.pfx",
    ] {
        assert_eq!(
            Certificate::load_any(&data(file), Some("wrong")).unwrap_err(),
            CertError::WrongPassword,
            "{file}"
        );
        assert_eq!(
            Certificate::load_any(&data(file), None).unwrap_err(),
            CertError::WrongPassword,
            "{file}"
        );
    }
}

#[test]
fn truncated_inputs_fail_cleanly() {
    for file in [
        "leaf-aes.pfx",
        "leaf-legacy.pfx",
        "chain.p7b",
        "leaf.der",
        "chain.p7b.pem",
    ] {
        let bytes = data(file);
        for len in (1..bytes.len()).step_by(7) {
            let r = Certificate::load_any(&bytes[..len], Some(PASS));
            assert!(r.is_err(), "{file} truncated to {len} loaded");
        }
    }
}

#[test]
fn corrupt_inputs_never_panic() {
    for file in [
        "leaf-aes.pfx",
        "leaf-legacy.pfx",
        "leaf-3des.pfx",
        "chain.p7b",
    ] {
        let bytes = data(file);
        for i in (0..bytes.len()).step_by(5) {
            let mut b = bytes.clone();
            b[i] ^= 0x5A;
            // Any outcome but a panic; a flipped byte inside the MAC-protected data of a PFX
            // must not load.
            let _ = Certificate::load_any(&b, Some(PASS));
        }
    }
    // A PFX whose authenticated content changed fails the MAC: reported as a wrong password
    // or as corrupt, never as success.
    let mut b = data("leaf-aes.pfx");
    let mid = b.len() / 2;
    b[mid] ^= 0x01;
    assert!(Certificate::load_any(&b, Some(PASS)).is_err());
}

#[test]
fn unknown_and_empty_inputs() {
    assert_eq!(
        Certificate::load_any(b"", None).unwrap_err(),
        CertError::Empty
    );
    assert_eq!(
        Certificate::load_any(b"hello world", None).unwrap_err(),
        CertError::UnknownFormat
    );
    assert_eq!(
        Certificate::load_any(&[0x04, 0x02, 0x00, 0x00], None).unwrap_err(),
        CertError::UnknownFormat
    );
    let key_only = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    assert_eq!(
        Certificate::load_any(key_only, None).unwrap_err(),
        CertError::NoCertificate
    );
    assert!(matches!(
        Certificate::load_any(b"-----BEGIN PKCS7-----\n!!!!\n-----END PKCS7-----\n", None),
        Err(CertError::Pem { .. })
    ));
    // A ContentInfo that is not signedData.
    let data_ci = [
        0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01, 0xA0, 0x00,
    ];
    assert!(matches!(
        Certificate::load_any(&data_ci, None),
        Err(CertError::Pkcs7 { .. })
    ));
}

#[test]
fn empty_pkcs7_has_no_certificates() {
    // SignedData { version 1, digestAlgorithms {}, encapContentInfo { data }, signerInfos {} }:
    // .NET imports an empty collection (CollectionImportTests.ImportPkcs7DerBytes_Empty).
    let sd_inner: &[u8] = &[
        0x02, 0x01, 0x01, 0x31, 0x00, 0x30, 0x0B, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D,
        0x01, 0x07, 0x01, 0x31, 0x00,
    ];
    let mut sd = vec![0x30, sd_inner.len() as u8];
    sd.extend_from_slice(sd_inner);
    let mut explicit = vec![0xA0, sd.len() as u8];
    explicit.extend_from_slice(&sd);
    let oid: &[u8] = &[
        0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02,
    ];
    let mut ci = vec![0x30, (oid.len() + explicit.len()) as u8];
    ci.extend_from_slice(oid);
    ci.extend_from_slice(&explicit);
    assert_eq!(Certificate::load_any(&ci, None).unwrap().len(), 0);
}

#[test]
fn pfx_key_derivation_work_is_bounded() {
    // PFX { version 3, ContentInfo { ... AlgorithmIdentifier { PBKDF2, { salt, 100000000 } } } }:
    // rejected before any key derivation runs.
    let pbkdf2_oid: &[u8] = &[
        0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0C,
    ];
    let params: &[u8] = &[
        0x30, 0x0A, 0x04, 0x02, 0xAA, 0xBB, 0x02, 0x04, 0x05, 0xF5, 0xE1, 0x00,
    ];
    let mut alg = vec![0x30, (pbkdf2_oid.len() + params.len()) as u8];
    alg.extend_from_slice(pbkdf2_oid);
    alg.extend_from_slice(params);
    let mut pfx = vec![0x30, (3 + alg.len()) as u8, 0x02, 0x01, 0x03];
    pfx.extend_from_slice(&alg);
    match Certificate::load_any(&pfx, Some(PASS)) {
        Err(CertError::Pkcs12 { message }) => assert!(message.contains("iterations"), "{message}"),
        other => panic!("{other:?}"),
    }
    // scrypt parameters are refused outright.
    let scrypt_oid: &[u8] = &[
        0x06, 0x09, 0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x04, 0x0B,
    ];
    let mut alg = vec![0x30, scrypt_oid.len() as u8];
    alg.extend_from_slice(scrypt_oid);
    let mut pfx = vec![0x30, (3 + alg.len()) as u8, 0x02, 0x01, 0x03];
    pfx.extend_from_slice(&alg);
    match Certificate::load_any(&pfx, Some(PASS)) {
        Err(CertError::Pkcs12 { message }) => assert!(message.contains("scrypt"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn deeply_nested_ber_is_refused() {
    // A signedData ContentInfo whose content nests 200 levels deep with indefinite lengths.
    let mut b = vec![
        0x30, 0x80, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02, 0xA0, 0x80,
    ];
    for _ in 0..200 {
        b.extend_from_slice(&[0x30, 0x80]);
    }
    for _ in 0..202 {
        b.extend_from_slice(&[0x00, 0x00]);
    }
    assert_eq!(detect(&b), Some(ContainerFormat::Pkcs7));
    match Certificate::load_any(&b, None) {
        Err(CertError::Pkcs7 { message }) => assert!(message.contains("deep"), "{message}"),
        other => panic!("{other:?}"),
    }
}
