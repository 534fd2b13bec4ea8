//! Scopes: `<base/>` replaced by the parent scope's same section where it stands (start,
//! middle, end, inside `choose`), four scopes deep, `<base/>` in the global policy doing
//! nothing, and `context.LastError.Scope` naming the scope whose policy failed (spec §1.2).

use std::sync::Arc;

use apim_policy::context::{Context, Deployment};
use apim_policy::expr::Value;
use apim_policy::runtime::{Gateway, Outcome, Scope};

fn context() -> Context {
    Context::new(Arc::new(Deployment::builder().build().unwrap()))
}

/// `set-header X-Order exists-action="append"` with `marker`.
fn mark(marker: &str) -> String {
    format!(
        r#"<set-header name="X-Order" exists-action="append"><value>{marker}</value></set-header>"#
    )
}

/// `set-variable order` = previous value + `marker` + `;`.
fn concat(marker: &str) -> String {
    format!(
        r#"<set-variable name="order" value="@((string)context.Variables.GetValueOrDefault<string>("order", "") + "{marker};")" />"#
    )
}

fn policy(inbound: &str, outbound: &str) -> String {
    format!(
        "<policies><inbound>{inbound}</inbound><backend /><outbound>{outbound}</outbound><on-error /></policies>"
    )
}

#[test]
fn base_substitutes_the_parent_section_where_it_stands_four_scopes_deep() {
    let global = policy(
        &format!("<base />{}", mark("global")),
        &format!("{}<base />", concat("global")),
    );
    let product = policy(
        &format!(
            "{}<base />{}",
            mark("product-before"),
            mark("product-after")
        ),
        &format!("<base />{}", concat("product")),
    );
    let api = policy(
        &format!("<base />{}", mark("api")),
        &format!("{}<base />", concat("api")),
    );
    let operation = policy(
        &format!("{}<base />{}", mark("op-before"), mark("op-after")),
        &format!("{}<base />", concat("operation")),
    );
    let gateway = Gateway::builder()
        .scope_policy(Scope::Global, global)
        .scope_policy(Scope::Product, product)
        .scope_policy(Scope::Api, api)
        .build()
        .unwrap();
    let operation = gateway.load(&operation).unwrap();
    let mut ctx = context();
    assert!(matches!(
        gateway.evaluate(&operation, &mut ctx),
        Outcome::Forwarded
    ));
    assert_eq!(
        ctx.request().headers.get("X-Order").unwrap(),
        [
            "op-before",
            "product-before",
            "global",
            "product-after",
            "api",
            "op-after"
        ]
    );
    assert_eq!(
        ctx.variable("order")
            .map(Value::to_display_string)
            .as_deref(),
        Some("operation;api;global;product;")
    );
}

#[test]
fn without_base_the_parent_section_does_not_run() {
    let gateway = Gateway::builder()
        .scope_policy(Scope::Global, policy(&mark("global"), ""))
        .scope_policy(Scope::Api, policy(&format!("<base />{}", mark("api")), ""))
        .build()
        .unwrap();
    let operation = gateway.load(&policy(&mark("op"), "")).unwrap();
    let mut ctx = context();
    gateway.evaluate(&operation, &mut ctx);
    assert_eq!(ctx.request().headers.get("X-Order").unwrap(), ["op"]);
}

#[test]
fn base_in_a_global_policy_does_nothing() {
    let gateway = Gateway::builder()
        .scope_policy(
            Scope::Global,
            policy(&format!("<base />{}<base />", mark("global")), ""),
        )
        .build()
        .unwrap();
    let operation = gateway
        .load(&policy(&format!("<base />{}", mark("op")), ""))
        .unwrap();
    let mut ctx = context();
    gateway.evaluate(&operation, &mut ctx);
    assert_eq!(
        ctx.request().headers.get("X-Order").unwrap(),
        ["global", "op"]
    );

    // A lone policy has no parent either.
    let lone =
        apim_policy::policy::Policy::load(&policy(&format!("<base />{}<base />", mark("x")), ""))
            .unwrap();
    let mut ctx = context();
    assert!(matches!(lone.evaluate(&mut ctx), Outcome::Forwarded));
    assert_eq!(ctx.request().headers.get("X-Order").unwrap(), ["x"]);
}

#[test]
fn base_inside_choose_and_a_parent_return_response() {
    let gateway = Gateway::builder()
        .scope_policy(
            Scope::Api,
            policy(
                &format!(
                    r#"{}<return-response><set-status code="403" reason="From api" /></return-response>"#,
                    mark("api")
                ),
                "",
            ),
        )
        .build()
        .unwrap();
    let operation = gateway
        .load(&policy(
            &format!(
                r#"<choose><when condition="@(context.Request.Method == "POST")"><base /></when></choose>{}"#,
                mark("op")
            ),
            "",
        ))
        .unwrap();
    let mut ctx = context();
    assert!(matches!(
        gateway.evaluate(&operation, &mut ctx),
        Outcome::Forwarded
    ));
    assert_eq!(ctx.request().headers.get("X-Order").unwrap(), ["op"]);

    let mut ctx = context();
    ctx.request_mut().method = "POST".to_owned();
    match gateway.evaluate(&operation, &mut ctx) {
        // The parent's return-response ends the whole pipeline, the operation's rest too.
        Outcome::Returned { response } => assert_eq!(response.status_reason, "From api"),
        other => panic!("{other:?}"),
    }
    assert_eq!(ctx.request().headers.get("X-Order").unwrap(), ["api"]);
}

const THROWS: &str =
    r#"<set-variable name="boom" value="@(context.Request.Certificate.Thumbprint)" />"#;

fn scope_of_error(scopes: &[(Scope, &str)], operation_inbound: &str) -> Option<String> {
    let mut builder = Gateway::builder();
    for (scope, inbound) in scopes {
        builder = builder.scope_policy(
            *scope,
            format!(
                "<policies><inbound>{inbound}</inbound><on-error><base /></on-error></policies>"
            ),
        );
    }
    let gateway = builder.build().unwrap();
    let operation = gateway
        .load(&format!(
            r#"<policies><inbound>{operation_inbound}</inbound><on-error>
                 <return-response><set-status code="500" reason="x" /><set-body>@(context.LastError.Scope)</set-body></return-response>
               </on-error></policies>"#
        ))
        .unwrap();
    match gateway.evaluate(&operation, &mut context()) {
        Outcome::Returned { response } => {
            Some(String::from_utf8(response.body.unwrap().bytes().to_vec()).unwrap())
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn last_error_scope_names_the_failing_scope() {
    // The failing scope throws; narrower scopes reach it through `<base />`; broader ones are
    // never reached.
    let chain = |failing: Scope| -> Vec<(Scope, &'static str)> {
        [Scope::Global, Scope::Workspace, Scope::Product, Scope::Api]
            .into_iter()
            .map(|s| {
                let inbound = match s.cmp(&failing) {
                    std::cmp::Ordering::Less => "",
                    std::cmp::Ordering::Equal => THROWS,
                    std::cmp::Ordering::Greater => "<base />",
                };
                (s, inbound)
            })
            .collect()
    };
    for (failing, name) in [
        (Scope::Global, "global"),
        (Scope::Workspace, "workspace"),
        (Scope::Product, "product"),
        (Scope::Api, "api"),
    ] {
        assert_eq!(
            scope_of_error(&chain(failing), "<base />").as_deref(),
            Some(name),
            "{failing:?}"
        );
    }
    assert_eq!(
        scope_of_error(&chain(Scope::Operation), THROWS).as_deref(),
        Some("operation")
    );
    // An operation policy run through a gateway without parent scopes is still at operation scope.
    assert_eq!(scope_of_error(&[], THROWS).as_deref(), Some("operation"));
}

#[test]
fn on_error_base_runs_the_parent_on_error() {
    let gateway = Gateway::builder()
        .scope_policy(
            Scope::Global,
            r#"<policies><on-error><return-response><set-status code="502" reason="Global handler" />
                 <set-header name="X-Error-Section" exists-action="override"><value>@(context.LastError.Section)</value></set-header>
               </return-response></on-error></policies>"#,
        )
        .build()
        .unwrap();
    let operation = gateway
        .load(&format!(
            r#"<policies><outbound>{THROWS}</outbound><on-error><set-header name="X-Op" exists-action="override"><value>1</value></set-header><base /></on-error></policies>"#
        ))
        .unwrap();
    match gateway.evaluate(&operation, &mut context()) {
        Outcome::Returned { response } => {
            assert_eq!(response.status_code, 502);
            assert_eq!(
                response.headers.get("X-Error-Section").unwrap(),
                ["outbound"]
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_parent_scope_that_fails_to_load_is_reported_with_its_scope() {
    let err = Gateway::builder()
        .scope_policy(
            Scope::Global,
            "<policies><inbound><base /></inbound></policies>",
        )
        .scope_policy(
            Scope::Product,
            "<policies><inbound><nonsense /></inbound></policies>",
        )
        .build()
        .unwrap_err();
    assert_eq!(err.0, Scope::Product);
    assert!(
        err.1.to_string().contains("unknown policy <nonsense>"),
        "{}",
        err.1
    );
}
