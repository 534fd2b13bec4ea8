//! `System.Uri` instances in expressions: `new Uri(text)` and the parts .NET's `Uri` gives
//! (`Host`, `Scheme`, `Port`, `AbsolutePath`, `Query`, `PathAndQuery`, `AbsoluteUri`,
//! `ToString()`, ...). Expected values follow the `System.Uri` documentation: the host is
//! lower-cased, a default port is elided from `Authority` but reported by `Port`, `Query` keeps
//! its `?`, an empty path is `/`, dot segments are removed, `ToString()` shows `%20` as a space.

mod common;

use std::sync::Arc;

use apim_policy::context::{Context, Deployment};
use apim_policy::expr::ExpressionForm;

fn eval(text: &str) -> Result<String, String> {
    let context = Context::new(Arc::new(Deployment::new()));
    common::evaluate(text, ExpressionForm::Single, &context)
}

#[test]
fn parts_of_an_absolute_uri() {
    let simple = "new Uri(\"https://a.b/c?d=1\")";
    let full = "new System.Uri(\"http://Example.COM:8080/a/b%20c?x=1#frag\")";
    let cases = [
        (format!("{simple}.Host"), "a.b"),
        (format!("{simple}.Scheme"), "https"),
        (format!("{simple}.AbsolutePath"), "/c"),
        (format!("{simple}.Query"), "?d=1"),
        (format!("{simple}.PathAndQuery"), "/c?d=1"),
        (format!("{simple}.Port"), "443"),
        (format!("{simple}.IsDefaultPort"), "True"),
        (format!("{simple}.Authority"), "a.b"),
        (format!("{simple}.AbsoluteUri"), "https://a.b/c?d=1"),
        (format!("{simple}.ToString()"), "https://a.b/c?d=1"),
        (format!("{simple}.Fragment"), ""),
        (format!("{full}.Host"), "example.com"),
        (format!("{full}.Port"), "8080"),
        (format!("{full}.IsDefaultPort"), "False"),
        (format!("{full}.Authority"), "example.com:8080"),
        (format!("{full}.AbsolutePath"), "/a/b%20c"),
        (format!("{full}.Fragment"), "#frag"),
        (
            format!("{full}.AbsoluteUri"),
            "http://example.com:8080/a/b%20c?x=1#frag",
        ),
        (
            format!("{full}.ToString()"),
            "http://example.com:8080/a/b c?x=1#frag",
        ),
        (
            format!("{full}.OriginalString"),
            "http://Example.COM:8080/a/b%20c?x=1#frag",
        ),
        (format!("string.Join(\"|\", {full}.Segments)"), "/|a/|b%20c"),
        ("new Uri(\"https://a.b\").AbsolutePath".to_owned(), "/"),
        (
            "new Uri(\"https://a.b\").AbsoluteUri".to_owned(),
            "https://a.b/",
        ),
        (
            "new Uri(\"https://a.b/x/../y\").AbsolutePath".to_owned(),
            "/y",
        ),
        (
            "new Uri(\"https://user:pw@a.b/\").UserInfo".to_owned(),
            "user:pw",
        ),
        ("new Uri(\"https://a.b/\").IsAbsoluteUri".to_owned(), "True"),
    ];
    let mut failures = Vec::new();
    for (text, want) in &cases {
        let got = eval(text).unwrap_or_else(|e| e);
        if got != *want {
            failures.push(format!("{text}\n   want {want}\n    got {got}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn invalid_uris_throw_uri_format_exception() {
    assert_eq!(
        eval("new Uri(\"relative/path\").Host"),
        Err("System.UriFormatException: Invalid URI: The format of the URI could not be determined.".to_owned())
    );
    assert_eq!(
        eval("new Uri(\"\").Host"),
        Err("System.UriFormatException: Invalid URI: The URI is empty.".to_owned())
    );
    let context = Context::new(Arc::new(Deployment::new()));
    let caught = common::evaluate(
        "try { return new Uri(\"nope\").Host; } catch (FormatException e) { return e.Message; }",
        ExpressionForm::Block,
        &context,
    );
    assert_eq!(
        caught.as_deref(),
        Ok("Invalid URI: The format of the URI could not be determined.")
    );
}

#[test]
fn uri_as_a_declared_type() {
    let context = Context::new(Arc::new(Deployment::new()));
    let got = common::evaluate(
        "Uri u = new Uri(\"https://a.b:444/p\"); object o = u; return ((Uri)o).Port + \" \" + (o is Uri);",
        ExpressionForm::Block,
        &context,
    );
    assert_eq!(got.as_deref(), Ok("444 True"));
    assert!(
        eval("new Uri(\"https://a.b/\").Nope")
            .unwrap_err()
            .contains("'Uri' does not contain a definition for 'Nope'")
    );
}

/// `Uri ==` and `Uri.Equals` compare the URIs, not the references (.NET: "compares the
/// canonical forms", ignoring user info and fragment; host and scheme case-insensitive).
#[test]
fn uri_equality_is_by_value() {
    for (text, expected) in [
        (
            "new Uri(\"https://contoso.com/a?b=1\") == new Uri(\"https://contoso.com/a?b=1\")",
            "True",
        ),
        (
            "new Uri(\"https://CONTOSO.com/a\") == new Uri(\"HTTPS://contoso.com/a\")",
            "True",
        ),
        (
            "new Uri(\"https://contoso.com/a#x\") == new Uri(\"https://contoso.com/a#y\")",
            "True",
        ),
        (
            "new Uri(\"https://user@contoso.com/a\") == new Uri(\"https://contoso.com/a\")",
            "True",
        ),
        (
            "new Uri(\"https://contoso.com/a\") != new Uri(\"https://contoso.com/b\")",
            "True",
        ),
        ("new Uri(\"https://contoso.com/a\") == null", "False"),
        (
            "new Uri(\"https://contoso.com/a\").Equals(new Uri(\"https://contoso.com/a\"))",
            "True",
        ),
        (
            "new Uri(\"https://contoso.com/a\").GetType().FullName",
            "System.Uri",
        ),
    ] {
        assert_eq!(eval(text), Ok(expected.to_owned()), "expression: {text}");
    }
}
