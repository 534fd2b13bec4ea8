//! LINQ in expressions over the sequences policies meet (header values, JSON arrays, uploaded
//! certificates, LINQ results), with Enumerable's semantics and exceptions.

mod common;

use std::sync::Arc;

use apim_policy::context::{Body, Context, Deployment, Headers, Request};
use apim_policy::expr::{ExpressionForm, ParseLimits, Program};
use common::*;

fn eval(expression: &str) -> Result<String, String> {
    let program = Program::compile(expression, ExpressionForm::Single, &ParseLimits::default())
        .map_err(|e| format!("load: {}", e.message))?;
    let request = Request {
        headers: [
            ("Accept", "b"),
            ("Accept", "a"),
            ("Accept", "c"),
            ("Accept", "a"),
        ]
        .into_iter()
        .collect::<Headers>(),
        body: Some(Body::new(
            br#"{"items":[{"n":3},{"n":1},{"n":2}],"tags":["x","y"]}"#.to_vec(),
        )),
        ..Request::default()
    };
    let deployment = Deployment::builder()
        .certificate("first", cert("good"))
        .certificate("second", cert("expired"))
        .build()
        .unwrap();
    let context = Context::new(Arc::new(deployment))
        .with_request(request)
        .with_client_certificate(Some(cert("expired")));
    program
        .evaluate(&context)
        .map(|v| v.to_display_string())
        .map_err(|e| format!("{}: {}", e.kind.type_name(), e.message))
}

#[test]
fn linq_gives_enumerable_results() {
    let accept = "context.Request.Headers[\"Accept\"]";
    let items = "context.Request.Body.As<JObject>(true)[\"items\"]";
    let certs = "context.Deployment.Certificates";
    let cases = [
        (format!("{accept}.Any()"), "True"),
        (format!("{accept}.Any(a => a == \"c\")"), "True"),
        (format!("{accept}.All(a => a.Length == 1)"), "True"),
        (format!("{accept}.Count()"), "4"),
        (format!("{accept}.Count(a => a == \"a\")"), "2"),
        (format!("{accept}.First()"), "b"),
        (format!("{accept}.Last()"), "a"),
        (
            format!("{accept}.FirstOrDefault(a => a == \"z\") == null"),
            "True",
        ),
        (format!("{accept}.Contains(\"c\")"), "True"),
        (format!("{accept}.Distinct().Count()"), "3"),
        (format!("{accept}.Where(a => a != \"a\").Count()"), "2"),
        (format!("{accept}.OrderBy(a => a).First()"), "a"),
        (format!("{accept}.OrderByDescending(a => a).First()"), "c"),
        (format!("{accept}.Skip(1).Take(2).Last()"), "c"),
        (format!("{accept}.ElementAt(2)"), "c"),
        (format!("{accept}.Select(a => a.Length).Sum()"), "4"),
        (format!("{accept}.Max()"), "c"),
        (format!("{items}.Count()"), "3"),
        (
            format!("{items}.Select(i => i.Value<int>(\"n\")).Max()"),
            "3",
        ),
        (
            format!("{items}.OrderBy(i => i.Value<int>(\"n\")).First().Value<int>(\"n\")"),
            "1",
        ),
        (
            format!("{items}.Any(i => i.Value<int>(\"n\") == 2)"),
            "True",
        ),
        (
            format!(
                "{certs}.Any(c => c.Value.Thumbprint == context.Request.Certificate.Thumbprint)"
            ),
            "True",
        ),
        (
            format!(
                "{certs}.First(c => c.Value.Thumbprint == context.Request.Certificate.Thumbprint).Key"
            ),
            "second",
        ),
        (format!("{certs}.Select(c => c.Key).Last()"), "second"),
        (
            format!("{certs}.Where(c => c.Key.StartsWith(\"f\")).Count()"),
            "1",
        ),
        ("\"hello\".Count(ch => ch == 'l')".to_owned(), "2"),
    ];
    for (expression, expected) in cases {
        assert_eq!(eval(&expression).as_deref(), Ok(expected), "{expression}");
    }
}

#[test]
fn linq_throws_as_enumerable_does() {
    let accept = "context.Request.Headers[\"Accept\"]";
    let cases = [
        (
            format!("{accept}.First(a => a == \"z\")"),
            "Sequence contains no matching element",
        ),
        (
            format!("{accept}.Where(a => a == \"z\").First()"),
            "Sequence contains no elements",
        ),
        (
            format!("{accept}.Single()"),
            "Sequence contains more than one element",
        ),
        (
            format!("{accept}.Where(a => a == \"z\").Max()"),
            "Sequence contains no elements",
        ),
        (format!("{accept}.ElementAt(9)"), "Index was out of range"),
    ];
    for (expression, message) in cases {
        let error = eval(&expression).unwrap_err();
        assert!(error.contains(message), "{expression}: {error}");
    }
    for (expression, message) in [
        (
            format!("{accept}.Where(a => a.Length)"),
            "Cannot implicitly convert type 'int' to 'bool'",
        ),
        (
            format!("{accept}.Contains(1)"),
            "cannot convert from 'int' to 'string'",
        ),
        (format!("{accept}.Any"), "is a method"),
    ] {
        let error = eval(&expression).unwrap_err();
        assert!(error.contains(message), "{expression}: {error}");
    }
}

#[test]
fn nested_linq_hits_the_evaluation_budget() {
    let s = format!("\"{}\"", "x".repeat(100));
    let expression = format!("{s}.Any(a => {s}.Any(b => {s}.Any(c => c == 'y')))");
    let error = eval(&expression).unwrap_err();
    assert!(
        error.contains("limit of 100000 loop iterations and lambda calls"),
        "{error}"
    );
    // Within the budget the same shape answers.
    let small = "\"xy\".Any(a => \"xy\".Any(b => b == 'y'))";
    assert_eq!(eval(small).as_deref(), Ok("True"));
}

fn eval_block(statements: &str) -> Result<String, String> {
    let program = Program::compile(statements, ExpressionForm::Block, &ParseLimits::default())
        .map_err(|e| format!("load: {}", e.message))?;
    let context = Context::new(Arc::new(Deployment::default()));
    program
        .evaluate(&context)
        .map(|v| v.to_display_string())
        .map_err(|e| format!("{}: {}", e.kind.type_name(), e.message))
}

fn check(cases: &[(&str, &str)]) {
    for (expression, expected) in cases {
        assert_eq!(eval(expression).as_deref(), Ok(*expected), "{expression}");
    }
}

fn check_err(cases: &[(&str, &str)]) {
    for (expression, expected) in cases {
        let got = eval(expression);
        assert!(
            got.as_ref().is_err_and(|e| e.starts_with(expected)),
            "{expression}: {got:?}"
        );
    }
}

#[test]
fn linq_combines_sequences() {
    check(&[
        ("new[] { 1, 2 }.Concat(new[] { 3 }).Count()", "3"),
        (
            "new[] { \"a\" }.Concat(new List<string> { \"b\" }).Last()",
            "b",
        ),
        ("new List<int> { 1 }.Concat(new[] { 2 }).Sum()", "3"),
        ("\"ab\".Concat(\"cd\").Count()", "4"),
        (
            "context.Request.Headers[\"Accept\"].Concat(new[] { \"d\" }).Last()",
            "d",
        ),
        ("new[] { 1, 2, 2, 3 }.Union(new[] { 3, 4 }).Count()", "4"),
        (
            "new[] { 1, 2, 2, 3 }.Intersect(new[] { 2, 3, 5 }).Sum()",
            "5",
        ),
        ("new[] { 1, 2, 2, 3 }.Except(new[] { 3 }).Count()", "2"),
        (
            "new[] { 1, 2 }.SequenceEqual(new List<int> { 1, 2 })",
            "True",
        ),
        ("new[] { 1, 2 }.SequenceEqual(new[] { 2, 1 })", "False"),
        (
            "new[] { \"a\", \"bb\" }.Zip(new[] { 1, 2 }, (a, b) => a + b).Last()",
            "bb2",
        ),
        (
            "new[] { \"a\", \"bb\", \"c\" }.Zip(new[] { 1 }, (a, b) => a).Count()",
            "1",
        ),
        ("new[] { 1, 2 }.Reverse().First()", "2"),
        ("new[] { 1, 2 }.Append(3).Last()", "3"),
        ("new[] { 1, 2 }.Prepend(0).First()", "0"),
        ("new string[0].DefaultIfEmpty().First() == null", "True"),
        ("new int[0].DefaultIfEmpty().First()", "0"),
        ("new int[0].DefaultIfEmpty(7).First()", "7"),
        ("new[] { 5 }.DefaultIfEmpty(7).First()", "5"),
        (
            "new[] { \"a\", \"b\" }.SelectMany(x => x.ToCharArray()).Count()",
            "2",
        ),
        (
            "new[] { \"ab\", \"cd\" }.SelectMany(x => x.Split('b')).Count()",
            "3",
        ),
    ]);
}

#[test]
fn linq_filters_orders_and_aggregates() {
    check(&[
        ("new[] { 1, 2, 3, 1 }.SkipWhile(x => x < 3).Count()", "2"),
        ("new[] { 1, 2, 3, 1 }.TakeWhile(x => x < 3).Count()", "2"),
        ("new[] { 1, 2, 3 }.LongCount()", "3"),
        ("new[] { 1, 2, 3 }.LongCount(x => x > 1)", "2"),
        ("new List<int> { 1, 2 }.Average()", "1.5"),
        ("new[] { 1.0, 2 }.Average()", "1.5"),
        ("new[] { \"a\", \"bbb\" }.Average(x => x.Length)", "2"),
        ("new[] { \"a\", \"b\" }.Aggregate((a, b) => a + b)", "ab"),
        ("new[] { 1, 2, 3 }.Aggregate(10, (acc, x) => acc + x)", "16"),
        (
            "new[] { 1, 2, 3 }.Aggregate(\"\", (acc, x) => acc + x)",
            "123",
        ),
        ("new[] { \"bb\", \"a\", \"ccc\" }.MinBy(x => x.Length)", "a"),
        (
            "new[] { \"bb\", \"a\", \"ccc\" }.MaxBy(x => x.Length)",
            "ccc",
        ),
        ("new string[0].MinBy(x => x.Length) == null", "True"),
        ("new[] { \"bb\", \"a\", \"ccc\" }.Max(x => x.Length)", "3"),
        (
            "new[] { \"a\", \"b\" }.OrderBy(x => x).ThenByDescending(x => x.Length).First()",
            "a",
        ),
        (
            "string.Join(\",\", new[] { \"bb\", \"a\", \"c\", \"aa\" }.OrderBy(x => x.Length).ThenBy(x => x))",
            "a,c,aa,bb",
        ),
        (
            "string.Join(\",\", new[] { \"bb\", \"a\", \"c\", \"aa\" }.OrderByDescending(x => x.Length).ThenByDescending(x => x))",
            "bb,aa,c,a",
        ),
        // Stable: equal keys keep their order.
        (
            "string.Join(\",\", new[] { \"b1\", \"a1\", \"b2\", \"a2\" }.OrderBy(x => x.Length).ThenBy(x => x[0]))",
            "a1,a2,b1,b2",
        ),
        ("new[] { \"a\", \"b\" }.Last(x => x == \"a\")", "a"),
    ]);
}

#[test]
fn linq_casts_and_generates() {
    check(&[
        ("new[] { \"a\" }.Cast<object>().Count()", "1"),
        (
            "new object[] { \"a\", 1, \"b\" }.OfType<string>().Count()",
            "2",
        ),
        ("new object[] { \"a\", 1 }.OfType<int>().Sum()", "1"),
        ("Enumerable.Range(1, 3).Sum()", "6"),
        ("Enumerable.Range(5, 0).Count()", "0"),
        ("string.Join(\"\", Enumerable.Repeat(\"x\", 2))", "xx"),
        ("Enumerable.Empty<string>().Count()", "0"),
        ("System.Linq.Enumerable.Range(0, 2).Last()", "1"),
    ]);
    check_err(&[
        (
            "new object[] { \"a\", 1 }.Cast<string>().Count()",
            "System.InvalidCastException: Unable to cast object of type 'System.Int32' to type 'System.String'.",
        ),
        (
            "Enumerable.Range(1, -1).Count()",
            "System.ArgumentOutOfRangeException: Specified argument was out of the range of valid values. (Parameter 'count')",
        ),
        (
            "Enumerable.Repeat(1, -1).Count()",
            "System.ArgumentOutOfRangeException",
        ),
        (
            "Enumerable.Range(0, 1000000000).Count()",
            "System.InvalidOperationException: The expression exceeded the limit",
        ),
    ]);
}

#[test]
fn linq_extra_operators_throw_as_enumerable_does() {
    check_err(&[
        (
            "new int[0].Average()",
            "System.InvalidOperationException: Sequence contains no elements",
        ),
        (
            "new string[0].Aggregate((a, b) => a + b)",
            "System.InvalidOperationException: Sequence contains no elements",
        ),
        (
            "new int[0].MinBy(x => x)",
            "System.InvalidOperationException: Sequence contains no elements",
        ),
        (
            "new[] { 1 }.Concat((int[])null).Count()",
            "System.ArgumentNullException: Value cannot be null. (Parameter 'second')",
        ),
        (
            "new[] { 1, 2 }.TakeWhile(x => x).Count()",
            "load: Cannot implicitly convert type 'int' to 'bool'",
        ),
        (
            "new[] { 1, 2 }.SkipWhile((x, y, z) => true).Count()",
            "load: Delegate 'Func<int, ...>' does not take 3 arguments",
        ),
        (
            "new[] { 1, 2 }.Aggregate((a) => a)",
            "load: Delegate 'Func<int, int, ...>' does not take 1 arguments",
        ),
        (
            "new[] { 1, 2 }.Concat(new[] { \"a\" }).Count()",
            "load: The type arguments for method 'Concat' cannot be inferred",
        ),
        (
            "new[] { \"a\" }.Average()",
            "load: 'string' values cannot be averaged",
        ),
        (
            "new[] { \"a\" }.ThenBy(x => x)",
            "load: 'string[]' does not contain a definition for 'ThenBy'",
        ),
        (
            "Enumerable.Empty()",
            "load: The type arguments for method 'Empty'",
        ),
        (
            "Enumerable.Nope()",
            "load: 'Enumerable' does not contain a definition for 'Nope'",
        ),
        (
            "new[] { 1, 2 }.Append(\"x\").Count()",
            "load: Argument 1: cannot convert from 'string' to 'int'",
        ),
    ]);
}

#[test]
fn list_predicate_methods() {
    check(&[
        ("new List<int> { 1, 2, 3 }.Find(x => x > 1)", "2"),
        ("new List<int> { 1, 2, 3 }.Find(x => x > 5)", "0"),
        (
            "new List<string> { \"a\" }.Find(x => x == \"z\") == null",
            "True",
        ),
        ("new List<int> { 1, 2, 3 }.FindLast(x => x > 1)", "3"),
        ("new List<int> { 1, 2, 3 }.FindAll(x => x > 1).Count", "2"),
        ("new List<int> { 1, 2, 3 }.FindIndex(x => x == 3)", "2"),
        ("new List<int> { 1, 2, 3 }.FindIndex(x => x == 9)", "-1"),
        ("new List<int> { 1, 2, 3 }.Exists(x => x == 3)", "True"),
        ("new List<int> { 1, 2, 3 }.TrueForAll(x => x > 0)", "True"),
        (
            "new List<int> { 1, 2, 3 }.ConvertAll(x => x.ToString()).Count",
            "3",
        ),
    ]);
    let blocks = [
        (
            "var l = new List<int> { 1, 2, 3, 4 }; var n = l.RemoveAll(x => x % 2 == 0); return n + \":\" + l.Count;",
            "2:2",
        ),
        (
            "var l = new List<string> { \"a\" }; var seen = new List<string>(); l.ForEach(x => seen.Add(x)); return seen.Count;",
            "1",
        ),
    ];
    for (block, expected) in blocks {
        assert_eq!(eval_block(block).as_deref(), Ok(expected), "{block}");
    }
    check_err(&[(
        "new[] { 1 }.Find(x => true)",
        "load: 'int[]' does not contain a definition for 'Find'",
    )]);
}

#[test]
fn json_values_and_try_get_value() {
    let body = "context.Request.Body.As<JObject>(true)";
    let cases = [
        (
            format!("string.Join(\",\", {body}[\"tags\"].Values<string>())"),
            "x,y",
        ),
        (format!("{body}[\"tags\"].Values<string>().First()"), "x"),
        (
            format!("((JObject){body}[\"items\"][0]).Values<int>().Sum()"),
            "3",
        ),
        (
            format!("{body}.TryGetValue(\"tags\", out JToken t) && t.Count() == 2"),
            "True",
        ),
        (
            format!("{body}.TryGetValue(\"nope\", out JToken t) || t == null"),
            "True",
        ),
    ];
    for (expression, expected) in cases {
        assert_eq!(eval(&expression).as_deref(), Ok(expected), "{expression}");
    }
}
