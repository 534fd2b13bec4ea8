//! The `context` tree of APIM policy expressions (API Management policy expressions, "Context
//! variable"): every member the host can set through the `Context`/`Deployment` builders is
//! set and read back, with the .NET types the docs give (`Elapsed: TimeSpan`,
//! `CreatedDate: DateTime`, `ServiceUrl: IUrl`, ...), and the `I...` interface names work in
//! casts and declarations.

mod common;

use std::sync::Arc;
use std::time::Duration;

use apim_policy::context::{
    Api, Body, Context, Deployment, LastError, Operation, Product, Subscription, Url, User,
};
use apim_policy::expr::ExpressionForm;
use apim_policy::expr::value::{DateTime, DateTimeKind};

/// 2024-05-06T07:08:09Z as .NET ticks.
const CREATED_TICKS: i64 = 638_505_760_890_000_000;

fn full() -> Context {
    let deployment = Deployment::builder()
        .region("West Europe")
        .service("contoso-apim", "/subscriptions/s/resourceGroups/g/providers/Microsoft.ApiManagement/service/contoso-apim")
        .gateway_id("managed")
        .build()
        .unwrap();
    let mut ctx = Context::new(Arc::new(deployment))
        .with_api(Arc::new(Api {
            id: "echo-api".to_owned(),
            name: "Echo API".to_owned(),
            path: "echo".to_owned(),
            revision: "2".to_owned(),
            version: "v1".to_owned(),
            is_current_revision: true,
            service_url: Some(Url::parse("https://backend.contoso.com:8443/base?a=1").unwrap()),
            protocols: vec!["https".to_owned(), "wss".to_owned()],
        }))
        .with_operation(Arc::new(Operation {
            id: "get-item".to_owned(),
            method: "GET".to_owned(),
            name: "Get item".to_owned(),
            url_template: "/items/{id}".to_owned(),
        }))
        .with_product(Arc::new(Product {
            id: "starter".to_owned(),
            name: "Starter".to_owned(),
            approval_required: true,
            subscription_required: true,
        }))
        .with_subscription(Arc::new(Subscription {
            id: "sub-1".to_owned(),
            key: "k-primary".to_owned(),
            name: "Sub One".to_owned(),
            primary_key: "k-primary".to_owned(),
            secondary_key: "k-secondary".to_owned(),
            created_date: Some(DateTime {
                ticks: CREATED_TICKS,
                kind: DateTimeKind::Utc,
            }),
        }))
        .with_user(Arc::new(User {
            id: "u1".to_owned(),
            email: "ann@contoso.com".to_owned(),
            first_name: "Ann".to_owned(),
            last_name: "Lee".to_owned(),
            note: "vip".to_owned(),
            registration_date: Some(DateTime {
                ticks: CREATED_TICKS,
                kind: DateTimeKind::Utc,
            }),
        }))
        .with_request_id([
            0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
            0xde, 0xf0,
        ])
        .with_tracing(true)
        .with_elapsed(Duration::from_millis(1500))
        .with_variable("n", apim_policy::expr::Value::Int(7));
    {
        let request = ctx.request_mut();
        request.method = "POST".to_owned();
        request.url = Url::parse("https://api.contoso.com/echo/items/5?x=1&x=2").unwrap();
        request.original_url = Url::parse("https://gw.contoso.com/echo/items/5").unwrap();
        request.ip_address = "10.0.0.1".to_owned();
        request.headers.set("Accept", vec!["text/plain".to_owned()]);
        request.matched_parameters = vec![("id".to_owned(), "5".to_owned())];
        request.body = Some(Body::new(b"hello".to_vec()));
    }
    {
        let response = ctx.response_mut();
        response.status_code = 404;
        response.status_reason = "Not Found".to_owned();
        response.headers.set("ETag", vec!["\"abc\"".to_owned()]);
        response.body = Some(Body::new(b"missing".to_vec()));
    }
    ctx.set_last_error(Some(LastError {
        source: "rate-limit".to_owned(),
        reason: Some("RateLimitExceeded".to_owned()),
        message: "Rate limit is exceeded.".to_owned(),
        scope: Some("api".to_owned()),
        section: Some("inbound".to_owned()),
        path: Some("choose\\when[1]".to_owned()),
        policy_id: Some("rl-1".to_owned()),
        ..LastError::default()
    }));
    ctx
}

fn check(ctx: &Context, cases: &[(&str, &str)]) {
    for (expression, expected) in cases {
        assert_eq!(
            common::evaluate(expression, ExpressionForm::Single, ctx),
            Ok(expected.to_string()),
            "expression: {expression}"
        );
    }
}

#[test]
fn every_member_set_through_the_builders_reads_back() {
    check(
        &full(),
        &[
            ("context.Api.Id", "echo-api"),
            ("context.Api.Name", "Echo API"),
            ("context.Api.Path", "echo"),
            ("context.Api.Revision", "2"),
            ("context.Api.Version", "v1"),
            ("context.Api.IsCurrentRevision", "True"),
            ("context.Api.ServiceUrl.Host", "backend.contoso.com"),
            ("context.Api.ServiceUrl.Port", "8443"),
            ("context.Api.ServiceUrl.Scheme", "https"),
            ("context.Api.ServiceUrl.Path", "/base"),
            ("context.Api.Protocols.Length", "2"),
            ("context.Api.Protocols[1]", "wss"),
            ("context.Deployment.Region", "West Europe"),
            ("context.Deployment.ServiceName", "contoso-apim"),
            ("context.Deployment.GatewayId", "managed"),
            ("context.Deployment.Certificates.Count", "0"),
            ("context.Operation.Id", "get-item"),
            ("context.Operation.Method", "GET"),
            ("context.Operation.Name", "Get item"),
            ("context.Operation.UrlTemplate", "/items/{id}"),
            ("context.Product.Id", "starter"),
            ("context.Product.Name", "Starter"),
            ("context.Product.ApprovalRequired", "True"),
            ("context.Product.SubscriptionRequired", "True"),
            ("context.Subscription.Id", "sub-1"),
            ("context.Subscription.Key", "k-primary"),
            ("context.Subscription.Name", "Sub One"),
            ("context.Subscription.PrimaryKey", "k-primary"),
            ("context.Subscription.SecondaryKey", "k-secondary"),
            (
                "context.Subscription.CreatedDate.ToString(\"o\")",
                "2024-05-06T07:08:09.0000000Z",
            ),
            ("context.User.Id", "u1"),
            ("context.User.Email", "ann@contoso.com"),
            ("context.User.FirstName", "Ann"),
            ("context.User.LastName", "Lee"),
            ("context.User.Note", "vip"),
            ("context.User.RegistrationDate.Year", "2024"),
            ("context.Request.Method", "POST"),
            ("context.Request.Url.Host", "api.contoso.com"),
            ("context.Request.Url.Query[\"x\"].Length", "2"),
            ("context.Request.OriginalUrl.Host", "gw.contoso.com"),
            ("context.Request.IpAddress", "10.0.0.1"),
            ("context.Request.Headers[\"accept\"][0]", "text/plain"),
            ("context.Request.MatchedParameters[\"id\"]", "5"),
            ("context.Request.Body.As<string>(true)", "hello"),
            ("context.Request.Certificate == null", "True"),
            ("context.Response.StatusCode", "404"),
            ("context.Response.StatusReason", "Not Found"),
            ("context.Response.Headers[\"ETag\"][0]", "\"abc\""),
            ("context.Response.Body.As<string>()", "missing"),
            ("context.LastError.Source", "rate-limit"),
            ("context.LastError.Reason", "RateLimitExceeded"),
            ("context.LastError.Message", "Rate limit is exceeded."),
            ("context.LastError.Scope", "api"),
            ("context.LastError.Section", "inbound"),
            ("context.LastError.Path", "choose\\when[1]"),
            ("context.LastError.PolicyId", "rl-1"),
            (
                "context.RequestId.ToString()",
                "78563412-bc9a-f0de-1234-56789abcdef0",
            ),
            ("context.Tracing", "True"),
            ("context.Variables[\"n\"]", "7"),
            ("context.Variables.Count", "1"),
        ],
    );
}

#[test]
fn elapsed_is_a_timespan_the_host_sets() {
    // TimeSpan.ToString() is the constant "c" format: [-][d.]hh:mm:ss[.fffffff].
    check(
        &full(),
        &[
            ("context.Elapsed", "00:00:01.5000000"),
            ("context.Elapsed.TotalMilliseconds", "1500"),
            ("context.Elapsed > TimeSpan.FromSeconds(1)", "True"),
        ],
    );
    let plain = Context::new(Arc::new(Deployment::new()));
    check(&plain, &[("context.Elapsed", "00:00:00")]);
}

#[test]
fn unset_dates_are_datetime_min_value_and_unset_service_url_is_null() {
    let ctx = Context::new(Arc::new(Deployment::new()))
        .with_api(Arc::new(Api::default()))
        .with_subscription(Arc::new(Subscription::default()))
        .with_user(Arc::new(User::default()));
    check(
        &ctx,
        &[
            ("context.Api.ServiceUrl == null", "True"),
            ("context.Api.Protocols.Length", "0"),
            (
                "context.Subscription.CreatedDate == DateTime.MinValue",
                "True",
            ),
            ("context.User.RegistrationDate == DateTime.MinValue", "True"),
        ],
    );
}

#[test]
fn interface_names_in_casts_and_declarations() {
    let ctx = full();
    check(
        &ctx,
        &[
            ("((IResponse)context.Response).StatusCode", "404"),
            ("((IRequest)context.Request).Method", "POST"),
            ("((IUrl)context.Request.Url).Host", "api.contoso.com"),
            ("((IApi)context.Api).Name", "Echo API"),
            ("((IUser)context.User).Email", "ann@contoso.com"),
            ("((ISubscription)context.Subscription).Name", "Sub One"),
            ("((IProduct)context.Product).Name", "Starter"),
            ("((IOperation)context.Operation).Method", "GET"),
            (
                "((IMessageBody)context.Request.Body).As<string>(true)",
                "hello",
            ),
            ("(context.Request.Body as IMessageBody) != null", "True"),
            ("context.Response is IResponse", "True"),
        ],
    );
    assert_eq!(
        common::evaluate(
            "IUrl url = context.Request.Url; return url.Path;",
            ExpressionForm::Block,
            &ctx
        ),
        Ok("/echo/items/5".to_owned())
    );
}

#[test]
fn object_members_on_context_values() {
    check(
        &full(),
        &[
            ("context.Variables[\"n\"].ToString()", "7"),
            (
                "context.Variables.GetValueOrDefault<object>(\"missing\", 5).ToString()",
                "5",
            ),
            ("context.Variables[\"n\"].GetType().Name", "Int32"),
            ("context.Variables[\"n\"].Equals(7)", "True"),
            (
                "context.Request.Url.ToString()",
                "https://api.contoso.com/echo/items/5?x=1&x=2",
            ),
        ],
    );
}
