//! LINQ in expressions over the sequences policies meet (header values, JSON arrays, uploaded
//! certificates, LINQ results), with Enumerable's semantics and exceptions.

mod common;

use std::sync::Arc;

use apim_policy::context::{Body, Context, Deployment, Headers, Request};
use apim_policy::expr::{ExpressionForm, ParseLimits, Program};
use common::*;

fn eval(expression: &str) -> Result<String, String> {
    let program = Program::compile(expression, ExpressionForm::Single, &ParseLimits::default())
        .map_err(|e| format!("load: {}", e.message))?;
    let request = Request {
        headers: [
            ("Accept", "b"),
            ("Accept", "a"),
            ("Accept", "c"),
            ("Accept", "a"),
        ]
        .into_iter()
        .collect::<Headers>(),
        body: Some(Body::new(
            br#"{"items":[{"n":3},{"n":1},{"n":2}],"tags":["x","y"]}"#.to_vec(),
        )),
        ..Request::default()
    };
    let deployment = Deployment::builder()
        .certificate("first", cert("good"))
        .certificate("second", cert("expired"))
        .build()
        .unwrap();
    let context = Context::new(Arc::new(deployment))
        .with_request(request)
        .with_client_certificate(Some(cert("expired")));
    program
        .evaluate(&context)
        .map(|v| v.to_display_string())
        .map_err(|e| format!("{}: {}", e.kind.type_name(), e.message))
}

#[test]
fn linq_gives_enumerable_results() {
    let accept = "context.Request.Headers[\"Accept\"]";
    let items = "context.Request.Body.As<JObject>(true)[\"items\"]";
    let certs = "context.Deployment.Certificates";
    let cases = [
        (format!("{accept}.Any()"), "True"),
        (format!("{accept}.Any(a => a == \"c\")"), "True"),
        (format!("{accept}.All(a => a.Length == 1)"), "True"),
        (format!("{accept}.Count()"), "4"),
        (format!("{accept}.Count(a => a == \"a\")"), "2"),
        (format!("{accept}.First()"), "b"),
        (format!("{accept}.Last()"), "a"),
        (
            format!("{accept}.FirstOrDefault(a => a == \"z\") == null"),
            "True",
        ),
        (format!("{accept}.Contains(\"c\")"), "True"),
        (format!("{accept}.Distinct().Count()"), "3"),
        (format!("{accept}.Where(a => a != \"a\").Count()"), "2"),
        (format!("{accept}.OrderBy(a => a).First()"), "a"),
        (format!("{accept}.OrderByDescending(a => a).First()"), "c"),
        (format!("{accept}.Skip(1).Take(2).Last()"), "c"),
        (format!("{accept}.ElementAt(2)"), "c"),
        (format!("{accept}.Select(a => a.Length).Sum()"), "4"),
        (format!("{accept}.Max()"), "c"),
        (format!("{items}.Count()"), "3"),
        (
            format!("{items}.Select(i => i.Value<int>(\"n\")).Max()"),
            "3",
        ),
        (
            format!("{items}.OrderBy(i => i.Value<int>(\"n\")).First().Value<int>(\"n\")"),
            "1",
        ),
        (
            format!("{items}.Any(i => i.Value<int>(\"n\") == 2)"),
            "True",
        ),
        (
            format!(
                "{certs}.Any(c => c.Value.Thumbprint == context.Request.Certificate.Thumbprint)"
            ),
            "True",
        ),
        (
            format!(
                "{certs}.First(c => c.Value.Thumbprint == context.Request.Certificate.Thumbprint).Key"
            ),
            "second",
        ),
        (format!("{certs}.Select(c => c.Key).Last()"), "second"),
        (
            format!("{certs}.Where(c => c.Key.StartsWith(\"f\")).Count()"),
            "1",
        ),
        ("\"hello\".Count(ch => ch == 'l')".to_owned(), "2"),
    ];
    for (expression, expected) in cases {
        assert_eq!(eval(&expression).as_deref(), Ok(expected), "{expression}");
    }
}

#[test]
fn linq_throws_as_enumerable_does() {
    let accept = "context.Request.Headers[\"Accept\"]";
    let cases = [
        (
            format!("{accept}.First(a => a == \"z\")"),
            "Sequence contains no matching element",
        ),
        (
            format!("{accept}.Where(a => a == \"z\").First()"),
            "Sequence contains no elements",
        ),
        (
            format!("{accept}.Single()"),
            "Sequence contains more than one element",
        ),
        (
            format!("{accept}.Where(a => a == \"z\").Max()"),
            "Sequence contains no elements",
        ),
        (format!("{accept}.ElementAt(9)"), "Index was out of range"),
    ];
    for (expression, message) in cases {
        let error = eval(&expression).unwrap_err();
        assert!(error.contains(message), "{expression}: {error}");
    }
    for (expression, message) in [
        (
            format!("{accept}.Where(a => a.Length)"),
            "Cannot implicitly convert type 'int' to 'bool'",
        ),
        (
            format!("{accept}.Contains(1)"),
            "cannot convert from 'int' to 'string'",
        ),
        (format!("{accept}.Any"), "is a method"),
    ] {
        let error = eval(&expression).unwrap_err();
        assert!(error.contains(message), "{expression}: {error}");
    }
}

#[test]
fn nested_linq_hits_the_evaluation_budget() {
    let s = format!("\"{}\"", "x".repeat(100));
    let expression = format!("{s}.Any(a => {s}.Any(b => {s}.Any(c => c == 'y')))");
    let error = eval(&expression).unwrap_err();
    assert!(
        error.contains("limit of 100000 loop iterations and lambda calls"),
        "{error}"
    );
    // Within the budget the same shape answers.
    let small = "\"xy\".Any(a => \"xy\".Any(b => b == 'y'))";
    assert_eq!(eval(small).as_deref(), Ok("True"));
}
