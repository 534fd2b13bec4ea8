//! Policy fragments: `<include-fragment>` inserts the fragment's statements in place; the
//! fragment rules (`<fragment>` root, no sections, no `<base/>`, no nested fragments, 32 KB)
//! and unknown ids are load errors; errors inside a fragment carry its id and its own
//! line:column (spec §1.3, `policy-fragments.md`, `include-fragment-policy.md`).

use std::sync::Arc;

use apim_policy::context::{Context, Deployment};
use apim_policy::diagnostic::Position;
use apim_policy::policy::{LoadErrors, LoadOptions, Policy};
use apim_policy::runtime::{Gateway, Outcome};

fn context() -> Context {
    Context::new(Arc::new(Deployment::builder().build().unwrap()))
}

fn mark(marker: &str) -> String {
    format!(
        r#"<set-header name="X-Order" exists-action="append"><value>{marker}</value></set-header>"#
    )
}

fn load_with(fragments: &[(&str, &str)], text: &str) -> Result<Policy, LoadErrors> {
    let mut builder = Gateway::builder();
    for (id, fragment) in fragments {
        builder = builder.fragment(*id, fragment);
    }
    builder.build().unwrap().load(text)
}

fn pos(line: u32, column: u32) -> Position {
    Position { line, column }
}

#[test]
fn include_fragment_inserts_the_statements_in_place() {
    let fragment = format!(
        "<fragment>\n  {}\n  {}\n</fragment>",
        mark("f1"),
        mark("f2")
    );
    let text = format!(
        r#"<policies><inbound>{}<include-fragment fragment-id="markers" />{}</inbound>
           <outbound><include-fragment fragment-id="markers" /></outbound></policies>"#,
        mark("a"),
        mark("b")
    );
    let gateway = Gateway::builder()
        .fragment("markers", &fragment)
        .build()
        .unwrap();
    let policy = gateway.load(&text).unwrap();
    let mut ctx = context();
    assert!(matches!(
        gateway.evaluate(&policy, &mut ctx),
        Outcome::Forwarded
    ));
    assert_eq!(
        ctx.request().headers.get("X-Order").unwrap(),
        ["a", "f1", "f2", "b"]
    );
    // In outbound the same fragment acts on the response.
    assert_eq!(ctx.response().headers.get("X-Order").unwrap(), ["f1", "f2"]);
}

#[test]
fn a_return_response_in_a_fragment_ends_the_pipeline() {
    let fragment = r#"<fragment><choose><when condition="@(context.Request.Headers.ContainsKey("X-Stop"))"><return-response><set-status code="429" reason="Stop" /></return-response></when></choose></fragment>"#;
    let text = format!(
        r#"<policies><inbound><include-fragment fragment-id="stop" />{}</inbound></policies>"#,
        mark("after")
    );
    let policy = load_with(&[("stop", fragment)], &text).unwrap();
    let mut ctx = context();
    ctx.request_mut()
        .headers
        .set("X-Stop", vec!["1".to_owned()]);
    assert!(
        matches!(policy.evaluate(&mut ctx), Outcome::Returned { response } if response.status_code == 429)
    );
    assert!(!ctx.request().headers.contains("X-Order"));
}

fn errors(fragments: &[(&str, &str)], text: &str) -> Vec<(Option<String>, Position, String)> {
    load_with(fragments, text)
        .unwrap_err()
        .errors
        .into_iter()
        .map(|e| (e.fragment, e.position, e.message))
        .collect()
}

const INCLUDE: &str = r#"<policies>
  <inbound>
    <include-fragment fragment-id="f" />
  </inbound>
</policies>"#;

#[test]
fn fragment_rules_are_load_errors_in_the_fragment() {
    let cases: &[(&str, Position, &str)] = &[
        (
            "<fragment>\n  <inbound />\n</fragment>",
            pos(2, 4),
            "cannot contain <inbound>",
        ),
        (
            "<fragment>\n  <base />\n</fragment>",
            pos(2, 4),
            "cannot contain <base>",
        ),
        (
            "<fragment>\n\n    <include-fragment fragment-id=\"g\" />\n</fragment>",
            pos(3, 5),
            "cannot include another fragment",
        ),
        ("\n<policies />", pos(2, 1), "must be <fragment>"),
        (
            "<fragment>\n  <set-header name=\"x\" exists-action=\"sometimes\" />\n</fragment>",
            pos(2, 39),
            "exists-action must be",
        ),
        (
            "<fragment>\n  <forward-request />\n</fragment>",
            pos(2, 4),
            "not allowed in the inbound section",
        ),
    ];
    for (fragment, position, message) in cases {
        let found = errors(&[("f", fragment), ("g", "<fragment />")], INCLUDE);
        assert!(
            found
                .iter()
                .any(|(f, p, m)| f.as_deref() == Some("f") && p == position && m.contains(message)),
            "{fragment}: {found:?}"
        );
    }
}

#[test]
fn a_fragment_over_32_kb_is_refused() {
    let body = mark("x");
    let count = 32 * 1024 / body.len() + 1;
    let big = format!("<fragment>{}</fragment>", body.repeat(count));
    assert!(big.len() > 32 * 1024);
    let found = errors(&[("f", &big)], INCLUDE);
    assert!(
        found
            .iter()
            .any(|(f, _, m)| f.as_deref() == Some("f") && m.contains("32768")),
        "{found:?}"
    );
    // Just under the limit loads.
    let count = (32 * 1024 - "<fragment></fragment>".len()) / body.len();
    let fits = format!("<fragment>{}</fragment>", body.repeat(count));
    assert!(fits.len() <= 32 * 1024);
    load_with(&[("f", &fits)], INCLUDE).unwrap();
}

#[test]
fn an_unknown_fragment_id_is_a_load_error_in_the_policy() {
    let found = errors(&[], INCLUDE);
    assert_eq!(
        found,
        vec![(
            None,
            pos(3, 5),
            "the policy fragment 'f' is not defined".to_owned()
        )]
    );
    // fragment-id is required and takes no expressions.
    let found = errors(
        &[],
        "<policies><inbound><include-fragment /></inbound></policies>",
    );
    assert!(found.iter().any(|(_, p, m)| *p == pos(1, 20) && m.contains("requires the attribute 'fragment-id'")), "{found:?}");
    let found = errors(
        &[("f", "<fragment />")],
        r#"<policies><inbound><include-fragment fragment-id="@("f")" /></inbound></policies>"#,
    );
    assert!(
        found
            .iter()
            .any(|(_, p, m)| *p == pos(1, 51) && m.contains("not allowed")),
        "{found:?}"
    );
}

#[test]
fn an_expression_error_in_a_fragment_points_into_the_fragment() {
    let fragment = "<fragment>\n  <set-variable name=\"v\"\n     value=\"@(context.Request.Certificate.Thumbprnt)\" />\n</fragment>";
    let found = errors(&[("f", fragment)], INCLUDE);
    assert_eq!(found.len(), 1, "{found:?}");
    let (id, position, message) = &found[0];
    assert_eq!(id.as_deref(), Some("f"));
    // `Thumbprnt` starts at line 3, column 43.
    assert_eq!(*position, pos(3, 43), "{message}");
    assert!(message.contains("Thumbprnt"), "{message}");
    let text = load_with(&[("f", fragment)], INCLUDE)
        .unwrap_err()
        .to_string();
    assert!(text.starts_with("fragment 'f' 3:43: "), "{text}");
}

#[test]
fn a_runtime_error_in_a_fragment_names_the_policy_inside_it() {
    let fragment = r#"<fragment><set-header name="a" exists-action="override"><value>1</value></set-header><set-variable id="in-fragment" name="v" value="@(context.Request.Certificate.Subject)" /></fragment>"#;
    let text = r#"<policies><inbound><include-fragment fragment-id="f" /></inbound>
      <on-error><return-response><set-body>@(context.LastError.Source + "|" + context.LastError.PolicyId + "|" + context.LastError.Path)</set-body></return-response></on-error></policies>"#;
    let policy = load_with(&[("f", fragment)], text).unwrap();
    match policy.evaluate(&mut context()) {
        Outcome::Returned { response } => assert_eq!(
            response.body.unwrap().bytes(),
            b"set-variable|in-fragment|include-fragment[1]/set-variable[1]"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn check_fragment_checks_a_fragment_on_its_own() {
    let options = LoadOptions::default();
    // Any section's policies are fine in a standalone fragment.
    Policy::check_fragment(
        r#"<fragment><rewrite-uri template="/x" /><forward-request /><set-body>x</set-body></fragment>"#,
        &options,
    )
    .unwrap();
    let err = Policy::check_fragment("<fragment>\n<base /></fragment>", &options).unwrap_err();
    assert_eq!(err.errors[0].position, pos(2, 2));
    let err = Policy::check_fragment(
        "<fragment>\n  <include-fragment fragment-id=\"other\" /></fragment>",
        &options,
    )
    .unwrap_err();
    assert_eq!(err.errors[0].position, pos(2, 3));
    assert!(
        err.to_string().contains("cannot include another fragment"),
        "{err}"
    );
    let err = Policy::check_fragment("<fragment><nope /></fragment>", &options).unwrap_err();
    assert!(err.to_string().contains("unknown policy <nope>"), "{err}");
    let err = Policy::check_fragment("<policies />", &options).unwrap_err();
    assert!(err.to_string().contains("must be <fragment>"), "{err}");
}
