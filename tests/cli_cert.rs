//! The `cert` and `verify` subcommands run as a process: JSON output shape and exit codes (0
//! success/valid, 1 not valid, 2 bad arguments or unreadable input). Expected values come from
//! the test PKI README (`tests/data/pki/README.md`), `containers/README.md` and
//! `containers/expected.json`.

use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_apim-policy");
const PKI: &str = "tests/data/pki";
const AT: &str = "2030-01-01T00:00:00Z";

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn pki(name: &str) -> String {
    format!("{PKI}/{name}.pem")
}

#[test]
fn cert_prints_dotnet_properties() {
    let out = run(&["cert", &pki("good")]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    let c = &v.as_array().unwrap()[0];
    assert_eq!(v.as_array().unwrap().len(), 1);
    // `openssl x509 -text` shows the DER order "CN = good.client.test, O = apim-policy tests,
    // C = US"; .NET prints it reversed.
    assert_eq!(
        c["Subject"],
        "C=US, O=apim-policy tests, CN=good.client.test"
    );
    assert_eq!(
        c["Issuer"],
        "C=US, O=apim-policy tests, CN=APIM Test Intermediate CA"
    );
    assert_eq!(c["SerialNumber"], "2000");
    assert_eq!(c["NotBefore"], "2020-01-01T00:00:00Z");
    assert_eq!(c["NotAfter"], "2120-01-01T00:00:00Z");
    assert_eq!(c["Version"], 3);
    assert_eq!(c["SignatureAlgorithm"]["Value"], "1.2.840.113549.1.1.11");
    assert_eq!(c["SignatureAlgorithm"]["FriendlyName"], "sha256RSA");
    assert_eq!(c["PublicKey"]["Oid"]["Value"], "1.2.840.113549.1.1.1");
    assert_eq!(c["PublicKey"]["Oid"]["FriendlyName"], "RSA");
    assert_eq!(c["PublicKey"]["EncodedParameters"], "0500");
    assert!(
        c["PublicKey"]["EncodedKeyValue"]
            .as_str()
            .unwrap()
            .starts_with("3082010A")
    );
    assert_eq!(c["Thumbprint"].as_str().unwrap().len(), 40);
    assert_eq!(c["SubjectName"]["Name"], c["Subject"]);
    assert_eq!(c["IssuerName"]["Name"], c["Issuer"]);
    assert_eq!(c["HasPrivateKey"], false);
    assert_eq!(c["FriendlyName"], "");
    assert_eq!(
        c["GetNameInfo"]["Subject"]["SimpleName"],
        "good.client.test"
    );
    assert_eq!(c["GetNameInfo"]["Subject"]["DnsFromAlternativeName"], "");
    assert_eq!(
        c["GetNameInfo"]["Issuer"]["SimpleName"],
        "APIM Test Intermediate CA"
    );
    let exts = c["Extensions"].as_array().unwrap();
    assert_eq!(exts.len(), 5);
    assert_eq!(exts[0]["Oid"]["Value"], "2.5.29.19");
    assert_eq!(exts[0]["Oid"]["FriendlyName"], "Basic Constraints");
    assert_eq!(exts[0]["Critical"], true);
    assert_eq!(exts[0]["RawData"], "3000");
    assert_eq!(exts[0]["CertificateAuthority"], false);
    assert_eq!(exts[0]["HasPathLengthConstraint"], false);
    assert_eq!(exts[0]["PathLengthConstraint"], 0);
    assert_eq!(exts[1]["KeyUsages"], 0xA0);
    assert_eq!(
        exts[2]["EnhancedKeyUsages"][0]["Value"],
        "1.3.6.1.5.5.7.3.2"
    );
    assert_eq!(
        exts[2]["EnhancedKeyUsages"][0]["FriendlyName"],
        "Client Authentication"
    );
    assert_eq!(exts[3]["SubjectKeyIdentifier"].as_str().unwrap().len(), 40);
    assert!(exts[4].get("SubjectKeyIdentifier").is_none());
}

#[test]
fn cert_linux_names() {
    let out = run(&["cert", &pki("good"), "--names", "linux"]);
    assert_eq!(out.status.code(), Some(0));
    let c = &json(&out)[0];
    assert_eq!(
        c["Extensions"][0]["Oid"]["FriendlyName"],
        "X509v3 Basic Constraints"
    );
    assert_eq!(
        c["Extensions"][2]["EnhancedKeyUsages"][0]["FriendlyName"],
        "TLS Web Client Authentication"
    );
    // Ed25519: no .NET name on Windows (null), OpenSSL's on Linux.
    let w = json(&run(&["cert", &pki("ed25519-good")]));
    assert_eq!(w[0]["PublicKey"]["Oid"]["FriendlyName"], Value::Null);
    assert_eq!(w[0]["PublicKey"]["EncodedParameters"], "");
    let l = json(&run(&["cert", &pki("ed25519-good"), "--names", "linux"]));
    assert_eq!(l[0]["PublicKey"]["Oid"]["FriendlyName"], "ED25519");
}

#[test]
fn cert_containers() {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string("tests/data/containers/expected.json").unwrap(),
    )
    .unwrap();
    let out = run(&["cert", "tests/data/containers/chain.p7b"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[0]["Thumbprint"], expected["leaf"]["sha1"]);
    assert_eq!(v[1]["Thumbprint"], expected["ca"]["sha1"]);

    let out = run(&[
        "cert",
        "tests/data/containers/leaf-legacy.pfx",
        "--password",
        "Pfx-Test-Pass",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    let leaf = v
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["Thumbprint"] == expected["leaf"]["sha1"])
        .unwrap();
    assert_eq!(leaf["HasPrivateKey"], true);
    assert_eq!(leaf["FriendlyName"], "container leaf");
    assert_eq!(leaf["SerialNumber"], "00C0FFEE");
    assert_eq!(
        leaf["GetNameInfo"]["Subject"]["EmailName"],
        "container@client.test"
    );
    assert_eq!(
        leaf["GetNameInfo"]["Subject"]["DnsFromAlternativeName"],
        "container.client.test"
    );
}

#[test]
fn cert_failures_exit_2() {
    for args in [
        vec![
            "cert",
            "tests/data/containers/leaf-aes.pfx",
            "--password",
            "nope",
        ],
        vec!["cert", "tests/data/containers/leaf-aes.pfx"],
        vec!["cert", "tests/data/no-such-file.pem"],
        vec!["cert", "tests/data/containers/README.md"],
        vec!["cert"],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let out = run(&[
        "cert",
        "tests/data/containers/leaf-aes.pfx",
        "--password",
        "nope",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("password"));
}

fn verify(leaf: &str, extra: &[&str]) -> (Option<i32>, Value) {
    let int = pki("intermediate");
    let root = pki("root");
    let leaf = pki(leaf);
    let mut args = vec![
        "verify",
        leaf.as_str(),
        "--intermediate",
        int.as_str(),
        "--ca-cert",
        root.as_str(),
        "--at",
        AT,
    ];
    args.extend_from_slice(extra);
    let out = run(&args);
    let code = out.status.code();
    if code == Some(2) {
        return (code, Value::Null);
    }
    (code, json(&out))
}

fn first_error(v: &Value) -> String {
    v["errors"][0].as_str().unwrap_or("").to_owned()
}

#[test]
fn verify_outcomes() {
    let crls = [
        "--crl",
        "tests/data/pki/root.crl",
        "--crl",
        "tests/data/pki/intermediate.crl",
    ];
    let (code, v) = verify("good", &crls);
    assert_eq!(code, Some(0));
    assert_eq!(v["valid"], true);
    assert_eq!(v["errors"].as_array().unwrap().len(), 0);

    let (code, v) = verify("revoked", &crls);
    assert_eq!(code, Some(1));
    assert_eq!(v["valid"], false);
    assert!(first_error(&v).starts_with("Revoked"), "{v}");
    assert!(first_error(&v).contains("2003"), "{v}");

    // .NET Verify() without CRLs: revocation status unknown.
    let (code, v) = verify("good", &[]);
    assert_eq!(code, Some(1));
    assert!(
        first_error(&v).starts_with("RevocationStatusUnknown"),
        "{v}"
    );

    let (code, v) = verify("good", &["--no-revocation"]);
    assert_eq!((code, v["valid"].clone()), (Some(0), Value::Bool(true)));

    let (code, v) = verify("expired", &["--no-revocation"]);
    assert_eq!(code, Some(1));
    assert!(first_error(&v).starts_with("Expired"), "{v}");

    let (code, v) = verify("not-yet-valid", &["--no-revocation"]);
    assert_eq!(code, Some(1));
    assert!(first_error(&v).starts_with("NotYetValid"), "{v}");

    let (code, v) = verify("untrusted-good", &["--no-revocation"]);
    assert_eq!(code, Some(1));
    assert_eq!(v["valid"], false);
}

#[test]
fn verify_eku_depth_and_names() {
    // .NET does not check EKU by default: server-auth-only verifies...
    let (code, _) = verify("server-auth-only", &["--no-revocation"]);
    assert_eq!(code, Some(0));
    // ...unless an EKU is required.
    let (code, v) = verify(
        "server-auth-only",
        &["--no-revocation", "--eku", "clientAuth"],
    );
    assert_eq!(code, Some(1));
    assert!(first_error(&v).starts_with("RequiredEkuNotFound"), "{v}");
    let (code, _) = verify(
        "server-auth-only",
        &["--no-revocation", "--eku", "serverAuth"],
    );
    assert_eq!(code, Some(0));
    let (code, _) = verify("good", &["--no-revocation", "--eku", "1.3.6.1.5.5.7.3.2"]);
    assert_eq!(code, Some(0));
    // The path root <- intermediate <- good has one intermediate.
    let (code, _) = verify("good", &["--no-revocation", "--max-depth", "1"]);
    assert_eq!(code, Some(0));
    let (code, v) = verify("good", &["--no-revocation", "--max-depth", "0"]);
    assert_eq!(code, Some(1));
    assert_eq!(v["valid"], false);
    // good.pem has no SAN, and the verifier does not fall back to the CN.
    let (code, v) = verify(
        "good",
        &["--no-revocation", "--peer-name", "DNS:good.client.test"],
    );
    assert_eq!(code, Some(1));
    assert!(first_error(&v).starts_with("NameMismatch"), "{v}");
}

#[test]
fn verify_bad_arguments_exit_2() {
    for extra in [
        vec!["--peer-name", "EMAIL:someone@client.test"],
        vec!["--peer-name", "good.client.test"],
        vec!["--peer-name", "IP:999.1.1.1"],
        vec!["--eku", "not-an-oid"],
        vec!["--at", "yesterday"],
        vec!["--crl", "tests/data/no-such.crl"],
        vec!["--max-depth", "-1"],
    ] {
        let (code, _) = verify("good", &extra);
        assert_eq!(code, Some(2), "{extra:?}");
    }
    let out = run(&[
        "verify",
        "tests/data/no-such.pem",
        "--ca-cert",
        &pki("root"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&[
        "verify",
        &pki("good"),
        "--ca-cert",
        "tests/data/containers/README.md",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn verify_leaf_file_with_chain() {
    // A PEM bundle: the first certificate is the leaf, the rest are offered as intermediates.
    let dir = std::env::temp_dir().join(format!("apim-cli-cert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bundle = dir.join("good-chain.pem");
    let mut text = std::fs::read_to_string(pki("good")).unwrap();
    text.push_str(&std::fs::read_to_string(pki("intermediate")).unwrap());
    std::fs::write(&bundle, text).unwrap();
    let root = pki("root");
    let out = run(&[
        "verify",
        bundle.to_str().unwrap(),
        "--ca-cert",
        &root,
        "--at",
        AT,
        "--no-revocation",
    ]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
