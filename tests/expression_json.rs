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

fn run(block: &str) -> Result<String, String> {
    let request = Request {
        method: "POST".to_owned(),
        body: Some(Body::new(BODY.as_bytes().to_vec())),
        ..Request::default()
    };
    let context = Context::new(Arc::new(Deployment::new())).with_request(request);
    common::evaluate(block, ExpressionForm::Block, &context)
}

/// Tokens are reference types: indexer assignment, `Add`, `Remove`, `Insert`, `Replace` and
/// `Merge` change the tree in place, and every reference into it sees the change (Newtonsoft's
/// `JToken` docs; `JObject`'s indexer adds or replaces a property in place).
#[test]
fn tokens_change_in_place() {
    let cases = [
        (
            r#"var j = new JObject(); j["a"] = 1; return j.ToString(Formatting.None);"#,
            r#"{"a":1}"#,
        ),
        (
            r#"var b = context.Request.Body.As<JObject>(); b["owner"]["email"] = "z"; b.Remove("tags"); b.Remove("none"); b.Remove("price"); b.Add("n", 1); return b.ToString(Formatting.None);"#,
            r#"{"name":"contoso","id":42,"active":true,"owner":{"email":"z"},"n":1}"#,
        ),
        (
            r#"var b = context.Request.Body.As<JObject>(); var tags = (JArray)b["tags"]; tags.Add("c"); tags.Insert(0, "z"); tags.RemoveAt(1); return b["tags"].ToString(Formatting.None);"#,
            r#"["z","b","c"]"#,
        ),
        (
            r#"var b = context.Request.Body.As<JObject>(); b["name"] = null; b["id"] = 7L; b["active"] = false; b["price"] = 2.5; return b.ToString(Formatting.None);"#,
            r#"{"name":null,"id":7,"active":false,"price":2.5,"tags":["a","b"],"owner":{"email":"alice@contoso.com"},"none":null}"#,
        ),
        (
            r#"var a = new JArray(); a.Add(new JObject()); a[0]["q"] = true; a.Add(new JArray(1, 2)); return a.ToString(Formatting.None);"#,
            r#"[{"q":true},[1,2]]"#,
        ),
        (
            r#"var o = JObject.Parse("{\"a\":{\"b\":1},\"c\":[1],\"d\":1}"); o.Merge(JObject.Parse("{\"a\":{\"e\":2},\"c\":[2],\"d\":null}")); return o.ToString(Formatting.None);"#,
            r#"{"a":{"b":1,"e":2},"c":[1,2],"d":1}"#,
        ),
        (
            r#"var o = JObject.Parse("{\"a\":[1,2,3]}"); o["a"][1].Remove(); o["a"][0].Replace("x"); return o.ToString(Formatting.None);"#,
            r#"{"a":["x",3]}"#,
        ),
        (
            r#"var o = JObject.Parse("{\"a\":[1,2,3]}"); var a = (JArray)o["a"]; var two = a[1]; return a.Remove(two) + " " + a.IndexOf(a[1]) + " " + a.Count;"#,
            "True 1 2",
        ),
        (
            r#"var o = new JObject(); o["x"] = "1"; o["x"] = "2"; o["y"] = o["x"]; o["x"] = 3; return o.ToString(Formatting.None);"#,
            r#"{"x":3,"y":"2"}"#,
        ),
        (
            r#"var o = new JObject { ["a"] = 1 }; o.Add(new JProperty("b", 2)); var c = o.DeepClone(); o.RemoveAll(); return o.Count + c.ToString(Formatting.None);"#,
            r#"0{"a":1,"b":2}"#,
        ),
        (
            r#"var o = JObject.Parse("{\"a\":{\"b\":[1,{\"c\":2}]}}"); return o.SelectToken("a.b[1].c").Path + " " + o["a"]["b"][1].Parent.Path;"#,
            "a.b[1].c a.b",
        ),
        (
            r#"var o = JObject.Parse("{\"a\":1}"); o.Add("a", 2); return "";"#,
            "System.ArgumentException: Can not add property a to Newtonsoft.Json.Linq.JObject. Property with the same name already exists on object.",
        ),
        (
            r#"var o = JObject.Parse("{\"a\":1}"); o["a"].Remove(); return "";"#,
            "Newtonsoft.Json.JsonException: Cannot add or remove items from Newtonsoft.Json.Linq.JProperty.",
        ),
        (
            r#"var o = JObject.Parse("{\"a\":1}"); o["a"]["b"] = 1; return "";"#,
            "System.InvalidOperationException: Cannot set child value on Newtonsoft.Json.Linq.JValue.",
        ),
        (
            r#"var a = new JArray(1); a[1] = 2; return "";"#,
            "System.ArgumentOutOfRangeException: Index is equal to or greater than Count. (Parameter 'index')",
        ),
        (
            r#"var a = new JArray(1); a["k"] = 2; return "";"#,
            "System.ArgumentException: Set JArray values with invalid key value: \"k\". Int32 array index expected.",
        ),
        (
            r#"var o = new JObject(); o.Replace(1); return "";"#,
            "System.InvalidOperationException: The parent is missing.",
        ),
        (
            r#"var a = JArray.Parse("[{\"x\":1},{\"x\":2}]"); foreach (JObject item in a) { item["y"] = (int)item["x"] * 10; } return a.ToString(Formatting.None);"#,
            r#"[{"x":1,"y":10},{"x":2,"y":20}]"#,
        ),
        (
            r#"var a = JArray.Parse("[{\"x\":1},2]"); foreach (JObject item in a) { item["y"] = 1; } return "";"#,
            "System.InvalidCastException: Unable to cast object of type 'Newtonsoft.Json.Linq.JValue' to type 'Newtonsoft.Json.Linq.JObject'.",
        ),
        (
            r#"var o = JObject.Parse("{\"a\":1,\"b\":2}"); foreach (var p in o.Properties()) { o[p.Name] = p.Name; } return o.ToString(Formatting.None);"#,
            r#"{"a":"a","b":"b"}"#,
        ),
        (
            r#"var o = JObject.Parse("{\"a\":1,\"b\":{\"c\":2}}"); o.Property("a").Remove(); return o.ToString(Formatting.None);"#,
            r#"{"b":{"c":2}}"#,
        ),
        (
            r#"var o = JObject.Parse("{\"b\":{\"c\":2}}"); var p = o.Property("b"); p.Value["d"] = 3; return p.ToString(Formatting.None) + " " + p.Type + " " + p.Path;"#,
            r#""b":{"c":2,"d":3} Property b"#,
        ),
        (
            r#"var o = JObject.Parse("{\"a\":1,\"b\":2}"); var n = new JObject(); foreach (var p in o.Properties()) { n.Add(p); } n.Add(o.Property("a").Name + "x", o.Property("a").Value); return n.ToString(Formatting.None);"#,
            r#"{"a":1,"b":2,"ax":1}"#,
        ),
        (
            r#"var o = JObject.Parse("{\"a\":1}"); JToken t = o.Property("a"); return (t is JProperty) + " " + (t is JObject) + " " + o.Children().Count();"#,
            "True False 1",
        ),
        (
            r#"var a = new JArray(); while (true) { a.Add(a); a.Add(a); }"#,
            "System.OutOfMemoryException: Insufficient memory to continue the execution of the program.",
        ),
    ];
    let mut failures = Vec::new();
    for (block, want) in cases {
        let got = run(block).unwrap_or_else(|e| e);
        if got != want {
            failures.push(format!("{block}\n   want {want}\n    got {got}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// `Properties()`, `Property(name)`, `Children()`, `JProperty.Name`/`Value`, `HasValues`.
#[test]
fn properties_and_children() {
    let cases = [
        (
            r#"JObject.Parse("{\"a\":1,\"b\":2}").Properties().Count()"#,
            "2",
        ),
        (
            r#"JObject.Parse("{\"a\":1,\"b\":2}").Properties().Select(p => p.Name + "=" + p.Value).Last()"#,
            "b=2",
        ),
        (r#"JObject.Parse("{\"a\":1}").Property("a").Name"#, "a"),
        (
            r#"JObject.Parse("{\"a\":1}").Property("b") == null"#,
            "True",
        ),
        (r#"JArray.Parse("[1,2,3]").Children().Count()"#, "3"),
        (r#"JObject.Parse("{\"a\":[]}")["a"].HasValues"#, "False"),
        (
            r#"JObject.Parse("{\"a\":1,\"b\":2}").Properties().Where(p => p.Name != "a").First().Name"#,
            "b",
        ),
    ];
    for (expression, want) in cases {
        assert_eq!(eval(expression).as_deref(), Ok(want), "{expression}");
    }
}

/// Namespace-qualified names: `Newtonsoft.Json.Linq.JObject`, `Newtonsoft.Json.Formatting`.
#[test]
fn qualified_type_names() {
    let cases = [
        (
            r#"new JObject(new JProperty("a", 1)).ToString(Newtonsoft.Json.Formatting.None)"#,
            r#"{"a":1}"#,
        ),
        (r#"Newtonsoft.Json.Linq.JObject.Parse("{}").Count"#, "0"),
        (
            r#"((Newtonsoft.Json.Linq.JArray)Newtonsoft.Json.Linq.JToken.Parse("[1]")).Count"#,
            "1",
        ),
        (r#"System.Net.WebUtility.UrlEncode("a b")"#, "a+b"),
    ];
    for (expression, want) in cases {
        assert_eq!(eval(expression).as_deref(), Ok(want), "{expression}");
    }
    assert!(
        eval("Newtonsoft.Json.JObject.Parse(\"{}\")")
            .unwrap_err()
            .starts_with("load: ")
    );
}
