//! `X509Certificate2` members beyond the names: `GetSerialNumber`, `GetCertHash(alg)`, `Oid`
//! values, `PublicKey`, typed extensions, `Extensions[string]`, `Equals`, `HasPrivateKey`,
//! `FriendlyName`, `GetFormat` and `ToString`. Expected values come from dotnet/runtime tests
//! (`cert_property_expectations.json`), `dotnet-x509.md` §2 and §7, `openssl x509 -text` on the
//! test PKI, and `openssl x509 -fingerprint` (`containers/expected.json`).

use apim_policy::cert::certificate::{Certificate, HashAlgorithmName, X509NameType};
use apim_policy::cert::extension::key_usage;
use apim_policy::cert::name::NameStyle;
use serde_json::Value;

const STYLES: [NameStyle; 2] = [NameStyle::Windows, NameStyle::Linux];

fn dotnet(name: &str, style: NameStyle) -> Certificate {
    let bytes = std::fs::read(format!("tests/data/dotnet-x500/certs/{name}")).unwrap();
    Certificate::load_any_with_style(&bytes, None, style)
        .unwrap()
        .remove(0)
}

fn pki(name: &str, style: NameStyle) -> Certificate {
    let bytes = std::fs::read(format!("tests/data/pki/{name}.pem")).unwrap();
    Certificate::load_with_style(&bytes, style)
        .unwrap()
        .remove(0)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[test]
fn ms_certificate_props_tests() {
    // PropsTests.cs: TestSerialBytes / GetKeyAlgorithm / GetKeyAlgorithmParameters.
    for style in STYLES {
        let c = dotnet("MS.cer", style);
        assert_eq!(
            hex(&c.get_serial_number()).to_ascii_lowercase(),
            "b00000000100dd9f3bd08b0aaf11b000000033"
        );
        assert_eq!(c.get_key_algorithm(), "1.2.840.113549.1.1.1");
        assert_eq!(c.get_key_algorithm_parameters_string(), "0500");
        assert_eq!(hex(c.get_key_algorithm_parameters()), "0500");
        assert_eq!(c.signature_algorithm().value, "1.2.840.113549.1.1.5");
        assert_eq!(c.signature_algorithm().friendly_name, Some("sha1RSA"));
        assert_eq!(c.public_key_algorithm().friendly_name, Some("RSA"));
        assert_eq!(
            c.get_cert_hash_string(HashAlgorithmName::Sha1),
            "108E2BA23632620C427C570B6D9DB51AC31387FE"
        );
        assert_eq!(c.get_format(), "X509");
        assert_eq!(c.get_raw_cert_data_string(), hex(c.der()));
        assert_eq!(c.get_public_key_string(), hex(c.get_public_key()));
        assert!(!c.has_private_key());
        assert_eq!(c.friendly_name(), "");
        assert_eq!(c.subject_name(), c.subject());
        assert_eq!(c.issuer_name(), c.issuer());
    }
}

#[test]
fn cert_hashes_match_openssl_fingerprints() {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string("tests/data/containers/expected.json").unwrap(),
    )
    .unwrap();
    let leaf =
        &Certificate::load(&std::fs::read("tests/data/containers/leaf.pem").unwrap()).unwrap()[0];
    let e = &expected["leaf"];
    assert_eq!(leaf.thumbprint(), e["sha1"].as_str().unwrap());
    for (alg, key) in [
        (HashAlgorithmName::Sha1, "sha1"),
        (HashAlgorithmName::Sha256, "sha256"),
        (HashAlgorithmName::Sha384, "sha384"),
        (HashAlgorithmName::Sha512, "sha512"),
    ] {
        assert_eq!(leaf.get_cert_hash_string(alg), e[key].as_str().unwrap());
        assert_eq!(hex(&leaf.get_cert_hash(alg)), e[key].as_str().unwrap());
    }
    // .NET keeps the DER sign byte that OpenSSL drops.
    assert_eq!(e["openssl_serial"], "C0FFEE");
    assert_eq!(leaf.serial_number(), "00C0FFEE");
    assert_eq!(leaf.get_serial_number(), [0xEE, 0xFF, 0xC0, 0x00]);
    assert_eq!(
        HashAlgorithmName::from_name("SHA256"),
        Some(HashAlgorithmName::Sha256)
    );
    assert_eq!(HashAlgorithmName::from_name("sha256"), None);
}

#[test]
fn spec_section7_typed_extensions() {
    for style in STYLES {
        let ca = dotnet("contoso_ca.pem", style);
        let bc = ca
            .extension("2.5.29.19")
            .unwrap()
            .basic_constraints()
            .unwrap();
        assert!(bc.certificate_authority);
        assert!(!bc.has_path_length_constraint);
        assert_eq!(bc.path_length_constraint, 0);
        assert_eq!(ca.basic_constraints(), Some(bc));
        let ku = ca.extension("2.5.29.15").unwrap();
        assert!(ku.critical);
        assert_eq!(ku.key_usages(), Some(6));
        assert_eq!(
            ku.key_usages(),
            Some(key_usage::CRL_SIGN | key_usage::KEY_CERT_SIGN)
        );
        assert_eq!(
            ca.extension("2.5.29.14").unwrap().subject_key_identifier(),
            Some("33CA6BC5E920E6BEC2A16CE07A70E8282BCD68D1")
        );
        assert!(ca.extension("2.5.29.37").is_none());

        let leaf = dotnet("contoso_leaf.pem", style);
        let bc = leaf.basic_constraints().unwrap();
        assert!(!bc.certificate_authority);
        assert_eq!(leaf.extension("2.5.29.15").unwrap().key_usages(), Some(160));
        let eku = leaf
            .extension("2.5.29.37")
            .unwrap()
            .enhanced_key_usages()
            .unwrap();
        assert_eq!(eku.len(), 1);
        assert_eq!(eku[0].value, "1.3.6.1.5.5.7.3.2");
        assert_eq!(
            leaf.extension("2.5.29.14")
                .unwrap()
                .subject_key_identifier(),
            Some("0B6993F12D0755DF63A9622AFEE00AAC88CB69DB")
        );
        // Plain extensions have no typed view.
        let san = leaf.extension("2.5.29.17").unwrap();
        assert_eq!(san.key_usages(), None);
        assert_eq!(san.basic_constraints(), None);
    }
}

#[test]
fn test_pki_extensions_as_openssl_shows_them() {
    // `openssl x509 -text` of good.pem: v3, serial 0x2000, sha256WithRSAEncryption, RSA 2048;
    // extensions in order: Basic Constraints (critical, CA:FALSE), Key Usage (critical, Digital
    // Signature, Key Encipherment), Extended Key Usage (TLS Web Client Authentication), Subject
    // Key Identifier, Authority Key Identifier (= the intermediate's SKI).
    for style in STYLES {
        let good = pki("good", style);
        assert_eq!(good.version(), 3);
        assert_eq!(good.serial_number(), "2000");
        assert_eq!(good.signature_algorithm().value, "1.2.840.113549.1.1.11");
        assert_eq!(good.signature_algorithm().friendly_name, Some("sha256RSA"));
        let oids: Vec<&str> = good.extensions().iter().map(|e| e.oid.as_str()).collect();
        assert_eq!(
            oids,
            [
                "2.5.29.19",
                "2.5.29.15",
                "2.5.29.37",
                "2.5.29.14",
                "2.5.29.35"
            ]
        );
        let crit: Vec<bool> = good.extensions().iter().map(|e| e.critical).collect();
        assert_eq!(crit, [true, true, false, false, false]);
        assert_eq!(
            good.extensions()[1].key_usages(),
            Some(key_usage::DIGITAL_SIGNATURE | key_usage::KEY_ENCIPHERMENT)
        );
        let eku = good.extensions()[2].enhanced_key_usages().unwrap();
        assert_eq!(eku.len(), 1);
        assert_eq!(eku[0].value, "1.3.6.1.5.5.7.3.2");
        let int = pki("intermediate", style);
        // CA:TRUE, pathlen:0
        let bc = int.basic_constraints().unwrap();
        assert!(bc.certificate_authority && bc.has_path_length_constraint);
        assert_eq!(bc.path_length_constraint, 0);
        let int_ski = int
            .extension("2.5.29.14")
            .unwrap()
            .subject_key_identifier()
            .unwrap();
        // AKI = SEQUENCE { [0] keyid }: 30 16 80 14 <20 bytes>
        assert_eq!(
            hex(&good.extension("2.5.29.35").unwrap().value),
            format!("30168014{int_ski}")
        );
        // root: CA:TRUE without pathlen; Ed25519 key without parameters.
        let root = pki("root", style);
        assert!(!root.basic_constraints().unwrap().has_path_length_constraint);
        let ed = pki("ed25519-good", style);
        assert_eq!(ed.get_key_algorithm(), "1.3.101.112");
        assert!(ed.get_key_algorithm_parameters().is_empty());
        assert_eq!(ed.get_key_algorithm_parameters_string(), "");
        assert_eq!(ed.get_public_key().len(), 32);
        // ECDSA key: curve OID parameters.
        let ec = pki("ec-p256-sha256", style);
        assert_eq!(
            ec.get_key_algorithm_parameters_string(),
            "06082A8648CE3D030107"
        );
        assert_eq!(ec.signature_algorithm().friendly_name, Some("sha256ECDSA"));
        assert_eq!(
            pki("rsa-pss-sha256", style)
                .signature_algorithm()
                .friendly_name,
            Some("RSASSA-PSS")
        );
    }
    assert_eq!(
        pki("ed25519-good", NameStyle::Linux)
            .public_key_algorithm()
            .friendly_name,
        Some("ED25519")
    );
}

#[test]
fn friendly_names_differ_by_os() {
    let w = pki("good", NameStyle::Windows);
    let l = pki("good", NameStyle::Linux);
    let names = |c: &Certificate| -> Vec<Option<&'static str>> {
        c.extensions().iter().map(|e| e.friendly_name).collect()
    };
    assert_eq!(
        names(&w),
        [
            Some("Basic Constraints"),
            Some("Key Usage"),
            Some("Enhanced Key Usage"),
            Some("Subject Key Identifier"),
            Some("Authority Key Identifier")
        ]
    );
    // OpenSSL long names, as `openssl x509 -text` prints them.
    assert_eq!(
        names(&l),
        [
            Some("X509v3 Basic Constraints"),
            Some("X509v3 Key Usage"),
            Some("X509v3 Extended Key Usage"),
            Some("X509v3 Subject Key Identifier"),
            Some("X509v3 Authority Key Identifier")
        ]
    );
    let eku = |c: &Certificate| c.extensions()[2].enhanced_key_usages().unwrap()[0].friendly_name;
    assert_eq!(eku(&w), Some("Client Authentication"));
    assert_eq!(eku(&l), Some("TLS Web Client Authentication"));
}

#[test]
fn extension_lookup_like_the_collection_indexer() {
    let w = pki("good", NameStyle::Windows);
    let l = pki("good", NameStyle::Linux);
    for c in [&w, &l] {
        assert_eq!(c.extension("2.5.29.19").unwrap().oid, "2.5.29.19");
        assert!(c.extension("2.5.29.17").is_none(), "good.pem has no SAN");
        assert!(c.extension("1.2.3.4").is_none());
        assert!(c.extension("").is_none());
        assert!(c.extension("no such name").is_none());
    }
    assert_eq!(w.extension("Basic Constraints").unwrap().oid, "2.5.29.19");
    assert_eq!(w.extension("enhanced key usage").unwrap().oid, "2.5.29.37");
    assert!(w.extension("X509v3 Basic Constraints").is_none());
    assert_eq!(
        l.extension("X509v3 Basic Constraints").unwrap().oid,
        "2.5.29.19"
    );
    assert_eq!(l.extension("basicConstraints").unwrap().oid, "2.5.29.19");
    assert_eq!(
        l.extension("X509v3 Extended Key Usage").unwrap().oid,
        "2.5.29.37"
    );
}

#[test]
fn equals_compares_issuer_and_serial_only() {
    for style in STYLES {
        // Different keys and signatures, same issuer name and serial: .NET says equal.
        let good = pki("good", style);
        let untrusted = pki("untrusted-good", style);
        assert_ne!(good.thumbprint(), untrusted.thumbprint());
        assert!(good.dotnet_equals(&untrusted));
        assert!(good.dotnet_equals(&good));
        assert!(!good.dotnet_equals(&pki("revoked", style)));
        assert!(!good.dotnet_equals(&pki("root", style)));
    }
}

#[test]
fn name_info_all_types_for_test_pki() {
    // good.pem: no SAN/IAN; CN and O only.
    for style in STYLES {
        let c = pki("good", style);
        let s = |t| c.get_name_info(t, false).to_owned();
        let i = |t| c.get_name_info(t, true).to_owned();
        assert_eq!(s(X509NameType::SimpleName), "good.client.test");
        assert_eq!(s(X509NameType::DnsName), "good.client.test");
        assert_eq!(s(X509NameType::DnsFromAlternativeName), "");
        assert_eq!(s(X509NameType::EmailName), "");
        assert_eq!(s(X509NameType::UpnName), "");
        assert_eq!(s(X509NameType::UrlName), "");
        assert_eq!(i(X509NameType::SimpleName), "APIM Test Intermediate CA");
        assert_eq!(i(X509NameType::DnsName), "APIM Test Intermediate CA");
        assert_eq!(i(X509NameType::DnsFromAlternativeName), "");
        assert_eq!(i(X509NameType::EmailName), "");
        assert_eq!(i(X509NameType::UpnName), "");
        assert_eq!(i(X509NameType::UrlName), "");
    }
}

#[test]
fn to_string_layout_of_x509certificate() {
    // X509Certificate2.ToString() and ToString(false) both print X509Certificate.ToString(true)
    // (dotnet/runtime X509Certificate2.cs: `ToString() => base.ToString(fVerbose: true)`).
    let c = dotnet("contoso_ca.pem", NameStyle::Windows);
    let expected = "[Subject]\n  CN=Contoso CA, O=Contoso, C=US\n\n\
        [Issuer]\n  CN=Contoso CA, O=Contoso, C=US\n\n\
        [Serial Number]\n  00C0FFEE\n\n\
        [Not Before]\n  01/01/2024 00:00:00\n\n\
        [Not After]\n  12/31/2049 23:59:59\n\n\
        [Thumbprint]\n  6997087FED604821088A3C28DCDA5A4143D08128\n";
    assert_eq!(c.to_string_dotnet(false), expected);
}

#[test]
fn to_string_verbose_layout() {
    // X509Certificate2.ToString(true); extension text as OpenSSL prints it (`openssl x509 -text`
    // of contoso_ca.pem: "CA:TRUE", "Certificate Sign, CRL Sign", "33:CA:6B:...").
    let c = dotnet("contoso_ca.pem", NameStyle::Linux);
    let expected = format!(
        "[Version]\n  V3\n\n\
        [Subject]\n  CN=Contoso CA, O=Contoso, C=US\n  Simple Name: Contoso CA\n  DNS Name: Contoso CA\n\n\
        [Issuer]\n  CN=Contoso CA, O=Contoso, C=US\n  Simple Name: Contoso CA\n  DNS Name: Contoso CA\n\n\
        [Serial Number]\n  00C0FFEE\n\n\
        [Not Before]\n  01/01/2024 00:00:00\n\n\
        [Not After]\n  12/31/2049 23:59:59\n\n\
        [Thumbprint]\n  6997087FED604821088A3C28DCDA5A4143D08128\n\n\
        [Signature Algorithm]\n  sha256ECDSA(1.2.840.10045.4.3.2)\n\n\
        [Public Key]\n  Algorithm: ECC\n  Length: \n  Key Blob: {}\n  Parameters: 06082A8648CE3D030107\n\n\
        [Extensions]\n\
        * X509v3 Basic Constraints(2.5.29.19):\n  CA:TRUE\n\
        * X509v3 Key Usage(2.5.29.15):\n  Certificate Sign, CRL Sign\n\
        * X509v3 Subject Key Identifier(2.5.29.14):\n  33:CA:6B:C5:E9:20:E6:BE:C2:A1:6C:E0:7A:70:E8:28:2B:CD:68:D1\n",
        hex(c.get_public_key())
    );
    assert_eq!(c.to_string_dotnet(true), expected);
    // RSA: the key size is printed; good.pem is RSA 2048 (`openssl x509 -text`).
    let good = pki("good", NameStyle::Linux);
    assert!(good.to_string_dotnet(true).contains("\n  Length: 2048\n"));
    assert!(
        good.to_string_dotnet(true)
            .contains("* X509v3 Extended Key Usage(2.5.29.37):\n  TLS Web Client Authentication\n")
    );
}

#[test]
fn legacy_members() {
    for style in STYLES {
        let c = dotnet("contoso_ca.pem", style);
        // dotnet-x509.md §7: GetName() (legacy) is DER order.
        assert_eq!(c.get_name(), "C=US, O=Contoso, CN=Contoso CA");
        assert_eq!(c.get_issuer_name(), "C=US, O=Contoso, CN=Contoso CA");
        assert_eq!(c.get_effective_date_string(), "01/01/2024 00:00:00");
        assert_eq!(c.get_expiration_date_string(), "12/31/2049 23:59:59");
        assert!(!c.archived());
    }
}

#[test]
fn typed_extension_decoding_edges() {
    use apim_policy::cert::extension::{Extension, ExtensionKind};
    let ext =
        |oid: &str, value: &[u8], style| Extension::new(oid.into(), false, value.to_vec(), style);
    // digitalSignature + decipherOnly: bits 0 and 8 -> 0x80 | 0x8000 (spec §2.4 mapping).
    let ku = ext(
        "2.5.29.15",
        &[0x03, 0x03, 0x07, 0x80, 0x80],
        NameStyle::Linux,
    );
    assert_eq!(
        ku.key_usages(),
        Some(key_usage::DIGITAL_SIGNATURE | key_usage::DECIPHER_ONLY)
    );
    // encipherOnly is bit 7 -> 0x01.
    let ku = ext("2.5.29.15", &[0x03, 0x02, 0x00, 0x01], NameStyle::Windows);
    assert_eq!(ku.key_usages(), Some(key_usage::ENCIPHER_ONLY));
    // More than nine bits: the typed property throws in .NET.
    let ku = ext(
        "2.5.29.15",
        &[0x03, 0x04, 0x00, 0x80, 0x00, 0x01],
        NameStyle::Linux,
    );
    assert_eq!(ku.kind, ExtensionKind::KeyUsage(None));
    // Not a BIT STRING.
    let ku = ext("2.5.29.15", &[0x04, 0x01, 0x00], NameStyle::Linux);
    assert_eq!(ku.kind, ExtensionKind::KeyUsage(None));
    // pathLenConstraint 3.
    let bc = ext(
        "2.5.29.19",
        &[0x30, 0x06, 0x01, 0x01, 0xFF, 0x02, 0x01, 0x03],
        NameStyle::Linux,
    );
    let v = bc.basic_constraints().unwrap();
    assert!(v.certificate_authority && v.has_path_length_constraint);
    assert_eq!(v.path_length_constraint, 3);
    // pathLenConstraint beyond Int32: undecodable.
    let bc = ext(
        "2.5.29.19",
        &[0x30, 0x08, 0x02, 0x06, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00],
        NameStyle::Linux,
    );
    assert_eq!(bc.kind, ExtensionKind::BasicConstraints(None));
    // The legacy basic constraints OID is typed on Windows only.
    let legacy = [0x30, 0x07, 0x03, 0x02, 0x01, 0x86, 0x02, 0x01, 0x00];
    let w = ext("2.5.29.10", &legacy, NameStyle::Windows);
    let v = w.basic_constraints().unwrap();
    assert!(v.certificate_authority && v.has_path_length_constraint);
    assert_eq!(
        ext("2.5.29.10", &legacy, NameStyle::Linux).kind,
        ExtensionKind::Plain
    );
    // EKU with an unknown purpose: no friendly name.
    let eku = ext(
        "2.5.29.37",
        &[0x30, 0x05, 0x06, 0x03, 0x2A, 0x03, 0x04],
        NameStyle::Windows,
    );
    let list = eku.enhanced_key_usages().unwrap();
    assert_eq!(list[0].value, "1.2.3.4");
    assert_eq!(list[0].friendly_name, None);
    // SKI must be an OCTET STRING.
    let ski = ext("2.5.29.14", &[0x04, 0x02, 0xAB, 0xCD], NameStyle::Linux);
    assert_eq!(ski.subject_key_identifier(), Some("ABCD"));
    assert_eq!(
        ext("2.5.29.14", &[0x30, 0x00], NameStyle::Linux).kind,
        ExtensionKind::SubjectKeyIdentifier(None)
    );
}

#[test]
fn to_string_verbose_alt_names_as_openssl_prints_them() {
    // `openssl x509 -ext subjectAltName` of contoso_leaf.pem:
    // "DNS:client.contoso.com, email:alice@contoso.com, othername: UPN::alice@contoso.com".
    let c = dotnet("contoso_leaf.pem", NameStyle::Linux);
    let text = c.to_string_dotnet(true);
    assert!(
        text.contains(
            "* X509v3 Subject Alternative Name(2.5.29.17):\n  DNS:client.contoso.com, email:alice@contoso.com, othername: UPN::alice@contoso.com\n"
        ),
        "{text}"
    );
    // Subject name lines: Simple, Email, UPN and DNS names in that order.
    assert!(text.contains(
        "  Simple Name: client.contoso.com\n  Email Name: alice@contoso.com\n  UPN Name: alice@contoso.com\n  DNS Name: client.contoso.com\n"
    ));
}
