//! Generic collections in expressions: `List<T>`, arrays of any element type, `HashSet<T>`,
//! `Dictionary<TKey, TValue>` and `KeyValuePair<TKey, TValue>`, with their initialisers,
//! members, reference semantics, .NET exceptions, and the LINQ operators that build them.
//! Expected values are .NET's documented behaviour.

mod common;

use std::sync::Arc;

use apim_policy::context::{Context, Deployment};
use apim_policy::expr::ExpressionForm;

fn context() -> Context {
    Context::new(Arc::new(Deployment::builder().build().unwrap()))
}

fn single(text: &str) -> Result<String, String> {
    common::evaluate(text, ExpressionForm::Single, &context())
}

fn block(text: &str) -> Result<String, String> {
    common::evaluate(text, ExpressionForm::Block, &context())
}

fn check(cases: &[(&str, &str)], run: fn(&str) -> Result<String, String>) {
    let mut failures = Vec::new();
    for (text, expected) in cases {
        let got = run(text);
        let got = match &got {
            Ok(v) => v.as_str(),
            Err(e) => e.as_str(),
        };
        if got != *expected {
            failures.push(format!("{text}\n  expected: {expected}\n  got:      {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn brief_examples() {
    check(
        &[
            (r#"new List<string> { "a", "b" }.Count"#, "2"),
            (
                r#"new Dictionary<string, string> { { "a", "b" } }["a"]"#,
                "b",
            ),
            (
                r#"new Dictionary<string, int> { ["a"] = 1 }.ContainsKey("a")"#,
                "True",
            ),
            (r#"new HashSet<string> { "a", "a" }.Count"#, "1"),
            ("new[] { 1, 2, 3 }.Sum()", "6"),
            ("new int[] { 1, 2 }.Length", "2"),
            ("new[] { 1.5, 2 }[1]", "2"),
            (r#"new[] {"b","a"}.OrderBy(x => x).ToList()[0]"#, "a"),
            (
                r#"new[] {"b","a"}.ToDictionary(x => x, x => x.Length)["a"]"#,
                "1",
            ),
            (r#"String.Join(",", new List<string> { "a", "b" })"#, "a,b"),
            (r#""a,b".Split(',').Select((x, i) => x + i).Last()"#, "b1"),
        ],
        single,
    );
    check(
        &[(
            "var l = new List<int>(); l.Add(1); l.Add(2); return l.Count;",
            "2",
        )],
        block,
    );
}
