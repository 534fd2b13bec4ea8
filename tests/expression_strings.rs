//! `string` and `char` members in expressions, with the values and exceptions .NET gives
//! (expected values from the .NET API documentation and .NET 8 behaviour).

mod common;

use common::{check, check_error, run, run_form};

use apim_policy::expr::ExpressionForm;

#[test]
fn split_follows_dotnet() {
    check(&[
        (r#"string.Join("|", "a,b,,c".Split(','))"#, "a|b||c"),
        (r#""a,b,,c".Split(',').Length"#, "4"),
        (
            r#"string.Join("|", "a,b,,c".Split(',', StringSplitOptions.RemoveEmptyEntries))"#,
            "a|b|c",
        ),
        (r#"string.Join("|", "a,b;c".Split(',', ';'))"#, "a|b|c"),
        (
            r#"string.Join("|", "a,b;c".Split(new char[] { ',', ';' }))"#,
            "a|b|c",
        ),
        (r#"string.Join("|", "a, b, c".Split(", "))"#, "a|b|c"),
        (r#"string.Join("|", "a,b,c,d".Split(',', 2))"#, "a|b,c,d"),
        (
            r#"string.Join("|", ",,a,,b,,".Split(new[] { ',' }, 2, StringSplitOptions.RemoveEmptyEntries))"#,
            "a|b,,",
        ),
        (r#""a,b".Split(',', 0).Length"#, "0"),
        (r#"string.Join("|", "a b\tc".Split())"#, "a|b|c"),
        (
            r#"string.Join("|", "a b".Split(new string[] { "" }, StringSplitOptions.None))"#,
            "a|b",
        ),
        (r#""a b".Split("").Length"#, "1"),
        (r#""".Split(',').Length"#, "1"),
        (
            r#""".Split(',', StringSplitOptions.RemoveEmptyEntries).Length"#,
            "0",
        ),
        (r#""a,b,".Split(',')[2]"#, ""),
        (r#""a,b,".Split(',')[1]"#, "b"),
        (
            r#"string.Join("|", " a , b ".Split(',', StringSplitOptions.TrimEntries))"#,
            "a|b",
        ),
        (
            r#"string.Join("|", "a--b--c".Split(new[] { "--" }, StringSplitOptions.None))"#,
            "a|b|c",
        ),
    ]);
}

#[test]
fn split_result_is_a_string_array() {
    let block = r#"var total = ""; foreach (var p in "x;y;z".Split(';')) { total += p.ToUpper(); } return total;"#;
    assert_eq!(run_form(block, ExpressionForm::Block).as_deref(), Ok("XYZ"));
    assert_eq!(
        run(r#""a;b".Split(';') is string[]"#).as_deref(),
        Ok("True")
    );
    check_error(&[(
        r#""a;b".Split(';')[2]"#,
        "System.IndexOutOfRangeException: Index was outside the bounds of the array.",
    )]);
}

#[test]
fn substring_and_its_exceptions() {
    check(&[
        (r#""Hello World".Substring(6)"#, "World"),
        (r#""Hello World".Substring(0, 5)"#, "Hello"),
        (r#""Hello".Substring(5)"#, ""),
        (r#""Hello".Substring(2, 0)"#, ""),
    ]);
    check_error(&[
        (
            r#""Hello".Substring(6)"#,
            "System.ArgumentOutOfRangeException: startIndex cannot be larger than length of string. (Parameter 'startIndex')",
        ),
        (
            r#""Hello".Substring(-1)"#,
            "System.ArgumentOutOfRangeException: StartIndex cannot be less than zero. (Parameter 'startIndex')",
        ),
        (
            r#""Hello".Substring(1, -1)"#,
            "System.ArgumentOutOfRangeException: Length cannot be less than zero. (Parameter 'length')",
        ),
        (
            r#""Hello".Substring(3, 5)"#,
            "System.ArgumentOutOfRangeException: Index and length must refer to a location within the string. (Parameter 'length')",
        ),
    ]);
}

#[test]
fn searching_is_ordinal() {
    check(&[
        (r#""hello".IndexOf('l')"#, "2"),
        (r#""hello".LastIndexOf('l')"#, "3"),
        (r#""hello".IndexOf("lo")"#, "3"),
        (r#""hello".IndexOf("x")"#, "-1"),
        (r#""hello".IndexOf("")"#, "0"),
        (r#""hello".IndexOf('l', 3)"#, "3"),
        (r#""a.b.c".LastIndexOf(".")"#, "3"),
        (
            r#""HELLO".IndexOf("ll", StringComparison.OrdinalIgnoreCase)"#,
            "2",
        ),
        (r#""HELLO".IndexOf("ll", StringComparison.Ordinal)"#, "-1"),
        (r#""hello".Contains('e')"#, "True"),
        (r#""hello".Contains("ELL")"#, "False"),
        (
            r#""hello".Contains("ELL", StringComparison.OrdinalIgnoreCase)"#,
            "True",
        ),
        (
            r#""Bearer abc".StartsWith("bearer ", StringComparison.OrdinalIgnoreCase)"#,
            "True",
        ),
        (r#""Bearer abc".StartsWith("bearer ")"#, "False"),
        (
            r#""file.JSON".EndsWith(".json", StringComparison.OrdinalIgnoreCase)"#,
            "True",
        ),
        (
            r#""abc".Equals("ABC", StringComparison.OrdinalIgnoreCase)"#,
            "True",
        ),
        (r#""abc".Equals("ABC", StringComparison.Ordinal)"#, "False"),
        (
            r#"string.Equals("abc", "ABC", StringComparison.InvariantCultureIgnoreCase)"#,
            "True",
        ),
        (r#""abc".StartsWith('a')"#, "True"),
        (r#""abc".EndsWith('c')"#, "True"),
        (r#""abc".IndexOfAny(new[] { 'x', 'c', 'b' })"#, "1"),
    ]);
    check_error(&[(
        r#""abc".IndexOf('a', 4)"#,
        "System.ArgumentOutOfRangeException: Index was out of range. Must be non-negative and less than or equal to the size of the collection. (Parameter 'startIndex')",
    )]);
}

#[test]
fn editing_members() {
    check(&[
        (r#""a-b-c".Replace("-", "+")"#, "a+b+c"),
        (r#""a-b-c".Replace('-', '_')"#, "a_b_c"),
        (r#""a-b-c".Replace("-", null)"#, "abc"),
        (r#""42".PadLeft(5)"#, "   42"),
        (r#""42".PadLeft(5, '0')"#, "00042"),
        (r#""42".PadRight(4, '.')"#, "42.."),
        (r#""hello".PadLeft(2)"#, "hello"),
        (r#""--x--".Trim('-')"#, "x"),
        (r#""-+x+-".Trim(new char[] { '-', '+' })"#, "x"),
        (r#""  x  ".TrimStart()"#, "x  "),
        (r#""  x  ".TrimEnd()"#, "  x"),
        (r#""xxaxx".TrimStart('x')"#, "axx"),
        (r#""/path/".TrimEnd('/')"#, "/path"),
        (r#""Hello".Insert(5, " World")"#, "Hello World"),
        (r#""Hello World".Remove(5)"#, "Hello"),
        (r#""Hello World".Remove(0, 6)"#, "World"),
        (r#""abc".ToCharArray().Length"#, "3"),
        (r#""abc".ToCharArray()[1]"#, "b"),
        (r#""abc"[2]"#, "c"),
        (r#""straße".ToUpper()"#, "STRAßE"),
        (r#""ÀB".ToLowerInvariant()"#, "àb"),
    ]);
    check_error(&[
        (
            r#""abc".Replace("", "x")"#,
            "System.ArgumentException: The value cannot be an empty string. (Parameter 'oldValue')",
        ),
        (
            r#""abc".PadLeft(-1)"#,
            "System.ArgumentOutOfRangeException: Non-negative number required. (Parameter 'totalWidth')",
        ),
        (
            r#""abc".Remove(3)"#,
            "System.ArgumentOutOfRangeException: startIndex must be less than length of string. (Parameter 'startIndex')",
        ),
        (
            r#""abc".Remove(1, 3)"#,
            "System.ArgumentOutOfRangeException: Index and count must refer to a location within the string. (Parameter 'count')",
        ),
        (
            r#""abc"[3]"#,
            "System.IndexOutOfRangeException: Index was outside the bounds of the array.",
        ),
    ]);
}

#[test]
fn utf16_lengths_and_indices() {
    check(&[
        ("\"é😀\".Length", "3"),
        ("\"😀x\".IndexOf('x')", "2"),
        ("\"😀x\".Substring(2)", "x"),
    ]);
}

#[test]
fn comparisons() {
    check(&[
        (r#""a".CompareTo("b")"#, "-1"),
        (r#""a".CompareTo("B")"#, "-1"),
        (r#""a".CompareTo("A")"#, "-1"),
        (r#""B".CompareTo("a")"#, "1"),
        (r#""apple".CompareTo("Banana")"#, "-1"),
        (r#"string.Compare("abc", "ABC", true)"#, "0"),
        (r#"string.Compare("1", "a")"#, "-1"),
        (r#"string.Compare("_", "1")"#, "-1"),
        (r#"string.Compare("ab", "a-b")"#, "1"),
        (
            r#"string.Compare("a", "B", StringComparison.InvariantCulture)"#,
            "-1",
        ),
        (
            r#"string.Compare("a", "B", StringComparison.Ordinal) > 0"#,
            "True",
        ),
        (r#""b".CompareTo("b")"#, "0"),
        (
            r#"string.Compare("b", "a", StringComparison.Ordinal) > 0"#,
            "True",
        ),
        (
            r#"string.Compare("ABC", "abc", StringComparison.OrdinalIgnoreCase)"#,
            "0",
        ),
        (r#"string.CompareOrdinal("a", "b") < 0"#, "True"),
        (
            r#"string.Compare(null, "a", StringComparison.Ordinal)"#,
            "-1",
        ),
        (r#"StringComparison.Ordinal.ToString()"#, "Ordinal"),
    ]);
}

#[test]
fn static_join_concat_format() {
    check(&[
        (
            r#"string.Join(", ", new string[] { "a", "b", "c" })"#,
            "a, b, c",
        ),
        (r#"string.Join("-", "x", "y")"#, "x-y"),
        (r#"string.Join(",", 1, 2, 3)"#, "1,2,3"),
        (r#"string.Join('/', new[] { "a", "b" })"#, "a/b"),
        (r#"string.Concat("a", "b")"#, "ab"),
        (r#"string.Concat("a", null, "c")"#, "ac"),
        (r#"string.Concat("a", 1, true, 'c')"#, "a1Truec"),
        (r#"string.Format("{0,5}|{1:D3}", "a", 7)"#, "    a|007"),
        (r#"string.Format("{0,-5}|", "ab")"#, "ab   |"),
        (r#"string.Format("{0} + {0} = {1}", 2, 4)"#, "2 + 2 = 4"),
        (r#"string.Format("{{{0}}}", "x")"#, "{x}"),
        (r#"string.Format("{0:N2}", 1234.5)"#, "1,234.50"),
        (r#"string.Format("{0:X4}", 255)"#, "00FF"),
        (r#"string.Format("{0:F1}|{1}", 2.25, null)"#, "2.3|"),
        (
            r#"string.Format("{0}-{1}", new string[] { "a", "b" })"#,
            "a-b",
        ),
        (r#"string.Empty.Length"#, "0"),
        (r#"string.IsNullOrWhiteSpace(" \t")"#, "True"),
    ]);
    check_error(&[
        (
            r#"string.Format("{1}", "a")"#,
            "System.FormatException: Index (zero based) must be greater than or equal to zero and less than the size of the argument list.",
        ),
        (
            r#"string.Format("{0", "a")"#,
            "System.FormatException: Input string was not in a correct format.",
        ),
    ]);
}

#[test]
fn char_members() {
    check(&[
        ("char.IsDigit('7')", "True"),
        ("char.IsDigit('a')", "False"),
        ("char.IsLetter('é')", "True"),
        ("char.IsLetter('1')", "False"),
        ("char.IsLetterOrDigit('_')", "False"),
        ("char.IsWhiteSpace('\\t')", "True"),
        ("char.IsUpper('A')", "True"),
        ("char.IsLower('A')", "False"),
        ("char.ToUpper('q')", "Q"),
        ("char.ToLower('Q')", "q"),
        ("'x'.ToString()", "x"),
        ("char.IsDigit(\"a1\"[1])", "True"),
    ]);
}

#[test]
fn hostile_sizes_throw_instead_of_allocating() {
    check_error(&[(
        r#""x".PadLeft(int.MaxValue)"#,
        "System.OutOfMemoryException: Insufficient memory to continue the execution of the program.",
    )]);
    check_error(&[(
        r#"1.ToString("F999999999")"#,
        "System.OutOfMemoryException: Insufficient memory to continue the execution of the program.",
    )]);
}
