//! Multi-statement expressions `@{ ... }`: declarations, assignment, control flow, exceptions,
//! the "not all code paths return a value" check, and the loop limit. Expected values follow C#.

mod common;

use std::sync::Arc;

use apim_policy::context::{Context, Deployment, Headers, Request};
use apim_policy::expr::{ExpressionForm, ParseLimits, Program, Value};

fn context() -> Context {
    let request = Request {
        method: "POST".to_owned(),
        headers: [
            ("Accept", "application/json"),
            ("Accept", "text/plain"),
            ("X-Id", "42"),
        ]
        .into_iter()
        .collect::<Headers>(),
        ..Request::default()
    };
    Context::new(Arc::new(Deployment::new()))
        .with_request(request)
        .with_variable("name", Value::String(Arc::from("contoso")))
        .with_variable("count", Value::Int(3))
}

fn run(block: &str) -> Result<String, String> {
    let program = Program::compile(block, ExpressionForm::Block, &ParseLimits::default())
        .map_err(|e| format!("load: {}", e.message))?;
    let context = context();
    program
        .evaluate(&context)
        .map(|v| v.to_display_string())
        .map_err(|e| format!("{}: {}", e.kind.type_name(), e.message))
}

#[test]
fn statements_compute_what_csharp_computes() {
    let cases = [
        ("var x = 1; x += 2; return x;", "3"),
        (
            "int total = 0; for (var i = 0; i < 10; i++) { total += i; } return total;",
            "45",
        ),
        (
            "var n = 0; while (true) { n++; if (n == 5) { break; } } return n;",
            "5",
        ),
        ("var n = 0; do { n += 2; } while (n < 7); return n;", "8"),
        (
            "var count = 0; foreach (var a in context.Request.Headers[\"Accept\"]) { count++; } return count;",
            "2",
        ),
        (
            "var s = \"\"; foreach (string a in context.Request.Headers[\"Accept\"]) { s += a + \";\"; } return s;",
            "application/json;text/plain;",
        ),
        (
            "if (context.Request.Method == \"POST\") { return \"write\"; } else { return \"read\"; }",
            "write",
        ),
        (
            "var m = context.Request.Method; switch (m) { case \"GET\": return 1; case \"POST\": return 2; default: return 3; }",
            "2",
        ),
        (
            "switch (7) { case 1: return \"one\"; default: return \"many\"; }",
            "many",
        ),
        (
            "var name = (string)context.Variables[\"name\"]; return name.ToUpper();",
            "CONTOSO",
        ),
        (
            "var c = context.Variables.GetValueOrDefault<int>(\"count\"); return c * 2;",
            "6",
        ),
        (
            "try { var v = context.Variables[\"missing\"]; return \"found\"; } catch (KeyNotFoundException e) { return e.Message; }",
            "The given key 'missing' was not present in the dictionary.",
        ),
        (
            "try { return (int)context.Variables[\"name\"]; } catch (InvalidCastException) { return -1; }",
            "-1",
        ),
        (
            "var r = \"\"; try { r += \"a\"; } finally { r += \"b\"; } return r;",
            "ab",
        ),
        (
            "try { throw new Exception(\"boom\"); } catch (Exception e) { return e.Message; }",
            "boom",
        ),
        ("string a = \"x\", b = \"y\"; return a + b;", "xy"),
        ("double d = 1; d /= 4; return d;", "0.25"),
        ("int i = 7; i /= 2; return i;", "3"),
        ("var i = 10; i -= 3; i *= 2; i %= 5; return i;", "4"),
        (
            "var id = context.Request.Headers.GetValueOrDefault(\"X-Id\", \"none\"); return id;",
            "42",
        ),
        (
            "var t = 0; foreach (var ch in \"abc\") { t++; } return t;",
            "3",
        ),
    ];
    for (block, expected) in cases {
        assert_eq!(run(block).as_deref(), Ok(expected), "{block}");
    }
}

#[test]
fn not_all_code_paths_return_a_value() {
    for block in [
        "var x = 1;",
        "if (context.Request.Method == \"GET\") { return 1; }",
        "while (context.Request.Method == \"GET\") { return 1; }",
        "var n = 0; while (true) { n++; if (n > 3) { break; } }",
        "switch (1) { case 1: return 1; }",
        "try { return 1; } catch (Exception) { }",
    ] {
        assert_eq!(
            run(block),
            Err("load: not all code paths return a value".to_owned()),
            "{block}"
        );
    }
}

#[test]
fn statement_errors_are_load_errors() {
    let cases = [
        ("x = 1; return x;", "does not exist"),
        ("var x; return 1;", "must be initialized"),
        ("var x = null; return 1;", "<null>"),
        ("int x = \"a\"; return x;", "Cannot implicitly convert"),
        ("break; return 1;", "No enclosing loop"),
        ("1 + 2; return 1;", "can be used as a statement"),
        ("foreach (var x in 5) { } return 1;", "cannot operate"),
        ("var x = 1; var x = 2; return x;", "cannot be declared"),
        (
            "try { return 1; } catch (NoSuchException) { return 2; }",
            "could not be found",
        ),
    ];
    for (block, message) in cases {
        let error = run(block).unwrap_err();
        assert!(error.contains(message), "{block}: {error}");
    }
}

#[test]
fn loops_hit_the_iteration_limit() {
    let error = run("var n = 0; while (true) { n++; }").unwrap_err();
    assert!(error.contains("limit of 100000 loop iterations"), "{error}");
}

#[test]
fn blocks_run_in_policies() {
    let text = r#"<policies><inbound>
        <set-variable name="kind" value="@{
            var accept = context.Request.Headers.GetValueOrDefault("Accept", "");
            if (accept.Contains("json")) { return "json"; }
            return "other";
        }" />
        <return-response><set-status code="200" reason="OK" />
            <set-header name="X-Kind" exists-action="override"><value>@((string)context.Variables["kind"])</value></set-header>
        </return-response>
    </inbound></policies>"#;
    let policy = apim_policy::policy::Policy::load(text).unwrap();
    let mut context = context();
    match policy.evaluate(&mut context) {
        apim_policy::runtime::Outcome::Returned { response } => {
            assert_eq!(
                response.headers.get("X-Kind"),
                Some(&["json".to_owned()][..])
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn const_locals_and_array_initialisers() {
    assert_eq!(run("const int k = 3; return k;"), Ok("3".to_owned()));
    assert_eq!(
        run("const string a = \"x\", b = \"y\"; return a + b;"),
        Ok("xy".to_owned())
    );
    assert!(
        run("const int k; return 1;")
            .is_err_and(|e| e.contains("A const field requires a value to be provided"))
    );
    assert_eq!(
        run("int[] a = { 1, 2 }; return a.Length;"),
        Ok("2".to_owned())
    );
    assert_eq!(
        run("string[] a = { \"x\", \"y\" }; return a[1];"),
        Ok("y".to_owned())
    );
    assert_eq!(run("int[] a = { }; return a.Length;"), Ok("0".to_owned()));
    assert!(
        run("var a = { 1, 2 }; return 1;")
            .is_err_and(|e| e.contains("Can only use array initializer expressions"))
    );
}
