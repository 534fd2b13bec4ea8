//! `X509Certificate2` members for real certificates: every expectation of
//! `cert_property_expectations.json` (dotnet/runtime `PropsTests.cs`) and every value of the two
//! certificate tables in `dotnet-x509.md` §7.

use apim_policy::cert::certificate::{Certificate, X509NameType};
use apim_policy::cert::name::{NameFlags, NameStyle, format_name};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const DIR: &str = "tests/data/dotnet-x500";

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/certs/{name}")).unwrap()
}

fn unix(rfc3339: &str) -> i64 {
    OffsetDateTime::parse(rfc3339, &Rfc3339)
        .unwrap()
        .unix_timestamp()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn name_type(s: &str) -> X509NameType {
    match s {
        "SimpleName" => X509NameType::SimpleName,
        "EmailName" => X509NameType::EmailName,
        "UpnName" => X509NameType::UpnName,
        "DnsName" => X509NameType::DnsName,
        "DnsFromAlternativeName" => X509NameType::DnsFromAlternativeName,
        "UrlName" => X509NameType::UrlName,
        other => panic!("unknown name type {other}"),
    }
}

#[test]
fn dotnet_props_expectations() {
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{DIR}/cert_property_expectations.json")).unwrap(),
    )
    .unwrap();
    let mut checked = 0;
    for style in [NameStyle::Windows, NameStyle::Linux] {
        for entry in json["certs"].as_array().unwrap() {
            let file = entry["file"].as_str().unwrap();
            let cert = Certificate::from_der_with_style(&read(file), style).unwrap();
            let ctx = format!("{file} [{style:?}]");
            let s = |k: &str| entry.get(k).and_then(Value::as_str);
            if let Some(v) = s("Subject") {
                assert_eq!(cert.subject(), v, "{ctx}");
                assert_eq!(
                    format_name(cert.subject_name_der(), NameFlags::REVERSED, style),
                    v,
                    "{ctx}"
                );
                checked += 1;
            }
            if let Some(v) = s("Issuer") {
                assert_eq!(cert.issuer(), v, "{ctx}");
                checked += 1;
            }
            assert_eq!(cert.serial_number(), s("SerialNumber").unwrap(), "{ctx}");
            assert_eq!(
                hex(cert.serial_number_bytes()),
                s("SerialNumber").unwrap(),
                "{ctx}"
            );
            checked += 1;
            if let Some(v) = s("GetSerialNumber_hex_little_endian") {
                let mut le = cert.serial_number_bytes().to_vec();
                le.reverse();
                assert_eq!(hex(&le).to_lowercase(), v, "{ctx}");
                checked += 1;
            }
            if let Some(v) = s("Thumbprint") {
                assert_eq!(cert.thumbprint(), v, "{ctx}");
                assert_eq!(hex(cert.thumbprint_bytes()), v, "{ctx}");
                checked += 1;
            }
            if let Some(v) = s("NotBefore_utc") {
                assert_eq!(cert.not_before(), unix(v), "{ctx}");
                checked += 1;
            }
            if let Some(v) = s("NotAfter_utc") {
                assert_eq!(cert.not_after(), unix(v), "{ctx}");
                checked += 1;
            }
            if let Some(v) = s("SignatureAlgorithm") {
                assert_eq!(cert.signature_algorithm_oid(), v, "{ctx}");
                checked += 1;
            }
            if let Some(v) = s("GetKeyAlgorithm") {
                assert_eq!(cert.public_key_oid(), v, "{ctx}");
                checked += 1;
            }
            if let Some(v) = s("GetKeyAlgorithmParameters_hex") {
                assert_eq!(hex(cert.public_key_parameters()), v, "{ctx}");
                checked += 1;
            }
            if let Some(v) = entry.get("Version").and_then(Value::as_i64) {
                assert_eq!(i64::from(cert.version()), v, "{ctx}");
                checked += 1;
            }
            if let Some(map) = entry.get("GetNameInfo").and_then(Value::as_object) {
                for (k, expected) in map {
                    let (nt, for_issuer) = k.split_once(',').unwrap();
                    let got = cert.get_name_info(name_type(nt), for_issuer == "true");
                    assert_eq!(got, expected.as_str().unwrap(), "{ctx} GetNameInfo({k})");
                    checked += 1;
                }
            }
        }
        for (file, thumb) in json["locally_computed_sha1_thumbprints_not_from_dotnet_tests"]
            .as_object()
            .unwrap()
        {
            let cert = Certificate::from_der_with_style(&read(file), style).unwrap();
            assert_eq!(cert.thumbprint(), thumb.as_str().unwrap(), "{file}");
            checked += 1;
        }
    }
    assert_eq!(
        checked,
        2 * 27,
        "every expectation must be checked in both styles"
    );
}

#[test]
fn ms_pem_equals_ms_cer() {
    let from_pem = Certificate::load(&read("MS.pem")).unwrap();
    assert_eq!(from_pem.len(), 1);
    let from_der = Certificate::from_der(&read("MS.cer")).unwrap();
    assert_eq!(from_pem[0].der(), from_der.der());
    assert_eq!(
        from_pem[0].thumbprint(),
        "108E2BA23632620C427C570B6D9DB51AC31387FE"
    );
    assert_eq!(
        from_der.signature_algorithm_friendly_name(),
        Some("sha1RSA")
    );
    assert_eq!(from_der.public_key_friendly_name(), Some("RSA"));
    assert_eq!(from_der.common_names(), ["Microsoft Corporation"]);
}

fn ext<'c>(cert: &'c Certificate, oid: &str) -> &'c apim_policy::cert::certificate::Extension {
    cert.extensions().iter().find(|e| e.oid == oid).unwrap()
}

#[test]
fn spec_section7_ca_certificate() {
    for style in [NameStyle::Windows, NameStyle::Linux] {
        let certs = Certificate::load_with_style(&read("contoso_ca.pem"), style).unwrap();
        assert_eq!(certs.len(), 1);
        let c = &certs[0];
        assert_eq!(c.subject(), "CN=Contoso CA, O=Contoso, C=US");
        assert_eq!(c.issuer(), "CN=Contoso CA, O=Contoso, C=US");
        // GetName() (legacy) = DER order.
        assert_eq!(
            format_name(c.subject_name_der(), NameFlags::NONE, style),
            "C=US, O=Contoso, CN=Contoso CA"
        );
        assert_eq!(c.thumbprint(), "6997087FED604821088A3C28DCDA5A4143D08128");
        assert_eq!(c.serial_number(), "00C0FFEE");
        assert_eq!(c.not_before(), unix("2024-01-01T00:00:00Z"));
        assert_eq!(c.not_after(), unix("2049-12-31T23:59:59Z"));
        assert_eq!(c.version(), 3);
        assert_eq!(c.signature_algorithm_oid(), "1.2.840.10045.4.3.2");
        assert_eq!(c.signature_algorithm_friendly_name(), Some("sha256ECDSA"));
        assert_eq!(c.public_key_oid(), "1.2.840.10045.2.1");
        assert_eq!(c.public_key_friendly_name(), Some("ECC"));
        assert_eq!(hex(c.public_key_parameters()), "06082A8648CE3D030107");
        assert_eq!(c.public_key().len(), 65);
        assert_eq!(c.public_key()[0], 0x04);
        // BasicConstraints CA=true, critical.
        let bc = ext(c, "2.5.29.19");
        assert!(bc.critical);
        assert_eq!(hex(&bc.value), "30030101FF");
        // KeyUsage CrlSign|KeyCertSign (bits 5 and 6 of the first byte), critical.
        let ku = ext(c, "2.5.29.15");
        assert!(ku.critical);
        assert_eq!(hex(&ku.value), "03020106");
        // SKI.
        assert_eq!(
            hex(&ext(c, "2.5.29.14").value),
            "041433CA6BC5E920E6BEC2A16CE07A70E8282BCD68D1"
        );
        assert_eq!(
            c.get_name_info(X509NameType::SimpleName, false),
            "Contoso CA"
        );
        assert_eq!(c.get_name_info(X509NameType::DnsName, false), "Contoso CA");
        assert_eq!(c.get_name_info(X509NameType::EmailName, false), "");
        assert_eq!(c.get_name_info(X509NameType::UpnName, false), "");
        assert_eq!(c.get_name_info(X509NameType::UrlName, false), "");
        assert_eq!(
            c.get_name_info(X509NameType::DnsFromAlternativeName, false),
            ""
        );
        assert!(c.dns_names().is_empty());
        assert_eq!(c.common_names(), ["Contoso CA"]);
        assert!(c.subject_dn().unwrap().equivalent(c.issuer_dn().unwrap()));
    }
}

#[test]
fn spec_section7_leaf_certificate() {
    for style in [NameStyle::Windows, NameStyle::Linux] {
        let c = &Certificate::load_with_style(&read("contoso_leaf.pem"), style).unwrap()[0];
        assert_eq!(
            c.subject(),
            "E=alice@contoso.com, CN=client.contoso.com, OU=Eng, O=\"Contoso, Inc.\", L=Redmond, S=Washington, C=US"
        );
        assert_eq!(
            format_name(c.subject_name_der(), NameFlags::NONE, style),
            "C=US, S=Washington, L=Redmond, O=\"Contoso, Inc.\", OU=Eng, CN=client.contoso.com, E=alice@contoso.com"
        );
        assert_eq!(c.issuer(), "CN=Contoso CA, O=Contoso, C=US");
        assert_eq!(c.thumbprint(), "3306143DD42D769A9845225A68262AFE3FE435A2");
        assert_eq!(c.serial_number(), "0100");
        assert_eq!(c.not_before(), unix("2024-01-01T00:00:00Z"));
        assert_eq!(c.not_after(), unix("2030-06-30T12:00:00Z"));
        assert_eq!(c.version(), 3);
        let bc = ext(c, "2.5.29.19");
        assert!(bc.critical);
        assert_eq!(hex(&bc.value), "3000");
        // KeyUsage DigitalSignature|KeyEncipherment = first byte 0xA0.
        assert_eq!(hex(&ext(c, "2.5.29.15").value), "030205A0");
        // EKU clientAuth.
        assert_eq!(hex(&ext(c, "2.5.29.37").value), "300A06082B06010505070302");
        assert_eq!(
            hex(&ext(c, "2.5.29.14").value),
            "04140B6993F12D0755DF63A9622AFEE00AAC88CB69DB"
        );
        assert_eq!(c.dns_names(), ["client.contoso.com"]);
        assert_eq!(c.common_names(), ["client.contoso.com"]);
        let ni = |t, i| c.get_name_info(t, i).to_owned();
        assert_eq!(ni(X509NameType::SimpleName, false), "client.contoso.com");
        assert_eq!(ni(X509NameType::DnsName, false), "client.contoso.com");
        assert_eq!(
            ni(X509NameType::DnsFromAlternativeName, false),
            "client.contoso.com"
        );
        assert_eq!(ni(X509NameType::EmailName, false), "alice@contoso.com");
        assert_eq!(ni(X509NameType::UpnName, false), "alice@contoso.com");
        assert_eq!(ni(X509NameType::UrlName, false), "");
        assert_eq!(ni(X509NameType::SimpleName, true), "Contoso CA");
        // The issuer of the leaf is the CA's subject.
        let ca = &Certificate::load_with_style(&read("contoso_ca.pem"), style).unwrap()[0];
        assert_eq!(c.issuer_name_der(), ca.subject_name_der());
        assert!(c.issuer_dn().unwrap().equivalent(ca.subject_dn().unwrap()));
    }
}

#[test]
fn name_type_numbers() {
    assert_eq!(X509NameType::from_i32(0), Some(X509NameType::SimpleName));
    assert_eq!(
        X509NameType::from_i32(4),
        Some(X509NameType::DnsFromAlternativeName)
    );
    assert_eq!(X509NameType::from_i32(6), None);
    assert_eq!(X509NameType::from_i32(-1), None);
}

// ---------------------------------------------------------------------------------------------
// GetNameInfo / Subject rules on synthetic certificates (signatures are not checked here).
// ---------------------------------------------------------------------------------------------

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend([0x81, n as u8]);
    } else {
        out.extend([0x82, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(content);
    out
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// A v3 certificate with the given DER names and GeneralNames entries for SAN/IAN.
fn synthetic(subject: &[u8], issuer: &[u8], san: Option<&[u8]>, ian: Option<&[u8]>) -> Vec<u8> {
    let alg = tlv(
        0x30,
        &tlv(0x06, &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02]),
    );
    let validity = tlv(
        0x30,
        &cat(&[
            &tlv(0x17, b"240101000000Z"),
            &tlv(0x18, b"20500101000000.5Z"),
        ]),
    );
    let spki = tlv(
        0x30,
        &cat(&[
            &tlv(
                0x30,
                &cat(&[
                    &tlv(0x06, &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]),
                    &tlv(0x06, &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]),
                ]),
            ),
            &tlv(0x03, &[0x00, 0x04, 0x01, 0x02]),
        ]),
    );
    let mut exts = Vec::new();
    for (oid_last, body) in [(17u8, san), (18u8, ian)] {
        if let Some(b) = body {
            exts.extend(tlv(
                0x30,
                &cat(&[
                    &tlv(0x06, &[0x55, 0x1D, oid_last]),
                    &tlv(0x04, &tlv(0x30, b)),
                ]),
            ));
        }
    }
    let mut tbs_parts = cat(&[
        &tlv(0xA0, &tlv(0x02, &[0x02])),
        &tlv(0x02, &[0x01]),
        &alg,
        issuer,
        &validity,
        subject,
        &spki,
    ]);
    if !exts.is_empty() {
        tbs_parts.extend(tlv(0xA3, &tlv(0x30, &exts)));
    }
    tlv(
        0x30,
        &cat(&[&tlv(0x30, &tbs_parts), &alg, &tlv(0x03, &[0x00])]),
    )
}

fn dn(s: &str) -> Vec<u8> {
    apim_policy::cert::name::encode_dn_string(s, NameFlags::REVERSED).unwrap()
}

fn upn(value: &[u8]) -> Vec<u8> {
    let oid = tlv(
        0x06,
        &[0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x14, 0x02, 0x03],
    );
    tlv(0xA0, &cat(&[&oid, &tlv(0xA0, value)]))
}

#[test]
fn synthetic_name_info_rules() {
    // Two CNs: the last in DER order (the first in Subject order) wins, on both styles.
    let der = synthetic(
        &dn("CN=second, O=Org, CN=first"),
        &dn("CN=Issuer"),
        None,
        None,
    );
    for style in [NameStyle::Windows, NameStyle::Linux] {
        let c = Certificate::from_der_with_style(&der, style).unwrap();
        assert_eq!(c.subject(), "CN=second, O=Org, CN=first");
        assert_eq!(c.common_names(), ["first", "second"]);
        assert_eq!(c.get_name_info(X509NameType::SimpleName, false), "second");
        assert_eq!(c.get_name_info(X509NameType::DnsName, false), "second");
        assert_eq!(
            c.get_name_info(X509NameType::DnsFromAlternativeName, false),
            ""
        );
        // GeneralizedTime with a fraction.
        assert_eq!(c.not_after(), unix("2050-01-01T00:00:00Z"));
    }

    // A DN of only O/OU/E: Linux's quirk yields nothing from the DN; Windows takes OU.
    let san_email = tlv(0x81, b"san@example.org");
    let der = synthetic(
        &dn("E=e@example.org, OU=Unit, O=Org"),
        &dn("CN=I"),
        Some(&san_email),
        None,
    );
    let win = Certificate::from_der_with_style(&der, NameStyle::Windows).unwrap();
    let lin = Certificate::from_der_with_style(&der, NameStyle::Linux).unwrap();
    assert_eq!(win.get_name_info(X509NameType::SimpleName, false), "Unit");
    assert_eq!(
        lin.get_name_info(X509NameType::SimpleName, false),
        "san@example.org"
    );
    // EmailName prefers the SAN over the DN's E.
    assert_eq!(
        win.get_name_info(X509NameType::EmailName, false),
        "san@example.org"
    );
    // With another attribute present, Linux falls back to OU as well.
    let der = synthetic(&dn("L=Town, OU=Unit, O=Org"), &dn("CN=I"), None, None);
    let lin = Certificate::from_der_with_style(&der, NameStyle::Linux).unwrap();
    assert_eq!(lin.get_name_info(X509NameType::SimpleName, false), "Unit");
    // Only an unrelated attribute: it is the answer.
    let der = synthetic(&dn("L=Town"), &dn("CN=I"), None, None);
    for style in [NameStyle::Windows, NameStyle::Linux] {
        let c = Certificate::from_der_with_style(&der, style).unwrap();
        assert_eq!(c.get_name_info(X509NameType::SimpleName, false), "Town");
    }

    // SAN order and kinds; IAN for the issuer.
    let san = cat(&[
        &tlv(0x87, &[127, 0, 0, 1]),
        &upn(&tlv(0x0C, b"user@corp")),
        &tlv(0x86, b"https://a.example/"),
        &tlv(0x82, b"a.example"),
        &tlv(0x82, b"b.example"),
        &tlv(0x81, b"a@example"),
    ]);
    let ian = cat(&[&tlv(0x82, b"issuer.example"), &tlv(0x86, b"http://issuer/")]);
    let der = synthetic(
        &dn("CN=cn.example"),
        &dn("CN=Issuer CA"),
        Some(&san),
        Some(&ian),
    );
    let c = Certificate::from_der(&der).unwrap();
    assert_eq!(c.dns_names(), ["a.example", "b.example"]);
    assert_eq!(
        c.get_name_info(X509NameType::SimpleName, false),
        "cn.example"
    );
    assert_eq!(c.get_name_info(X509NameType::DnsName, false), "a.example");
    assert_eq!(c.get_name_info(X509NameType::UpnName, false), "user@corp");
    assert_eq!(
        c.get_name_info(X509NameType::UrlName, false),
        "https://a.example/"
    );
    assert_eq!(c.get_name_info(X509NameType::EmailName, false), "a@example");
    assert_eq!(
        c.get_name_info(X509NameType::DnsName, true),
        "issuer.example"
    );
    assert_eq!(
        c.get_name_info(X509NameType::UrlName, true),
        "http://issuer/"
    );
    assert_eq!(c.get_name_info(X509NameType::UpnName, true), "");
    assert_eq!(c.get_name_info(X509NameType::SimpleName, true), "Issuer CA");

    // A UPN that is not a UTF8String is not reported; a malformed SAN entry stops the search.
    let san = cat(&[
        &upn(&tlv(0x16, b"x@y")),
        &tlv(0x82, b"ok.example"),
        &tlv(0x82, b"\xFFbad"),
        &tlv(0x82, b"late.example"),
    ]);
    let der = synthetic(&dn("CN=x"), &dn("CN=I"), Some(&san), None);
    let c = Certificate::from_der(&der).unwrap();
    assert_eq!(c.get_name_info(X509NameType::UpnName, false), "");
    assert_eq!(c.dns_names(), ["ok.example"]);

    // Empty subject with a SAN directoryName: Windows shows the directoryName, Linux "".
    let san = tlv(0xA4, &dn("CN=Dir Name, O=Org"));
    let der = synthetic(&tlv(0x30, &[]), &dn("CN=I"), Some(&san), None);
    let win = Certificate::from_der_with_style(&der, NameStyle::Windows).unwrap();
    let lin = Certificate::from_der_with_style(&der, NameStyle::Linux).unwrap();
    assert_eq!(win.subject(), "CN=Dir Name, O=Org");
    assert_eq!(lin.subject(), "");
    assert!(win.subject_dn().unwrap().is_empty());

    // Non-ASCII CN: SimpleName returns it as is on both; the Linux DNS fallback escapes it as
    // OpenSSL's flags-0 printer does.
    let der = synthetic(&dn("CN=картошка"), &dn("CN=I"), None, None);
    let win = Certificate::from_der_with_style(&der, NameStyle::Windows).unwrap();
    let lin = Certificate::from_der_with_style(&der, NameStyle::Linux).unwrap();
    assert_eq!(
        win.get_name_info(X509NameType::SimpleName, false),
        "картошка"
    );
    assert_eq!(
        lin.get_name_info(X509NameType::SimpleName, false),
        "картошка"
    );
    assert_eq!(win.get_name_info(X509NameType::DnsName, false), "картошка");
    assert_eq!(
        lin.get_name_info(X509NameType::DnsName, false),
        "\\U043A\\U0430\\U0440\\U0442\\U043E\\U0448\\U043A\\U0430"
    );
}

#[test]
fn certificate_is_shareable() {
    fn assert_send_sync<T: Send + Sync + Clone + std::fmt::Debug>() {}
    assert_send_sync::<Certificate>();
    assert_send_sync::<apim_policy::cert::name::DistinguishedName>();
}
