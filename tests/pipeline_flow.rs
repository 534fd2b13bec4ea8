//! The pipeline's flow: inbound → backend → outbound, `return-response` ending it (and the
//! `outbound_after_return_response` option), errors jumping to `on-error` with
//! `context.LastError`, the gateway's error response without `on-error`, and the backend
//! response the host supplies (spec `apim-policies.md` §1.4, §1.5).

use std::sync::Arc;

use apim_policy::context::{Context, Deployment, Headers, Response};
use apim_policy::expr::Value;
use apim_policy::policy::Policy;
use apim_policy::runtime::{Gateway, Outcome};

fn context() -> Context {
    Context::new(Arc::new(Deployment::builder().build().unwrap()))
}

fn load(text: &str) -> Policy {
    Policy::load(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn var(context: &Context, name: &str) -> Option<String> {
    context.variable(name).map(Value::to_display_string)
}

/// An expression that throws at run time: no client certificate, so `.Thumbprint` on null.
const THROWS: &str = "@(context.Request.Certificate.Thumbprint)";

#[test]
fn return_response_in_inbound_ends_the_pipeline() {
    let policy = load(
        r#"<policies>
  <inbound>
    <set-variable name="before" value="yes" />
    <return-response><set-status code="202" reason="Accepted" /><set-body>done</set-body></return-response>
    <set-variable name="after" value="yes" />
  </inbound>
  <backend><set-variable name="backend" value="yes" /></backend>
  <outbound><set-variable name="outbound" value="yes" /></outbound>
  <on-error><set-variable name="on-error" value="yes" /></on-error>
</policies>"#,
    );
    let mut ctx = context();
    match policy.evaluate(&mut ctx) {
        Outcome::Returned { response } => {
            assert_eq!(response.status_code, 202);
            assert_eq!(response.status_reason, "Accepted");
            assert_eq!(response.body.unwrap().bytes(), b"done");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(var(&ctx, "before").as_deref(), Some("yes"));
    for skipped in ["after", "backend", "outbound", "on-error"] {
        assert_eq!(var(&ctx, skipped), None, "{skipped} ran");
    }
    assert!(ctx.last_error().is_none());
}

#[test]
fn return_response_defaults_to_an_empty_200() {
    let policy = load("<policies><inbound><return-response /></inbound></policies>");
    match policy.evaluate(&mut context()) {
        Outcome::Returned { response } => {
            assert_eq!(response.status_code, 200);
            assert_eq!(response.status_reason, "OK");
            assert!(response.headers.is_empty());
            assert!(response.body.is_none());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn return_response_in_backend_skips_outbound() {
    let policy = load(
        r#"<policies><backend><return-response><set-status code="204" reason="No Content" /></return-response></backend>
           <outbound><set-variable name="outbound" value="yes" /></outbound></policies>"#,
    );
    let mut ctx = context();
    assert!(
        matches!(policy.evaluate(&mut ctx), Outcome::Returned { response } if response.status_code == 204)
    );
    assert_eq!(var(&ctx, "outbound"), None);
}

#[test]
fn outbound_runs_after_return_response_when_configured() {
    let text = r#"<policies>
  <inbound><return-response><set-status code="401" reason="Unauthorized" /><set-header name="X-From" exists-action="override"><value>inbound</value></set-header></return-response></inbound>
  <outbound>
    <set-variable name="seen-status" value="@(context.Response.StatusCode)" />
    <set-header name="X-From" exists-action="append"><value>outbound</value></set-header>
  </outbound>
</policies>"#;
    let gateway = Gateway::builder()
        .outbound_after_return_response(true)
        .build()
        .unwrap();
    let policy = gateway.load(text).unwrap();
    let mut ctx = context();
    match gateway.evaluate(&policy, &mut ctx) {
        Outcome::Returned { response } => {
            assert_eq!(response.status_code, 401);
            assert_eq!(
                response.headers.get("X-From").unwrap(),
                ["inbound", "outbound"]
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(var(&ctx, "seen-status").as_deref(), Some("401"));

    // Off (the default): the same policy skips outbound.
    let gateway = Gateway::builder().build().unwrap();
    let policy = gateway.load(text).unwrap();
    let mut ctx = context();
    match gateway.evaluate(&policy, &mut ctx) {
        Outcome::Returned { response } => {
            assert_eq!(response.headers.get("X-From").unwrap(), ["inbound"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(var(&ctx, "seen-status"), None);
}

fn on_error_answers(section: &str) {
    let before = if section == "inbound" {
        ""
    } else {
        r#"<inbound><set-variable name="inbound" value="ran" /></inbound>"#
    };
    let after = if section == "outbound" {
        ""
    } else {
        r#"<outbound><set-variable name="outbound-after" value="ran" /></outbound>"#
    };
    let text = format!(
        r#"<policies>
  {before}
  <{section}>
    <set-header name="X-Boom" exists-action="override"><value>{THROWS}</value></set-header>
    <set-variable name="rest-of-section" value="ran" />
  </{section}>
  {after}
  <on-error>
    <return-response>
      <set-status code="599" reason="Handled" />
      <set-header name="X-Section" exists-action="override"><value>@(context.LastError.Section)</value></set-header>
      <set-body>@(context.LastError.Source + "|" + context.LastError.Reason)</set-body>
    </return-response>
  </on-error>
</policies>"#
    );
    let policy = load(&text);
    let mut ctx = context();
    match policy.evaluate(&mut ctx) {
        Outcome::Returned { response } => {
            assert_eq!(response.status_code, 599, "{section}");
            assert_eq!(response.headers.get("X-Section").unwrap(), [section]);
            assert_eq!(
                response.body.unwrap().bytes(),
                b"set-header|ExpressionValueEvaluationFailure"
            );
        }
        other => panic!("{section}: {other:?}"),
    }
    if section != "inbound" {
        assert_eq!(var(&ctx, "inbound").as_deref(), Some("ran"));
    }
    assert_eq!(var(&ctx, "rest-of-section"), None, "{section}");
    if section != "outbound" {
        assert_eq!(var(&ctx, "outbound-after"), None, "{section}");
    }
}

#[test]
fn an_expression_error_jumps_to_on_error_from_every_section() {
    for section in ["inbound", "backend", "outbound"] {
        on_error_answers(section);
    }
}

#[test]
fn an_error_inside_on_error_gives_the_gateway_error_response() {
    let policy = load(&format!(
        r#"<policies>
  <inbound><set-header name="X" exists-action="override"><value>{THROWS}</value></set-header></inbound>
  <on-error>
    <set-variable name="first" value="ran" />
    <set-variable name="second" value="{THROWS}" />
    <return-response><set-status code="200" reason="OK" /></return-response>
  </on-error>
</policies>"#
    ));
    let mut ctx = context();
    match policy.evaluate(&mut ctx) {
        Outcome::Error { status, error } => {
            assert_eq!(status, 500);
            assert_eq!(error.source, "set-variable");
            assert_eq!(error.section.as_deref(), Some("on-error"));
            assert_eq!(error.path.as_deref(), Some("set-variable[2]"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(var(&ctx, "first").as_deref(), Some("ran"));
    assert_eq!(
        ctx.last_error().unwrap().section.as_deref(),
        Some("on-error")
    );
}

#[test]
fn without_on_error_the_caller_gets_the_policy_status() {
    let cases = [
        (
            format!(r#"<set-variable name="x" value="{THROWS}" />"#),
            500,
            "set-variable",
            "ExpressionValueEvaluationFailure",
        ),
        (
            "<validate-client-certificate />".to_owned(),
            401,
            "validate-client-certificate",
            "ClientCertificateNotFound",
        ),
        (
            r#"<check-header name="X-Key" failed-check-httpcode="418" failed-check-error-message="no key" ignore-case="false" />"#.to_owned(),
            418,
            "check-header",
            "HeaderNotFound",
        ),
        (
            r#"<ip-filter action="allow"><address>10.0.0.1</address></ip-filter>"#.to_owned(),
            403,
            "ip-filter",
            "CallerIpNotAllowed",
        ),
    ];
    for (statement, expected, source, reason) in cases {
        let policy = load(&format!(
            "<policies><inbound>{statement}<set-variable name=\"after\" value=\"ran\" /></inbound></policies>"
        ));
        let mut ctx = context();
        ctx.request_mut().ip_address = "10.0.0.2".to_owned();
        match policy.evaluate(&mut ctx) {
            Outcome::Error { status, error } => {
                assert_eq!(status, expected, "{statement}");
                assert_eq!(error.source, source);
                assert_eq!(error.reason.as_deref(), Some(reason));
                assert_eq!(error.section.as_deref(), Some("inbound"));
            }
            other => panic!("{statement}: {other:?}"),
        }
        assert_eq!(var(&ctx, "after"), None);
        assert_eq!(ctx.last_error().unwrap().source, source);
    }
}

#[test]
fn last_error_describes_an_error_inside_nested_choose() {
    let policy = load(&format!(
        r#"<policies>
  <inbound>
    <choose><when condition="true"><set-variable name="first-choose" value="ran" /></when></choose>
    <choose id="outer">
      <when condition="false"><set-variable name="no" value="no" /></when>
      <when condition="@(context.Request.Method == "GET")">
        <set-header name="X-Fine" exists-action="override"><value>fine</value></set-header>
        <choose>
          <when condition="@(true)">
            <set-header name="X-A" exists-action="override"><value>a</value></set-header>
            <set-header id="the-culprit" name="X-B" exists-action="override"><value>{THROWS}</value></set-header>
          </when>
        </choose>
      </when>
    </choose>
  </inbound>
  <on-error>
    <set-variable name="source" value="@(context.LastError.Source)" />
    <set-variable name="reason" value="@(context.LastError.Reason)" />
    <set-variable name="message" value="@(context.LastError.Message)" />
    <set-variable name="section" value="@(context.LastError.Section)" />
    <set-variable name="path" value="@(context.LastError.Path)" />
    <set-variable name="policy-id" value="@(context.LastError.PolicyId)" />
    <set-variable name="status" value="@(context.Response.StatusCode)" />
  </on-error>
</policies>"#
    ));
    let mut ctx = context();
    let outcome = policy.evaluate(&mut ctx);
    assert!(
        matches!(outcome, Outcome::Error { status: 500, .. }),
        "{outcome:?}"
    );
    assert_eq!(var(&ctx, "source").as_deref(), Some("set-header"));
    assert_eq!(
        var(&ctx, "reason").as_deref(),
        Some("ExpressionValueEvaluationFailure")
    );
    let message = var(&ctx, "message").unwrap();
    assert!(
        message.starts_with("Expression evaluation failed."),
        "{message}"
    );
    assert!(message.contains("Object reference not set"), "{message}");
    assert_eq!(var(&ctx, "section").as_deref(), Some("inbound"));
    assert_eq!(
        var(&ctx, "path").as_deref(),
        Some("choose[2]/when[2]/choose[1]/when[1]/set-header[2]")
    );
    assert_eq!(var(&ctx, "policy-id").as_deref(), Some("the-culprit"));
    // on-error sees the error status in context.Response.
    assert_eq!(var(&ctx, "status").as_deref(), Some("500"));
    assert_eq!(ctx.request().headers.get("X-A").unwrap(), ["a"]);
}

#[test]
fn set_status_in_on_error_sets_the_error_status() {
    let policy = load(&format!(
        r#"<policies>
  <inbound><set-variable name="x" value="{THROWS}" /></inbound>
  <on-error>
    <set-status code="503" reason="Service Unavailable" />
    <set-header name="Retry-After" exists-action="override"><value>10</value></set-header>
  </on-error>
</policies>"#
    ));
    let mut ctx = context();
    match policy.evaluate(&mut ctx) {
        Outcome::Error { status, error } => {
            assert_eq!(status, 503);
            assert_eq!(error.source, "set-variable");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(ctx.response().status_code, 503);
    assert_eq!(ctx.response().status_reason, "Service Unavailable");
    assert_eq!(ctx.response().headers.get("Retry-After").unwrap(), ["10"]);
}

#[test]
fn outbound_sees_the_backend_response() {
    let policy = load(
        r#"<policies>
  <outbound>
    <set-variable name="status" value="@(context.Response.StatusCode)" />
    <set-variable name="reason" value="@(context.Response.StatusReason)" />
    <set-variable name="server" value="@(context.Response.Headers.GetValueOrDefault("Server", "none"))" />
    <set-header name="X-Powered-By" exists-action="delete" />
    <set-header name="X-Gateway" exists-action="override"><value>apim</value></set-header>
  </outbound>
</policies>"#,
    );
    let backend = Response {
        status_code: 404,
        status_reason: "Not Found".to_owned(),
        headers: [("Server", "kestrel"), ("X-Powered-By", "aspnet")]
            .into_iter()
            .collect::<Headers>(),
        body: None,
    };
    let mut ctx = context().with_backend_response(backend);
    assert!(matches!(policy.evaluate(&mut ctx), Outcome::Forwarded));
    assert_eq!(var(&ctx, "status").as_deref(), Some("404"));
    assert_eq!(var(&ctx, "reason").as_deref(), Some("Not Found"));
    assert_eq!(var(&ctx, "server").as_deref(), Some("kestrel"));
    let response = ctx.response();
    assert_eq!(response.status_code, 404);
    assert!(!response.headers.contains("X-Powered-By"));
    assert_eq!(response.headers.get("Server").unwrap(), ["kestrel"]);
    assert_eq!(response.headers.get("X-Gateway").unwrap(), ["apim"]);
}

#[test]
fn without_a_backend_response_outbound_sees_an_empty_200() {
    let policy = load(
        r#"<policies><outbound>
    <set-variable name="status" value="@(context.Response.StatusCode)" />
    <set-variable name="headers" value="@(context.Response.Headers.Count)" />
  </outbound></policies>"#,
    );
    let mut ctx = context();
    assert!(matches!(policy.evaluate(&mut ctx), Outcome::Forwarded));
    assert_eq!(var(&ctx, "status").as_deref(), Some("200"));
    assert_eq!(var(&ctx, "headers").as_deref(), Some("0"));
    assert!(ctx.response().body.is_none());
}

#[test]
fn a_return_response_in_outbound_replaces_the_backend_response() {
    let policy = load(
        r#"<policies><outbound><return-response><set-status code="502" reason="Bad Gateway" /></return-response>
           <set-variable name="after" value="ran" /></outbound></policies>"#,
    );
    let mut ctx = context().with_backend_response(Response::with_status(200));
    match policy.evaluate(&mut ctx) {
        Outcome::Returned { response } => assert_eq!(response.status_code, 502),
        other => panic!("{other:?}"),
    }
    assert_eq!(var(&ctx, "after"), None);
}

#[test]
fn an_ignored_validation_failure_goes_on() {
    let policy = load(
        r#"<policies><inbound><validate-client-certificate ignore-error="true" /><set-variable name="after" value="ran" /></inbound></policies>"#,
    );
    let mut ctx = context();
    assert!(matches!(policy.evaluate(&mut ctx), Outcome::Forwarded));
    assert_eq!(var(&ctx, "after").as_deref(), Some("ran"));
}

#[test]
fn a_response_variable_that_holds_no_response_is_an_error() {
    // Only send-request stores a Response in a variable; a string variable or a missing one
    // cannot be returned.
    for setup in ["", r#"<set-variable name="r" value="text" />"#] {
        let policy = load(&format!(
            r#"<policies><inbound>{setup}<return-response response-variable-name="r"><set-status code="200" reason="OK" /></return-response></inbound></policies>"#
        ));
        match policy.evaluate(&mut context()) {
            Outcome::Error { status: 500, error } => {
                assert_eq!(error.source, "return-response");
                assert!(error.message.contains("'r'"), "{}", error.message);
            }
            other => panic!("{setup}: {other:?}"),
        }
    }
}

fn body_json(ctx: &Context) -> serde_json::Value {
    serde_json::from_slice(ctx.response().body.as_ref().unwrap().bytes()).unwrap()
}

#[test]
fn the_gateway_error_response_carries_the_standard_error_body() {
    // check-header: LastError.Message is the predefined message
    // (api-management-error-handling-policies.md); the caller gets failed-check-error-message.
    let policy = load(
        r#"<policies><inbound><check-header name="Authorization" failed-check-httpcode="401" failed-check-error-message="Not authorized" ignore-case="false"><value>f6dc69a089844cf6b2019bae6d36fac8</value></check-header></inbound></policies>"#,
    );
    let mut ctx = context();
    match policy.evaluate(&mut ctx) {
        Outcome::Error { status: 401, error } => {
            assert_eq!(error.reason.as_deref(), Some("HeaderNotFound"));
            assert_eq!(
                error.message,
                "Header Authorization was not found in the request. Access denied."
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(ctx.response().status_code, 401);
    assert_eq!(
        body_json(&ctx),
        serde_json::json!({"statusCode": 401, "message": "Not authorized"})
    );
    let mut ctx = context();
    ctx.request_mut()
        .headers
        .set("Authorization", vec!["wrong".to_owned()]);
    match policy.evaluate(&mut ctx) {
        Outcome::Error { status: 401, error } => {
            assert_eq!(error.reason.as_deref(), Some("HeaderValueNotAllowed"));
            assert_eq!(
                error.message,
                "Header Authorization value of wrong is not allowed. Access denied."
            );
        }
        other => panic!("{other:?}"),
    }

    // validate-client-certificate: 401 with the observed body.
    let policy = load("<policies><inbound><validate-client-certificate /></inbound></policies>");
    let mut ctx = context();
    assert!(matches!(
        policy.evaluate(&mut ctx),
        Outcome::Error { status: 401, .. }
    ));
    assert_eq!(
        body_json(&ctx),
        serde_json::json!({"statusCode": 401, "message": "Client certificate missing"})
    );

    // on-error starts from that response and can read it.
    let policy = load(
        r#"<policies><inbound><validate-client-certificate /></inbound>
           <on-error><set-variable name="body" value="@(context.Response.Body.As<string>(true))" /></on-error></policies>"#,
    );
    let mut ctx = context();
    policy.evaluate(&mut ctx);
    let body = var(&ctx, "body").unwrap();
    assert!(body.contains("Client certificate missing"), "{body}");
}

#[test]
fn ip_filter_reasons_are_the_predefined_ones() {
    let cases = [
        (
            "allow",
            "10.0.0.2",
            "CallerIpNotAllowed",
            "Caller IP address 10.0.0.2 is not allowed. Access denied.",
        ),
        (
            "forbid",
            "10.0.0.1",
            "CallerIpBlocked",
            "Caller IP address is blocked. Access denied.",
        ),
        (
            "allow",
            "not an address",
            "FailedToParseCallerIP",
            "Failed to establish IP address for the caller. Access denied.",
        ),
        (
            "forbid",
            "",
            "FailedToParseCallerIP",
            "Failed to establish IP address for the caller. Access denied.",
        ),
    ];
    for (action, caller, reason, message) in cases {
        let policy = load(&format!(
            r#"<policies><inbound><ip-filter action="{action}"><address>10.0.0.1</address></ip-filter></inbound></policies>"#
        ));
        let mut ctx = context();
        ctx.request_mut().ip_address = caller.to_owned();
        match policy.evaluate(&mut ctx) {
            Outcome::Error { status: 403, error } => {
                assert_eq!(error.reason.as_deref(), Some(reason), "{action} {caller}");
                assert_eq!(error.message, message);
            }
            other => panic!("{action} {caller}: {other:?}"),
        }
    }
}

#[test]
fn return_response_removes_the_request_and_response_bodies() {
    // return-response-policy.md: it "removes the request body and response body in the
    // current context"; a template inside it "receives an empty string as its input".
    let policy = load(
        r#"<policies><inbound>
  <set-variable name="before" value="@(context.Request.Body?.As<string>(true) ?? "null")" />
  <return-response><set-body>@(context.Request.Body?.As<string>(true) ?? "null")</set-body></return-response>
</inbound></policies>"#,
    );
    let mut ctx = context();
    ctx.request_mut().body = Some(apim_policy::context::Body::new(b"payload".to_vec()));
    match policy.evaluate(&mut ctx) {
        Outcome::Returned { response } => assert_eq!(response.body.unwrap().bytes(), b"null"),
        other => panic!("{other:?}"),
    }
    assert_eq!(var(&ctx, "before").as_deref(), Some("payload"));
    assert!(ctx.request().body.is_none());
}

#[test]
fn to_json_with_adds_what_the_run_left_in_the_context() {
    let policy = load(
        r#"<policies><inbound>
  <set-variable name="when" value="@(DateTime.UtcNow)" />
  <set-variable name="count" value="@(3)" />
  <set-variable name="flag" value="@(true)" />
  <trace source="t"><message>m</message></trace>
</inbound></policies>"#,
    );
    // 2030-01-01T00:00:00Z.
    let mut ctx = context().at(apim_policy::context::EvaluationTime::from_unix_seconds(
        1_893_456_000,
    ));
    let outcome = policy.evaluate(&mut ctx);
    let json = outcome.to_json_with(&ctx);
    // to_json() is unchanged and comes first.
    assert_eq!(
        outcome.to_json(),
        serde_json::json!({"outcome": "forwarded"})
    );
    assert_eq!(
        json["variables"],
        serde_json::json!({"when": "01/01/2030 00:00:00", "count": "3", "flag": "True"})
    );
    assert_eq!(json["last_error"], serde_json::Value::Null);
    assert_eq!(
        json["traces"],
        serde_json::json!([{"source": "t", "severity": "verbose", "message": "m"}])
    );
    assert_eq!(json["request"]["url"], "https://localhost/");
}

#[test]
fn deeply_nested_choose_runs_within_the_xml_depth_limit() {
    // 120 nested choose/when pairs (240 elements, under the 256-element depth limit).
    let depth = 120;
    let mut text = String::from("<policies><inbound>");
    for _ in 0..depth {
        text.push_str(r#"<choose><when condition="@(context.Request.Method == "GET")">"#);
    }
    text.push_str(r#"<set-variable name="deep" value="yes" />"#);
    for _ in 0..depth {
        text.push_str("</when></choose>");
    }
    text.push_str("</inbound></policies>");
    let policy = load(&text);
    let mut ctx = context();
    assert!(matches!(policy.evaluate(&mut ctx), Outcome::Forwarded));
    assert_eq!(var(&ctx, "deep").as_deref(), Some("yes"));
}

#[test]
fn a_failing_condition_is_reported_at_its_when() {
    let policy = load(&format!(
        r#"<policies><inbound><set-variable name="a" value="b" />
  <choose id="gate">
    <when condition="false" />
    <when condition="@({THROWS_CONDITION})"><set-variable name="x" value="y" /></when>
  </choose></inbound></policies>"#,
        THROWS_CONDITION = r#"context.Request.Certificate.Thumbprint == "AB""#
    ));
    match policy.evaluate(&mut context()) {
        Outcome::Error { status: 500, error } => {
            assert_eq!(error.source, "choose");
            assert_eq!(error.path.as_deref(), Some("choose[1]/when[2]"));
            assert_eq!(error.policy_id.as_deref(), Some("gate"));
        }
        other => panic!("{other:?}"),
    }
}
