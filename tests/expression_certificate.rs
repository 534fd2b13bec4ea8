//! `context.Request.Certificate` members as policy expressions read them, with the values .NET
//! gives (dotnet-x509.md §2 and the §7 certificate tables, dotnet/runtime PropsTests).

mod common;

use std::sync::Arc;

use apim_policy::cert::certificate::Certificate;
use apim_policy::context::{Context, Deployment, EvaluationTime};
use apim_policy::expr::{ExpressionForm, ParseLimits, Program};
use common::*;

fn leaf() -> Arc<Certificate> {
    let bytes = std::fs::read(data("dotnet-x500/certs/contoso_leaf.pem")).unwrap();
    Arc::new(Certificate::load(&bytes).unwrap().remove(0))
}

fn ca() -> Arc<Certificate> {
    let bytes = std::fs::read(data("dotnet-x500/certs/contoso_ca.pem")).unwrap();
    Arc::new(Certificate::load(&bytes).unwrap().remove(0))
}

/// Evaluates `expression` with the §7 leaf as the client certificate (its CA uploaded) and
/// returns the value as .NET's `ToString()` gives it.
fn eval(expression: &str) -> String {
    let deployment = Deployment::builder()
        .root(ca())
        .certificate("ca", ca())
        .build()
        .unwrap();
    let context = Context::new(Arc::new(deployment))
        .with_client_certificate(Some(leaf()))
        .at(EvaluationTime::from_unix_seconds(AT));
    let program = Program::compile(expression, ExpressionForm::Single, &ParseLimits::default())
        .unwrap_or_else(|e| panic!("{expression}: {e}"));
    program
        .evaluate(&context)
        .unwrap_or_else(|e| panic!("{expression}: {e}"))
        .to_display_string()
}

#[test]
fn certificate_members_read_as_dotnet_shows_them() {
    let c = "context.Request.Certificate";
    let cases = [
        (
            "Subject",
            "E=alice@contoso.com, CN=client.contoso.com, OU=Eng, O=\"Contoso, Inc.\", L=Redmond, S=Washington, C=US",
        ),
        (
            "SubjectName.Name",
            "E=alice@contoso.com, CN=client.contoso.com, OU=Eng, O=\"Contoso, Inc.\", L=Redmond, S=Washington, C=US",
        ),
        ("Issuer", "CN=Contoso CA, O=Contoso, C=US"),
        ("IssuerName.Name", "CN=Contoso CA, O=Contoso, C=US"),
        ("Thumbprint", "3306143DD42D769A9845225A68262AFE3FE435A2"),
        ("SerialNumber", "0100"),
        ("GetSerialNumberString()", "0100"),
        ("Version", "3"),
        ("SignatureAlgorithm.Value", "1.2.840.10045.4.3.2"),
        ("SignatureAlgorithm.FriendlyName", "sha256ECDSA"),
        ("PublicKey.Oid.Value", "1.2.840.10045.2.1"),
        ("PublicKey.Oid.FriendlyName", "ECC"),
        ("GetKeyAlgorithm()", "1.2.840.10045.2.1"),
        ("GetKeyAlgorithmParametersString()", "06082A8648CE3D030107"),
        ("PublicKey.EncodedParameters.RawData.Length", "10"),
        ("PublicKey.EncodedKeyValue.RawData[0]", "4"),
        ("GetFormat()", "X509"),
        ("HasPrivateKey", "False"),
        ("FriendlyName", ""),
        (
            "GetCertHashString()",
            "3306143DD42D769A9845225A68262AFE3FE435A2",
        ),
        ("GetCertHash().Length", "20"),
        ("GetCertHash(HashAlgorithmName.SHA256).Length", "32"),
        (
            "GetNameInfo(X509NameType.SimpleName, false)",
            "client.contoso.com",
        ),
        (
            "GetNameInfo(X509NameType.DnsName, false)",
            "client.contoso.com",
        ),
        (
            "GetNameInfo(X509NameType.DnsFromAlternativeName, false)",
            "client.contoso.com",
        ),
        (
            "GetNameInfo(X509NameType.EmailName, false)",
            "alice@contoso.com",
        ),
        (
            "GetNameInfo(X509NameType.UpnName, false)",
            "alice@contoso.com",
        ),
        ("GetNameInfo(X509NameType.UrlName, false)", ""),
        ("GetNameInfo(X509NameType.SimpleName, true)", "Contoso CA"),
        ("Extensions.Count", "5"),
        ("Extensions[\"2.5.29.19\"].Critical", "True"),
        (
            "((X509BasicConstraintsExtension)Extensions[\"2.5.29.19\"]).CertificateAuthority",
            "False",
        ),
        (
            "((X509KeyUsageExtension)Extensions[\"2.5.29.15\"]).KeyUsages",
            "KeyEncipherment, DigitalSignature",
        ),
        (
            "((X509KeyUsageExtension)Extensions[\"2.5.29.15\"]).KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature)",
            "True",
        ),
        (
            "((X509KeyUsageExtension)Extensions[\"2.5.29.15\"]).KeyUsages == (X509KeyUsageFlags.KeyEncipherment)",
            "False",
        ),
        (
            "((X509EnhancedKeyUsageExtension)Extensions[\"2.5.29.37\"]).EnhancedKeyUsages[0].Value",
            "1.3.6.1.5.5.7.3.2",
        ),
        (
            "((X509EnhancedKeyUsageExtension)Extensions[\"2.5.29.37\"]).EnhancedKeyUsages.Count",
            "1",
        ),
        (
            "((X509SubjectKeyIdentifierExtension)Extensions[\"2.5.29.14\"]).SubjectKeyIdentifier",
            "0B6993F12D0755DF63A9622AFEE00AAC88CB69DB",
        ),
        ("Extensions[\"2.5.29.17\"].Oid.Value", "2.5.29.17"),
        ("Extensions[\"1.2.3.4\"] == null", "True"),
        ("Extensions[0].Oid.Value", "2.5.29.19"),
        ("NotAfter > context.Request.Certificate.NotBefore", "True"),
        ("Equals(context.Request.Certificate)", "True"),
        (
            "Equals(context.Deployment.Certificates.First().Value)",
            "False",
        ),
        ("VerifyNoRevocation()", "True"),
        ("Verify()", "False"),
    ];
    for (member, expected) in cases {
        let expression = if member.starts_with("((") {
            member.replace(")Extensions", &format!("){c}.Extensions"))
        } else {
            format!("{c}.{member}")
        };
        assert_eq!(eval(&expression), expected, "{expression}");
    }
    // ToString() of an X509Certificate2 is the short [Subject]...[Thumbprint] block.
    let text = eval(&format!("{c}.ToString()"));
    assert!(
        text.starts_with("[Subject]\n  E=alice@contoso.com"),
        "{text}"
    );
    assert!(
        text.contains("[Thumbprint]\n  3306143DD42D769A9845225A68262AFE3FE435A2"),
        "{text}"
    );
}

#[test]
fn typed_extension_casts_check_the_runtime_type() {
    let program = Program::compile(
        "((X509KeyUsageExtension)context.Request.Certificate.Extensions[\"2.5.29.19\"]).KeyUsages",
        ExpressionForm::Single,
        &ParseLimits::default(),
    )
    .unwrap();
    let deployment = Deployment::builder().root(ca()).build().unwrap();
    let context = Context::new(Arc::new(deployment)).with_client_certificate(Some(leaf()));
    let error = program.evaluate(&context).unwrap_err();
    assert_eq!(error.kind.type_name(), "System.InvalidCastException");
}

#[test]
fn only_name_is_allowed_on_distinguished_names() {
    for member in ["Decode", "RawData", "Format", "Oid"] {
        let text = format!("context.Request.Certificate.SubjectName.{member}");
        let error =
            Program::compile(&text, ExpressionForm::Single, &ParseLimits::default()).unwrap_err();
        assert!(
            error.message.contains("only 'Name'"),
            "{text}: {}",
            error.message
        );
    }
}
