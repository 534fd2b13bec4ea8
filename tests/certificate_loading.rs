//! Loading certificates from PEM and DER: several blocks, other block kinds, garbage, every
//! truncation of a real certificate, empty and oversized input. Errors, never panics.

use apim_policy::cert::certificate::{CertError, Certificate, MAX_INPUT_LEN};
use apim_policy::cert::name::{NameFlags, NameStyle, format_name};
use proptest::prelude::*;

const DIR: &str = "tests/data/dotnet-x500/certs";

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).unwrap()
}

fn pem_of(der: &[u8]) -> String {
    // Minimal base64 encoder for the test (standard alphabet, padded, 64-char lines).
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::new();
    for chunk in der.chunks(3) {
        let n = chunk.len();
        let v = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= n {
                b64.push(A[((v >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                b64.push('=');
            }
        }
    }
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap());
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

#[test]
fn der_and_pem_agree() {
    let der = read("MS.cer");
    let a = Certificate::load(&der).unwrap();
    let b = Certificate::load(pem_of(&der).as_bytes()).unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!(b.len(), 1);
    assert_eq!(a[0].der(), der.as_slice());
    assert_eq!(b[0].der(), der.as_slice());
    assert_eq!(a[0].thumbprint(), b[0].thumbprint());
}

#[test]
fn pem_with_several_blocks_and_other_kinds() {
    let mut text = String::from("Bag Attributes: ignored text before the first block\n");
    text.push_str(&String::from_utf8(read("contoso_leaf.pem")).unwrap());
    text.push_str("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END PRIVATE KEY-----\n");
    text.push_str(&String::from_utf8(read("contoso_ca.pem")).unwrap());
    text.push_str(&pem_of(&read("microsoft.cer")));
    let certs = Certificate::load(text.as_bytes()).unwrap();
    let thumbs: Vec<&str> = certs.iter().map(|c| c.thumbprint()).collect();
    assert_eq!(
        thumbs,
        [
            "3306143DD42D769A9845225A68262AFE3FE435A2",
            "6997087FED604821088A3C28DCDA5A4143D08128",
            "323B76B42DB44E50059742117407A90C7E56294C"
        ]
    );
    // CRLF line endings.
    let crlf = String::from_utf8(read("contoso_ca.pem"))
        .unwrap()
        .replace('\n', "\r\n");
    assert_eq!(Certificate::load(crlf.as_bytes()).unwrap().len(), 1);
}

#[test]
fn empty_and_huge_inputs() {
    assert_eq!(Certificate::load(b"").unwrap_err(), CertError::Empty);
    assert_eq!(Certificate::from_der(b"").unwrap_err(), CertError::Empty);
    let huge = vec![0x30u8; MAX_INPUT_LEN + 1];
    assert_eq!(
        Certificate::load(&huge).unwrap_err(),
        CertError::TooLarge {
            len: MAX_INPUT_LEN + 1,
            limit: MAX_INPUT_LEN
        }
    );
    assert!(matches!(
        Certificate::from_der(&huge),
        Err(CertError::TooLarge { .. })
    ));
    // A DER header claiming 4 GiB.
    assert!(matches!(
        Certificate::from_der(&[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x00]),
        Err(CertError::Der { .. })
    ));
}

#[test]
fn garbage_inputs() {
    assert_eq!(
        Certificate::load(b"hello world").unwrap_err(),
        CertError::NoCertificate
    );
    assert_eq!(
        Certificate::load(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
            .unwrap_err(),
        CertError::NoCertificate
    );
    assert!(matches!(
        Certificate::load(b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"),
        Err(CertError::Pem { .. })
    ));
    assert!(matches!(
        Certificate::load(b"-----BEGIN CERTIFICATE-----\nMIIB\n"),
        Err(CertError::Pem { .. })
    ));
    // A well-formed PEM block whose contents are not a certificate.
    assert!(matches!(
        Certificate::load(pem_of(b"\x02\x01\x05").as_bytes()),
        Err(CertError::Der { .. })
    ));
    // PKCS#7 is not a certificate.
    assert!(matches!(
        Certificate::load(&read("singlecert.p7b")),
        Err(CertError::Der { .. })
    ));
    for junk in [
        &[0x30u8][..],
        &[0x30, 0x00],
        &[0x30, 0x80, 0x00, 0x00],
        &[0x02, 0x01, 0x00],
        &[0xFF; 16],
    ] {
        assert!(Certificate::from_der(junk).is_err(), "{junk:?}");
    }
}

#[test]
fn every_truncation_is_an_error() {
    for name in ["MS.cer", "My.cer", "test.cer", "microsoft.cer"] {
        let der = read(name);
        assert!(Certificate::from_der(&der).is_ok());
        for len in 0..der.len() {
            assert!(
                Certificate::from_der(&der[..len]).is_err(),
                "{name} truncated to {len}"
            );
            assert!(
                Certificate::load(&der[..len]).is_err(),
                "{name} truncated to {len}"
            );
        }
        let pem = pem_of(&der);
        for len in 0..pem.len() {
            // A truncated PEM may still be complete up to the END line; it must never panic
            // and never yield a certificate different from the original.
            if let Ok(certs) = Certificate::load(&pem.as_bytes()[..len]) {
                assert!(
                    certs.iter().all(|c| c.der() == der.as_slice()),
                    "{name} PEM {len}"
                );
            }
        }
    }
}

#[test]
fn trailing_data_after_der_is_ignored() {
    let mut der = read("My.cer");
    let original = der.clone();
    der.extend_from_slice(b"\x00\x01trailing");
    let c = Certificate::from_der(&der).unwrap();
    assert_eq!(c.der(), original.as_slice());
    assert_eq!(c.thumbprint(), "71CB4E2B02738AD44F8B382C93BD17BA665F9914");
}

#[test]
fn corrupted_structures_are_errors() {
    let der = read("contoso_ca.pem");
    let der = &Certificate::load(&der).unwrap()[0].der().to_vec();
    // Version 4 ([0] INTEGER 3): offset of the version INTEGER value.
    let pos = der
        .windows(5)
        .position(|w| w == [0xA0, 0x03, 0x02, 0x01, 0x02])
        .unwrap();
    let mut bad = der.clone();
    bad[pos + 4] = 0x03;
    assert!(matches!(
        Certificate::from_der(&bad),
        Err(CertError::Der { .. })
    ));
    // UTCTime with a month of 13.
    let pos = der.windows(4).position(|w| w == *b"2401").unwrap();
    let mut bad = der.clone();
    bad[pos + 2] = b'1';
    bad[pos + 3] = b'3';
    assert!(Certificate::from_der(&bad).is_err());
    // UTCTime without the Z.
    let mut bad = der.clone();
    let z = der
        .windows(13)
        .position(|w| w == *b"240101000000Z")
        .unwrap();
    bad[z + 12] = b'0';
    assert!(Certificate::from_der(&bad).is_err());
}

#[test]
fn invalid_subject_string_still_loads() {
    // A certificate whose Name bytes are fine structurally: the leaf. Replace the PrintableString
    // tag of "Contoso" (issuer O) with a PrintableString holding '*' to mimic `*.contoso.com`.
    let leaf = Certificate::load(&read("contoso_leaf.pem"))
        .unwrap()
        .remove(0);
    let der = leaf.der().to_vec();
    let pos = der
        .windows(9)
        .position(|w| w == *b"\x13\x07Contoso")
        .unwrap();
    let mut bad = der.clone();
    bad[pos + 2] = b'*';
    let win = Certificate::from_der_with_style(&bad, NameStyle::Windows).unwrap();
    let lin = Certificate::from_der_with_style(&bad, NameStyle::Linux).unwrap();
    assert_eq!(win.issuer(), "CN=Contoso CA, O=*ontoso, C=US");
    assert_eq!(lin.issuer(), "");
    assert!(lin.issuer_dn().is_none());
    // OpenSSL's GetNameInfo does not validate the string.
    assert_eq!(
        lin.get_name_info(
            apim_policy::cert::certificate::X509NameType::SimpleName,
            true
        ),
        "Contoso CA"
    );
    assert_eq!(
        format_name(lin.issuer_name_der(), NameFlags::REVERSED, NameStyle::Linux),
        ""
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn mutated_certificates_never_panic(pos in 0usize..489, byte in any::<u8>(), cut in 0usize..600) {
        let mut der = read("My.cer");
        let p = pos % der.len();
        der[p] = byte;
        der.truncate(cut.max(1));
        let _ = Certificate::from_der(&der);
        let _ = Certificate::load(&der);
        let _ = Certificate::from_der_with_style(&der, NameStyle::Linux);
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = Certificate::load(&bytes);
        for style in [NameStyle::Windows, NameStyle::Linux] {
            let _ = format_name(&bytes, NameFlags::REVERSED, style);
        }
        let mut framed = vec![0x30u8];
        framed.push(bytes.len().min(127) as u8);
        framed.extend_from_slice(&bytes[..bytes.len().min(127)]);
        let _ = format_name(&framed, NameFlags::NONE, NameStyle::Linux);
    }

    #[test]
    fn dn_text_never_panics(s in "[ -~\\t\\r\\n\u{a0}\u{2002}é]{0,60}") {
        let _ = apim_policy::cert::name::parse_dn_string(&s);
        let _ = apim_policy::cert::name::encode_dn_string(&s, NameFlags::NONE);
    }
}
