//! Multi-statement `@{ ... }` blocks: every statement kind, as S-expressions (see
//! `tests/sexpr/mod.rs`), plus statement-level errors. Shapes follow C# spec §13.

mod sexpr;
use apim_policy::diagnostic::Span;
use apim_policy::expr::parser::{ParseLimits, parse_block};
use sexpr::block;

fn check(cases: &[(&str, &str)]) {
    let mut failures = Vec::new();
    for (text, want) in cases {
        sexpr::no_panic_on_prefixes(text);
        sexpr::round_trips(text, true);
        let got = std::panic::catch_unwind(|| block(text)).unwrap_or_else(|_| "<panic>".into());
        if got != *want {
            failures.push(format!("{text}\n   want {want}\n    got {got}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn declarations() {
    check(&[
        ("var x = 1;", "(decl var (x 1))"),
        (
            "int a = 1, b, c = a + 1;",
            "(decl int (a 1) (b) (c (+ a 1)))",
        ),
        ("string s;", "(decl string (s))"),
        (
            "string[] parts = s.Split(',');",
            "(decl string[] (parts (call (. s Split) ',')))",
        ),
        (
            "List<string> y = new List<string>();",
            "(decl List<string> (y (new List<string> ())))",
        ),
        ("JObject o = null;", "(decl JObject (o null))"),
        ("int? n = null;", "(decl int? (n null))"),
        (
            "Dictionary<string, List<int>> d = null;",
            "(decl Dictionary<string,List<int>> (d null))",
        ),
        (
            "System.Text.StringBuilder sb = new System.Text.StringBuilder();",
            "(decl System.Text.StringBuilder (sb (new System.Text.StringBuilder ())))",
        ),
        (
            "var f = (Func<int, int>)(x => x);",
            "(decl var (f (cast Func<int,int> (lambda (x) x))))",
        ),
        (
            "byte[] key = new byte[16];",
            "(decl byte[] (key (new byte[] (16))))",
        ),
        (
            "int[,] grid = new int[2, 2];",
            "(decl int[,] (grid (new int[,] (2 2))))",
        ),
        ("var @var = 1;", "(decl var (var 1))"),
    ]);
}

#[test]
fn expression_statements() {
    check(&[
        ("x = 1;", "(= x 1);"),
        ("i++;", "(post++ i);"),
        ("--i;", "(--pre i);"),
        ("list.Add(\"a\");", "(call (. list Add) \"a\");"),
        ("o[\"k\"] = v;", "(= (index o \"k\") v);"),
        ("x += y * 2;", "(+= x (* y 2));"),
        ("x ??= \"d\";", "(??= x \"d\");"),
        ("new JObject();", "(new JObject ());"),
        ("a.b.c = d.e;", "(= (. (. a b) c) (. d e));"),
        ("a < b;", "(< a b);"),
        ("x.y<z>();", "(call (. x y <z>));"),
    ]);
}

#[test]
fn control_flow() {
    check(&[
        ("if (a) return 1;", "(if a (return 1))"),
        (
            "if (a) return 1; else return 2;",
            "(if a (return 1) (return 2))",
        ),
        (
            "if (a) { x = 1; } else if (b) { x = 2; } else { x = 3; }",
            "(if a {(= x 1);} (if b {(= x 2);} {(= x 3);}))",
        ),
        (
            "if (a) if (b) x(); else y();",
            "(if a (if b (call x); (call y);))",
        ),
        ("while (i < 10) i++;", "(while (< i 10) (post++ i);)"),
        ("do { i--; } while (i > 0);", "(do {(post-- i);} (> i 0))"),
        (
            "for (var i = 0; i < n; i++) { s += i; }",
            "(for ((decl var (i 0))) (< i n) ((post++ i)) {(+= s i);})",
        ),
        (
            "for (int i = 0, j = 1; ; ) { }",
            "(for ((decl int (i 0) (j 1))) _ () {})",
        ),
        ("for (;;) break;", "(for () _ () break)"),
        (
            "for (i = 0, j = 0; i < 1; i++, j--) ;",
            "(for ((= i 0); (= j 0);) (< i 1) ((post++ i) (post-- j)) ;)",
        ),
        (
            "foreach (var h in headers) { continue; }",
            "(foreach var h headers {continue})",
        ),
        (
            "foreach (KeyValuePair<string, string[]> h in context.Request.Headers) { }",
            "(foreach KeyValuePair<string,string[]> h (. (. context Request) Headers) {})",
        ),
        ("return;", "(return)"),
        ("return x ?? \"\";", "(return (?? x \"\"))"),
        ("throw;", "(throw)"),
        (
            "throw new Exception(\"bad\");",
            "(throw (new Exception (\"bad\")))",
        ),
        ("break; continue;", "break continue"),
        (";", ";"),
        ("{ }", "{}"),
        ("{ { var a = 1; } ; }", "{{(decl var (a 1))} ;}"),
    ]);
}

#[test]
fn switch_statements() {
    check(&[
        (
            "switch (x) { case 1: return \"a\"; case 2: case 3: return \"b\"; default: return \"c\"; }",
            "(switch x ((case 1) (return \"a\")) ((case 2) (case 3) (return \"b\")) (default (return \"c\")))",
        ),
        (
            "switch (s) { case \"GET\": { break; } default: break; }",
            "(switch s ((case \"GET\") {break}) (default break))",
        ),
        (
            "switch (o) { case string s: return s; case int n when n > 0: return n.ToString(); case JObject _: break; case null: break; }",
            "(switch o ((case string s) (return s)) ((case int n when (> n 0)) (return (call (. n ToString)))) ((case JObject) break) ((case null) break))",
        ),
        (
            "switch (m) { case Method.Get: x(); break; }",
            "(switch m ((case (. Method Get)) (call x); break))",
        ),
        ("switch (x) { }", "(switch x)"),
    ]);
}

#[test]
fn try_catch_finally() {
    check(&[
        (
            "try { a(); } catch { b(); }",
            "(try {(call a);} (catch {(call b);}))",
        ),
        (
            "try { a(); } catch (Exception) { }",
            "(try {(call a);} (catch Exception {}))",
        ),
        (
            "try { a(); } catch (FormatException e) { return e.Message; } catch (Exception ex) when (ex.Message != null) { throw; } finally { c(); }",
            "(try {(call a);} (catch FormatException e {(return (. e Message))}) (catch Exception ex when (!= (. ex Message) null) {(throw)}) (finally {(call c);}))",
        ),
        ("try { } finally { }", "(try {} (finally {}))"),
        (
            "try { return JObject.Parse(s); } catch (JsonReaderException) { return null; }",
            "(try {(return (call (. JObject Parse) s))} (catch JsonReaderException {(return null)}))",
        ),
    ]);
}

#[test]
fn local_functions() {
    check(&[
        (
            "string Greet(string name) { return \"hi \" + name; } return Greet(\"x\");",
            "(fn string Greet ((string name)) {(return (+ \"hi \" name))}) (return (call Greet \"x\"))",
        ),
        (
            "int Twice(int x) => x * 2;",
            "(fn int Twice ((int x)) (* x 2))",
        ),
        ("void Log() { }", "(fn void Log () {})"),
        (
            "bool IsOk(JObject o, List<string> keys) => keys.All(k => o[k] != null);",
            "(fn bool IsOk ((JObject o) (List<string> keys)) (call (. keys All) (lambda (k) (!= (index o k) null))))",
        ),
    ]);
}

#[test]
fn lambdas_with_blocks() {
    check(&[
        (
            "var f = (Func<string, string>)(s => { var t = s.Trim(); return t; });",
            "(decl var (f (cast Func<string,string> (lambda (s) {(decl var (t (call (. s Trim)))) (return t)}))))",
        ),
        (
            "list.ForEach(x => { if (x == null) return; Console.WriteLine(x); });",
            "(call (. list ForEach) (lambda (x) {(if (== x null) (return)) (call (. Console WriteLine) x);}));",
        ),
    ]);
}

/// Multi-statement expressions of the kind real policies hold (real-world-usage.md).
#[test]
fn real_world_blocks() {
    check(&[
        (
            r#"
            var body = context.Request.Body.As<JObject>(preserveContent: true);
            // mark the request
            body["seen"] = true;
            return body.ToString();
            "#,
            r#"(decl var (body (call (. (. (. context Request) Body) As <JObject>) preserveContent:true))) (= (index body "seen") true); (return (call (. body ToString)))"#,
        ),
        (
            r#"
            string auth = context.Request.Headers.GetValueOrDefault("Authorization", "");
            if (string.IsNullOrEmpty(auth)) { return "anonymous"; }
            var jwt = auth.Split(' ').Last().AsJwt();
            return jwt?.Subject ?? "unknown";
            "#,
            r#"(decl string (auth (call (. (. (. context Request) Headers) GetValueOrDefault) "Authorization" ""))) (if (call (. string IsNullOrEmpty) auth) {(return "anonymous")}) (decl var (jwt (call (. (call (. (call (. auth Split) ' ') Last)) AsJwt)))) (return (?? (?. jwt Subject) "unknown"))"#,
        ),
        (
            r#"
            var cert = context.Request.Certificate;
            if (cert == null) { return false; }
            foreach (var c in context.Deployment.Certificates) {
                if (c.Value.Thumbprint == cert.Thumbprint) { return true; }
            }
            return false;
            "#,
            r#"(decl var (cert (. (. context Request) Certificate))) (if (== cert null) {(return false)}) (foreach var c (. (. context Deployment) Certificates) {(if (== (. (. c Value) Thumbprint) (. cert Thumbprint)) {(return true)})}) (return false)"#,
        ),
        (
            r#"
            JObject result = new JObject();
            result["id"] = context.RequestId;
            result["items"] = new JArray(items.Select(i => new JObject { ["name"] = i }));
            return result.ToString(Newtonsoft.Json.Formatting.None);
            "#,
            r#"(decl JObject (result (new JObject ()))) (= (index result "id") (. context RequestId)); (= (index result "items") (new JArray ((call (. items Select) (lambda (i) (new JObject () (obj (["name"] i)))))))); (return (call (. result ToString) (. (. (. Newtonsoft Json) Formatting) None)))"#,
        ),
        (
            "int code; if (!int.TryParse(s, out code)) { code = 500; } return code;",
            "(decl int (code)) (if (! (call (. int TryParse) s (out code))) {(= code 500);}) (return code)",
        ),
        (
            "return $@\"multi\nline {x}\";",
            "(return (interp \"multi\\nline \" (hole x)))",
        ),
    ]);
}

fn check_errors(cases: &[(&str, &str, (u32, u32))]) {
    let mut failures = Vec::new();
    for (text, message, (start, end)) in cases {
        match parse_block(text, &ParseLimits::default()) {
            Ok(_) => failures.push(format!("{text:?} parsed")),
            Err(err) => {
                if err.message != *message || err.span != Span::new(*start, *end) {
                    failures.push(format!(
                        "{text:?}\n   want {message:?} at {start}..{end}\n    got {:?} at {}..{}",
                        err.message, err.span.start, err.span.end
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn statement_errors() {
    check_errors(&[
        (
            "return 1",
            "expected `;`, found the end of the text",
            (8, 8),
        ),
        ("x = 1 y = 2;", "expected `;`, found `y`", (6, 7)),
        (
            "if (a { }",
            "expected `)` to close the `(` opened at column 4, found `{`",
            (6, 7),
        ),
        (
            "{ return;",
            "expected `}` to close the `{` opened at column 1, found the end of the text",
            (9, 9),
        ),
        (
            "return; }",
            "unexpected `}`: there is no `{` for it to close",
            (8, 9),
        ),
        (
            "else { }",
            "`else` without a matching statement before it",
            (0, 4),
        ),
        (
            "try { }",
            "expected `catch` or `finally` after the `try` block, found the end of the text",
            (7, 7),
        ),
        (
            "foreach (var x of y) { }",
            "expected `in`, found `of`",
            (15, 17),
        ),
        (
            "switch (x) { return; }",
            "expected `case` or `default:`, found `return`",
            (13, 19),
        ),
        (
            "do x(); until (y);",
            "expected `while` after the body of `do`, found `until`",
            (8, 13),
        ),
        (
            "var a = { 1 };",
            "Can only use array initializer expressions to assign to array types. Try using a new expression instead.",
            (8, 9),
        ),
        ("return \"a;", "unterminated string literal", (7, 8)),
    ]);
}

#[test]
fn block_span_and_statement_spans() {
    let text = "  var x = 1;\n  return x;  ";
    let b = parse_block(text, &ParseLimits::default()).unwrap();
    assert_eq!(b.span, Span::new(0, text.len() as u32));
    let spans: Vec<&str> = b
        .statements
        .iter()
        .map(|s| &text[s.span.start as usize..s.span.end as usize])
        .collect();
    assert_eq!(spans, ["var x = 1;", "return x;"]);
    assert!(
        parse_block("", &ParseLimits::default())
            .unwrap()
            .statements
            .is_empty()
    );
    assert!(
        parse_block(" // only a comment\n", &ParseLimits::default())
            .unwrap()
            .statements
            .is_empty()
    );
}

// ------------------------------------------------------------- evaluation (C# semantics) ----

mod common;

fn run(text: &str) -> Result<String, String> {
    use std::sync::Arc;
    let context =
        apim_policy::context::Context::new(Arc::new(apim_policy::context::Deployment::new()));
    common::evaluate(text, apim_policy::expr::ExpressionForm::Block, &context)
}

fn expect(cases: &[(&str, &str)]) {
    let mut failures = Vec::new();
    for (text, want) in cases {
        let got = run(text).unwrap_or_else(|e| e);
        if got != *want {
            failures.push(format!("{text}\n   want {want}\n    got {got}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Local functions (C# 7, §13.6.4): block and expression bodies, use before the declaration,
/// recursion, `void` functions writing a captured local; load errors as csc words them.
#[test]
fn local_functions_run() {
    expect(&[
        ("int F(int x) { return x * 2; } return F(3);", "6"),
        ("int F(int x) => x * 2; return F(21);", "42"),
        (
            "return G(\"a\", 2); string G(string s, int n) { var t = s; for (var i = 1; i < n; i++) { t += s; } return t; }",
            "aa",
        ),
        (
            "int Fact(int n) => n <= 1 ? 1 : n * Fact(n - 1); return Fact(10);",
            "3628800",
        ),
        (
            "int Fib(int n) { if (n < 2) { return n; } return Fib(n - 1) + Fib(n - 2); } return Fib(15);",
            "610",
        ),
        (
            "var total = 0; void Add(int n) { total += n; } Add(2); Add(3); return total;",
            "5",
        ),
        (
            "void Check(int n) { if (n > 1) { return; } throw new ArgumentException(\"small\"); } try { Check(5); Check(0); return \"no\"; } catch (ArgumentException e) { return e.Message; }",
            "small",
        ),
        (
            "int F(int x) { return \"s\"; } return 1;",
            "load: Cannot implicitly convert type 'string' to 'int'",
        ),
        (
            "int F(int x) { if (x > 0) return 1; } return 1;",
            "load: 'F': not all code paths return a value",
        ),
        (
            "int F(int x) => x; return F(\"a\");",
            "load: Argument 1: cannot convert from 'string' to 'int'",
        ),
        (
            "int F(int x) => x; return F();",
            "load: No overload for method 'F' takes 0 arguments",
        ),
        (
            "{ int F() => 1; } return F();",
            "load: The name 'F' does not exist in the current context",
        ),
    ]);
}

/// Recursion is bounded (a policy cannot exhaust the gateway's stack): past the depth limit
/// the call throws instead.
#[test]
fn recursion_is_bounded() {
    expect(&[("int D(int n) => n == 0 ? 0 : D(n - 1); return D(90);", "0")]);
    let error = run("int D(int n) => n == 0 ? 0 : D(n - 1); return D(100000);").unwrap_err();
    assert!(
        error.starts_with("System.InvalidOperationException: "),
        "{error}"
    );
}

/// Block-bodied lambdas (§12.19): statements, locals and several returns inside a LINQ lambda.
#[test]
fn block_lambdas_run() {
    expect(&[
        (
            "return new[] {\"a\", \"bb\"}.Where(x => { return x.Length > 1; }).Count();",
            "1",
        ),
        (
            "return new[] {\"a\", \"bb\", \"ccc\"}.Select(x => { var n = x.Length; if (n > 2) { return \"big\"; } return \"small\"; }).Last();",
            "big",
        ),
        (
            "var words = new[] {\"ab\", \"cd\"}; return words.Any(s => { foreach (var c in s) { if (c == 'd') return true; } return false; });",
            "True",
        ),
        (
            "return new[] {\"a\"}.Where(x => { var y = 1; }).Count();",
            "load: not all code paths return a value",
        ),
    ]);
}

/// `try`/`catch`/`finally`/`throw` (§13.10, §13.11): the thrown type decides which catch runs,
/// `when` filters, `throw;` rethrows the caught exception, `finally` always runs.
#[test]
fn exceptions_are_caught_by_type() {
    expect(&[
        (
            "try { throw new Exception(\"x\"); } catch (Exception e) { return e.Message; } finally { }",
            "x",
        ),
        (
            "try { int.Parse(\"x\"); return \"no\"; } catch (FormatException e) when (e.Message.Length > 0) { return \"format\"; }",
            "format",
        ),
        (
            "try { JObject.Parse(\"{\"); return \"no\"; } catch (JsonReaderException) { return \"reader\"; }",
            "reader",
        ),
        (
            "try { JObject.Parse(\"{\"); return \"no\"; } catch (Newtonsoft.Json.JsonException) { return \"json\"; }",
            "json",
        ),
        (
            "try { throw new FormatException(\"f\"); } catch (InvalidOperationException) { return \"wrong\"; } catch (FormatException e) { return e.Message; }",
            "f",
        ),
        (
            "try { try { throw new FormatException(\"f\"); } catch (FormatException) { throw; } } catch (FormatException e) { return \"again \" + e.Message; }",
            "again f",
        ),
        (
            "var log = \"\"; try { try { throw new Exception(\"a\"); } finally { log += \"finally \"; } } catch (Exception e) { log += e.Message; } return log;",
            "finally a",
        ),
        (
            "try { throw new Exception(\"a\"); } catch (Exception e) when (e.Message == \"b\") { return \"b\"; } catch { return \"other\"; }",
            "other",
        ),
        (
            "throw new FormatException(\"bad\");",
            "System.FormatException: bad",
        ),
        ("throw new Exception(\"bad\");", "System.Exception: bad"),
        (
            "throw new Exception();",
            "System.Exception: Exception of type 'System.Exception' was thrown.",
        ),
        (
            "throw new InvalidOperationException();",
            "System.InvalidOperationException: Operation is not valid due to the current state of the object.",
        ),
        (
            "throw new ArgumentNullException(\"id\");",
            "System.ArgumentNullException: Value cannot be null. (Parameter 'id')",
        ),
        (
            "throw new ArgumentOutOfRangeException(\"n\", \"Too big.\");",
            "System.ArgumentOutOfRangeException: Too big. (Parameter 'n')",
        ),
        (
            "throw new ArgumentException(\"Bad value.\", \"v\");",
            "System.ArgumentException: Bad value. (Parameter 'v')",
        ),
        (
            "throw;",
            "load: A throw statement with no arguments is not allowed outside of a catch clause",
        ),
    ]);
}
