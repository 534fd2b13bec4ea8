//! Newtonsoft JSON in expressions: `JObject.Parse`, `Body.As<JObject>()`, indexers, `Value<T>`,
//! `ToObject<T>`, `SelectToken`, conversions and `ToString()` as Newtonsoft gives them.

mod common;

use std::sync::Arc;

use apim_policy::context::{Body, Context, Deployment, Request};
use apim_policy::expr::{ExpressionForm, ParseLimits, Program};

const BODY: &str = r#"{"name":"contoso","id":42,"active":true,"price":1.5,"tags":["a","b"],"owner":{"email":"alice@contoso.com"},"none":null}"#;

fn eval(expression: &str) -> Result<String, String> {
    let program = Program::compile(expression, ExpressionForm::Single, &ParseLimits::default())
        .map_err(|e| format!("load: {}", e.message))?;
    let request = Request {
        method: "POST".to_owned(),
        body: Some(Body::new(BODY.as_bytes().to_vec())),
        ..Request::default()
    };
    let context = Context::new(Arc::new(Deployment::new())).with_request(request);
    program
        .evaluate(&context)
        .map(|v| v.to_display_string())
        .map_err(|e| format!("{}: {}", e.kind.type_name(), e.message))
}

#[test]
fn json_reads_as_newtonsoft_gives_it() {
    let body = "context.Request.Body.As<JObject>(preserveContent: true)";
    let cases = [
        (format!("(string){body}[\"name\"]"), "contoso"),
        (format!("{body}[\"name\"].ToString()"), "contoso"),
        (format!("{body}.Value<string>(\"name\")"), "contoso"),
        (format!("{body}.Value<int>(\"id\") + 1"), "43"),
        (format!("(int){body}[\"id\"]"), "42"),
        (format!("(bool){body}[\"active\"]"), "True"),
        (format!("{body}.Value<double>(\"price\")"), "1.5"),
        (format!("{body}[\"tags\"][1].ToString()"), "b"),
        (format!("((JArray){body}[\"tags\"]).Count"), "2"),
        (
            format!("{body}[\"owner\"][\"email\"].ToString()"),
            "alice@contoso.com",
        ),
        (
            format!("{body}.SelectToken(\"owner.email\").ToString()"),
            "alice@contoso.com",
        ),
        (format!("{body}.SelectToken(\"$.tags[0]\").ToString()"), "a"),
        (
            format!("{body}.SelectToken(\"missing.path\") == null"),
            "True",
        ),
        (format!("{body}[\"missing\"] == null"), "True"),
        (format!("{body}.Value<string>(\"missing\") == null"), "True"),
        (format!("{body}.Value<int>(\"missing\")"), "0"),
        (format!("{body}.ContainsKey(\"tags\")"), "True"),
        (format!("{body}.Count"), "7"),
        (format!("{body}[\"id\"].Type"), "Integer"),
        (format!("{body}[\"tags\"].Type"), "Array"),
        (
            format!("{body}[\"owner\"].ToString(Formatting.None)"),
            r#"{"email":"alice@contoso.com"}"#,
        ),
        (
            format!("{body}[\"owner\"].ToString()"),
            "{\n  \"email\": \"alice@contoso.com\"\n}",
        ),
        (
            format!("{body}[\"owner\"].ToObject<JObject>().Value<string>(\"email\")"),
            "alice@contoso.com",
        ),
        (
            "JObject.Parse(\"{\\\"a\\\":[1,2]}\").ToString()".to_owned(),
            "{\n  \"a\": [\n    1,\n    2\n  ]\n}",
        ),
        ("JArray.Parse(\"[1,2,3]\").Count".to_owned(), "3"),
        ("JToken.Parse(\"\\\"x\\\"\").ToString()".to_owned(), "x"),
        (
            "context.Request.Body.As<string>(true).Length > 10".to_owned(),
            "True",
        ),
    ];
    for (expression, expected) in cases {
        assert_eq!(eval(&expression).as_deref(), Ok(expected), "{expression}");
    }
}

#[test]
fn bad_json_access_throws_as_newtonsoft_does() {
    let body = "context.Request.Body.As<JObject>(true)";
    let cases = [
        (format!("(int){body}[\"name\"]"), "System.FormatException"),
        (
            format!("{body}[\"tags\"][\"x\"]"),
            "Accessed JArray values with invalid key value",
        ),
        (
            format!("{body}[\"id\"][\"x\"]"),
            "Cannot access child value on Newtonsoft.Json.Linq.JValue.",
        ),
        (format!("{body}[\"tags\"][5]"), "Index was out of range"),
        (
            format!("(string){body}[\"owner\"]"),
            "Can not convert Object to String.",
        ),
        (
            "JObject.Parse(\"[1]\")".to_owned(),
            "Current JsonReader item is not an object",
        ),
        (
            "JObject.Parse(\"{nope\")".to_owned(),
            "Error reading JToken",
        ),
    ];
    for (expression, message) in cases {
        let error = eval(&expression).unwrap_err();
        assert!(error.contains(message), "{expression}: {error}");
    }
}

#[test]
fn reading_the_body_without_preserve_content_consumes_it() {
    let block = "var first = context.Request.Body.As<string>(); var second = context.Request.Body.As<string>(); return first.Length + \"/\" + second.Length;";
    let program = Program::compile(block, ExpressionForm::Block, &ParseLimits::default()).unwrap();
    let request = Request {
        body: Some(Body::new(BODY.as_bytes().to_vec())),
        ..Request::default()
    };
    let context = Context::new(Arc::new(Deployment::new())).with_request(request);
    let value = program.evaluate(&context).unwrap().to_display_string();
    assert_eq!(value, format!("{}/0", BODY.len()));
}

#[test]
fn json_is_built_as_newtonsoft_builds_it() {
    let cases = [
        (
            r#"new JObject { ["id"] = 42, ["name"] = "contoso", ["ok"] = true }.ToString(Formatting.None)"#,
            r#"{"id":42,"name":"contoso","ok":true}"#,
        ),
        (
            r#"new JObject(new JProperty("a", 1), new JProperty("b", "x")).ToString()"#,
            "{\n  \"a\": 1,\n  \"b\": \"x\"\n}",
        ),
        (
            r#"new JArray { 1, "two", false }.ToString(Formatting.None)"#,
            r#"[1,"two",false]"#,
        ),
        (r#"new JArray(1, 2).Count"#, "2"),
        (r#"new JObject().ToString()"#, "{}"),
        (
            r#"new JObject { ["nested"] = new JObject { ["v"] = 1.5 } }["nested"]["v"].ToString()"#,
            "1.5",
        ),
        (
            r#"new JObject { ["m"] = context.Request.Method }.Value<string>("m")"#,
            "POST",
        ),
    ];
    for (expression, expected) in cases {
        assert_eq!(eval(expression).as_deref(), Ok(expected), "{expression}");
    }
    let error = eval(r#"new JObject(new JProperty("a", 1), new JProperty("a", 2))"#).unwrap_err();
    assert!(
        error.contains("Property with the same name already exists"),
        "{error}"
    );
}
