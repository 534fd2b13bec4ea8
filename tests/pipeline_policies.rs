//! Each policy's effect on the request, the response and the variables, as the policy
//! reference pages describe it: set-header (every exists-action, request/response/returned),
//! set-variable (typed values read back with GetValueOrDefault<T>), set-body, set-method,
//! rewrite-uri, set-query-parameter, mock-response, check-header, ip-filter, trace, handlers
//! for unimplemented policies, and negotiateClientCertificate.

mod common;

use std::sync::{Arc, Mutex};

use apim_policy::context::{Context, Deployment, Headers, Operation, Response, Url};
use apim_policy::expr::Value;
use apim_policy::policy::Policy;
use apim_policy::runtime::{
    Gateway, HandlerError, HandlerOutcome, Outcome, PolicyElement, PolicyHandler,
    UnimplementedPolicies,
};

fn context() -> Context {
    Context::new(Arc::new(Deployment::builder().build().unwrap()))
}

fn load(text: &str) -> Policy {
    Policy::load(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn var(context: &Context, name: &str) -> Option<String> {
    context.variable(name).map(Value::to_display_string)
}

fn set_header(action: &str, values: &[&str]) -> String {
    let values: String = values
        .iter()
        .map(|v| format!("<value>{v}</value>"))
        .collect();
    format!(r#"<set-header name="X-Test" exists-action="{action}">{values}</set-header>"#)
}

/// (exists-action, header present before?, expected values after; None = absent).
const EXISTS_ACTIONS: &[(&str, bool, Option<&[&str]>)] = &[
    ("override", true, Some(&["new1", "new2"])),
    ("override", false, Some(&["new1", "new2"])),
    ("skip", true, Some(&["old"])),
    ("skip", false, Some(&["new1", "new2"])),
    ("append", true, Some(&["old", "new1", "new2"])),
    ("append", false, Some(&["new1", "new2"])),
    ("delete", true, None),
    ("delete", false, None),
];

#[test]
fn set_header_exists_actions_on_the_request() {
    for (action, present, expected) in EXISTS_ACTIONS {
        let policy = load(&format!(
            "<policies><inbound>{}</inbound></policies>",
            set_header(action, &["new1", "new2"])
        ));
        let mut ctx = context();
        if *present {
            ctx.request_mut()
                .headers
                .set("x-test", vec!["old".to_owned()]);
        }
        assert!(matches!(policy.evaluate(&mut ctx), Outcome::Forwarded));
        let got = ctx.request().headers.get("X-Test").map(<[String]>::to_vec);
        let expected = expected.map(|e| e.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        assert_eq!(got, expected, "{action} present={present}");
        assert!(!ctx.response().headers.contains("X-Test"));
    }
}

#[test]
fn set_header_exists_actions_on_the_response_in_outbound() {
    for (action, present, expected) in EXISTS_ACTIONS {
        let policy = load(&format!(
            "<policies><outbound>{}</outbound></policies>",
            set_header(action, &["new1", "new2"])
        ));
        let mut backend = Response::ok();
        if *present {
            backend.headers.set("X-TEST", vec!["old".to_owned()]);
        }
        let mut ctx = context().with_backend_response(backend);
        assert!(matches!(policy.evaluate(&mut ctx), Outcome::Forwarded));
        let got = ctx.response().headers.get("X-Test").map(<[String]>::to_vec);
        let expected = expected.map(|e| e.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        assert_eq!(got, expected, "{action} present={present}");
        assert!(!ctx.request().headers.contains("X-Test"));
    }
}

#[test]
fn set_header_exists_actions_inside_return_response() {
    for (action, present, expected) in EXISTS_ACTIONS {
        let first = if *present {
            set_header("override", &["old"])
        } else {
            String::new()
        };
        let policy = load(&format!(
            "<policies><inbound><return-response>{first}{}</return-response></inbound></policies>",
            set_header(action, &["new1", "new2"])
        ));
        let mut ctx = context();
        ctx.request_mut()
            .headers
            .set("X-Test", vec!["request".to_owned()]);
        match policy.evaluate(&mut ctx) {
            Outcome::Returned { response } => {
                let got = response.headers.get("X-Test").map(<[String]>::to_vec);
                let expected =
                    expected.map(|e| e.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
                assert_eq!(got, expected, "{action} present={present}");
            }
            other => panic!("{other:?}"),
        }
        // The request's header is untouched.
        assert_eq!(ctx.request().headers.get("X-Test").unwrap(), ["request"]);
    }
}

#[test]
fn set_header_name_and_value_expressions_and_joined_reads() {
    let policy = load(
        r#"<policies><inbound>
  <set-header name="@("X-" + context.Request.Method)" exists-action="@("app" + "end")"><value>@(context.Request.Url.Host)</value><value>two</value></set-header>
  <set-variable name="joined" value="@(context.Request.Headers.GetValueOrDefault("x-get", "none"))" />
</inbound></policies>"#,
    );
    let mut ctx = context();
    ctx.request_mut().url = Url::parse("https://api.contoso.com/x").unwrap();
    assert!(matches!(policy.evaluate(&mut ctx), Outcome::Forwarded));
    assert_eq!(
        ctx.request().headers.get("X-GET").unwrap(),
        ["api.contoso.com", "two"]
    );
    assert_eq!(var(&ctx, "joined").as_deref(), Some("api.contoso.com,two"));
}

#[test]
fn an_exists_action_expression_with_a_bad_value_is_a_runtime_error() {
    let policy = load(
        r#"<policies><inbound><set-header name="X" exists-action="@("sometimes")"><value>v</value></set-header></inbound></policies>"#,
    );
    match policy.evaluate(&mut context()) {
        Outcome::Error { status: 500, error } => assert_eq!(error.source, "set-header"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn set_variable_typed_values_read_back_with_get_value_or_default() {
    let policy = load(
        r#"<policies><inbound>
  <set-variable name="flag" value="@(context.Request.Method == "GET")" />
  <set-variable name="count" value="@(41 + 1)" />
  <set-variable name="text" value="plain literal" />
  <set-variable name="when" value="@(DateTime.UtcNow)" />
  <set-variable name="literal-true" value="true" />
  <set-variable name="flag-back" value="@(!context.Variables.GetValueOrDefault<bool>("flag"))" />
  <set-variable name="count-back" value="@(context.Variables.GetValueOrDefault<int>("count") * 2)" />
  <set-variable name="text-back" value="@(context.Variables.GetValueOrDefault<string>("text").ToUpper())" />
  <set-variable name="when-back" value="@(context.Variables.GetValueOrDefault<DateTime>("when") == DateTime.UtcNow)" />
  <set-variable name="missing" value="@(context.Variables.GetValueOrDefault<int>("nope", 7))" />
  <set-variable name="cast" value="@((string)context.Variables["text"] + "!")" />
  <set-variable name="has" value="@(context.Variables.ContainsKey("count"))" />
</inbound></policies>"#,
    );
    let mut ctx = context();
    assert!(matches!(policy.evaluate(&mut ctx), Outcome::Forwarded));
    assert!(matches!(ctx.variable("flag"), Some(Value::Bool(true))));
    assert!(matches!(ctx.variable("count"), Some(Value::Int(42))));
    assert_eq!(
        ctx.variable("text").and_then(Value::as_str),
        Some("plain literal")
    );
    assert!(matches!(ctx.variable("when"), Some(Value::DateTime(_))));
    // "If the expression contains a literal it will be converted to a string."
    assert_eq!(
        ctx.variable("literal-true").and_then(Value::as_str),
        Some("true")
    );
    assert_eq!(var(&ctx, "flag-back").as_deref(), Some("False"));
    assert_eq!(var(&ctx, "count-back").as_deref(), Some("84"));
    assert_eq!(var(&ctx, "text-back").as_deref(), Some("PLAIN LITERAL"));
    assert_eq!(var(&ctx, "when-back").as_deref(), Some("True"));
    assert_eq!(var(&ctx, "missing").as_deref(), Some("7"));
    assert_eq!(var(&ctx, "cast").as_deref(), Some("plain literal!"));
    assert_eq!(var(&ctx, "has").as_deref(), Some("True"));
}

#[test]
fn get_value_or_default_of_the_wrong_type_throws() {
    // The literal "true" is a string, not a bool: "throws an exception if the specified type
    // doesn't match".
    let policy = load(
        r#"<policies><inbound>
  <set-variable name="literal-true" value="true" />
  <choose><when condition="@(context.Variables.GetValueOrDefault<bool>("literal-true"))"><set-variable name="x" value="y" /></when></choose>
</inbound></policies>"#,
    );
    let mut ctx = context();
    match policy.evaluate(&mut ctx) {
        Outcome::Error { status: 500, error } => {
            assert_eq!(error.source, "choose");
            assert_eq!(
                error.reason.as_deref(),
                Some("ExpressionValueEvaluationFailure")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn set_body_literal_and_expression_on_request_and_response() {
    let policy = load(
        r#"<policies>
  <inbound>
    <set-body>{"hello":"world"}</set-body>
    <set-variable name="seen" value="@(context.Request.Body.As<string>(true))" />
  </inbound>
  <outbound>
    <set-body>@("status " + context.Response.StatusCode)</set-body>
  </outbound>
</policies>"#,
    );
    let mut ctx = context().with_backend_response(Response::with_status(201));
    assert!(matches!(policy.evaluate(&mut ctx), Outcome::Forwarded));
    assert_eq!(
        ctx.request().body.as_ref().unwrap().bytes(),
        br#"{"hello":"world"}"#
    );
    assert_eq!(var(&ctx, "seen").as_deref(), Some(r#"{"hello":"world"}"#));
    assert_eq!(ctx.response().body.as_ref().unwrap().bytes(), b"status 201");
}

#[test]
fn set_body_liquid_is_refused_at_load() {
    let text = "<policies><inbound>\n  <set-body template=\"liquid\">{{body.x}}</set-body></inbound></policies>";
    let mut options = apim_policy::policy::LoadOptions::default();
    options
        .named_values
        .insert("body.x".to_owned(), "x".to_owned());
    let err = Policy::load_with(text, &options).unwrap_err();
    assert_eq!(err.errors[0].position.line, 2);
    assert!(err.to_string().contains("liquid"), "{err}");
}

#[test]
fn set_method_changes_the_request_method() {
    let policy = load(
        r#"<policies><inbound><set-method>POST</set-method>
           <set-variable name="m" value="@(context.Request.Method)" /></inbound>
           <on-error><set-method>@("PU" + "T")</set-method></on-error></policies>"#,
    );
    let mut ctx = context();
    assert!(matches!(policy.evaluate(&mut ctx), Outcome::Forwarded));
    assert_eq!(ctx.request().method, "POST");
    assert_eq!(var(&ctx, "m").as_deref(), Some("POST"));
}

fn rewrite(
    template: &str,
    copy: Option<bool>,
    url: &str,
    operation_template: &str,
    matched: &[(&str, &str)],
) -> String {
    let copy = copy.map_or(String::new(), |c| {
        format!(r#" copy-unmatched-params="{c}""#)
    });
    let policy = load(&format!(
        r#"<policies><inbound><rewrite-uri template="{template}"{copy} /></inbound></policies>"#
    ));
    let mut ctx = context().with_operation(Arc::new(Operation {
        url_template: operation_template.to_owned(),
        ..Operation::default()
    }));
    ctx.request_mut().url = Url::parse(url).unwrap();
    ctx.request_mut().matched_parameters = matched
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    assert!(matches!(policy.evaluate(&mut ctx), Outcome::Forwarded));
    let url = &ctx.request().url;
    format!("{}{}", url.path, url.query_string())
}

#[test]
fn rewrite_uri_as_documented() {
    // rewrite-uri-policy.md example 1: /storenumber/ordernumber → the backend form.
    assert_eq!(
        rewrite(
            "/v2/US/hardware/{storenumber}/{ordernumber}?City=city&amp;State=state",
            None,
            "https://api.example.com/123/456",
            "/{storenumber}/{ordernumber}",
            &[("storenumber", "123"), ("ordernumber", "456")],
        ),
        "/v2/US/hardware/123/456?City=city&State=state"
    );
    // Example 2: request /get?a=b&c=d, operation template /get?a={b} → /put?c=d.
    assert_eq!(
        rewrite(
            "/put",
            None,
            "https://api.example.com/get?a=b&c=d",
            "/get?a={b}",
            &[("b", "b")]
        ),
        "/put?c=d"
    );
    assert_eq!(
        rewrite(
            "/put",
            Some(true),
            "https://api.example.com/get?a=b&c=d",
            "/get?a={b}",
            &[("b", "b")]
        ),
        "/put?c=d"
    );
    // Example 3: copy-unmatched-params="false" → /put.
    assert_eq!(
        rewrite(
            "/put",
            Some(false),
            "https://api.example.com/get?a=b&c=d",
            "/get?a={b}",
            &[("b", "b")]
        ),
        "/put"
    );
    // The template's query is URL text: encoded values are not encoded twice.
    assert_eq!(
        rewrite(
            "/search?q=a%20b&amp;r=x+y",
            Some(false),
            "https://h/s",
            "/s",
            &[]
        ),
        "/search?q=a+b&r=x+y"
    );
    // Parameters in the template's query part are filled in too.
    assert_eq!(
        rewrite(
            "/items?id={id}",
            Some(false),
            "https://h/things/9",
            "/things/{id}",
            &[("id", "9")]
        ),
        "/items?id=9"
    );
}

#[test]
fn set_query_parameter_exists_actions() {
    let cases: &[(&str, &str)] = &[
        ("override", "?a=1&keep=k&q=new1&q=new2"),
        ("skip", "?a=1&q=old&keep=k"),
        ("append", "?a=1&q=old&q=new1&q=new2&keep=k"),
        ("delete", "?a=1&keep=k"),
    ];
    for (action, expected) in cases {
        let policy = load(&format!(
            r#"<policies><inbound><set-query-parameter name="q" exists-action="{action}"><value>new1</value><value>new2</value></set-query-parameter></inbound></policies>"#
        ));
        let mut ctx = context();
        ctx.request_mut().url = Url::parse("https://h/p?a=1&q=old&keep=k").unwrap();
        policy.evaluate(&mut ctx);
        let got = ctx.request().url.query_string();
        if *action == "override" {
            // Where the replaced parameter stands is not documented: compare the pairs.
            let mut a: Vec<&str> = got.trim_start_matches('?').split('&').collect();
            let mut b: Vec<&str> = expected.trim_start_matches('?').split('&').collect();
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b, "{action}");
        } else {
            assert_eq!(got, *expected, "{action}");
        }
    }
    // Absent parameter: added by override/skip/append, nothing for delete.
    for (action, expected) in [
        ("override", "?n=v"),
        ("skip", "?n=v"),
        ("append", "?n=v"),
        ("delete", ""),
    ] {
        let policy = load(&format!(
            r#"<policies><inbound><set-query-parameter name="n" exists-action="{action}"><value>v</value></set-query-parameter></inbound></policies>"#
        ));
        let mut ctx = context();
        policy.evaluate(&mut ctx);
        assert_eq!(ctx.request().url.query_string(), expected, "{action}");
    }
}

#[test]
fn mock_response_returns_the_mocked_status() {
    let policy = load(
        r#"<policies><inbound><mock-response status-code="201" content-type="application/json" /><set-variable name="after" value="x" /></inbound>
           <outbound><set-variable name="outbound" value="x" /></outbound></policies>"#,
    );
    let mut ctx = context();
    match policy.evaluate(&mut ctx) {
        Outcome::Returned { response } => {
            assert_eq!(response.status_code, 201);
            assert_eq!(response.status_reason, "Created");
            assert_eq!(
                response.headers.get("Content-Type").unwrap(),
                ["application/json"]
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(var(&ctx, "after"), None);
    assert_eq!(var(&ctx, "outbound"), None);
    // Defaults: 200, no content type.
    let policy = load("<policies><inbound><mock-response /></inbound></policies>");
    match policy.evaluate(&mut context()) {
        Outcome::Returned { response } => {
            assert_eq!(response.status_code, 200);
            assert!(response.headers.is_empty());
        }
        other => panic!("{other:?}"),
    }
}

fn check_header(ignore_case: &str, headers: &[(&str, &str)]) -> Outcome {
    let policy = load(&format!(
        r#"<policies><inbound><check-header name="Authorization" failed-check-httpcode="401" failed-check-error-message="Not authorized" ignore-case="{ignore_case}">
    <value>f6dc69a089844cf6b2019bae6d36fac8</value>
    <value>Basic Secret</value>
  </check-header></inbound></policies>"#
    ));
    let mut ctx = context();
    ctx.request_mut().headers = headers.iter().copied().collect::<Headers>();
    policy.evaluate(&mut ctx)
}

#[test]
fn check_header_missing_wrong_and_case() {
    let refused = |outcome: Outcome, reason: &str| match outcome {
        Outcome::Error { status, error } => {
            assert_eq!(status, 401);
            assert_eq!(error.source, "check-header");
            assert_eq!(error.reason.as_deref(), Some(reason));
            // The predefined messages (api-management-error-handling-policies.md).
            assert!(
                error.message.starts_with("Header Authorization "),
                "{}",
                error.message
            );
            assert!(
                error.message.ends_with(" Access denied."),
                "{}",
                error.message
            );
        }
        other => panic!("{other:?}"),
    };
    refused(check_header("false", &[]), "HeaderNotFound");
    refused(
        check_header("false", &[("Authorization", "other")]),
        "HeaderValueNotAllowed",
    );
    refused(
        check_header("false", &[("Authorization", "basic secret")]),
        "HeaderValueNotAllowed",
    );
    assert!(matches!(
        check_header("true", &[("Authorization", "basic secret")]),
        Outcome::Forwarded
    ));
    assert!(matches!(
        check_header("false", &[("authorization", "Basic Secret")]),
        Outcome::Forwarded
    ));
    assert!(matches!(
        check_header(
            "false",
            &[("Authorization", "f6dc69a089844cf6b2019bae6d36fac8")]
        ),
        Outcome::Forwarded
    ));
}

fn ip_filter(action: &str, caller: &str) -> Outcome {
    let policy = load(&format!(
        r#"<policies><inbound><ip-filter action="{action}">
    <address>13.66.201.169</address>
    <address-range from="13.66.140.128" to="13.66.140.143" />
    <address>2001:db8::1</address>
    <address-range from="2001:db8:1::" to="2001:db8:1::ff" />
  </ip-filter></inbound></policies>"#
    ));
    let mut ctx = context();
    ctx.request_mut().ip_address = caller.to_owned();
    policy.evaluate(&mut ctx)
}

#[test]
fn ip_filter_allow_and_forbid() {
    let listed = [
        "13.66.201.169",
        "13.66.140.128",
        "13.66.140.135",
        "13.66.140.143",
        "2001:db8::1",
        "2001:db8:1::80",
    ];
    let unlisted = [
        "13.66.201.170",
        "13.66.140.144",
        "13.66.140.127",
        "2001:db8::2",
        "2001:db8:1::100",
        "10.0.0.1",
    ];
    let refused = |o: Outcome, reason: &str| match o {
        Outcome::Error { status, error } => {
            assert_eq!(status, 403);
            assert_eq!(error.source, "ip-filter");
            assert_eq!(error.reason.as_deref(), Some(reason));
        }
        other => panic!("{other:?}"),
    };
    for ip in listed {
        assert!(matches!(ip_filter("allow", ip), Outcome::Forwarded), "{ip}");
        refused(ip_filter("forbid", ip), "CallerIpBlocked");
    }
    for ip in unlisted {
        refused(ip_filter("allow", ip), "CallerIpNotAllowed");
        assert!(
            matches!(ip_filter("forbid", ip), Outcome::Forwarded),
            "{ip}"
        );
    }
}

#[test]
fn trace_records_messages() {
    let policy = load(
        r#"<policies><inbound>
  <trace source="PetStore API" severity="information"><message>@(context.Request.Method + " " + context.Request.Url.Path)</message><metadata name="Operation" value="Get" /></trace>
  <trace source="second"><message>plain</message></trace>
</inbound></policies>"#,
    );
    let mut ctx = context();
    policy.evaluate(&mut ctx);
    let traces = ctx.traces();
    assert_eq!(traces.len(), 2);
    assert_eq!(traces[0].source, "PetStore API");
    assert_eq!(traces[0].severity, "information");
    assert_eq!(traces[0].message, "GET /");
    assert_eq!(traces[1].severity, "verbose");
    assert_eq!(traces[1].message, "plain");
}

/// What a handler saw: the element name, its id and its attributes.
type Seen = (String, Option<String>, Vec<(String, String)>);

/// A `rate-limit` handler that does what it is told and records the attributes it saw.
struct RateLimit {
    answer: fn() -> Result<HandlerOutcome, HandlerError>,
    seen: Mutex<Vec<Seen>>,
}

impl PolicyHandler for RateLimit {
    fn handle(
        &self,
        policy: &PolicyElement<'_>,
        context: &mut Context,
    ) -> Result<HandlerOutcome, HandlerError> {
        self.seen.lock().unwrap().push((
            policy.name.to_owned(),
            policy.id.map(str::to_owned),
            policy.attributes.to_vec(),
        ));
        context.set_variable("handled", Value::Bool(true));
        (self.answer)()
    }
}

fn run_handler(
    answer: fn() -> Result<HandlerOutcome, HandlerError>,
) -> (Outcome, Context, Arc<RateLimit>) {
    let handler = Arc::new(RateLimit {
        answer,
        seen: Mutex::new(Vec::new()),
    });
    let gateway = Gateway::builder()
        .handler("rate-limit", handler.clone())
        .build()
        .unwrap();
    let policy = gateway
        .load(
            r#"<policies><inbound><rate-limit id="limit" calls="20" renewal-period="90" /><set-variable name="after" value="x" /></inbound></policies>"#,
        )
        .unwrap();
    let mut ctx = context();
    let outcome = gateway.evaluate(&policy, &mut ctx);
    (outcome, ctx, handler)
}

#[test]
fn handlers_run_unimplemented_policies() {
    let (outcome, ctx, handler) = run_handler(|| Ok(HandlerOutcome::Continue));
    assert!(matches!(outcome, Outcome::Forwarded));
    assert_eq!(var(&ctx, "after").as_deref(), Some("x"));
    assert_eq!(var(&ctx, "handled").as_deref(), Some("True"));
    let seen = handler.seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].0, "rate-limit");
    assert_eq!(seen[0].1.as_deref(), Some("limit"));
    assert!(seen[0].2.contains(&("calls".to_owned(), "20".to_owned())));
    drop(seen);

    let (outcome, ctx, _) = run_handler(|| Ok(HandlerOutcome::Return(Response::with_status(429))));
    assert!(matches!(outcome, Outcome::Returned { response } if response.status_code == 429));
    assert_eq!(var(&ctx, "after"), None);

    let (outcome, ctx, _) = run_handler(|| {
        Err(HandlerError {
            status: 429,
            reason: "RateLimitExceeded".to_owned(),
            message: "Rate limit is exceeded.".to_owned(),
        })
    });
    match outcome {
        Outcome::Error { status, error } => {
            assert_eq!(status, 429);
            assert_eq!(error.source, "rate-limit");
            assert_eq!(error.reason.as_deref(), Some("RateLimitExceeded"));
            assert_eq!(error.message, "Rate limit is exceeded.");
            assert_eq!(error.policy_id.as_deref(), Some("limit"));
            assert_eq!(error.section.as_deref(), Some("inbound"));
            assert_eq!(error.path.as_deref(), Some("rate-limit[1]"));
            assert_eq!(error.scope.as_deref(), Some("operation"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(var(&ctx, "after"), None);
}

#[test]
fn unimplemented_policies_skip_or_fail() {
    let text = r#"<policies><inbound><cors><allowed-origins><origin>*</origin></allowed-origins></cors><set-variable name="after" value="x" /></inbound></policies>"#;
    let gateway = Gateway::builder()
        .unimplemented_policies(UnimplementedPolicies::Skip)
        .build()
        .unwrap();
    let policy = gateway.load(text).unwrap();
    let mut ctx = context();
    assert!(matches!(
        gateway.evaluate(&policy, &mut ctx),
        Outcome::Forwarded
    ));
    assert_eq!(var(&ctx, "after").as_deref(), Some("x"));

    for gateway in [
        Gateway::builder().build().unwrap(),
        Gateway::builder()
            .unimplemented_policies(UnimplementedPolicies::Fail)
            .build()
            .unwrap(),
    ] {
        let policy = gateway.load(text).unwrap();
        let mut ctx = context();
        match gateway.evaluate(&policy, &mut ctx) {
            Outcome::Error { status: 500, error } => {
                assert_eq!(error.source, "cors");
                assert_eq!(error.reason.as_deref(), Some("PolicyNotImplemented"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(var(&ctx, "after"), None);
    }
}

#[test]
fn negotiate_client_certificate_false_hides_the_presented_certificate() {
    let text = r#"<policies><inbound><set-variable name="has" value="@(context.Request.Certificate != null)" /></inbound></policies>"#;
    let deployment = Arc::new(Deployment::builder().build().unwrap());
    for (negotiate, expected) in [(None, "True"), (Some(true), "True"), (Some(false), "False")] {
        let mut builder = Gateway::builder();
        if let Some(n) = negotiate {
            builder = builder.negotiate_client_certificate(n);
        }
        let gateway = builder.build().unwrap();
        let policy = gateway.load(text).unwrap();
        let mut ctx =
            Context::new(deployment.clone()).with_client_certificate(Some(common::cert("good")));
        gateway.evaluate(&policy, &mut ctx);
        assert_eq!(var(&ctx, "has").as_deref(), Some(expected), "{negotiate:?}");
    }
    // validate-client-certificate then finds no certificate.
    let gateway = Gateway::builder()
        .negotiate_client_certificate(false)
        .build()
        .unwrap();
    let policy = gateway
        .load("<policies><inbound><validate-client-certificate validate-trust=\"false\" validate-revocation=\"false\" /></inbound></policies>")
        .unwrap();
    let mut ctx = Context::new(deployment).with_client_certificate(Some(common::cert("good")));
    match gateway.evaluate(&policy, &mut ctx) {
        Outcome::Error { status: 401, error } => {
            assert_eq!(error.reason.as_deref(), Some("ClientCertificateNotFound"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn set_header_leaves_the_protected_headers_alone() {
    // set-header-policy.md: Connection, ContentLength, KeepAlive, TransferEncoding "cannot be
    // modified or deleted"; "Removal of Server header isn't supported".
    let policy = load(
        r#"<policies>
  <inbound>
    <set-header name="Connection" exists-action="override"><value>close</value></set-header>
    <set-header name="content-length" exists-action="delete" />
    <set-header name="Keep-Alive" exists-action="append"><value>timeout=5</value></set-header>
    <set-header name="Transfer-Encoding" exists-action="override"><value>gzip</value></set-header>
  </inbound>
  <outbound>
    <set-header name="Server" exists-action="delete" />
    <set-header name="Content-Length" exists-action="override"><value>1</value></set-header>
  </outbound>
</policies>"#,
    );
    let mut ctx = context().with_backend_response(Response {
        headers: [("Server", "kestrel"), ("Content-Length", "10")]
            .into_iter()
            .collect::<Headers>(),
        ..Response::ok()
    });
    ctx.request_mut().headers = [("Connection", "keep-alive"), ("Content-Length", "3")]
        .into_iter()
        .collect::<Headers>();
    assert!(matches!(policy.evaluate(&mut ctx), Outcome::Forwarded));
    let request = &ctx.request().headers;
    assert_eq!(request.get("Connection").unwrap(), ["keep-alive"]);
    assert_eq!(request.get("Content-Length").unwrap(), ["3"]);
    assert!(!request.contains("Keep-Alive"));
    assert!(!request.contains("Transfer-Encoding"));
    let response = &ctx.response().headers;
    assert_eq!(response.get("Server").unwrap(), ["kestrel"]);
    assert_eq!(response.get("Content-Length").unwrap(), ["10"]);
    // Server can still be overridden.
    let policy = load(
        r#"<policies><outbound><set-header name="Server" exists-action="override"><value>apim</value></set-header></outbound></policies>"#,
    );
    let mut ctx = context();
    policy.evaluate(&mut ctx);
    assert_eq!(ctx.response().headers.get("Server").unwrap(), ["apim"]);
}

#[test]
fn ip_filter_action_and_address_take_expressions() {
    // ip-filter-policy.md: "Policy expressions are allowed" for `action` and `address`.
    let policy = load(
        r#"<policies><inbound><ip-filter action="@(context.Request.Headers.ContainsKey("X-Block") ? "forbid" : "allow")">
    <address>@(context.Variables.GetValueOrDefault<string>("trusted", "10.0.0.1"))</address>
    <address-range from="192.168.0.0" to="192.168.0.255" />
  </ip-filter></inbound></policies>"#,
    );
    let run = |ip: &str, block: bool, trusted: Option<&str>| {
        let mut ctx = context();
        ctx.request_mut().ip_address = ip.to_owned();
        if block {
            ctx.request_mut()
                .headers
                .set("X-Block", vec!["1".to_owned()]);
        }
        if let Some(t) = trusted {
            ctx.set_variable("trusted", Value::String(Arc::from(t)));
        }
        match policy.evaluate(&mut ctx) {
            Outcome::Forwarded => None,
            Outcome::Error { status: 403, error } => error.reason,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(run("10.0.0.1", false, None), None);
    assert_eq!(run("192.168.0.7", false, None), None);
    assert_eq!(
        run("10.0.0.2", false, None).as_deref(),
        Some("CallerIpNotAllowed")
    );
    assert_eq!(run("10.0.0.2", false, Some("10.0.0.2")), None);
    assert_eq!(
        run("10.0.0.1", true, None).as_deref(),
        Some("CallerIpBlocked")
    );
    assert_eq!(run("10.0.0.2", true, None), None);

    // A computed address or action that makes no sense is a runtime error.
    let mut ctx = context();
    ctx.request_mut().ip_address = "10.0.0.1".to_owned();
    ctx.set_variable("trusted", Value::String(Arc::from("not-an-ip")));
    match policy.evaluate(&mut ctx) {
        Outcome::Error { status: 500, error } => {
            assert_eq!(error.source, "ip-filter");
            assert!(error.message.contains("not-an-ip"), "{}", error.message);
        }
        other => panic!("{other:?}"),
    }
    let policy = load(
        r#"<policies><inbound><ip-filter action="@("deny")"><address>1.2.3.4</address></ip-filter></inbound></policies>"#,
    );
    assert!(matches!(
        policy.evaluate(&mut context()),
        Outcome::Error { status: 500, .. }
    ));
    // The expression must be a string.
    let err = Policy::load(r#"<policies><inbound><ip-filter action="@(true)"><address>1.2.3.4</address></ip-filter></inbound></policies>"#).unwrap_err();
    assert!(err.to_string().contains("'string' is required"), "{err}");
}
