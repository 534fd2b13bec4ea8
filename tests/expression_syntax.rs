//! Expression syntax: each case is an expression and the expected tree as an S-expression
//! (see `tests/sexpr/mod.rs`). Expected shapes follow the C# specification: §12.4.2 precedence
//! and associativity, §6.2.5 generic disambiguation, §12.9.7 cast disambiguation, §6.4.5 literals.

mod sexpr;
use apim_policy::diagnostic::Span;
use apim_policy::expr::parser::{ParseLimits, parse_block, parse_expression};
use sexpr::expr;

/// Checks each case, and that every prefix of it (and every suffix) parses or fails cleanly,
/// with an error span inside the text.
fn check(cases: &[(&str, &str)]) {
    let mut failures = Vec::new();
    for (text, want) in cases {
        sexpr::no_panic_on_prefixes(text);
        sexpr::round_trips(text, false);
        let got = std::panic::catch_unwind(|| expr(text)).unwrap_or_else(|_| "<panic>".into());
        if got != *want {
            failures.push(format!("{text}\n   want {want}\n    got {got}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn integer_literals() {
    check(&[
        ("0", "0"),
        ("42", "42"),
        ("2147483647", "2147483647"),
        // Unsuffixed: int, uint, long, ulong in turn (§6.4.5.3).
        ("2147483648", "2147483648U"),
        ("4294967295", "4294967295U"),
        ("4294967296", "4294967296L"),
        ("9223372036854775807", "9223372036854775807L"),
        ("9223372036854775808", "9223372036854775808UL"),
        ("18446744073709551615", "18446744073709551615UL"),
        ("1L", "1L"),
        ("1l", "1L"),
        ("1u", "1U"),
        ("1U", "1U"),
        ("4294967296u", "4294967296UL"),
        ("9223372036854775808L", "9223372036854775808UL"),
        ("1UL", "1UL"),
        ("1lu", "1UL"),
        ("1Ul", "1UL"),
        ("0x1F", "31"),
        ("0XFF", "255"),
        ("0xFFFFFFFF", "4294967295U"),
        ("0x7FFF_FFFF", "2147483647"),
        ("0xFFL", "255L"),
        ("0x_1", "1"),
        ("0b1010", "10"),
        ("0B1111_0000", "240"),
        ("1_000_000", "1000000"),
        ("1__0", "10"),
        // `-` is an operator applied to the literal (§12.9.3).
        ("-1", "(- 1)"),
        ("-2147483648", "(- 2147483648U)"),
    ]);
}

#[test]
fn real_literals() {
    check(&[
        ("1.5", "d:1.5"),
        (".5", "d:0.5"),
        ("1e3", "d:1000.0"),
        ("1E3", "d:1000.0"),
        ("1.5e-3", "d:0.0015"),
        ("2e+2", "d:200.0"),
        ("1d", "d:1.0"),
        ("1.5D", "d:1.5"),
        ("1.5f", "f:1.5"),
        ("3F", "f:3.0"),
        ("0.1f", "f:0.1"),
        ("1_000.000_1", "d:1000.0001"),
        ("1.50m", "m:1.50"),
        ("10M", "m:10"),
        ("1_0.5e2m", "m:10.5e2"),
        // A `.` not followed by a digit is member access on an int.
        ("1.ToString()", "(call (. 1 ToString))"),
        ("1.5.ToString()", "(call (. d:1.5 ToString))"),
    ]);
}

#[test]
fn char_literals() {
    check(&[
        ("'a'", "'a'"),
        ("'\\''", "'\\''"),
        ("'\"'", "'\"'"),
        ("'\\\\'", "'\\\\'"),
        ("'\\0'", "'\\0'"),
        ("'\\a'", "'\\u{7}'"),
        ("'\\b'", "'\\u{8}'"),
        ("'\\f'", "'\\u{c}'"),
        ("'\\n'", "'\\n'"),
        ("'\\r'", "'\\r'"),
        ("'\\t'", "'\\t'"),
        ("'\\v'", "'\\u{b}'"),
        ("'\\u0041'", "'A'"),
        ("'\\x41'", "'A'"),
        ("'\\x4'", "'\\u{4}'"),
        ("'\\x004A'", "'J'"),
        ("'é'", "'é'"),
        ("'\\u00e9'", "'é'"),
    ]);
}

#[test]
fn string_literals() {
    check(&[
        ("\"\"", "\"\""),
        ("\"abc\"", "\"abc\""),
        ("\"a\\\"b\"", "\"a\\\"b\""),
        ("\"tab\\there\"", "\"tab\\there\""),
        ("\"\\u0041\\x42\\U00000043\"", "\"ABC\""),
        ("\"\\U0001F600\"", "\"😀\""),
        // A surrogate pair written as two \u escapes is one character.
        ("\"\\uD83D\\uDE00\"", "\"😀\""),
        ("\"\\x41BC\"", "\"\u{41bc}\""),
        ("\"\\x41G\"", "\"AG\""),
        ("@\"c:\\temp\\\"", "\"c:\\\\temp\\\\\""),
        ("@\"say \"\"hi\"\"\"", "\"say \\\"hi\\\"\""),
        ("@\"line1\nline2\"", "\"line1\\nline2\""),
        ("@\"\"", "\"\""),
    ]);
}

#[test]
fn interpolated_strings() {
    check(&[
        ("$\"\"", "(interp)"),
        ("$\"plain\"", "(interp \"plain\")"),
        ("$\"a{b}c\"", "(interp \"a\" (hole b) \"c\")"),
        ("$\"{x,5}\"", "(interp (hole x ,5))"),
        ("$\"{x,-5:F2}\"", "(interp (hole x ,(- 5) :\"F2\"))"),
        (
            "$\"{d:yyyy-MM-dd HH:mm}\"",
            "(interp (hole d :\"yyyy-MM-dd HH:mm\"))",
        ),
        ("$\"{{literal}}\"", "(interp \"{literal}\")"),
        ("$\"a{{{b}}}c\"", "(interp \"a{\" (hole b) \"}c\")"),
        ("$\"\\t{x}\\n\"", "(interp \"\\t\" (hole x) \"\\n\")"),
        (
            "$\"Bearer {(string)context.Variables[\"token\"]}\"",
            "(interp \"Bearer \" (hole (cast string (index (. context Variables) \"token\"))))",
        ),
        ("$\"{(a ? b : c)}\"", "(interp (hole (? a b c)))"),
        ("$\"{f(a, b)}\"", "(interp (hole (call f a b)))"),
        (
            "$\"{new[] { 1, 2 }.Length}\"",
            "(interp (hole (. (new[] () (coll 1 2)) Length)))",
        ),
        ("$\"{$\"{x}\"}\"", "(interp (hole (interp (hole x))))"),
        ("$@\"c:\\{x}\\\"", "(interp \"c:\\\\\" (hole x) \"\\\\\")"),
        (
            "@$\"say \"\"{x}\"\"\"",
            "(interp \"say \\\"\" (hole x) \"\\\"\")",
        ),
        ("$@\"a\n{x}\"", "(interp \"a\\n\" (hole x))"),
        ("$\"{ x /* c */ }\"", "(interp (hole x))"),
    ]);
}

#[test]
fn keywords_and_names() {
    check(&[
        ("true", "true"),
        ("false", "false"),
        ("null", "null"),
        ("this", "this"),
        ("context", "context"),
        ("@class", "class"),
        ("_x1", "_x1"),
        ("var", "var"),
        (
            "string.IsNullOrEmpty(s)",
            "(call (. string IsNullOrEmpty) s)",
        ),
        ("int.Parse(s)", "(call (. int Parse) s)"),
        ("bool.TrueString", "(. bool TrueString)"),
        ("object.Equals(a, b)", "(call (. object Equals) a b)"),
        ("long.MaxValue", "(. long MaxValue)"),
        ("nameof(x)", "(call nameof x)"),
        ("typeof(string)", "(typeof string)"),
        ("typeof(List<string>)", "(typeof List<string>)"),
        (
            "typeof(System.Text.Encoding)",
            "(typeof System.Text.Encoding)",
        ),
        ("default(int)", "(default int)"),
        ("default(int?)", "(default int?)"),
        ("default", "(default)"),
    ]);
}

#[test]
fn precedence_and_associativity() {
    check(&[
        ("a || b && c", "(|| a (&& b c))"),
        ("a && b || c", "(|| (&& a b) c)"),
        ("a | b ^ c & d", "(| a (^ b (& c d)))"),
        ("a == b & c", "(& (== a b) c)"),
        ("a < b == c > d", "(== (< a b) (> c d))"),
        ("a << 1 < b", "(< (<< a 1) b)"),
        ("a >> 1", "(>> a 1)"),
        ("a >= 1", "(>= a 1)"),
        ("a > b", "(> a b)"),
        ("a <= b", "(<= a b)"),
        ("a != b", "(!= a b)"),
        ("a + b * c", "(+ a (* b c))"),
        ("checked(a + b) * c", "(* (checked (+ a b)) c)"),
        ("unchecked(a << b)", "(unchecked (<< a b))"),
        ("a * b + c", "(+ (* a b) c)"),
        ("a - b - c", "(- (- a b) c)"),
        ("a / b % c * d", "(* (% (/ a b) c) d)"),
        ("a + b << c", "(<< (+ a b) c)"),
        ("(a + b) * c", "(* (+ a b) c)"),
        ("a ?? b ?? c", "(?? a (?? b c))"),
        ("a || b ?? c", "(?? (|| a b) c)"),
        ("a ?? b || c", "(?? a (|| b c))"),
        ("a ? b : c ? d : e", "(? a b (? c d e))"),
        ("a ? b ? c : d : e", "(? a (? b c d) e)"),
        ("a ?? b ? c : d", "(? (?? a b) c d)"),
        ("a || b ? c + 1 : d", "(? (|| a b) (+ c 1) d)"),
        ("x = y = z", "(= x (= y z))"),
        ("x += 1", "(+= x 1)"),
        ("x -= 1", "(-= x 1)"),
        ("x *= 2", "(*= x 2)"),
        ("x /= 2", "(/= x 2)"),
        ("x %= 2", "(%= x 2)"),
        ("x &= m", "(&= x m)"),
        ("x |= m", "(|= x m)"),
        ("x ^= m", "(^= x m)"),
        ("x <<= 2", "(<<= x 2)"),
        ("x >>= 2", "(>>= x 2)"),
        ("x ??= \"d\"", "(??= x \"d\")"),
        ("x = a ? b : c", "(= x (? a b c))"),
        ("a ? x = 1 : y", "(? a (= x 1) y)"),
        ("!a && b", "(&& (! a) b)"),
        ("-a * b", "(* (- a) b)"),
        ("- -a", "(- (- a))"),
        ("!!a", "(! (! a))"),
        ("~a", "(~ a)"),
        ("+a", "(+ a)"),
        ("++i", "(++pre i)"),
        ("--i", "(--pre i)"),
        ("i++", "(post++ i)"),
        ("i--", "(post-- i)"),
        ("-i++", "(- (post++ i))"),
        ("a+++b", "(+ (post++ a) b)"),
        ("a - -1", "(- a (- 1))"),
        ("a // comment\n + b", "(+ a b)"),
        ("a /* c */ + /* d */ b", "(+ a b)"),
    ]);
}

#[test]
fn type_testing() {
    check(&[
        ("x is string", "(is x string)"),
        ("x is string s", "(is x string s)"),
        (
            "x is JObject o && o.Count > 0",
            "(&& (is x JObject o) (> (. o Count) 0))",
        ),
        ("x as string", "(as x string)"),
        ("x as string ?? \"\"", "(?? (as x string) \"\")"),
        ("a + b is int", "(is (+ a b) int)"),
        ("a == b is bool", "(== a (is b bool))"),
        ("x is int? ", "(is x int?)"),
        ("x as int? ?? 0", "(?? (as x int?) 0)"),
        ("x is bool ? 1 : 0", "(? (is x bool) 1 0)"),
        ("x is string[]", "(is x string[])"),
        ("x is List<string>", "(is x List<string>)"),
        ("!(x is string)", "(! (is x string))"),
        ("x is System.String", "(is x System.String)"),
    ]);
}

#[test]
fn member_access_calls_and_indexers() {
    check(&[
        ("a.b.c", "(. (. a b) c)"),
        ("a?.b", "(?. a b)"),
        ("a?.b.c", "(. (?. a b) c)"),
        ("a?[0]", "(?index a 0)"),
        ("a?[\"k\"]?.Value", "(?. (?index a \"k\") Value)"),
        ("a[1, 2]", "(index a 1 2)"),
        ("a[i][j]", "(index (index a i) j)"),
        ("f()", "(call f)"),
        ("f(1, \"x\")", "(call f 1 \"x\")"),
        ("f()()", "(call (call f))"),
        ("a.f(x).g(y)", "(call (. (call (. a f) x) g) y)"),
        ("f(name: 1, other: x)", "(call f name:1 other:x)"),
        ("f(a ? b : c)", "(call f (? a b c))"),
        (
            "int.TryParse(s, out var n)",
            "(call (. int TryParse) s (out (outvar n)))",
        ),
        (
            "int.TryParse(s, out int n)",
            "(call (. int TryParse) s (out (outvar int n)))",
        ),
        (
            "d.TryGetValue(k, out List<string> v)",
            "(call (. d TryGetValue) k (out (outvar List<string> v)))",
        ),
        (
            "int.TryParse(s, out n)",
            "(call (. int TryParse) s (out n))",
        ),
        ("f(ref x, in y)", "(call f (ref x) (in y))"),
        ("f(result: out var r)", "(call f result:(out (outvar r)))"),
        ("x.@default", "(. x default)"),
        (
            "context.Request.MatchedParameters(\"x\")",
            "(call (. (. context Request) MatchedParameters) \"x\")",
        ),
    ]);
}

#[test]
fn generic_names() {
    check(&[
        (
            "context.Variables.GetValueOrDefault<string>(\"x\")",
            "(call (. (. context Variables) GetValueOrDefault <string>) \"x\")",
        ),
        (
            "context.Variables.GetValueOrDefault<string>(\"x\", \"\")",
            "(call (. (. context Variables) GetValueOrDefault <string>) \"x\" \"\")",
        ),
        ("body.As<JObject>()", "(call (. body As <JObject>))"),
        (
            "body.As<JObject>(preserveContent: true)",
            "(call (. body As <JObject>) preserveContent:true)",
        ),
        ("t.Value<int?>(\"n\")", "(call (. t Value <int?>) \"n\")"),
        (
            "t.Value<byte[]>(\"n\")",
            "(call (. t Value <byte[]>) \"n\")",
        ),
        ("F<int>(x)", "(call (gname F <int>) x)"),
        ("F<List<int>>(x)", "(call (gname F <List<int>>) x)"),
        (
            "F<Dictionary<string, List<int>>>()",
            "(call (gname F <Dictionary<string,List<int>>>))",
        ),
        (
            "x.ToObject<JArray>().Count",
            "(. (call (. x ToObject <JArray>)) Count)",
        ),
        (
            "Enumerable.Empty<string>()",
            "(call (. Enumerable Empty <string>))",
        ),
        // §6.2.5: not followed by one of the listed tokens, so `<` and `>` are operators.
        ("F(G<A, B>(7))", "(call F (call (gname G <A,B>) 7))"),
        ("F(G < A, B > 7)", "(call F (< G A) (> B 7))"),
        ("a < b", "(< a b)"),
        ("a < b && c > d", "(&& (< a b) (> c d))"),
        ("x.Count < 5 && y > 2", "(&& (< (. x Count) 5) (> y 2))"),
        ("a < b > c", "(> (< a b) c)"),
        ("a<b>>c", "(< a (>> b c))"),
        ("a < b >> c", "(< a (>> b c))"),
        (
            "x.Value<bool>() == true",
            "(== (call (. x Value <bool>)) true)",
        ),
    ]);
}

#[test]
fn casts_and_parentheses() {
    check(&[
        ("(string)x", "(cast string x)"),
        (
            "(string)context.Variables[\"x\"]",
            "(cast string (index (. context Variables) \"x\"))",
        ),
        (
            "(IResponse)context.Response",
            "(cast IResponse (. context Response))",
        ),
        ("(Jwt)x", "(cast Jwt x)"),
        (
            "(JObject)JToken.Parse(s)",
            "(cast JObject (call (. JToken Parse) s))",
        ),
        ("(int)-x", "(cast int (- x))"),
        ("(int?)x", "(cast int? x)"),
        ("(byte[])x", "(cast byte[] x)"),
        ("(List<string>)x", "(cast List<string> x)"),
        ("(System.String)x", "(cast System.String x)"),
        ("(T)(U)x", "(cast T (cast U x))"),
        ("(T)!x", "(cast T (! x))"),
        ("(T)~x", "(cast T (~ x))"),
        ("(T)(x)", "(cast T x)"),
        ("(T)1", "(cast T 1)"),
        ("(T)\"s\"", "(cast T \"s\")"),
        ("(T)null", "(cast T null)"),
        ("(T)new X()", "(cast T (new X ()))"),
        ("(string)x == \"a\"", "(== (cast string x) \"a\")"),
        ("((string)x).Length", "(. (cast string x) Length)"),
        ("(int)x.Count", "(cast int (. x Count))"),
        // Not casts: the token after `)` is an operator.
        ("(a)-b", "(- a b)"),
        ("(a)+b", "(+ a b)"),
        ("(a) * b", "(* a b)"),
        ("(a).b", "(. a b)"),
        ("(a)[0]", "(index a 0)"),
        ("(a) is int", "(is a int)"),
        ("(a) as string", "(as a string)"),
        ("(a)", "a"),
        ("((a))", "a"),
        ("(a ? b : c)", "(? a b c)"),
        ("(a < b)", "(< a b)"),
        ("(x?.y)", "(?. x y)"),
    ]);
}

#[test]
fn lambdas() {
    check(&[
        ("c => c.Value", "(lambda (c) (. c Value))"),
        ("(a, b) => a + b", "(lambda (a b) (+ a b))"),
        ("() => 1", "(lambda () 1)"),
        (
            "(string s) => s.Length",
            "(lambda ((string s)) (. s Length))",
        ),
        ("(string a, int b) => a", "(lambda ((string a) (int b)) a)"),
        ("x => { return x; }", "(lambda (x) {(return x)})"),
        ("() => { }", "(lambda () {})"),
        ("a => b => a + b", "(lambda (a) (lambda (b) (+ a b)))"),
        ("x => x == null ? 0 : 1", "(lambda (x) (? (== x null) 0 1))"),
        (
            "context.Deployment.Certificates.Any(c => c.Value.Thumbprint == t)",
            "(call (. (. (. context Deployment) Certificates) Any) (lambda (c) (== (. (. c Value) Thumbprint) t)))",
        ),
        (
            "list.Where(x => x.Length > 2).Select((x, i) => x + i).FirstOrDefault()",
            "(call (. (call (. (call (. list Where) (lambda (x) (> (. x Length) 2))) Select) (lambda (x i) (+ x i))) FirstOrDefault))",
        ),
        ("f((x) => x, y)", "(call f (lambda (x) x) y)"),
        ("f((x), y)", "(call f x y)"),
    ]);
}

#[test]
fn object_creation() {
    check(&[
        ("new JObject()", "(new JObject ())"),
        ("new X(1, \"a\")", "(new X (1 \"a\"))"),
        ("new string('x', 3)", "(new string ('x' 3))"),
        (
            "new JObject(new JProperty(\"a\", 1))",
            "(new JObject ((new JProperty (\"a\" 1))))",
        ),
        (
            "new JObject { [\"k\"] = v }",
            "(new JObject () (obj ([\"k\"] v)))",
        ),
        (
            "new JObject { [\"a\"] = 1, [\"b\"] = \"x\", }",
            "(new JObject () (obj ([\"a\"] 1) ([\"b\"] \"x\")))",
        ),
        (
            "new X(1) { Prop = v, Other = 2 }",
            "(new X (1) (obj (Prop v) (Other 2)))",
        ),
        ("new X { Prop = v }", "(new X () (obj (Prop v)))"),
        (
            "new List<string> { \"a\" }",
            "(new List<string> () (coll \"a\"))",
        ),
        (
            "new List<string>() { \"a\", \"b\" }",
            "(new List<string> () (coll \"a\" \"b\"))",
        ),
        (
            "new Dictionary<string,int> { { \"a\", 1 }, { \"b\", 2 } }",
            "(new Dictionary<string,int> () (coll {\"a\" 1} {\"b\" 2}))",
        ),
        ("new List<int> { }", "(new List<int> () (coll))"),
        ("new[] { 1, 2 }", "(new[] () (coll 1 2))"),
        (
            "new[] { \"a\" }.Contains(x)",
            "(call (. (new[] () (coll \"a\")) Contains) x)",
        ),
        ("new byte[16]", "(new byte[] (16))"),
        ("new int[2, 3]", "(new int[,] (2 3))"),
        ("new int[n][]", "(new int[][] (n))"),
        (
            "new string[] { \"a\", \"b\" }",
            "(new string[] () (coll \"a\" \"b\"))",
        ),
        (
            "new int[,] { { 1, 2 }, { 3, 4 } }",
            "(new int[,] () (coll {1 2} {3 4}))",
        ),
        ("new int[2] { 1, 2 }", "(new int[] (2) (coll 1 2))"),
        (
            "new System.Text.StringBuilder()",
            "(new System.Text.StringBuilder ())",
        ),
        ("new Uri(u).Host", "(. (new Uri (u)) Host)"),
        ("new int?()", "(new int? ())"),
    ]);
}

/// Every expression in the seed document (`client-certificate-authentication`), exactly as it
/// stands between `@(` and `)` there.
#[test]
fn seed_client_certificate_expressions() {
    check(&[
        (
            r#"context.Request.Certificate == null || !context.Request.Certificate.Verify() || context.Request.Certificate.Issuer != "trusted-issuer" || context.Request.Certificate.SubjectName.Name != "expected-subject-name""#,
            r#"(|| (|| (|| (== (. (. context Request) Certificate) null) (! (call (. (. (. context Request) Certificate) Verify)))) (!= (. (. (. context Request) Certificate) Issuer) "trusted-issuer")) (!= (. (. (. (. context Request) Certificate) SubjectName) Name) "expected-subject-name"))"#,
        ),
        (
            r#"context.Request.Certificate == null || !context.Request.Certificate.Verify() || context.Request.Certificate.Thumbprint != "DESIRED-THUMBPRINT-IN-UPPER-CASE""#,
            r#"(|| (|| (== (. (. context Request) Certificate) null) (! (call (. (. (. context Request) Certificate) Verify)))) (!= (. (. (. context Request) Certificate) Thumbprint) "DESIRED-THUMBPRINT-IN-UPPER-CASE"))"#,
        ),
        (
            r#"context.Request.Certificate == null || !context.Request.Certificate.Verify()  || !context.Deployment.Certificates.Any(c => c.Value.Thumbprint == context.Request.Certificate.Thumbprint)"#,
            r#"(|| (|| (== (. (. context Request) Certificate) null) (! (call (. (. (. context Request) Certificate) Verify)))) (! (call (. (. (. context Deployment) Certificates) Any) (lambda (c) (== (. (. c Value) Thumbprint) (. (. (. context Request) Certificate) Thumbprint))))))"#,
        ),
        (
            "context.Request.Certificate.VerifyNoRevocation()",
            "(call (. (. (. context Request) Certificate) VerifyNoRevocation))",
        ),
    ]);
}

/// Forms listed in `real-world-usage.md` ("Expression members" and "Syntax met in practice").
#[test]
fn real_world_forms() {
    check(&[
        (
            r#"context.Request.Headers.GetValueOrDefault("Authorization","").AsJwt()?.Subject"#,
            r#"(?. (call (. (call (. (. (. context Request) Headers) GetValueOrDefault) "Authorization" "") AsJwt)) Subject)"#,
        ),
        (
            r#"(string)context.Variables["x"]"#,
            r#"(cast string (index (. context Variables) "x"))"#,
        ),
        (
            r#"context.Variables.GetValueOrDefault<JObject>("body")["id"].Value<string>()"#,
            r#"(call (. (index (call (. (. context Variables) GetValueOrDefault <JObject>) "body") "id") Value <string>))"#,
        ),
        (
            r#"context.Request.Body.As<JObject>(preserveContent: true)"#,
            r#"(call (. (. (. context Request) Body) As <JObject>) preserveContent:true)"#,
        ),
        (
            r#"context.Response.StatusCode >= 500 && context.Response.StatusCode < 600"#,
            r#"(&& (>= (. (. context Response) StatusCode) 500) (< (. (. context Response) StatusCode) 600))"#,
        ),
        (
            r#"string.IsNullOrEmpty(context.Request.Headers.GetValueOrDefault("X-Id", ""))"#,
            r#"(call (. string IsNullOrEmpty) (call (. (. (. context Request) Headers) GetValueOrDefault) "X-Id" ""))"#,
        ),
        (
            r#"context.Request.Headers.GetValueOrDefault("Authorization","").Split(' ').Last()"#,
            r#"(call (. (call (. (call (. (. (. context Request) Headers) GetValueOrDefault) "Authorization" "") Split) ' ') Last))"#,
        ),
        (
            r#"Encoding.UTF8.GetString(Convert.FromBase64String(s))"#,
            r#"(call (. (. Encoding UTF8) GetString) (call (. Convert FromBase64String) s))"#,
        ),
        (
            r#"Convert.ToBase64String(Encoding.UTF8.GetBytes(u + ":" + p))"#,
            r#"(call (. Convert ToBase64String) (call (. (. Encoding UTF8) GetBytes) (+ (+ u ":") p)))"#,
        ),
        (
            r#"Regex.Match(s, @"^/users/(?<id>\d+)$").Groups["id"]?.Value"#,
            r#"(?. (index (. (call (. Regex Match) s "^/users/(?<id>\\d+)$") Groups) "id") Value)"#,
        ),
        (
            r#"new Random().Next(0, 100) < 10"#,
            r#"(< (call (. (new Random ()) Next) 0 100) 10)"#,
        ),
        (
            r#"Guid.NewGuid().ToString()"#,
            r#"(call (. (call (. Guid NewGuid)) ToString))"#,
        ),
        (
            r#"context.Variables.ContainsKey("x") ? (string)context.Variables["x"] : "none""#,
            r#"(? (call (. (. context Variables) ContainsKey) "x") (cast string (index (. context Variables) "x")) "none")"#,
        ),
        (
            r#"((IResponse)context.Variables["r"]).Body.As<JObject>()"#,
            r#"(call (. (. (cast IResponse (index (. context Variables) "r")) Body) As <JObject>))"#,
        ),
        (
            r#"((Jwt)context.Variables["jwt"]).Claims.GetValueOrDefault("sub", "")"#,
            r#"(call (. (. (cast Jwt (index (. context Variables) "jwt")) Claims) GetValueOrDefault) "sub" "")"#,
        ),
        (
            r#"context.Request.Url.Query.GetValueOrDefault("page") ?? "1""#,
            r#"(?? (call (. (. (. (. context Request) Url) Query) GetValueOrDefault) "page") "1")"#,
        ),
        (
            r#"$"{context.Request.OriginalUrl.Host}/{context.Api.Id}""#,
            r#"(interp (hole (. (. (. context Request) OriginalUrl) Host)) "/" (hole (. (. context Api) Id)))"#,
        ),
        (
            r#"context.User?.Email ?? "anonymous""#,
            r#"(?? (?. (. context User) Email) "anonymous")"#,
        ),
        (
            r#"JsonConvert.SerializeObject(new JObject(new JProperty("a", 1)), Formatting.None)"#,
            r#"(call (. JsonConvert SerializeObject) (new JObject ((new JProperty ("a" 1)))) (. Formatting None))"#,
        ),
        (
            r#"context.Request.MatchedParameters["id"]"#,
            r#"(index (. (. context Request) MatchedParameters) "id")"#,
        ),
        (
            r#"context.LastError.Source + ": " + context.LastError.Reason"#,
            r#"(+ (+ (. (. context LastError) Source) ": ") (. (. context LastError) Reason))"#,
        ),
        (
            r#"DateTime.UtcNow.ToString("o")"#,
            r#"(call (. (. DateTime UtcNow) ToString) "o")"#,
        ),
        (
            r#"context.Request.IpAddress.StartsWith("10.") == false"#,
            r#"(== (call (. (. (. context Request) IpAddress) StartsWith) "10.") false)"#,
        ),
        (
            r#"WebUtility.UrlDecode(x).Replace("+", " ").Substring(1, 2).Trim()"#,
            r#"(call (. (call (. (call (. (call (. WebUtility UrlDecode) x) Replace) "+" " ") Substring) 1 2) Trim))"#,
        ),
    ]);
}

/// `(text, message, span)`: the parse fails with exactly this message at exactly this span.
fn check_errors(cases: &[(&str, &str, (u32, u32))]) {
    let mut failures = Vec::new();
    for (text, message, (start, end)) in cases {
        match parse_expression(text, &ParseLimits::default()) {
            Ok(e) => failures.push(format!("{text:?} parsed as {}", sexpr::e_(&e))),
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
fn syntax_errors_have_exact_spans() {
    check_errors(&[
        // Unbalanced parentheses.
        (
            "(a || b",
            "expected `)` to close the `(` opened at column 1, found the end of the text",
            (7, 7),
        ),
        (
            "f(a, g(b)",
            "expected `)` to close the `(` opened at column 2, found the end of the text",
            (9, 9),
        ),
        (
            "(a\n|| b",
            "expected `)` to close the `(` opened at line 1, column 1, found the end of the text",
            (7, 7),
        ),
        (
            "(a b)",
            "expected `)` to close the `(` opened at column 1, found `b`",
            (3, 4),
        ),
        (
            "a[1",
            "expected `]` to close the `[` opened at column 2, found the end of the text",
            (3, 3),
        ),
        (
            "a || b)",
            "unexpected `)` after the end of the expression: there is no `(` for it to close",
            (6, 7),
        ),
        // A stray `"` after the closing parenthesis.
        (
            r#"context.Request.Headers.GetValueOrDefault("a","")""#,
            "unexpected `\"` after the end of the expression",
            (49, 50),
        ),
        (
            "a b",
            "unexpected `b` after the end of the expression",
            (2, 3),
        ),
        // Strings and characters.
        (r#""abc"#, "unterminated string literal", (0, 1)),
        (r#"f("abc)"#, "unterminated string literal", (2, 3)),
        (r#"@"abc"#, "unterminated string literal", (0, 1)),
        (
            "\"ab\ncd\"",
            "newline in string literal: it is not closed on this line (only verbatim strings `@\"...\"` may span lines)",
            (3, 3),
        ),
        (r#""\q""#, "unrecognized escape sequence `\\q`", (1, 3)),
        (
            r#""\u12""#,
            "the escape `\\u` needs 4 hexadecimal digits",
            (1, 5),
        ),
        (
            r#""\U00110000""#,
            "`\\U00110000` is not a valid Unicode code point",
            (1, 11),
        ),
        ("'a", "unterminated character literal", (0, 1)),
        (
            "'ab'",
            "too many characters in character literal (a `char` holds one UTF-16 code unit; use a string)",
            (0, 4),
        ),
        ("''", "empty character literal", (0, 2)),
        // Interpolated strings.
        (r#"$"{x}"#, "unterminated interpolated string", (0, 1)),
        (
            r#"$"a}b""#,
            "a `}` in an interpolated string must be doubled as `}}`",
            (3, 4),
        ),
        (
            r#"$"{}""#,
            "expected an expression, found the end of the text",
            (3, 3),
        ),
        // Comments and stray characters.
        (
            "a /* b",
            "unterminated `/*` comment: no `*/` closes it",
            (2, 4),
        ),
        (
            "#if",
            "preprocessor directives (`#`) are not allowed in policy expressions",
            (0, 1),
        ),
        ("a § b", "unexpected character `§`", (2, 4)),
        // Numbers.
        ("1e", "invalid numeric literal `1e`", (0, 2)),
        ("1_", "invalid numeric literal `1_`", (0, 2)),
        ("0x", "invalid numeric literal `0x`", (0, 2)),
        (
            "18446744073709551616",
            "integral constant `18446744073709551616` is too large (beyond `ulong`)",
            (0, 20),
        ),
        (
            "1e400",
            "floating-point constant `1e400` is outside the range of type `double`",
            (0, 5),
        ),
        // Missing pieces.
        (
            "",
            "expected an expression, found the end of the text",
            (0, 0),
        ),
        (
            "a +",
            "expected an expression, found the end of the text",
            (3, 3),
        ),
        ("f(a,)", "expected an expression, found `)`", (4, 5)),
        (
            "a ? b",
            "expected `:` for the `?` at column 3, found the end of the text",
            (5, 5),
        ),
        (
            "a.",
            "expected a member name after `.`, found the end of the text",
            (2, 2),
        ),
        (
            "a.if",
            "expected a member name after `.`, found the keyword `if` (write `@if` to use it as a name)",
            (2, 4),
        ),
        ("()", "expected an expression inside `()`", (1, 2)),
        ("a[]", "expected an index inside `[]`", (2, 3)),
        // Unsupported C# forms.
        (
            "x is null",
            "constant patterns after `is` (`x is null`, `x is 5`) are not supported; write `x == null`",
            (5, 9),
        ),
        (
            "new { A = 1 }",
            "anonymous types (`new { A = 1 }`) are not supported",
            (4, 5),
        ),
        (
            "x ?? throw new Exception()",
            "throw expressions (`x ?? throw ...`) are not supported; use a `throw` statement in `@{ }`",
            (5, 10),
        ),
        (
            "base.X",
            "the keyword `base` cannot start an expression (write `@base` to use it as a name)",
            (0, 4),
        ),
    ]);
}

#[test]
fn verbatim_strings_span_lines() {
    assert_eq!(expr("@\"first\r\nsecond\""), "\"first\\r\\nsecond\"");
    assert_eq!(expr("$@\"{a}\n{b}\""), "(interp (hole a) \"\\n\" (hole b))");
}

#[test]
fn whitespace_and_comments_around_the_expression() {
    assert_eq!(expr("  \n\t a \r\n"), "a");
    assert_eq!(expr("/* lead */ a // trail"), "a");
}

#[test]
fn spans_cover_their_text() {
    let text = "context.Request.Headers.GetValueOrDefault(\"a\", \"\")";
    let e = parse_expression(text, &ParseLimits::default()).unwrap();
    assert_eq!(e.span, Span::new(0, text.len() as u32));
    let text = "  (string)x + y  ";
    let e = parse_expression(text, &ParseLimits::default()).unwrap();
    assert_eq!(
        &text[e.span.start as usize..e.span.end as usize],
        "(string)x + y"
    );
    let apimsg = parse_expression("a.b?.c", &ParseLimits::default()).unwrap();
    assert_eq!(apimsg.span, Span::new(0, 6));
}

#[test]
fn length_limit() {
    let limits = ParseLimits {
        max_length: 10,
        max_depth: 128,
    };
    let err = parse_expression("aaaaaaaaaaaa", &limits).unwrap_err();
    assert_eq!(
        err.message,
        "the expression is 12 bytes long; the limit is 10 bytes"
    );
    assert_eq!(err.span, Span::new(10, 12));
    assert!(parse_expression("aaaaaaaaaa", &limits).is_ok());
    assert_eq!(
        ParseLimits::default(),
        ParseLimits {
            max_length: 65536,
            max_depth: 128
        }
    );
}

/// Runs `f` on a thread with a 256 KiB stack.
fn small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

fn huge() -> ParseLimits {
    ParseLimits {
        max_length: usize::MAX,
        max_depth: 128,
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    small_stack(|| {
        let n = 100_000;
        let cases = [
            format!("{}x{}", "(".repeat(n), ")".repeat(n)),
            format!("{}x", "!".repeat(n)),
            format!("{}x", "- ".repeat(n)),
            format!("{}x", "(T)".repeat(n)),
            format!("{}x{}", "f(".repeat(n), ")".repeat(n)),
            format!("{}x{}", "a[".repeat(n), "]".repeat(n)),
            format!("{}x", "a ? b : ".repeat(n)),
            format!("{}x", "x => ".repeat(n)),
            format!("{}x", "y = ".repeat(n)),
            format!("{}x{}", "$\"{".repeat(n), "}\"".repeat(n)),
            format!("new {}int{}()", "List<".repeat(n), ">".repeat(n)),
            format!("{}1{}", "new[] {".repeat(n), "}".repeat(n)),
            format!("{}x{}", "(".repeat(n), "".repeat(n)),
        ];
        for text in &cases {
            let err = parse_expression(text, &huge()).unwrap_err();
            assert!(
                err.message.contains("nest too deeply") || err.message.contains("nests too deeply"),
                "{}...: {}",
                &text[..20],
                err.message
            );
        }
        let blocks = [
            format!("{}{}", "{".repeat(n), "}".repeat(n)),
            format!("{}return;", "if (a) ".repeat(n)),
            format!("{}x();", "while (a) ".repeat(n)),
            format!("var f = {}x;", "() => ".repeat(n)),
        ];
        for text in &blocks {
            let err = parse_block(text, &huge()).unwrap_err();
            assert!(err.message.contains("nests too deeply"), "{}", err.message);
        }
    });
}

#[test]
fn nesting_within_the_limit_parses_on_a_small_stack() {
    small_stack(|| {
        let limits = ParseLimits::default();
        let depth = 120;
        let parens = format!("{}x{}", "(".repeat(depth), ")".repeat(depth));
        assert_eq!(expr(&parens), "x");
        // An argument list is a level of its own: a call nests two levels.
        let calls = format!("{}x{}", "f(".repeat(depth / 2), ")".repeat(depth / 2));
        assert!(parse_expression(&calls, &limits).is_ok());
        let nots = format!("{}x", "!".repeat(depth));
        assert!(parse_expression(&nots, &limits).is_ok());
        let blocks = format!("{}{}", "{".repeat(depth), "}".repeat(depth));
        assert!(parse_block(&blocks, &limits).is_ok());
        let too_deep = format!("{}x{}", "(".repeat(200), ")".repeat(200));
        assert!(parse_expression(&too_deep, &limits).is_err());
        // Chains build trees as deep as they are long: they count against the limit too, so
        // that no tree is too deep to walk or drop.
        for (unit, ok) in [
            (" ?? x", true),
            (" + x", true),
            (".y", true),
            ("(1)", true),
            ("[0]", true),
        ] {
            let within = format!("x{}", unit.repeat(100));
            assert_eq!(parse_expression(&within, &limits).is_ok(), ok, "{within}");
            let beyond = format!("x{}", unit.repeat(5_000));
            let err = parse_expression(&beyond, &limits).unwrap_err();
            assert!(err.message.contains("nests too deeply"), "{}", err.message);
        }
    });
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_input_never_panics() {
    const PIECES: &[&str] = &[
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "<",
        ">",
        "=",
        "=>",
        "?",
        "?.",
        "??",
        ":",
        ";",
        ",",
        ".",
        "\"",
        "'",
        "@",
        "$",
        "\\",
        "/",
        "*",
        "/*",
        "*/",
        "//",
        "\n",
        " ",
        "+",
        "-",
        "!",
        "~",
        "&",
        "|",
        "^",
        "%",
        "a",
        "x1",
        "new",
        "is",
        "as",
        "out",
        "var",
        "int",
        "string",
        "typeof",
        "default",
        "null",
        "true",
        "if",
        "else",
        "for",
        "foreach",
        "in",
        "switch",
        "case",
        "try",
        "catch",
        "return",
        "0",
        "1.5",
        "0x",
        "1e",
        "9999999999999999999999",
        "'a'",
        "\"s\"",
        "@\"v\"",
        "$\"{",
        "}\"",
        "é",
        "😀",
        "\u{0}",
        "_",
        "List<",
        "T>",
        "(T)",
        "c =>",
        "#",
    ];
    let limits = ParseLimits::default();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..30_000 {
        let len = (rng.next() % 24) as usize;
        let text: String = (0..len)
            .map(|_| PIECES[(rng.next() % PIECES.len() as u64) as usize])
            .collect();
        let errors = [
            parse_expression(&text, &limits).err(),
            parse_block(&text, &limits).err(),
        ];
        for e in errors.into_iter().flatten() {
            assert!(
                e.span.start <= e.span.end && e.span.end as usize <= text.len(),
                "{text:?}: {e:?}"
            );
            assert!(
                text.is_char_boundary(e.span.start as usize)
                    && text.is_char_boundary(e.span.end as usize)
            );
        }
    }
    // Random bytes turned into text.
    for _ in 0..5_000 {
        let len = (rng.next() % 40) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() % 128) as u8).collect();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let _ = parse_expression(&text, &limits);
        let _ = parse_block(&text, &limits);
    }
}

#[test]
fn lexical_corners() {
    check(&[
        // `?.` followed by a digit is `?` then a real literal (C# spec §6.4.5.4).
        ("a ?.5 : 1", "(? a d:0.5 1)"),
        ("a?.b", "(?. a b)"),
        // Unicode identifiers (§6.4.3).
        ("café + naïve", "(+ café naïve)"),
        ("x.Données", "(. x Données)"),
        // Keywords as names only with `@`.
        ("@if == @null", "(== if null)"),
        // Comments inside expressions and between tokens.
        ("f(/* none */)", "(call f)"),
        ("a/**/./**/b", "(. a b)"),
        ("a // end\n", "a"),
        // Strings are not comments.
        ("\"//not a comment\"", "\"//not a comment\""),
        ("\"/* nor this */\"", "\"/* nor this */\""),
    ]);
    // `>` tokens join into `>>`, `>=`, `>>=` only when they touch.
    assert!(parse_expression("a > > b", &ParseLimits::default()).is_err());
    assert!(parse_expression("a > = b", &ParseLimits::default()).is_err());
    assert_eq!(expr("x >>= 1"), "(>>= x 1)");
    assert_eq!(expr("x >= 1"), "(>= x 1)");
}

#[test]
fn nested_generic_types_in_type_tests_and_casts() {
    check(&[
        (
            "x is Dictionary<string, List<int>> d",
            "(is x Dictionary<string,List<int>> d)",
        ),
        ("(List<List<string>>)x", "(cast List<List<string>> x)"),
        (
            "x as IEnumerable<KeyValuePair<string, string[]>>",
            "(as x IEnumerable<KeyValuePair<string,string[]>>)",
        ),
        ("typeof(int[,][])", "(typeof int[,][])"),
        ("default(List<int>)", "(default List<int>)"),
    ]);
}
