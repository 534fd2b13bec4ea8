//! APIM's `AsJwt()`/`TryParseJwt(out Jwt)` and `AsBasic()`/`TryParseBasic(out
//! BasicAuthCredentials)` string extensions, with every `Jwt` member (APIM "Policy expressions"
//! reference: `Jwt` and `BasicAuthCredentials`). Tokens are built here from base64url JSON;
//! time claims are Unix seconds (RFC 7519).

mod common;

use common::{run, run_form};

use apim_policy::expr::ExpressionForm;

/// Unpadded base64url (RFC 4648 §5), written out here rather than taken from the crate.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn token(header: &str, payload: &str) -> String {
    format!(
        "{}.{}.c2lnbmF0dXJl",
        base64url(header.as_bytes()),
        base64url(payload.as_bytes())
    )
}

fn full_token() -> String {
    token(
        r#"{"alg":"RS256","typ":"JWT","kid":"k1"}"#,
        r#"{"sub":"1234567890","name":"John Doe","iss":"https://issuer.example","aud":["api1","api2"],"jti":"id-1","iat":1516239022,"nbf":1516239022,"exp":1893456000,"roles":["admin","user"],"scope":"read write"}"#,
    )
}

fn check_token(token: &str, cases: &[(&str, &str)]) {
    for (member, expected) in cases {
        let expression = format!(r#""{token}".AsJwt(){member}"#);
        assert_eq!(
            run(&expression),
            Ok((*expected).to_owned()),
            "member: {member}"
        );
    }
}

#[test]
fn every_member() {
    check_token(
        &full_token(),
        &[
            (".Algorithm", "RS256"),
            (".Type", "JWT"),
            (".Subject", "1234567890"),
            (".Issuer", "https://issuer.example"),
            (".Id", "id-1"),
            (".Audiences.Count()", "2"),
            (".Audiences.First()", "api1"),
            (r#".Audiences.Contains("api2")"#, "True"),
            (
                r#".ExpirationTime.ToString("yyyy-MM-dd HH:mm:ss")"#,
                "2030-01-01 00:00:00",
            ),
            (
                r#".IssuedAt.ToString("yyyy-MM-dd HH:mm:ss")"#,
                "2018-01-18 01:30:22",
            ),
            (
                r#".NotBefore.ToString("yyyy-MM-dd HH:mm:ss")"#,
                "2018-01-18 01:30:22",
            ),
            (".ExpirationTime > DateTime.UtcNow.AddYears(-100)", "True"),
            (r#".Claims.GetValueOrDefault("roles", "")"#, "admin,user"),
            (r#".Claims.GetValueOrDefault("name", "")"#, "John Doe"),
            (r#".Claims.GetValueOrDefault("missing", "none")"#, "none"),
            (r#".Claims.GetValueOrDefault("scope")"#, "read write"),
            (r#".Claims["roles"][1]"#, "user"),
            (r#".Claims["roles"].Length"#, "2"),
            (r#".Claims["iat"][0]"#, "1516239022"),
            (r#".Claims.ContainsKey("sub")"#, "True"),
            (r#".Claims.ContainsKey("kid")"#, "False"),
            (".Claims.Count", "10"),
            (r#".Claims.Keys.Contains("aud")"#, "True"),
            (r#"?.Claims.GetValueOrDefault("sub", "")"#, "1234567890"),
        ],
    );
    let missing = format!(r#""{}".AsJwt().Claims["missing"]"#, full_token());
    assert_eq!(
        run(&missing),
        Err(
            "System.Collections.Generic.KeyNotFoundException: The given key 'missing' was not present in the dictionary."
                .to_owned()
        )
    );
}

#[test]
fn absent_claims_are_null() {
    let minimal = token(r#"{"alg":"none"}"#, r#"{"aud":"only"}"#);
    check_token(
        &minimal,
        &[
            (".Subject == null", "True"),
            (".Type == null", "True"),
            (".Issuer ?? \"none\"", "none"),
            (".ExpirationTime == null", "True"),
            (".IssuedAt == null", "True"),
            (".NotBefore == null", "True"),
            (".ExpirationTime < DateTime.UtcNow", "False"),
            // A single `aud` string is one audience.
            (".Audiences.Single()", "only"),
            (".Claims.Count", "1"),
        ],
    );
}

#[test]
fn malformed_tokens_give_null_and_false() {
    for bad in [
        "",
        "abc",
        "a.b",
        "a.b.c",
        "e30.e30",
        "e30.e30.sig.extra",
        "!!!.e30.sig",
        "W10.e30.sig",
    ] {
        let expression = format!(r#""{bad}".AsJwt() == null"#);
        assert_eq!(run(&expression), Ok("True".to_owned()), "{bad:?}");
        let expression = format!(r#""{bad}".TryParseJwt(out var jwt)"#);
        assert_eq!(run(&expression), Ok("False".to_owned()), "{bad:?}");
    }
    assert_eq!(run(r#""x".AsJwt()?.Subject"#), Ok(String::new()));
    // An empty JSON object is a valid (if empty) token.
    assert_eq!(run(r#""e30.e30.".AsJwt() != null"#), Ok("True".to_owned()));
}

#[test]
fn try_parse_jwt_and_declarations() {
    let t = full_token();
    let cases = [
        (
            format!(r#""{t}".TryParseJwt(out var jwt) ? jwt.Subject : "none""#),
            "1234567890",
        ),
        (
            format!(r#""{t}".TryParseJwt(out Jwt jwt) && jwt.Issuer.StartsWith("https")"#),
            "True",
        ),
        (format!(r#""Bearer {t}".AsJwt()?.Subject"#), "1234567890"),
        (format!(r#"((object)"{t}".AsJwt()) is Jwt"#), "True"),
        (format!(r#"((Jwt)(object)"{t}".AsJwt()).Id"#), "id-1"),
    ];
    for (expression, expected) in &cases {
        assert_eq!(
            run(expression),
            Ok((*expected).to_owned()),
            "expression: {expression}"
        );
    }
    assert_eq!(
        run_form(
            &format!(
                r#"Jwt jwt; if (!"{t}".TryParseJwt(out jwt)) {{ return "bad"; }} return jwt.Claims.GetValueOrDefault("roles", "");"#
            ),
            ExpressionForm::Block
        ),
        Ok("admin,user".to_owned())
    );
    let wrong = run(r#""x".TryParseJwt(out string s)"#);
    assert!(
        wrong.as_ref().is_err_and(|e| e.starts_with("load: ")
            && e.contains("cannot convert from 'out string' to 'out Jwt'")),
        "{wrong:?}"
    );
    let missing = run(r#""x".AsJwt().Signature"#);
    assert!(
        missing
            .as_ref()
            .is_err_and(|e| e.starts_with("load: ") && e.contains("Signature")),
        "{missing:?}"
    );
}

#[test]
fn basic_credentials() {
    let cases = [
        (r#""Basic dXNlcjpwYXNz".AsBasic().UserId"#, "user"),
        (r#""Basic dXNlcjpwYXNz".AsBasic().Password"#, "pass"),
        (r#""Bearer x".AsBasic() == null"#, "True"),
        (
            r#""Basic dXNlcjpwYXNz".TryParseBasic(out var c) ? c.Password : "none""#,
            "pass",
        ),
        (
            r#""Bearer x".TryParseBasic(out BasicAuthCredentials c) ? c.UserId : "none""#,
            "none",
        ),
        (r#""Basic !!!".TryParseBasic(out _)"#, "False"),
        (
            r#"((object)"Basic dXNlcjpwYXNz".AsBasic()) is BasicAuthCredentials"#,
            "True",
        ),
        (r#""x".AsBasic()?.UserId ?? "anonymous""#, "anonymous"),
    ];
    for (expression, expected) in cases {
        assert_eq!(run(expression), Ok(expected.to_owned()), "{expression}");
    }
    assert_eq!(
        run_form(
            r#"BasicAuthCredentials c = "Basic dXNlcjpwYXNz".AsBasic(); return c.UserId + ":" + c.Password;"#,
            ExpressionForm::Block
        ),
        Ok("user:pass".to_owned())
    );
}
