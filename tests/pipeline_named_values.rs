//! Named values: `{{name}}` replaced before parsing in attributes, element text and inside
//! expressions (also in fragments, and a named value holding an expression); a missing one is
//! a load error naming it at its line:column; later positions stay right after substitutions
//! of a different length (spec §7, `api-management-howto-properties.md`).

use std::sync::Arc;

use apim_policy::context::{Context, Deployment};
use apim_policy::diagnostic::Position;
use apim_policy::expr::Value;
use apim_policy::policy::LoadErrors;
use apim_policy::runtime::{Gateway, GatewayBuilder, Outcome};

fn context() -> Context {
    Context::new(Arc::new(Deployment::builder().build().unwrap()))
}

fn gateway() -> GatewayBuilder {
    Gateway::builder()
        .named_value("header-name", "X-Tenant")
        .named_value("tenant", "contoso")
        .named_value("flag", "true")
        .named_value("x", "a much longer value than the placeholder")
        .named_value("empty", "")
        .named_value("is-post", r#"@(context.Request.Method == "POST")"#)
}

fn errors(text: &str) -> LoadErrors {
    gateway().build().unwrap().load(text).unwrap_err()
}

#[test]
fn substitution_in_attributes_text_and_expressions() {
    let gateway = gateway().build().unwrap();
    let policy = gateway
        .load(
            r#"<policies><inbound>
  <set-header name="{{header-name}}" exists-action="override"><value>{{tenant}}</value></set-header>
  <set-variable name="upper" value="@("{{tenant}}".ToUpper())" />
  <set-variable name="flag" value="@({{flag}} && context.Request.Method == "GET")" />
  <set-variable name="empty" value="[{{empty}}]" />
  <choose><when condition="{{is-post}}"><set-variable name="post" value="yes" /></when></choose>
</inbound></policies>"#,
        )
        .unwrap();
    let mut ctx = context();
    assert!(matches!(
        gateway.evaluate(&policy, &mut ctx),
        Outcome::Forwarded
    ));
    assert_eq!(ctx.request().headers.get("X-Tenant").unwrap(), ["contoso"]);
    let var = |c: &Context, n: &str| c.variable(n).map(Value::to_display_string);
    assert_eq!(var(&ctx, "upper").as_deref(), Some("CONTOSO"));
    assert!(matches!(ctx.variable("flag"), Some(Value::Bool(true))));
    assert_eq!(var(&ctx, "empty").as_deref(), Some("[]"));
    assert_eq!(var(&ctx, "post"), None);
    let mut ctx = context();
    ctx.request_mut().method = "POST".to_owned();
    gateway.evaluate(&policy, &mut ctx);
    assert_eq!(var(&ctx, "post").as_deref(), Some("yes"));
}

#[test]
fn named_values_apply_in_fragments_and_parent_scopes() {
    let gateway = gateway()
        .fragment(
            "tenant-header",
            r#"<fragment><set-header name="X-From-Fragment" exists-action="override"><value>{{tenant}}</value></set-header></fragment>"#,
        )
        .scope_policy(
            apim_policy::runtime::Scope::Global,
            r#"<policies><inbound><set-header name="X-Global" exists-action="override"><value>{{tenant}}</value></set-header></inbound></policies>"#,
        )
        .build()
        .unwrap();
    let policy = gateway
        .load(r#"<policies><inbound><base /><include-fragment fragment-id="tenant-header" /></inbound></policies>"#)
        .unwrap();
    let mut ctx = context();
    gateway.evaluate(&policy, &mut ctx);
    assert_eq!(
        ctx.request().headers.get("X-From-Fragment").unwrap(),
        ["contoso"]
    );
    assert_eq!(ctx.request().headers.get("X-Global").unwrap(), ["contoso"]);
}

#[test]
fn a_missing_named_value_is_a_load_error_at_its_position() {
    let errs = errors(
        "<policies>\n  <inbound>\n    <set-header name=\"{{missing-name}}\" exists-action=\"override\"><value>{{tenant}}{{other}}</value></set-header>\n  </inbound>\n</policies>",
    );
    let found: Vec<(Position, String)> = errs
        .errors
        .iter()
        .map(|e| (e.position, e.message.clone()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                Position {
                    line: 3,
                    column: 23
                },
                "the named value 'missing-name' is not defined".to_owned()
            ),
            (
                Position {
                    line: 3,
                    column: 83
                },
                "the named value 'other' is not defined".to_owned()
            ),
        ]
    );
}

#[test]
fn positions_after_a_substitution_point_at_the_original_text() {
    // `{{x}}` (5 characters) becomes 40 characters; `{{empty}}` (9) becomes 0.
    let text = r#"<policies><inbound><set-header name="{{x}}" exists-action="override"><value>{{empty}}</value></set-header><set-variable name="v" value="@(context.Request.Certificate.Thumbprnt)" /></inbound></policies>"#;
    let errs = errors(text);
    assert_eq!(errs.errors.len(), 1, "{errs}");
    let expected = text.find("Thumbprnt").unwrap() + 1;
    assert_eq!(
        errs.errors[0].position,
        Position {
            line: 1,
            column: u32::try_from(expected).unwrap()
        },
        "{errs}"
    );
    assert_eq!(errs.errors[0].offset, expected - 1);

    // An unknown element after a substitution on an earlier line and the same line: the
    // error points at its name (column 58 of line 3 as written).
    let text = "<policies><inbound>\n<set-header name=\"{{x}}\" exists-action=\"override\" />\n<set-header name=\"{{empty}}\" exists-action=\"override\" /><bogus />\n</inbound></policies>";
    let errs = errors(text);
    assert_eq!(errs.errors.len(), 1, "{errs}");
    assert_eq!(
        errs.errors[0].position,
        Position {
            line: 3,
            column: 58
        }
    );
    assert!(errs.errors[0].message.contains("<bogus>"));
}

#[test]
fn an_error_inside_a_substituted_expression_points_at_the_placeholder() {
    let gateway = Gateway::builder()
        .named_value("bad", "@(context.Nope)")
        .build()
        .unwrap();
    let errs = gateway
        .load("<policies>\n <inbound><choose><when condition=\"{{bad}}\"><set-variable name=\"a\" value=\"b\" /></when></choose></inbound></policies>")
        .unwrap_err();
    assert_eq!(errs.errors.len(), 1, "{errs}");
    assert_eq!(
        errs.errors[0].position,
        Position {
            line: 2,
            column: 36
        }
    );
}
