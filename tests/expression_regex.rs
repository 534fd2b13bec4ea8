//! `System.Text.RegularExpressions` in expressions: `Regex` static and instance methods,
//! `Match`/`Group`/`GroupCollection`/`MatchCollection`, `RegexOptions`, .NET replacement
//! syntax, .NET group numbering, and the exceptions .NET throws (expected values from the .NET
//! regular expression documentation: "Substitutions", "Grouping constructs", "Anchors",
//! `Regex.Split`, `Regex.Escape`, `Match.NextMatch`).

mod common;

use common::{check, check_error, run, run_form};

use apim_policy::expr::ExpressionForm;

#[test]
fn is_match_and_options() {
    check(&[
        (r#"Regex.IsMatch("abc", "b")"#, "True"),
        (r#"Regex.IsMatch("ABC", "b")"#, "False"),
        (
            r#"Regex.IsMatch("ABC", "b", RegexOptions.IgnoreCase)"#,
            "True",
        ),
        (r#"Regex.IsMatch("ABC", "(?i)b")"#, "True"),
        (r#"Regex.IsMatch("ABC", "(?i:b)C")"#, "True"),
        (r#"Regex.IsMatch("ABC", "(?i:b)c")"#, "False"),
        ("Regex.IsMatch(\"a\\nb\", \"^b$\")", "False"),
        (
            "Regex.IsMatch(\"a\\nb\", \"^b$\", RegexOptions.Multiline)",
            "True",
        ),
        ("Regex.IsMatch(\"a\\nb\", \"a.b\")", "False"),
        (
            "Regex.IsMatch(\"a\\nb\", \"a.b\", RegexOptions.Singleline)",
            "True",
        ),
        (
            "Regex.IsMatch(\"A\\nb\", \"^b\", RegexOptions.IgnoreCase | RegexOptions.Multiline)",
            "True",
        ),
        (
            r#"(RegexOptions.IgnoreCase | RegexOptions.Multiline).ToString()"#,
            "IgnoreCase, Multiline",
        ),
        (r#"RegexOptions.None.ToString()"#, "None"),
        (
            r#"(RegexOptions.IgnoreCase | RegexOptions.Singleline).HasFlag(RegexOptions.Singleline)"#,
            "True",
        ),
        (
            r#"Regex.IsMatch("ab", "a b # a comment", RegexOptions.IgnorePatternWhitespace)"#,
            "True",
        ),
        (r#"Regex.IsMatch("a b", "a b")"#, "True"),
        (
            r#"System.Text.RegularExpressions.Regex.IsMatch("x1", @"\d")"#,
            "True",
        ),
        (
            r#"Regex.IsMatch("x", "x", RegexOptions.None, TimeSpan.FromSeconds(1))"#,
            "True",
        ),
    ]);
}

#[test]
fn anchors_follow_dotnet() {
    // .NET: `$` and `\Z` match at the end or before a final newline; `\z` only at the end.
    check(&[
        ("Regex.IsMatch(\"abc\\n\", \"abc$\")", "True"),
        ("Regex.IsMatch(\"abc\\n\\n\", \"abc$\")", "False"),
        ("Regex.IsMatch(\"abc\\n\", @\"abc\\Z\")", "True"),
        ("Regex.IsMatch(\"abc\\n\", @\"abc\\z\")", "False"),
        (r#"Regex.IsMatch("abc", @"^\w+$")"#, "True"),
        (r#"Regex.Match("abc\n", "c$").Index"#, "2"),
    ]);
}

#[test]
fn match_members_and_groups() {
    check(&[
        (
            r#"Regex.Match("abc123", @"(?<n>\d+)").Groups["n"]?.Value"#,
            "123",
        ),
        (
            r#"Regex.Match("abc123", @"(?'n'\d+)").Groups["n"].Value"#,
            "123",
        ),
        (r#"Regex.Match("abc123", @"\d+").Success"#, "True"),
        (r#"Regex.Match("abc123", @"\d+").Value"#, "123"),
        (r#"Regex.Match("abc123", @"\d+").Index"#, "3"),
        (r#"Regex.Match("abc123", @"\d+").Length"#, "3"),
        (r#"Regex.Match("abc123", @"\d+").ToString()"#, "123"),
        (r#"Regex.Match("abc", @"\d").Success"#, "False"),
        (r#"Regex.Match("abc", @"\d").Value"#, ""),
        (r#"Regex.Match("abc", @"\d").Index"#, "0"),
        (r#"Regex.Match("abc", @"\d").Groups.Count"#, "1"),
        (r#"Regex.Match("a1", @"(\w)(\d)").Groups[1].Value"#, "a"),
        (r#"Regex.Match("a1", @"(\w)(\d)").Groups[2].Value"#, "1"),
        (r#"Regex.Match("a1", @"(\w)(\d)").Groups.Count"#, "3"),
        (r#"Regex.Match("a1", @"(\w)(\d)").Groups[2].Index"#, "1"),
        (r#"Regex.Match("a1", @"(\w)(\d)").Groups[0].Value"#, "a1"),
        // Unnamed groups are numbered first, then named ones.
        (r#"Regex.Match("ab", @"(?<x>a)(b)").Groups[1].Value"#, "b"),
        (r#"Regex.Match("ab", @"(?<x>a)(b)").Groups[2].Value"#, "a"),
        (r#"Regex.Match("ab", @"(?<x>a)(b)").Groups[2].Name"#, "x"),
        (r#"Regex.Match("ab", @"(?<x>a)(b)").Groups[1].Name"#, "1"),
        (
            r#"Regex.Match("ab", @"(a)(x)?").Groups[2].Success"#,
            "False",
        ),
        (r#"Regex.Match("ab", @"(a)").Groups["zz"].Success"#, "False"),
        (r#"Regex.Match("ab", @"(a)").Groups["zz"].Value"#, ""),
        (r#"Regex.Match("ab", @"(a)").Groups[7].Success"#, "False"),
        (
            r#"Regex.Match("ab", @"(?<k>a)").Groups.ContainsKey("k")"#,
            "True",
        ),
        (r#"Regex.Match("a1b2", @"\d").NextMatch().Value"#, "2"),
        (r#"Regex.Match("a1b2", @"\d").NextMatch().Index"#, "3"),
        (
            r#"Regex.Match("a1b2", @"\d").NextMatch().NextMatch().Success"#,
            "False",
        ),
        (
            r#"Regex.Match("k=v", @"(?<key>\w)=(?<val>\w)").Result("${val}:${key}")"#,
            "v:k",
        ),
        // Index and Length count UTF-16 code units.
        ("Regex.Match(\"\u{1F600}x\", \"x\").Index", "2"),
        (
            r#"Regex.Match("ab", "(a)(b)", RegexOptions.ExplicitCapture).Groups.Count"#,
            "1",
        ),
        (
            r#"Regex.Match("ab", "(a)(?<n>b)", RegexOptions.ExplicitCapture).Groups.Count"#,
            "2",
        ),
        (r#"Regex.Match("ab", "(?n:(a))(b)").Groups.Count"#, "2"),
    ]);
}

#[test]
fn pattern_features() {
    check(&[
        (r#"Regex.IsMatch("abab", @"^(ab)\1$")"#, "True"),
        (r#"Regex.IsMatch("abac", @"^(ab)\1$")"#, "False"),
        (r#"Regex.IsMatch("xx", @"(?<c>x)\k<c>")"#, "True"),
        // `\1` is the first unnamed group, even after a named one.
        (r#"Regex.IsMatch("nbb", @"(?<n>n)(b)\1")"#, "True"),
        (r#"Regex.IsMatch("nbn", @"(?<n>n)(b)\2")"#, "True"),
        (r#"Regex.Match("price: $100", @"(?<=\$)\d+").Value"#, "100"),
        (r#"Regex.IsMatch("foobar", "foo(?!bar)")"#, "False"),
        (r#"Regex.IsMatch("foobaz", "foo(?!bar)")"#, "True"),
        (r#"Regex.Match("<a><b>", "<.+?>").Value"#, "<a>"),
        (r#"Regex.Match("aaa", "(?>a+)").Value"#, "aaa"),
        (r#"Regex.IsMatch("{\"a\"}", "{\"a")"#, "True"),
        (r#"Regex.IsMatch("a{", "a{")"#, "True"),
        (r#"Regex.IsMatch("aa", "^a{2}$")"#, "True"),
        (r#"Regex.Replace("abcdef", "[a-z-[aeiou]]", "")"#, "ae"),
        (r#"Regex.Replace("a&&b", "[&]", "+")"#, "a++b"),
        (r#"Regex.IsMatch("[", "[[]")"#, "True"),
        (r#"Regex.IsMatch("]", "[]a]")"#, "True"),
        (r#"Regex.IsMatch("ab", "a(?#comment)b")"#, "True"),
        (r#"Regex.IsMatch("\u0041", @"\u0041")"#, "True"),
        (r#"Regex.IsMatch("A", @"\x41")"#, "True"),
        (r#"Regex.IsMatch("é", @"^\p{L}$")"#, "True"),
        (r#"Regex.IsMatch("ab", "(a)?(?(1)b|c)")"#, "True"),
    ]);
}

#[test]
fn matches_collections() {
    check(&[
        (r#"Regex.Matches("a1b22c333", @"\d+").Count"#, "3"),
        (r#"Regex.Matches("a1b22c333", @"\d+")[2].Value"#, "333"),
        (r#"Regex.Matches("abc", @"\d").Count"#, "0"),
        // An empty match is followed by a search one character further on.
        (r#"Regex.Matches("baaa", "a*").Count"#, "3"),
        (
            r#"Regex.Matches("a1b2", @"\d").Any(m => m.Value == "2")"#,
            "True",
        ),
        (r#"Regex.Matches("a1b2", @"\d").Cast<Match>().Count()"#, "2"),
        (
            r#"Regex.Matches("a1b22", @"\d+").Cast<Match>().Select(m => m.Value).Last()"#,
            "22",
        ),
        (
            r#"Regex.Match("k=v", @"(\w)=(\w)").Groups.Cast<Group>().Skip(1).First().Value"#,
            "k",
        ),
    ]);
    check_error(&[(
        r#"Regex.Matches("a1", @"\d")[5].Value"#,
        "System.ArgumentOutOfRangeException: Specified argument was out of the range of valid values. (Parameter 'i')",
    )]);
    assert_eq!(
        run_form(
            r#"var s = ""; foreach (Match m in Regex.Matches("a1b22c333", @"\d+")) { s += m.Value + ";"; } return s;"#,
            ExpressionForm::Block
        ),
        Ok("1;22;333;".to_owned())
    );
    assert_eq!(
        run_form(
            r#"var names = ""; foreach (Group g in Regex.Match("ab", @"(?<x>a)(b)").Groups) { names += g.Name; } return names;"#,
            ExpressionForm::Block
        ),
        Ok("01x".to_owned())
    );
}

#[test]
fn replace_substitutions() {
    check(&[
        (r##"Regex.Replace("a1b2", @"\d", "#")"##, "a#b#"),
        (
            r#"Regex.Replace("John Smith", @"(\w+) (\w+)", "$2, $1")"#,
            "Smith, John",
        ),
        (
            r#"Regex.Replace("2024-05", @"(?<y>\d+)-(?<m>\d+)", "${m}/${y}")"#,
            "05/2024",
        ),
        (
            r#"Regex.Replace("2024-05", @"(\d+)-(\d+)", "${2}/${1}")"#,
            "05/2024",
        ),
        (r#"Regex.Replace("5", @"\d", "$$$0")"#, "$5"),
        (r#"Regex.Replace("abc", "b", "[$&]")"#, "a[b]c"),
        (r#"Regex.Replace("abc", "b", "$`")"#, "aac"),
        (r#"Regex.Replace("abc", "b", "$'")"#, "acc"),
        (r#"Regex.Replace("abc", "b", "$_")"#, "aabcc"),
        (r#"Regex.Replace("ab", "(a)(b)", "$+")"#, "b"),
        // A `$` that names no group stays literal.
        (r#"Regex.Replace("ab", "(a)", "$10")"#, "$10b"),
        (r#"Regex.Replace("ab", "(a)", "${nope}")"#, "${nope}b"),
        (r#"Regex.Replace("ab", "(a)", "$x")"#, "$xb"),
        (r#"Regex.Replace("ab", "(a)", "$")"#, "$b"),
        (
            r#"Regex.Replace("AbA", "a", "x", RegexOptions.IgnoreCase)"#,
            "xbx",
        ),
        (r#"Regex.Replace("abc", "x*", "-")"#, "-a-b-c-"),
        (r#"new Regex(@"\s+").Replace("a  b   c", " ")"#, "a b c"),
        (r#"new Regex("a").Replace("aaaa", "b", 2)"#, "bbaa"),
        (r#"new Regex("a").Replace("aaaa", "b", -1, 2)"#, "aabb"),
    ]);
}

#[test]
fn split_escape_unescape() {
    check(&[
        (
            r#"string.Join("|", Regex.Split("a1b22c", @"\d+"))"#,
            "a|b|c",
        ),
        (r#"string.Join("|", Regex.Split("a-b", "(-)"))"#, "a|-|b"),
        (r#"string.Join("|", Regex.Split("abc", ""))"#, "|a|b|c|"),
        (r#"string.Join("|", Regex.Split("abc", "x"))"#, "abc"),
        (r#"Regex.Split("a,b,c", ",").Length"#, "3"),
        (
            r#"string.Join("|", new Regex(",").Split("a,b,c", 2))"#,
            "a|b,c",
        ),
        (r#"Regex.Escape("a.b*c [x]")"#, r"a\.b\*c\ \[x]"),
        (r#"Regex.Escape("1+1=2?")"#, r"1\+1=2\?"),
        ("Regex.Escape(\"a\\tb\")", r"a\tb"),
        (r#"Regex.Unescape(@"a\.b\*")"#, "a.b*"),
        (r#"Regex.IsMatch("a.b", Regex.Escape("a.b"))"#, "True"),
        (r#"Regex.IsMatch("axb", Regex.Escape("a.b"))"#, "False"),
    ]);
}

#[test]
fn regex_objects() {
    check(&[
        (r#"new Regex(@"\d+").Match("ab12").Value"#, "12"),
        (
            r#"new Regex("B", RegexOptions.IgnoreCase).IsMatch("abc")"#,
            "True",
        ),
        (r#"new Regex("x").ToString()"#, "x"),
        (
            r#"new Regex("x", RegexOptions.Multiline).Options.ToString()"#,
            "Multiline",
        ),
        (r#"new Regex(@"\d").IsMatch("1a", 1)"#, "False"),
        (r#"new Regex(@"\d").Match("1a2", 1).Value"#, "2"),
        (r#"new Regex(@"\d").Matches("1a2", 1).Count"#, "1"),
        (
            r#"string.Join(",", new Regex(@"(?<a>x)(y)").GetGroupNames())"#,
            "0,1,a",
        ),
        (r#"new Regex(@"(?<a>x)(y)").GroupNumberFromName("a")"#, "2"),
        (r#"new Regex(@"(?<a>x)(y)").GroupNameFromNumber(2)"#, "a"),
    ]);
    assert_eq!(
        run_form(
            r#"Match m = Regex.Match("k=v", @"(\w)=(\w)"); Regex r = new Regex("v"); RegexOptions o = RegexOptions.IgnoreCase; return m.Groups[2].Value + r.IsMatch("v") + o;"#,
            ExpressionForm::Block
        ),
        Ok("vTrueIgnoreCase".to_owned())
    );
}

#[test]
fn invalid_patterns_throw_argument_exception() {
    check_error(&[
        (
            r#"Regex.IsMatch("a", "(")"#,
            "System.ArgumentException: Invalid pattern '(' at offset 1. Not enough )'s.",
        ),
        (
            r#"Regex.IsMatch("a", ")")"#,
            "System.ArgumentException: Invalid pattern ')' at offset 1. Too many )'s.",
        ),
        (
            r#"Regex.IsMatch("a", @"\q")"#,
            r"System.ArgumentException: Invalid pattern '\q' at offset 2. Unrecognized escape sequence \q.",
        ),
        (
            r#"Regex.IsMatch("a", "[a")"#,
            "System.ArgumentException: Invalid pattern '[a' at offset 2. Unterminated [] set.",
        ),
        (
            r#"Regex.IsMatch("a", @"(a)\2")"#,
            r"System.ArgumentException: Invalid pattern '(a)\2' at offset 5. Reference to undefined group number 2.",
        ),
        (
            r#"Regex.IsMatch(null, "a")"#,
            "System.ArgumentNullException: Value cannot be null. (Parameter 'input')",
        ),
        (
            r#"Regex.IsMatch("a", null)"#,
            "System.ArgumentNullException: Value cannot be null. (Parameter 'pattern')",
        ),
        (
            r#"Regex.Replace("a", "a", null)"#,
            "System.ArgumentNullException: Value cannot be null. (Parameter 'replacement')",
        ),
        (
            r#"new Regex("a").Match("abc", 9).Value"#,
            "System.ArgumentOutOfRangeException: Start index cannot be less than 0 or greater than input length. (Parameter 'startat')",
        ),
    ]);
    // A pattern the engine cannot hold is reported as an invalid pattern, not a crash.
    let huge = run(r#"Regex.IsMatch("a", "(a{1000}){1000}")"#);
    assert!(
        huge.as_ref()
            .is_err_and(|e| e.starts_with("System.ArgumentException: Invalid pattern")),
        "{huge:?}"
    );
    // Unsupported options are named.
    let rtl = run(r#"Regex.IsMatch("a", "a", RegexOptions.RightToLeft)"#);
    assert!(
        rtl.as_ref().is_err_and(|e| e.contains("RightToLeft")),
        "{rtl:?}"
    );
    let ecma = run(r#"new Regex("a", RegexOptions.ECMAScript)"#);
    assert!(
        ecma.as_ref().is_err_and(|e| e.contains("ECMAScript")),
        "{ecma:?}"
    );
}

#[test]
fn catastrophic_backtracking_times_out() {
    // Nested quantifiers with a lookahead: exponential backtracking on a failing input.
    let input = "a".repeat(30) + "!";
    let expression = format!(r#"Regex.IsMatch("{input}", @"^((a+)(?=a))+$")"#);
    let result = run(&expression);
    assert!(
        result.as_ref().is_err_and(|e| e.starts_with(
            "System.Text.RegularExpressions.RegexMatchTimeoutException: The Regex engine has timed out"
        )),
        "{result:?}"
    );
    let caught = format!(
        r#"try {{ return Regex.IsMatch("{input}", @"^((a+)(?=a))+$").ToString(); }} catch (RegexMatchTimeoutException) {{ return "timeout"; }}"#
    );
    assert_eq!(
        run_form(&caught, ExpressionForm::Block),
        Ok("timeout".to_owned())
    );
}

#[test]
fn unsupported_members_fail_at_load() {
    let err = run(r#"Regex.Match("a", "a").Captures"#);
    assert!(
        err.as_ref()
            .is_err_and(|e| e.starts_with("load: ") && e.contains("Captures")),
        "{err:?}"
    );
}

#[test]
fn hostile_patterns_fail_cleanly() {
    // Deep nesting of groups and of class subtractions: an exception, never a stack overflow.
    let deep_groups = run(r#"Regex.IsMatch("a", "".PadLeft(50000, '(') + "".PadLeft(50000, ')'))"#);
    assert!(
        deep_groups
            .as_ref()
            .is_err_and(|e| e.starts_with("System.ArgumentException: Invalid pattern")),
        "deep groups: {:?}",
        deep_groups.map_err(|e| e.chars().take(200).collect::<String>())
    );
    let deep_classes = run(
        r#"Regex.IsMatch("a", "".PadLeft(20000, 'x').Replace("x", "[a-") + "[b]" + "".PadLeft(20000, ']'))"#,
    );
    assert!(
        deep_classes
            .as_ref()
            .is_err_and(|e| e.starts_with("System.ArgumentException: Invalid pattern")),
        "deep classes: {:?}",
        deep_classes.map_err(|e| e.chars().take(200).collect::<String>())
    );
    // A replacement that would grow past the size limit.
    let result = run_form(
        r#"var s = "".PadLeft(4096, 'a'); var r = "".PadLeft(8192, 'b'); return Regex.Replace(s, "", r).Length.ToString();"#,
        ExpressionForm::Block,
    );
    assert!(
        result
            .as_ref()
            .is_err_and(|e| e.starts_with("System.OutOfMemoryException")),
        "{result:?}"
    );
}
