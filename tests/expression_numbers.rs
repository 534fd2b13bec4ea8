//! `int`/`long`/`double`/`bool` parsing and formatting, `Math`, `Random`, and `TryParse` with
//! `out` variables, with the values and exceptions .NET 8 gives (expected values from the .NET
//! documentation: standard numeric format strings, Math.Round, Int32.Parse).

mod common;

use std::sync::Arc;

use apim_policy::context::{Context, Deployment};
use apim_policy::expr::ExpressionForm;

fn run_form(text: &str, form: ExpressionForm) -> Result<String, String> {
    common::evaluate(text, form, &Context::new(Arc::new(Deployment::new())))
}

fn run(expression: &str) -> Result<String, String> {
    run_form(expression, ExpressionForm::Single)
}

fn check(cases: &[(&str, &str)]) {
    for (expression, expected) in cases {
        assert_eq!(
            run(expression),
            Ok(expected.to_string()),
            "expression: {expression}"
        );
    }
}

fn check_error(cases: &[(&str, &str)]) {
    for (expression, expected) in cases {
        assert_eq!(
            run(expression),
            Err(expected.to_string()),
            "expression: {expression}"
        );
    }
}

#[test]
fn parse_numbers_and_booleans() {
    check(&[
        (r#"int.Parse("42") + 1"#, "43"),
        (r#"int.Parse(" -17 ")"#, "-17"),
        (r#"int.Parse("+5")"#, "5"),
        (r#"int.Parse("2147483647")"#, "2147483647"),
        (
            r#"long.Parse("9223372036854775807")"#,
            "9223372036854775807",
        ),
        (r#"double.Parse("3.5") * 2"#, "7"),
        (r#"double.Parse("1,234.5")"#, "1234.5"),
        (r#"double.Parse("1e3")"#, "1000"),
        (r#"bool.Parse("true")"#, "True"),
        (r#"bool.Parse(" FALSE ")"#, "False"),
        (r#"int.MaxValue"#, "2147483647"),
        (r#"int.MinValue"#, "-2147483648"),
        (r#"long.MaxValue"#, "9223372036854775807"),
    ]);
    check_error(&[
        (
            r#"int.Parse("abc")"#,
            "System.FormatException: The input string 'abc' was not in a correct format.",
        ),
        (
            r#"int.Parse("")"#,
            "System.FormatException: The input string '' was not in a correct format.",
        ),
        (
            r#"int.Parse("1.5")"#,
            "System.FormatException: The input string '1.5' was not in a correct format.",
        ),
        (
            r#"int.Parse("2147483648")"#,
            "System.OverflowException: Value was either too large or too small for an Int32.",
        ),
        (
            r#"long.Parse("99999999999999999999")"#,
            "System.OverflowException: Value was either too large or too small for an Int64.",
        ),
        (
            r#"int.Parse(null)"#,
            "System.ArgumentNullException: Value cannot be null. (Parameter 's')",
        ),
        (
            r#"double.Parse("x1")"#,
            "System.FormatException: The input string 'x1' was not in a correct format.",
        ),
        (
            r#"bool.Parse("yes")"#,
            "System.FormatException: String 'yes' was not recognized as a valid Boolean.",
        ),
    ]);
}

#[test]
fn try_parse_sets_the_out_variable() {
    let cases = [
        (
            r#"int n; if (int.TryParse("12", out n)) { return n * 2; } return -1;"#,
            "24",
        ),
        (r#"return int.TryParse("x", out var n) ? n : -1;"#, "-1"),
        (r#"int.TryParse("x", out var n); return n;"#, "0"),
        (r#"return int.TryParse("7", out int n) ? n + 1 : 0;"#, "8"),
        (
            r#"return long.TryParse("5000000000", out var n) ? n : 0;"#,
            "5000000000",
        ),
        (
            r#"return double.TryParse("2.5", out var d) ? d : 0;"#,
            "2.5",
        ),
        (r#"return bool.TryParse("True", out var b) && b;"#, "True"),
        (r#"return int.TryParse("99999999999", out _);"#, "False"),
        (
            r#"return Guid.TryParse("00000000-0000-0000-0000-000000000001", out var g) ? g.ToString("N") : "";"#,
            "00000000000000000000000000000001",
        ),
    ];
    for (block, expected) in cases {
        assert_eq!(
            run_form(block, ExpressionForm::Block),
            Ok(expected.to_string()),
            "block: {block}"
        );
    }
    assert_eq!(
        run(r#"int.TryParse("3", out var n) ? n : 0"#),
        Ok("3".to_string())
    );
    let wrong = run_form(
        r#"long n = 0; int.TryParse("1", out n); return n;"#,
        ExpressionForm::Block,
    );
    assert_eq!(
        wrong,
        Err("load: Argument 2: cannot convert from 'out long' to 'out int'".to_string())
    );
}

#[test]
fn default_to_string() {
    check(&[
        ("(0.1 + 0.2).ToString()", "0.30000000000000004"),
        ("0.1 + 0.2", "0.30000000000000004"),
        ("1.0 / 3", "0.3333333333333333"),
        ("(1e15).ToString()", "1E+15"),
        ("(1e14).ToString()", "100000000000000"),
        ("(0.0001).ToString()", "0.0001"),
        ("(0.00001).ToString()", "1E-05"),
        ("(-2.5).ToString()", "-2.5"),
        (
            "(123456789012345678.0).ToString()",
            "1.2345678901234568E+17",
        ),
        ("double.MaxValue.ToString()", "1.7976931348623157E+308"),
        ("42.ToString()", "42"),
        ("(-7L).ToString()", "-7"),
        ("true.ToString()", "True"),
    ]);
}

#[test]
fn standard_numeric_formats() {
    check(&[
        (r#"1234.ToString("D6")"#, "001234"),
        (r#"(-42).ToString("D4")"#, "-0042"),
        (r#"255.ToString("X")"#, "FF"),
        (r#"255.ToString("x4")"#, "00ff"),
        (r#"(-1).ToString("X")"#, "FFFFFFFF"),
        (r#"(-1L).ToString("X")"#, "FFFFFFFFFFFFFFFF"),
        (r#"1234567.ToString("N")"#, "1,234,567.00"),
        (r#"1234567.891.ToString("N1")"#, "1,234,567.9"),
        (r#"1234.ToString("N0")"#, "1,234"),
        (r#"3.14159.ToString("F2")"#, "3.14"),
        (r#"2.5.ToString("F0")"#, "3"),
        (r#"1.005.ToString("F2")"#, "1.00"),
        (r#"0.125.ToString("F2")"#, "0.13"),
        (r#"17.ToString("F")"#, "17.00"),
        (r#"1234.5678.ToString("E")"#, "1.234568E+003"),
        (r#"1234.5678.ToString("e2")"#, "1.23e+003"),
        (r#"0.0.ToString("E2")"#, "0.00E+000"),
        (r#"12345.6789.ToString("G")"#, "12345.6789"),
        (r#"12345.6789.ToString("G4")"#, "1.235E+04"),
        (r#"12345.ToString("G3")"#, "1.23E+04"),
        (r#"0.5.ToString("P")"#, "50.00%"),
        (r#"0.1234.ToString("P1")"#, "12.3%"),
        (r#"1234.5.ToString("0.00")"#, "1234.50"),
        (r##"1234567.ToString("#,##0")"##, "1,234,567"),
        (r#"7.ToString("000")"#, "007"),
        (r##"3.14159.ToString("0.##")"##, "3.14"),
        (r#"0.1.ToString("R")"#, "0.1"),
    ]);
    check_error(&[
        (
            r#"1.5.ToString("D")"#,
            "System.FormatException: Format specifier was invalid.",
        ),
        (
            r#"1.ToString("Z")"#,
            "System.FormatException: Format specifier was invalid.",
        ),
    ]);
}

#[test]
fn math() {
    check(&[
        ("Math.Round(2.5)", "2"),
        ("Math.Round(3.5)", "4"),
        ("Math.Round(-2.5)", "-2"),
        ("Math.Round(2.5, MidpointRounding.AwayFromZero)", "3"),
        ("Math.Round(1.2345, 2)", "1.23"),
        (
            "Math.Round(2.135, 2, MidpointRounding.AwayFromZero)",
            "2.13",
        ),
        ("Math.Round(1.125, 2)", "1.12"),
        (
            "Math.Round(1.125, 2, MidpointRounding.AwayFromZero)",
            "1.13",
        ),
        ("Math.Round(2.7, MidpointRounding.ToZero)", "2"),
        ("Math.Abs(-5)", "5"),
        ("Math.Abs(-5.5)", "5.5"),
        ("Math.Max(3, 7)", "7"),
        ("Math.Max(3, 7L)", "7"),
        ("Math.Min(2.5, 1)", "1"),
        ("Math.Floor(-1.5)", "-2"),
        ("Math.Ceiling(1.2)", "2"),
        ("Math.Truncate(-1.7)", "-1"),
        ("Math.Pow(2, 10)", "1024"),
        ("Math.Sqrt(16)", "4"),
        ("Math.Sign(-3)", "-1"),
        ("Math.Sign(0.0)", "0"),
        ("Math.PI", "3.141592653589793"),
        ("Math.Max(1.0, double.NaN)", "NaN"),
    ]);
    check_error(&[
        (
            "Math.Abs(int.MinValue)",
            "System.OverflowException: Negating the minimum value of a twos complement number is invalid.",
        ),
        (
            "Math.Round(1.5, 16)",
            "System.ArgumentOutOfRangeException: Rounding digits must be between 0 and 15, inclusive. (Parameter 'digits')",
        ),
        (
            "Math.Sign(double.NaN)",
            "System.ArithmeticException: Function does not accept floating point Not-a-Number values.",
        ),
    ]);
}

#[test]
fn random_stays_in_range_and_seeds_reproducibly() {
    let block = r#"
        var r = new Random();
        for (var i = 0; i < 200; i++) {
            var a = r.Next(10);
            var b = r.Next(-5, 5);
            var c = r.Next();
            var d = r.NextDouble();
            if (a < 0 || a >= 10 || b < -5 || b >= 5 || c < 0 || d < 0 || d >= 1) { return false; }
        }
        return r.Next(3, 3) == 3 && r.Next(0) == 0;"#;
    assert_eq!(
        run_form(block, ExpressionForm::Block),
        Ok("True".to_string())
    );
    let seeded = r#"var a = new Random(42); var b = new Random(42);
        return a.Next(1000) == b.Next(1000) && a.Next() == b.Next();"#;
    assert_eq!(
        run_form(seeded, ExpressionForm::Block),
        Ok("True".to_string())
    );
    check_error(&[(
        "new Random().Next(5, 1)",
        "System.ArgumentOutOfRangeException: 'minValue' cannot be greater than maxValue. (Parameter 'minValue')",
    )]);
}
