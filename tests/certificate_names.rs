//! X.500 names as .NET formats them: every vector of `x500_decode_vectors.json` (dotnet/runtime
//! tests), the `dotnet-x509.md` §4 vectors, flag validation, the text parser and DN comparison.

use apim_policy::cert::name::{
    AttributeValue, DistinguishedName, NameError, NameFlags, NameStyle, encode_dn_string,
    format_name, needs_quoting, parse_dn_string,
};
use serde_json::Value;

fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex: {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

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

fn oid_bytes(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u128> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
    let mut out = Vec::new();
    let mut push = |mut v: u128| {
        let mut tmp = vec![(v & 0x7F) as u8];
        v >>= 7;
        while v > 0 {
            tmp.push(((v & 0x7F) as u8) | 0x80);
            v >>= 7;
        }
        tmp.reverse();
        out.extend(tmp);
    };
    push(arcs[0] * 40 + arcs[1]);
    for a in &arcs[2..] {
        push(*a);
    }
    tlv(0x06, &out)
}

/// Builds a DER Name from RDNs of (OID, raw value TLV hex).
fn build_name(rdns: &[Vec<(String, String)>]) -> Vec<u8> {
    let mut body = Vec::new();
    for rdn in rdns {
        let mut set = Vec::new();
        for (oid, value_hex) in rdn {
            let mut atv = oid_bytes(oid);
            atv.extend(unhex(value_hex));
            set.extend(tlv(0x30, &atv));
        }
        body.extend(tlv(0x31, &set));
    }
    tlv(0x30, &body)
}

fn flags_of(s: &str) -> NameFlags {
    s.split('|')
        .map(|p| match p.trim() {
            "None" => NameFlags::NONE,
            "Reversed" | "Name" => NameFlags::REVERSED,
            "UseSemicolons" => NameFlags::USE_SEMICOLONS,
            "DoNotUsePlusSign" => NameFlags::DO_NOT_USE_PLUS_SIGN,
            "DoNotUseQuotes" => NameFlags::DO_NOT_USE_QUOTES,
            "UseCommas" => NameFlags::USE_COMMAS,
            "UseNewLines" => NameFlags::USE_NEW_LINES,
            other => panic!("unknown flag {other}"),
        })
        .fold(NameFlags::NONE, |a, b| a | b)
}

const BOTH: [NameStyle; 2] = [NameStyle::Windows, NameStyle::Linux];

#[test]
fn all_dotnet_vectors() {
    let text = std::fs::read_to_string("tests/data/dotnet-x500/x500_decode_vectors.json").unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    let vectors = json["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 96);
    let mut checked = 0;
    for v in vectors {
        let test = v["test"].as_str().unwrap();
        let ctx = format!("{test}: {v}");

        // Encoder vectors (text -> DER, then Format(false)/Decode(flags)).
        if let Some(by_flags) = v.get("expected_by_flags") {
            let input = v["input"].as_str().unwrap();
            for (flag, expected) in by_flags.as_object().unwrap() {
                let der = encode_dn_string(input, flags_of(flag)).unwrap();
                for style in BOTH {
                    assert_eq!(
                        format_name(&der, NameFlags::NONE, style),
                        expected.as_str().unwrap(),
                        "{ctx} [{flag}]"
                    );
                }
            }
            checked += 1;
            continue;
        }
        let flags = flags_of(v["flags"].as_str().unwrap());
        if let (Some(input), None) = (v.get("input"), v.get("der_hex")) {
            // `new X500DistinguishedName(string)` uses Reversed; EdgeCaseUseCommaAndNewLines
            // passes X500DistinguishedNameFlags.None to the constructor.
            let ctor = if test == "EdgeCaseUseCommaAndNewLines" {
                NameFlags::NONE
            } else {
                NameFlags::REVERSED
            };
            let der = encode_dn_string(input.as_str().unwrap(), ctor).unwrap();
            for style in BOTH {
                assert_eq!(
                    format_name(&der, flags, style),
                    v["expected"].as_str().unwrap(),
                    "{ctx}"
                );
            }
            checked += 1;
            continue;
        }

        let der = if let Some(h) = v.get("der_hex") {
            unhex(h.as_str().unwrap())
        } else if let Some(oids) = v.get("rdn_oids") {
            let values = v["rdn_raw_values_hex"].as_array().unwrap();
            let rdns: Vec<Vec<(String, String)>> = oids
                .as_array()
                .unwrap()
                .iter()
                .zip(values)
                .map(|(o, val)| {
                    vec![(
                        o.as_str().unwrap().to_owned(),
                        val.as_str().unwrap().to_owned(),
                    )]
                })
                .collect();
            build_name(&rdns)
        } else if let Some(rdns) = v.get("rdns") {
            let rdns: Vec<Vec<(String, String)>> = rdns
                .as_array()
                .unwrap()
                .iter()
                .map(|rdn| {
                    rdn.as_array()
                        .unwrap()
                        .iter()
                        .map(|p| {
                            (
                                p[0].as_str().unwrap().to_owned(),
                                p[1].as_str().unwrap().to_owned(),
                            )
                        })
                        .collect()
                })
                .collect();
            build_name(&rdns)
        } else {
            panic!("vector without DER: {ctx}");
        };

        for style in BOTH {
            let got = format_name(&der, flags, style);
            if let Some(e) = v.get("expected") {
                assert_eq!(got, e.as_str().unwrap(), "{ctx} [{style:?}]");
            }
            if let Some(p) = v.get("expected_prefix") {
                assert!(
                    got.starts_with(p.as_str().unwrap()),
                    "{ctx} [{style:?}] got {got}"
                );
            }
            if let Some(s) = v.get("expected_suffix") {
                assert!(
                    got.ends_with(s.as_str().unwrap()),
                    "{ctx} [{style:?}] got {got}"
                );
            }
        }
        // The Windows encoder's BMPString form decodes to the same text.
        if let Some(bmp) = v.get("der_hex_windows_bmp").and_then(Value::as_str) {
            for style in BOTH {
                assert_eq!(
                    format_name(&unhex(bmp), flags, style),
                    v["expected"].as_str().unwrap(),
                    "{ctx} (BMP)"
                );
            }
        }
        // Encoder vectors: the managed (non-Windows) encoder produces exactly der_hex.
        if let (Some(input), Some(h)) = (v.get("input"), v.get("der_hex")) {
            let der = encode_dn_string(input.as_str().unwrap(), NameFlags::REVERSED).unwrap();
            assert_eq!(der, unhex(h.as_str().unwrap()), "{ctx} (encode)");
        }
        checked += 1;
    }
    assert_eq!(checked, 96);
}

const MICROSOFT_DOT_COM: &str = "3082010F31133011060B2B0601040182373C02010313025553311B3019060B2B0601040182373C0201020C0A57617368696E67746F6E311D301B060355040F131450726976617465204F7267616E697A6174696F6E3112301006035504051309363030343133343835310B3009060355040613025553310E300C06035504110C0539383035323113301106035504080C0A57617368696E67746F6E3110300E06035504070C075265646D6F6E643118301606035504090C0F31204D6963726F736F667420576179311E301C060355040A0C154D6963726F736F667420436F72706F726174696F6E310E300C060355040B0C054D53434F4D311A301806035504030C117777772E6D6963726F736F66742E636F6D";

/// The platform-dependent tail of `PrintComplexReversed` (dotnet-x509.md §3: the Windows 8.1
/// comment in the dotnet test, and OpenSSL long names on Linux).
#[test]
fn complex_name_tail_per_platform() {
    let der = unhex(MICROSOFT_DOT_COM);
    let head = "CN=www.microsoft.com, OU=MSCOM, O=Microsoft Corporation, STREET=1 Microsoft Way, L=Redmond, S=Washington, PostalCode=98052, C=US, SERIALNUMBER=600413485, ";
    assert_eq!(
        format_name(&der, NameFlags::REVERSED, NameStyle::Windows),
        format!(
            "{head}OID.2.5.4.15=Private Organization, OID.1.3.6.1.4.1.311.60.2.1.2=Washington, OID.1.3.6.1.4.1.311.60.2.1.3=US"
        )
    );
    assert_eq!(
        format_name(&der, NameFlags::REVERSED, NameStyle::Linux),
        format!(
            "{head}businessCategory=Private Organization, jurisdictionStateOrProvinceName=Washington, jurisdictionCountryName=US"
        )
    );
}

/// dotnet-x509.md §4 vectors (`R` = `.Name`).
#[test]
fn spec_section4_vectors() {
    let r = |hex: &str, style| format_name(&unhex(hex), NameFlags::REVERSED, style);
    let n = |hex: &str, style| format_name(&unhex(hex), NameFlags::NONE, style);
    for s in BOTH {
        let h = "3034310B30090603550406130255533110300E060355040A1307436F6E746F736F311330110603550403130A436F6E746F736F204341";
        assert_eq!(r(h, s), "CN=Contoso CA, O=Contoso, C=US");
        assert_eq!(n(h, s), "C=US, O=Contoso, CN=Contoso CA");
        assert_eq!(
            r(
                "303A310B300906035504061302555331163014060355040A0C0D436F6E746F736F2C20496E632E3113301106035504030C0A436F6E746F736F204341",
                s
            ),
            "CN=Contoso CA, O=\"Contoso, Inc.\", C=US"
        );
        assert_eq!(
            r("30173115301306035504030C0C486520736169642022686922", s),
            "CN=\"He said \"\"hi\"\"\""
        );
        assert_eq!(
            r("30133111300F06035504030C0820436F6E746F736F", s),
            "CN=\" Contoso\""
        );
        assert_eq!(
            r("30133111300F06035504030C08436F6E746F736F20", s),
            "CN=\"Contoso \""
        );
        assert_eq!(r("300E310C300A06035504030C03412B42", s), "CN=\"A+B\"");
        assert_eq!(
            r(
                "302E310C300A06035504030C03613B62310C300A06035504030C03615C623110300E06035504030C074F27427269656E",
                s
            ),
            "CN=O'Brien, CN=a\\b, CN=\"a;b\""
        );
        assert_eq!(
            r(
                "303B310B30090603550406130255533110300E060355040A1307436F6E746F736F311A300C06035504030C05416C696365300A060355040B0C03456E67",
                s
            ),
            "CN=Alice + OU=Eng, O=Contoso, C=US"
        );
        assert_eq!(
            r(
                "301A310C300A06032A03040C03666F6F310A300806035504030C0178",
                s
            ),
            "CN=x, OID.1.2.3.4=foo"
        );
        assert_eq!(
            r(
                "3032310E300C06035504030C05416C6963653120301E06092A864886F70D0109011611616C69636540636F6E746F736F2E636F6D",
                s
            ),
            "E=alice@contoso.com, CN=Alice"
        );
        assert_eq!(
            r(
                "303E31133011060A0992268993F22C6401191603636F6D31173015060A0992268993F22C6401191607636F6E746F736F310E300C06035504030C055573657273",
                s
            ),
            "CN=Users, DC=contoso, DC=com"
        );
        assert_eq!(
            r(
                "30818D310E300C060355042A0C05416C696365310E300C06035504040C05536D697468310C300A060355040C0C03446576310B3009060355042B0C024153310D300B06035504051304313233343112301006035504090C0931204D61696E2053743110300E06035504070C075265646D6F6E64310B300906035504080C025741310E300C06035504110C053938303532",
                s
            ),
            "PostalCode=98052, S=WA, L=Redmond, STREET=1 Main St, SERIALNUMBER=1234, I=AS, T=Dev, SN=Smith, G=Alice"
        );
        assert_eq!(
            r("30123110300E06035504030C074DC3BC6C6C6572", s),
            "CN=Müller"
        );
        assert_eq!(
            r("30173115301306035504031E0C005300740072006100DF0065", s),
            "CN=Straße"
        );
        assert_eq!(r("3011310F300D060355040314064DFC6C6C6572", s), "CN=Müller");
        assert_eq!(r("300F310D300B06035504030C0461626300", s), "CN=abc");
        assert_eq!(r("300B3109300706035504030C00", s), "CN=\"\"");
        assert_eq!(
            r("3019310A300806035504030C01FF310B3009060355040A0C026F6B", s),
            ""
        );
        assert_eq!(r("3000", s), "");
    }
    let uid = "302B31153013060A0992268993F22C6401010C05616C6963653112301006035504610C0956415444452D313233";
    assert_eq!(
        r(uid, NameStyle::Windows),
        "OID.2.5.4.97=VATDE-123, OID.0.9.2342.19200300.100.1.1=alice"
    );
    assert_eq!(
        r(uid, NameStyle::Linux),
        "organizationIdentifier=VATDE-123, userId=alice"
    );
    // Invalid PrintableString: Linux blanks the name; Windows decodes leniently [unconfirmed].
    let star = "3025310B3009060355040613025553311630140603550403130D2A2E636F6E746F736F2E636F6D";
    assert_eq!(r(star, NameStyle::Linux), "");
    assert_eq!(r(star, NameStyle::Windows), "CN=*.contoso.com, C=US");
    // VisibleString: .NET 8+ Linux prints hex; Windows prints text [unconfirmed].
    let vis = "300E310C300A06035504031A03616263";
    assert_eq!(r(vis, NameStyle::Linux), "CN=#1A03616263");
    assert_eq!(r(vis, NameStyle::Windows), "CN=abc");
}

#[test]
fn strict_string_sets_on_linux() {
    // NumericString "USA" (dotnet EnumeratorWithInvalidData: DecoderFallbackException).
    let der = build_name(&[vec![("2.5.4.99".into(), "1203555341".into())]]);
    assert_eq!(format_name(&der, NameFlags::NONE, NameStyle::Linux), "");
    assert_eq!(
        format_name(&der, NameFlags::NONE, NameStyle::Windows),
        "OID.2.5.4.99=USA"
    );
    // IA5String with a high byte.
    let der = build_name(&[vec![("1.2.840.113549.1.9.1".into(), "1603C3A961".into())]]);
    assert_eq!(format_name(&der, NameFlags::NONE, NameStyle::Linux), "");
    // BMPString: odd length is invalid everywhere; a lone surrogate too.
    let der = build_name(&[vec![("2.5.4.3".into(), "1E03004100".into())]]);
    assert_eq!(format_name(&der, NameFlags::NONE, NameStyle::Windows), "");
    let der = build_name(&[vec![("2.5.4.3".into(), "1E02D800".into())]]);
    assert_eq!(format_name(&der, NameFlags::NONE, NameStyle::Windows), "");
    // A surrogate pair: Linux rejects (UCS-2), Windows decodes.
    let der = build_name(&[vec![("2.5.4.3".into(), "1E04D83DDE00".into())]]);
    assert_eq!(format_name(&der, NameFlags::NONE, NameStyle::Linux), "");
    assert_eq!(
        format_name(&der, NameFlags::NONE, NameStyle::Windows),
        "CN=😀"
    );
}

#[test]
fn separators_and_flags() {
    // C=US, O=Contoso, {CN=Alice + OU=Eng}
    let der = unhex(
        "303B310B30090603550406130255533110300E060355040A1307436F6E746F736F311A300C06035504030C05416C696365300A060355040B0C03456E67",
    );
    let f = |flags, style| format_name(&der, flags, style);
    assert_eq!(
        f(NameFlags::USE_SEMICOLONS, NameStyle::Windows),
        "C=US; O=Contoso; CN=Alice + OU=Eng"
    );
    assert_eq!(
        f(NameFlags::USE_NEW_LINES, NameStyle::Windows),
        "C=US\r\nO=Contoso\r\nCN=Alice + OU=Eng"
    );
    assert_eq!(
        f(NameFlags::USE_NEW_LINES, NameStyle::Linux),
        "C=US\nO=Contoso\nCN=Alice + OU=Eng"
    );
    assert_eq!(
        f(
            NameFlags::USE_NEW_LINES | NameFlags::USE_SEMICOLONS,
            NameStyle::Windows
        ),
        "C=US; O=Contoso; CN=Alice + OU=Eng"
    );
    assert_eq!(
        f(
            NameFlags::DO_NOT_USE_PLUS_SIGN | NameFlags::REVERSED,
            NameStyle::Windows
        ),
        "CN=Alice OU=Eng, O=Contoso, C=US"
    );
    assert_eq!(NameFlags::from_bits(0x71F1).unwrap().bits(), 0x71F1);
    assert_eq!(
        NameFlags::from_bits(0x2),
        Err(NameError::InvalidFlags { bits: 0x2 })
    );
    assert!(NameFlags::from_bits(0x8000).is_err());
}

#[test]
fn malformed_names_format_as_empty() {
    let good = unhex(
        "3034310B30090603550406130255533110300E060355040A1307436F6E746F736F311330110603550403130A436F6E746F736F204341",
    );
    for len in 0..good.len() {
        assert_eq!(
            format_name(&good[..len], NameFlags::REVERSED, NameStyle::Windows),
            "",
            "prefix {len}"
        );
    }
    let mut trailing = good.clone();
    trailing.push(0);
    assert_eq!(
        format_name(&trailing, NameFlags::REVERSED, NameStyle::Windows),
        ""
    );
    // Indefinite length, non-minimal length, extra element in an AttributeTypeAndValue, bad OID.
    for hex in [
        "3080310B300906035504061302555300 00",
        "30810B3109300706035504061300",
        "300E310C300A060355040613025553 0500",
        "300B3109300706038055040613 00",
        "300A3108300606035504061300",
    ] {
        let h: String = hex.split_whitespace().collect();
        assert_eq!(
            format_name(&unhex(&h), NameFlags::NONE, NameStyle::Windows),
            "",
            "{hex}"
        );
    }
    // Empty SETs: separators only (the algorithm prints nothing for an empty RDN).
    assert_eq!(
        format_name(&unhex("300431003100"), NameFlags::NONE, NameStyle::Windows),
        ", "
    );
}

#[test]
fn quoting_rule() {
    assert!(needs_quoting(""));
    assert!(needs_quoting(" a"));
    assert!(needs_quoting("a\u{b}"));
    assert!(needs_quoting("a#b"));
    assert!(!needs_quoting("a\rb"));
    assert!(!needs_quoting("a  b"));
    assert!(!needs_quoting("\u{2002}a"));
    assert!(!needs_quoting("a\\b/c'd"));
}

#[test]
fn dn_text_parsing() {
    let dn = parse_dn_string("C=US, ST=Illinois, O=\"Contoso, Inc.\", CN=*.contoso.com").unwrap();
    let rdns = dn.rdns();
    assert_eq!(rdns.len(), 4);
    assert_eq!(rdns[1][0].oid, "2.5.4.8");
    assert_eq!(
        rdns[2][0].value,
        AttributeValue::Text("Contoso, Inc.".into())
    );
    assert_eq!(
        rdns[3][0].value,
        AttributeValue::Text("*.contoso.com".into())
    );
    // Keys: case-insensitive, S/ST, OID.x.y, bare OID, aliases.
    let a = parse_dn_string("cn=x, s=y, oid.2.5.4.10=z, 2.5.4.11=w, Email=a@b, uid=u").unwrap();
    let oids: Vec<&str> = a.attributes().map(|x| x.oid.as_str()).collect();
    assert_eq!(
        oids,
        [
            "2.5.4.3",
            "2.5.4.8",
            "2.5.4.10",
            "2.5.4.11",
            "1.2.840.113549.1.9.1",
            "0.9.2342.19200300.100.1.1"
        ]
    );
    // Multi-valued RDN, quotes with doubled quotes, trimming, semicolons.
    let m =
        parse_dn_string("CN=Alice + OU=Eng ; O=\"He said \"\"hi\"\"\"  ,  L =  Redmond  ").unwrap();
    assert_eq!(m.rdns().len(), 3);
    assert_eq!(m.rdns()[0].len(), 2);
    assert_eq!(m.rdns()[1][0].value.as_text(), Some("He said \"hi\""));
    assert_eq!(m.rdns()[2][0].value.as_text(), Some("Redmond"));
    // Quoted '+' is data.
    let q = parse_dn_string("CN=\"A+B\"").unwrap();
    assert_eq!(q.rdns()[0][0].value.as_text(), Some("A+B"));
    // Errors.
    for bad in [
        "CN",
        "CN=\"open",
        "XX=1",
        "CN=a, +",
        "CN=\"a\" b",
        "CN=a +",
        "=x",
    ] {
        assert!(parse_dn_string(bad).is_err(), "{bad}");
    }
    assert!(parse_dn_string("").unwrap().is_empty());
}

#[test]
fn dn_equivalence() {
    let der = unhex(
        "303A310B300906035504061302555331163014060355040A0C0D436F6E746F736F2C20496E632E3113301106035504030C0A436F6E746F736F204341",
    );
    let from_der = DistinguishedName::parse(&der).unwrap();
    // Written in Subject order and in DER order, with ST/S spellings and case-insensitive keys.
    let subject_order = parse_dn_string("CN=Contoso CA, O=\"Contoso, Inc.\", C=US").unwrap();
    let der_order = parse_dn_string("c=US; o=\"Contoso, Inc.\"; cn=Contoso CA").unwrap();
    assert!(from_der.equivalent(&subject_order));
    assert!(from_der.equivalent(&der_order));
    assert!(subject_order.equivalent(&from_der));
    // Values are exact.
    assert!(
        !from_der.equivalent(&parse_dn_string("CN=contoso ca, O=\"Contoso, Inc.\", C=US").unwrap())
    );
    // Any other order is different.
    assert!(
        !from_der.equivalent(&parse_dn_string("O=\"Contoso, Inc.\", CN=Contoso CA, C=US").unwrap())
    );
    // Missing or extra RDNs.
    assert!(!from_der.equivalent(&parse_dn_string("CN=Contoso CA, C=US").unwrap()));
    // Multi-valued RDNs match as sets.
    let a = parse_dn_string("CN=Alice + OU=Eng, O=Contoso").unwrap();
    let b = parse_dn_string("OU=Eng + CN=Alice, O=Contoso").unwrap();
    assert!(a.equivalent(&b));
    assert!(!a.equivalent(&parse_dn_string("CN=Alice, OU=Eng, O=Contoso").unwrap()));
    // S and ST are the same attribute.
    assert!(
        parse_dn_string("S=WA")
            .unwrap()
            .equivalent(&parse_dn_string("ST=WA").unwrap())
    );
    // Round trip: the formatted Name parses back to an equivalent DN.
    let again = parse_dn_string(&from_der.name(NameStyle::Windows)).unwrap();
    assert!(again.equivalent(&from_der));
}

#[test]
fn encoder_rules() {
    // E must be IA5 (dotnet InvalidInput).
    assert!(encode_dn_string("E=\u{65E5}\u{672C}\u{8A9E}", NameFlags::NONE).is_err());
    assert!(encode_dn_string("CN=\"unterminated", NameFlags::NONE).is_err());
    // ForceUTF8Encoding writes UTF8String.
    let der = encode_dn_string("CN=abc", NameFlags::FORCE_UTF8_ENCODING).unwrap();
    assert_eq!(der, unhex("300E310C300A06035504030C03616263"));
    // .NET never clears hadEscapedQuote: after a `""` value, a later lone quote is dropped by
    // ExtractValue. parse_dn_string keeps it.
    let der = encode_dn_string("CN=\"a\"\"b\", O=x\"y", NameFlags::NONE).unwrap();
    assert_eq!(
        format_name(&der, NameFlags::NONE, NameStyle::Windows),
        "CN=\"a\"\"b\", O=xy"
    );
    let dn = parse_dn_string("CN=\"a\"\"b\", O=x\"y").unwrap();
    assert_eq!(dn.rdns()[1][0].value.as_text(), Some("x\"y"));
    // '+' is plain data for the .NET encoder.
    let der = encode_dn_string("CN=A+B", NameFlags::NONE).unwrap();
    assert_eq!(
        format_name(&der, NameFlags::NONE, NameStyle::Windows),
        "CN=\"A+B\""
    );
}
