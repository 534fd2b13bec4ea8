//! Expressions written like the members and syntax real policies use most
//! (spec real-world-usage.md), loaded and evaluated in a full policy context.

use std::sync::Arc;

use apim_policy::context::{Api, Body, Context, Deployment, Headers, Request, Subscription, Url};
use apim_policy::expr::{ExpressionForm, ParseLimits, Program, Value};

fn context() -> Context {
    let request = Request {
        method: "POST".to_owned(),
        url: Url::parse("https://api.contoso.com/orders/42?expand=items&debug=true").unwrap(),
        headers: [
            ("Authorization", "Basic dXNlcjpwYXNz"),
            ("User-Agent", "Mozilla/5.0 (iPad; CPU OS 17_0)"),
            ("X-Ids", "a,b,c"),
        ]
        .into_iter()
        .collect::<Headers>(),
        ip_address: "10.1.2.3".to_owned(),
        body: Some(Body::new(br#"{"customer":{"id":7,"name":"Contoso"},"lines":[{"sku":"A","qty":2},{"sku":"B","qty":1}]}"#.to_vec())),
        matched_parameters: vec![("id".to_owned(), "42".to_owned())],
        ..Request::default()
    };
    Context::new(Arc::new(Deployment::new()))
        .with_request(request)
        .with_api(Arc::new(Api {
            id: "orders-api".to_owned(),
            ..Api::default()
        }))
        .with_subscription(Arc::new(Subscription {
            id: "sub-1".to_owned(),
            ..Subscription::default()
        }))
        .with_variable("userId", Value::String(Arc::from("alice")))
        .with_variable("isMobile", Value::Bool(true))
        .with_variable("retries", Value::Int(3))
}

fn eval(form: ExpressionForm, text: &str) -> String {
    let program = Program::compile(text, form, &ParseLimits::default())
        .unwrap_or_else(|e| panic!("{text}: {}", e.message));
    let context = context();
    program
        .evaluate(&context)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .to_display_string()
}

#[test]
fn single_expressions_seen_in_real_policies() {
    let cases = [
        (
            r#"context.Variables.GetValueOrDefault<string>("userId")"#,
            "alice",
        ),
        (
            r#"context.Variables.GetValueOrDefault<bool>("isMobile")"#,
            "True",
        ),
        (
            r#"context.Variables.GetValueOrDefault<int>("retries", 1) + 1"#,
            "4",
        ),
        (r#"(string)context.Variables["userId"]"#, "alice"),
        (
            r#"context.Request.Headers.GetValueOrDefault("User-Agent","").Contains("iPad")"#,
            "True",
        ),
        (
            r#"string.IsNullOrEmpty(context.Request.Headers.GetValueOrDefault("X-Missing", ""))"#,
            "True",
        ),
        (
            r#"context.Request.Headers.GetValueOrDefault("X-Ids", "").Split(',').Length"#,
            "3",
        ),
        (
            r#"context.Request.Headers.ContainsKey("Authorization")"#,
            "True",
        ),
        (
            r#"Encoding.UTF8.GetString(Convert.FromBase64String(context.Request.Headers.GetValueOrDefault("Authorization","").Split(' ')[1]))"#,
            "user:pass",
        ),
        (
            r#"Convert.ToBase64String(Encoding.UTF8.GetBytes("user:pass"))"#,
            "dXNlcjpwYXNz",
        ),
        (
            r#"context.Request.Body.As<JObject>(preserveContent: true)["customer"]["name"].ToString()"#,
            "Contoso",
        ),
        (
            r#"context.Request.Body.As<JObject>(true).SelectToken("lines[1].sku").Value<string>()"#,
            "B",
        ),
        (
            r#"context.Request.Body.As<JObject>(true)["lines"].Sum(l => l.Value<int>("qty"))"#,
            "3",
        ),
        (r#"context.Request.MatchedParameters["id"]"#, "42"),
        (
            r#"int.Parse(context.Request.MatchedParameters["id"]) * 2"#,
            "84",
        ),
        (
            r#"context.Request.Url.Query.GetValueOrDefault("expand", "")"#,
            "items",
        ),
        (r#"context.Request.Url.Path"#, "/orders/42"),
        (r#"context.Request.IpAddress"#, "10.1.2.3"),
        (
            r#"context.Request.Method == "POST" ? "write" : "read""#,
            "write",
        ),
        (
            r#"context.Api.Id + "/" + context.Subscription.Id"#,
            "orders-api/sub-1",
        ),
        (r#"context.Response.StatusCode"#, "200"),
        (
            r#"context.Variables.GetValueOrDefault<string>("missing") ?? "none""#,
            "none",
        ),
        (r#"context.LastError?.Reason ?? "no error""#, "no error"),
        (
            r#"$"{context.Request.Method} {context.Request.Url.Path}""#,
            "POST /orders/42",
        ),
        (r#"@"C:\temp".Replace(@"\", "/")"#, "C:/temp"),
        (r#"WebUtility.UrlDecode("a%20b%2Bc")"#, "a b+c"),
        (
            r#"context.Request.Url.Host.Substring(0, 3).ToUpper()"#,
            "API",
        ),
        (r#"Guid.NewGuid().ToString().Length"#, "36"),
        (r#"new Random().Next(1, 2)"#, "1"),
        (r#"DateTime.UtcNow > DateTime.Parse("2020-01-01")"#, "True"),
        (r#"context.RequestId.ToString().Length"#, "36"),
        (
            r#"context.Request.Headers["X-Ids"].Any(v => v.StartsWith("a"))"#,
            "True",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(eval(ExpressionForm::Single, text), expected, "{text}");
    }
}

#[test]
fn blocks_seen_in_real_policies() {
    let block = r#"
        var auth = context.Request.Headers.GetValueOrDefault("Authorization", "");
        if (string.IsNullOrEmpty(auth) || !auth.StartsWith("Basic ")) {
            return "anonymous";
        }
        try {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth.Substring(6)));
            var parts = decoded.Split(':');
            return parts[0];
        } catch (FormatException) {
            return "invalid";
        }
    "#;
    assert_eq!(eval(ExpressionForm::Block, block), "user");
    let block = r#"
        var body = context.Request.Body.As<JObject>(preserveContent: true);
        int total = 0;
        foreach (var line in body["lines"]) {
            total += line.Value<int>("qty");
        }
        return $"{body["customer"]["id"]}:{total}";
    "#;
    assert_eq!(eval(ExpressionForm::Block, block), "7:3");
}
