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

#[test]
fn lists() {
    check(
        &[
            (r#"new List<string>().Count"#, "0"),
            (r#"new List<string> { "a", "b", "c" }[2]"#, "c"),
            (r#"new List<int> { 3, 1, 2 }.Contains(2)"#, "True"),
            (r#"new List<int> { 3, 1, 2 }.IndexOf(2)"#, "2"),
            (r#"new List<int> { 3, 1, 2 }.IndexOf(7)"#, "-1"),
            (r#"new List<string> { "x" }.ToArray().Length"#, "1"),
            (r#"new List<long> { 1, 2 }.Sum()"#, "3"),
            (r#"new List<double> { 1, 2.5 }.Sum()"#, "3.5"),
            (r#"new List<string>(new[] { "a", "b" }).Count"#, "2"),
            (r#"new List<string>(10).Count"#, "0"),
            (
                r#"new List<string> { "a" }.ToString()"#,
                "System.Collections.Generic.List`1[System.String]",
            ),
            (
                r#"new List<int>().ToString()"#,
                "System.Collections.Generic.List`1[System.Int32]",
            ),
            (
                r#"new List<List<int>>().ToString()"#,
                "System.Collections.Generic.List`1[System.Collections.Generic.List`1[System.Int32]]",
            ),
            (
                r#"new List<string> { "a", "b" }.Where(x => x != "a").First()"#,
                "b",
            ),
            (r#"new List<string> { "a", "b" }.Count()"#, "2"),
            (
                r#"new List<string> { "b", "a" }.Select(x => x.ToUpper()).ToList()[1]"#,
                "A",
            ),
            (r#"string.Concat(new List<string> { "a", "b" })"#, "ab"),
            (r#"string.Join("-", new List<int> { 1, 2 })"#, "1-2"),
            (r#"$"{new List<int>().Count} items""#, "0 items"),
            (
                r#"new List<string> { "a" }[1]"#,
                "System.ArgumentOutOfRangeException: Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index')",
            ),
            (
                r#"new List<string> { "a" }[-1]"#,
                "System.ArgumentOutOfRangeException: Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index')",
            ),
            (
                r#"new List<int>().First()"#,
                "System.InvalidOperationException: Sequence contains no elements",
            ),
            (
                r#"new List<int>(-1).Count"#,
                "System.ArgumentOutOfRangeException: Non-negative number required. (Parameter 'capacity')",
            ),
        ],
        single,
    );
    check(
        &[
            (
                r#"var l = new List<string> { "a" }; l.Add("b"); l.Insert(0, "z"); return string.Join(",", l);"#,
                "z,a,b",
            ),
            (
                r#"var l = new List<int> { 1, 2, 3, 2 }; var removed = l.Remove(2); return removed + ":" + string.Join(",", l);"#,
                "True:1,3,2",
            ),
            (
                r#"var l = new List<int> { 1, 2, 3 }; return l.Remove(9);"#,
                "False",
            ),
            (
                r#"var l = new List<int> { 1, 2, 3 }; l.RemoveAt(0); return string.Join(",", l);"#,
                "2,3",
            ),
            (
                r#"var l = new List<int> { 1, 2 }; l.Clear(); return l.Count;"#,
                "0",
            ),
            (
                r#"var l = new List<int> { 1 }; l.AddRange(new[] { 2, 3 }); l.AddRange(l); return string.Join(",", l);"#,
                "1,2,3,1,2,3",
            ),
            (
                r#"var l = new List<string> { "b", "c", "a" }; l.Sort(); return string.Join(",", l);"#,
                "a,b,c",
            ),
            (
                r#"var l = new List<int> { 1, 2, 3 }; l.Reverse(); return string.Join(",", l);"#,
                "3,2,1",
            ),
            (
                r#"var l = new List<int> { 1, 2 }; l[0] = 5; l[1] += 10; return string.Join(",", l);"#,
                "5,12",
            ),
            (
                r#"var total = 0; foreach (var x in new List<int> { 1, 2, 3 }) { total += x; } return total;"#,
                "6",
            ),
            (
                r#"List<string> l = new List<string>(); l.Add("a"); IEnumerable<string> e = l; return e.Count();"#,
                "1",
            ),
            (
                r#"var l = new List<int>(); l.RemoveAt(0); return 1;"#,
                "System.ArgumentOutOfRangeException: Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index')",
            ),
            (
                r#"var l = new List<int>(); l.Insert(1, 5); return 1;"#,
                "System.ArgumentOutOfRangeException: Index must be within the bounds of the List. (Parameter 'index')",
            ),
            (
                r#"var l = new List<int>(); l[0] = 1; return 1;"#,
                "System.ArgumentOutOfRangeException: Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index')",
            ),
        ],
        block,
    );
}

#[test]
fn reference_semantics() {
    check(
        &[
            (
                r#"var a = new List<int>(); var b = a; b.Add(1); return a.Count;"#,
                "1",
            ),
            (
                r#"var a = new Dictionary<string, int>(); var b = a; b["k"] = 1; return a["k"];"#,
                "1",
            ),
            (
                r#"var a = new int[2]; var b = a; b[1] = 7; return a[1];"#,
                "7",
            ),
            (
                r#"var a = new List<int>(); var b = a; return a == b;"#,
                "True",
            ),
            (r#"return new List<int>() == new List<int>();"#, "False"),
            (
                r#"var a = new List<int> { 1 }; var b = a.ToList(); b.Add(2); return a.Count;"#,
                "1",
            ),
        ],
        block,
    );
}

#[test]
fn arrays() {
    check(
        &[
            ("new int[3].Length", "3"),
            ("new int[3][1]", "0"),
            ("new bool[1][0]", "False"),
            ("new string[2][0] == null", "True"),
            ("new double[] { 1, 2 }[0] / 2", "0.5"),
            ("new long[] { 1, 2 }.Sum()", "3"),
            ("new[] { 1, 2L }.Sum()", "3"),
            (r#"new[] { "a", null }.Length"#, "2"),
            ("new[] { 1, 2, 3 }.ToString()", "System.Int32[]"),
            (r#"new[] { "a" }.ToString()"#, "System.String[]"),
            ("new int[] { 1, 2 }.Max()", "2"),
            ("new int[2] { 1, 2 }[1]", "2"),
            ("new[] { new[] { 1, 2 }, new[] { 3 } }[1][0]", "3"),
            ("new List<int>[2].Length", "2"),
            (
                "new int[] { 1 }[1]",
                "System.IndexOutOfRangeException: Index was outside the bounds of the array.",
            ),
            (
                "new int[] { 1 }[-1]",
                "System.IndexOutOfRangeException: Index was outside the bounds of the array.",
            ),
            (r#"new[] { "b", "a" }.OrderBy(x => x).ToArray()[0]"#, "a"),
            (r#"new[] { 3, 1 }.OrderBy(x => x).ToArray()[0]"#, "1"),
        ],
        single,
    );
    check(
        &[
            (
                r#"var a = new int[3]; a[0] = 4; a[2] = 6; return a.Sum();"#,
                "10",
            ),
            (r#"int[] a = new[] { 1, 2 }; return a.Length;"#, "2"),
        ],
        block,
    );
}

#[test]
fn dictionaries() {
    check(
        &[
            (
                r#"new Dictionary<string, int> { { "a", 1 }, { "b", 2 } }.Count"#,
                "2",
            ),
            (
                r#"new Dictionary<string, int> { ["a"] = 1, ["a"] = 2 }["a"]"#,
                "2",
            ),
            (
                r#"new Dictionary<string, int> { ["a"] = 1 }.ContainsValue(1)"#,
                "True",
            ),
            (
                r#"new Dictionary<string, int> { ["a"] = 1 }.GetValueOrDefault("b")"#,
                "0",
            ),
            (
                r#"new Dictionary<string, int> { ["a"] = 1 }.GetValueOrDefault("b", 5)"#,
                "5",
            ),
            (
                r#"new Dictionary<string, int> { ["a"] = 1 }.GetValueOrDefault("a", 5)"#,
                "1",
            ),
            (
                r#"new Dictionary<string, string> { ["a"] = "x" }.GetValueOrDefault("b") == null"#,
                "True",
            ),
            (
                r#"string.Join(",", new Dictionary<string, int> { ["b"] = 1, ["a"] = 2 }.Keys)"#,
                "b,a",
            ),
            (
                r#"new Dictionary<string, int> { ["b"] = 1, ["a"] = 2 }.Values.Sum()"#,
                "3",
            ),
            (
                r#"new Dictionary<string, int> { ["b"] = 1 }.First().Key"#,
                "b",
            ),
            (
                r#"new Dictionary<string, int> { ["b"] = 1 }.First().Value"#,
                "1",
            ),
            (
                r#"new Dictionary<string, int> { ["b"] = 1 }.First().ToString()"#,
                "[b, 1]",
            ),
            (
                r#"new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 }.Where(kv => kv.Value > 1).Select(kv => kv.Key).First()"#,
                "b",
            ),
            (r#"new Dictionary<int, string> { [1] = "one" }[1]"#, "one"),
            (r#"new KeyValuePair<string, int>("k", 2).Value"#, "2"),
            (
                r#"new KeyValuePair<string, int>("k", 2).ToString()"#,
                "[k, 2]",
            ),
            (
                r#"new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase) { ["Key"] = 1 }["KEY"]"#,
                "1",
            ),
            (
                r#"new Dictionary<string, int> { ["Key"] = 1 }.ContainsKey("KEY")"#,
                "False",
            ),
            (
                r#"new Dictionary<string, int>().ToString()"#,
                "System.Collections.Generic.Dictionary`2[System.String,System.Int32]",
            ),
            (
                r#"new Dictionary<string, int> { ["a"] = 1 }["b"]"#,
                "System.Collections.Generic.KeyNotFoundException: The given key 'b' was not present in the dictionary.",
            ),
            (
                r#"new Dictionary<string, int> { { "a", 1 }, { "a", 2 } }.Count"#,
                "System.ArgumentException: An item with the same key has already been added. Key: a",
            ),
            (
                r#"new Dictionary<string, int>()[null]"#,
                "System.ArgumentNullException: Value cannot be null. (Parameter 'key')",
            ),
        ],
        single,
    );
    check(
        &[
            (
                r#"var d = new Dictionary<string, int>(); d["a"] = 1; d["a"] = 2; d.Add("b", 3); return d["a"] + d["b"];"#,
                "5",
            ),
            (
                r#"var d = new Dictionary<string, int>(); d.Add("a", 1); d.Add("a", 2); return 0;"#,
                "System.ArgumentException: An item with the same key has already been added. Key: a",
            ),
            (
                r#"var d = new Dictionary<string, string> { ["a"] = "x" }; if (d.TryGetValue("a", out var v)) { return v; } return "none";"#,
                "x",
            ),
            (
                r#"var d = new Dictionary<string, int> { ["a"] = 1 }; var found = d.TryGetValue("b", out int v); return found + ":" + v;"#,
                "False:0",
            ),
            (
                r#"var d = new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 }; var removed = d.Remove("a"); return removed + ":" + d.Count + ":" + d.ContainsKey("a");"#,
                "True:1:False",
            ),
            (
                r#"var d = new Dictionary<string, int> { ["a"] = 1 }; d["a"] += 5; return d["a"];"#,
                "6",
            ),
            (
                r#"var counts = new Dictionary<char, int>(); foreach (var c in "abca") { counts[c] = counts.GetValueOrDefault(c) + 1; } return counts['a'];"#,
                "2",
            ),
            (
                r#"var s = ""; foreach (var kv in new Dictionary<string, int> { ["x"] = 1, ["y"] = 2 }) { s += kv.Key + kv.Value; } return s;"#,
                "x1y2",
            ),
            (
                r#"var d = new Dictionary<string, int> { ["a"] = 1 }; var first = d.TryAdd("a", 2); var second = d.TryAdd("b", 3); return first + ":" + second + ":" + d["a"] + d["b"];"#,
                "False:True:13",
            ),
            (
                r#"var d = new Dictionary<string, int> { ["a"] = 1 }; d.Clear(); return d.Count;"#,
                "0",
            ),
        ],
        block,
    );
}

#[test]
fn hash_sets() {
    check(
        &[
            (r#"new HashSet<int> { 1, 2, 1 }.Count"#, "2"),
            (r#"new HashSet<string> { "a" }.Contains("a")"#, "True"),
            (
                r#"new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "a" }.Contains("A")"#,
                "True",
            ),
            (r#"new HashSet<string>(new[] { "a", "b", "a" }).Count"#, "2"),
            (r#"new HashSet<string> { "b", "a" }.First()"#, "b"),
            (
                r#"new HashSet<string>().ToString()"#,
                "System.Collections.Generic.HashSet`1[System.String]",
            ),
        ],
        single,
    );
    check(
        &[
            (
                r#"var s = new HashSet<string>(); var first = s.Add("a"); var second = s.Add("a"); return first + ":" + second + ":" + s.Count;"#,
                "True:False:1",
            ),
            (
                r#"var s = new HashSet<int> { 1, 2 }; return s.Remove(1) + ":" + s.Remove(1) + ":" + s.Count;"#,
                "True:False:1",
            ),
        ],
        block,
    );
}

#[test]
fn linq_builders() {
    check(
        &[
            (r#"new[] { "a", "b", "a" }.ToHashSet().Count"#, "2"),
            (
                r#"new[] { "a", "bb" }.ToDictionary(x => x.Length)[2]"#,
                "bb",
            ),
            (
                r#"new[] { "a", "a" }.ToDictionary(x => x)["a"]"#,
                "System.ArgumentException: An item with the same key has already been added. Key: a",
            ),
            (
                r#"new[] { "a", "b", "c" }.Where((x, i) => i % 2 == 0).Count()"#,
                "2",
            ),
            (r#"new[] { "a", "b", "c" }.Select((x, i) => i).Sum()"#, "3"),
            (r#""a,b".Split(',').ToList().Count"#, "2"),
            (r#""a,b".Split(',').ToList()[1]"#, "b"),
            (r#""ab".ToList()[1]"#, "b"),
            (
                r#"new[] { 1, 2 }.ToList().ToString()"#,
                "System.Collections.Generic.List`1[System.Int32]",
            ),
        ],
        single,
    );
}

#[test]
fn types_in_declarations_casts_and_patterns() {
    check(
        &[
            (
                r#"((object)new List<string> { "a" }) is List<string>"#,
                "True",
            ),
            (
                r#"((object)new List<string> { "a" }) is List<int>"#,
                "False",
            ),
            (
                r#"(((object)new List<string> { "a" }) as List<string>).Count"#,
                "1",
            ),
            (
                r#"((List<string>)(object)new List<string> { "a" })[0]"#,
                "a",
            ),
            (
                r#"((IEnumerable<string>)new List<string> { "a" }).Count()"#,
                "1",
            ),
            (
                r#"context.Variables.GetValueOrDefault<List<string>>("missing") == null"#,
                "True",
            ),
            (r#"((object)new[] { 1 }) is int[]"#, "True"),
        ],
        single,
    );
    check(
        &[
            (
                r#"Dictionary<string, List<int>> d = new Dictionary<string, List<int>>(); d["a"] = new List<int> { 1 }; d["a"].Add(2); return d["a"].Count;"#,
                "2",
            ),
            (
                r#"KeyValuePair<string, int> first = new Dictionary<string, int> { ["k"] = 3 }.First(); return first.Value;"#,
                "3",
            ),
        ],
        block,
    );
}

#[test]
fn load_errors() {
    check(
        &[
            (
                r#"new List<string> { 1 }"#,
                "load: Argument 1: cannot convert from 'int' to 'string'",
            ),
            (
                r#"new Dictionary<string, int> { { "a", "b" } }"#,
                "load: Argument 2: cannot convert from 'string' to 'int'",
            ),
            (
                r#"new List<Foo>()"#,
                "load: The type or namespace name 'Foo' is not supported in policy expressions here",
            ),
            (
                r#"new[] { 1, "a" }"#,
                "load: No best type found for implicitly-typed array",
            ),
            (
                r#"new int[] { "a" }"#,
                "load: Cannot implicitly convert type 'string' to 'int'",
            ),
            (
                r#"new List<string>().Add(1)"#,
                "load: Argument 1: cannot convert from 'int' to 'string'",
            ),
            (
                r#"new List<string>().Foo()"#,
                "load: 'List<string>' does not contain a definition for 'Foo'",
            ),
            (
                r#"new Dictionary<string, int>().Bar"#,
                "load: 'Dictionary<string, int>' does not contain a definition for 'Bar'",
            ),
            (
                r#"new List<string, int>()"#,
                "load: Using the generic type 'List<T>' requires 1 type arguments",
            ),
            (
                r#"new List<string>()[""]"#,
                "load: Argument 1: cannot convert from 'string' to 'int'",
            ),
            (
                r#"new int[2] { 1 }"#,
                "load: An array initializer of length '1' is expected",
            ),
        ],
        single,
    );
}

#[test]
fn limits() {
    check(
        &[
            (
                "new int[2000000].Length",
                "System.OutOfMemoryException: Exception of type 'System.OutOfMemoryException' was thrown.",
            ),
            (
                "new int[-1].Length",
                "System.OverflowException: Arithmetic operation resulted in an overflow.",
            ),
        ],
        single,
    );
    // Copies count against the budget too: 60000 default elements, then 60000 copied.
    for copy in [
        "new int[60000].ToList().Count",
        "new List<int>(new int[60000]).Count",
    ] {
        let result = single(copy);
        assert!(
            result.as_ref().is_err_and(
                |e| e.starts_with("System.InvalidOperationException: The expression exceeded")
            ),
            "{copy}: {result:?}"
        );
    }
    assert_eq!(single("new int[60000].Length"), Ok("60000".to_owned()));
    let spin = block("var l = new List<int>(); while (true) { l.Add(1); } return 0;");
    assert!(
        spin.as_ref().is_err_and(
            |e| e.starts_with("System.InvalidOperationException: The expression exceeded")
        ),
        "{spin:?}"
    );
    let doubling = block("var l = new List<int> { 1 }; while (true) { l.AddRange(l); } return 0;");
    assert!(doubling.is_err(), "{doubling:?}");
}

#[test]
fn hostile_nesting() {
    // A collection containing itself would be a reference cycle nothing could free.
    let cycle = block("var l = new List<object>(); l.Add(l); return l.Count;");
    assert_eq!(
        cycle,
        Err("System.InvalidOperationException: A collection cannot contain itself in policy expressions.".to_owned())
    );
    let indirect = block(
        "var a = new List<object>(); var b = new List<object>(); a.Add(b); b.Add(a); return 0;",
    );
    assert!(indirect.is_err(), "{indirect:?}");
    // Deep nesting is dropped without recursion.
    let deep = block(
        "var l = new List<object>(); for (var i = 0; i < 20000; i++) { var n = new List<object>(); n.Add(l); l = n; } return l.Count;",
    );
    assert_eq!(deep, Ok("1".to_owned()));
    let deep_top_down = block(
        "var root = new List<object>(); var cur = root; for (var i = 0; i < 20000; i++) { var n = new List<object>(); cur.Add(n); cur = n; } return root.Count;",
    );
    assert_eq!(deep_top_down, Ok("1".to_owned()));
}

#[test]
fn json_to_collections() {
    check(
        &[
            (
                r#"JArray.Parse("[\"a\",\"b\"]").ToObject<List<string>>()[1]"#,
                "b",
            ),
            (
                r#"JArray.Parse("[1,2,3]").ToObject<List<int>>().Sum()"#,
                "6",
            ),
            (
                r#"JArray.Parse("[\"a\",\"b\"]").ToObject<string[]>().Length"#,
                "2",
            ),
            (r#"JArray.Parse("[1,2]").ToObject<int[]>()[0]"#, "1"),
            (
                r#"JObject.Parse("{\"a\":1,\"b\":2}").ToObject<Dictionary<string, int>>()["b"]"#,
                "2",
            ),
            (
                r#"JArray.Parse("[\"a\",\"a\"]").ToObject<HashSet<string>>().Count"#,
                "1",
            ),
        ],
        single,
    );
}

#[test]
fn modified_while_enumerating() {
    check(
        &[
            (
                "var l = new List<int> { 1, 2 }; foreach (var x in l) { l.Add(x); } return l.Count;",
                "System.InvalidOperationException: Collection was modified; enumeration operation may not execute.",
            ),
            (
                "var l = new List<int> { 1, 2 }; foreach (var x in l) { if (x == 2) { l.Remove(x); } } return l.Count;",
                "System.InvalidOperationException: Collection was modified; enumeration operation may not execute.",
            ),
            (
                "var l = new List<int> { 1, 2 }; foreach (var x in l) { if (x == 2) { break; } } l.Add(3); return l.Count;",
                "3",
            ),
            (
                r#"var d = new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 }; foreach (var kv in d) { d["c"] = 3; } return d.Count;"#,
                "System.InvalidOperationException: Collection was modified; enumeration operation may not execute.",
            ),
            (
                "var a = new[] { 1, 2 }; foreach (var x in a) { a[1] = 5; } return a[1];",
                "5",
            ),
        ],
        block,
    );
}

#[test]
fn collections_to_json() {
    check(
        &[
            (
                r#"new JArray(new List<string> { "a", "b" }).ToString(Formatting.None)"#,
                r#"["a","b"]"#,
            ),
            (r#"new JArray { new[] { 1, 2 } }.Count"#, "2"),
            (
                r#"new JObject { ["items"] = new JArray(new[] { 1, 2 }) }.ToString(Formatting.None)"#,
                r#"{"items":[1,2]}"#,
            ),
            (
                r#"new JObject(new JProperty("d", new Dictionary<string, int> { ["a"] = 1 })).ToString(Formatting.None)"#,
                r#"{"d":{"a":1}}"#,
            ),
        ],
        single,
    );
}
