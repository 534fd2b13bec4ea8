//! Expression syntax: each case is an expression and the expected tree as an S-expression
//! (see `tests/sexpr/mod.rs`). Expected shapes follow the C# specification: §12.4.2 precedence
//! and associativity, §6.2.5 generic disambiguation, §12.9.7 cast disambiguation, §6.4.5 literals.

mod sexpr;
use sexpr::expr;

fn check(cases: &[(&str, &str)]) {
    let mut failures = Vec::new();
    for (text, want) in cases {
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
