//! `int`/`long`/`double`/`bool` parsing and formatting, `Math`, `Random`, and `TryParse` with
//! `out` variables, with the values and exceptions .NET 8 gives (expected values from the .NET
//! documentation: standard numeric format strings, Math.Round, Int32.Parse).

mod common;

use common::{check, check_error, run, run_form};

use apim_policy::expr::ExpressionForm;

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

#[test]
fn decimals_keep_their_scale_and_round_as_dotnet_does() {
    // Expected values: System.Decimal docs (scale is kept: 1.10m prints 1.10; the sum takes
    // the larger scale, the product the sum of scales; division keeps the smallest exact
    // scale up to 28 digits), Math.Round(decimal) (banker's by default), and the standard
    // numeric format strings (F, N, custom "0.00": half away from zero).
    check(&[
        ("1.5m + 2m", "3.5"),
        ("1.5M + 2", "3.5"),
        ("0.10m + 0.20m", "0.30"),
        ("1.10m * 2m", "2.20"),
        ("10m / 3m", "3.3333333333333333333333333333"),
        ("1m / 4m", "0.25"),
        ("4.00m / 2m", "2.00"),
        ("10m % 3m", "1"),
        ("7.5m - 10", "-2.5"),
        ("-1.5m", "-1.5"),
        ("+1.5m", "1.5"),
        ("1e3m", "1000"),
        (
            "1.23456789012345678901234567890m",
            "1.2345678901234567890123456789",
        ),
        (r#"decimal.Parse("1.10").ToString() == "1.10""#, "True"),
        (r#"decimal.Parse("1.10")"#, "1.10"),
        (r#"decimal.Parse(" -1,234.50 ")"#, "-1234.50"),
        (r#"decimal.Parse("42")"#, "42"),
        (r#"Convert.ToDecimal("2.50")"#, "2.50"),
        ("(decimal)5", "5"),
        ("(decimal)0.1", "0.1"),
        ("(decimal)(1.0 / 3)", "0.333333333333333"),
        // Decimal(Double) docs: at most 15 significant digits; tiny values become 0.
        ("(decimal)123456789.123456789", "123456789.123457"),
        ("(decimal)1e-30", "0"),
        (
            "(decimal)1.23456789012345e-20",
            "0.0000000000000000000123456789",
        ),
        ("(decimal)1e20", "100000000000000000000"),
        (
            r#"decimal.Parse("1." + "".PadLeft(100000, '7'))"#,
            "1.7777777777777777777777777778",
        ),
        ("(decimal)1234567890123L", "1234567890123"),
        ("(int)3.99m", "3"),
        ("(int)-3.99m", "-3"),
        ("(long)12345678901.9m", "12345678901"),
        ("(double)1.25m", "1.25"),
        ("1.5m > 1", "True"),
        ("1.5m == 1.50m", "True"),
        ("2L < 2.01m", "True"),
        ("1.5m != 1.5m", "False"),
        ("1.5m <= 1.4m", "False"),
        ("Math.Round(2.345m, 2)", "2.34"),
        ("Math.Round(2.355m, 2)", "2.36"),
        ("Math.Round(2.5m)", "2"),
        ("Math.Round(3.5m)", "4"),
        (
            "Math.Round(2.345m, 2, MidpointRounding.AwayFromZero)",
            "2.35",
        ),
        ("Math.Round(-2.5m, MidpointRounding.AwayFromZero)", "-3"),
        ("Math.Round(1.10m, 5)", "1.10"),
        ("Math.Abs(-1.50m)", "1.50"),
        ("Math.Max(1.5m, 2)", "2"),
        ("Math.Floor(-1.5m)", "-2"),
        ("Math.Ceiling(1.2m)", "2"),
        ("Math.Truncate(-1.7m)", "-1"),
        ("1234.5m.ToString(\"F2\")", "1234.50"),
        ("1234.5m.ToString(\"N2\")", "1,234.50"),
        ("1234.567m.ToString(\"0.00\")", "1234.57"),
        ("2.345m.ToString(\"F2\")", "2.35"),
        ("0.5m.ToString(\"P0\")", "50%"),
        ("1.10m.ToString(\"G\")", "1.10"),
        ("$\"{1.5m:F3}\"", "1.500"),
        ("\"total: \" + 1.50m", "total: 1.50"),
        ("decimal.Zero", "0"),
        ("decimal.One + decimal.MinusOne", "0"),
        ("decimal.MaxValue", "79228162514264337593543950335"),
        ("decimal.MinValue", "-79228162514264337593543950335"),
        ("1.5m.CompareTo(2)", "-1"),
        ("1.5m.Equals(1.500m)", "True"),
        // Convert.ToInt32(decimal) rounds half to even (Convert docs).
        ("Convert.ToInt32(2.5m)", "2"),
        ("Convert.ToInt32(3.5m)", "4"),
        ("Convert.ToInt64(-2.51m)", "-3"),
        ("Convert.ToDouble(1.5m)", "1.5"),
        ("Convert.ToBoolean(0.0m)", "False"),
        ("Convert.ToString(1.50m)", "1.50"),
        ("Convert.ToDecimal(5)", "5"),
        ("Convert.ToDecimal(0.25)", "0.25"),
        ("string.Format(\"{0:F1}|{1}\", 1.25m, 2.50m)", "1.3|2.50"),
        ("1.5m is decimal", "True"),
        // Newtonsoft's (decimal)JToken: integers exactly, reals through double.
        (r#"(decimal)JObject.Parse("{\"p\":1.50}")["p"]"#, "1.5"),
        (
            r#"(decimal)JObject.Parse("{\"p\":7}")["p"] * 1.10m"#,
            "7.70",
        ),
        (
            r#"JObject.Parse("{\"p\":\"2.50\"}").Value<decimal>("p")"#,
            "2.50",
        ),
        (r#"(decimal)JObject.Parse("{\"p\":true}")["p"]"#, "1"),
    ]);
    assert_eq!(
        run_form(
            "decimal total = 0; total += 1.25m; total += 2; total *= 2; return total.ToString();",
            ExpressionForm::Block
        ),
        Ok("6.50".to_owned())
    );
    assert_eq!(
        run_form(
            "decimal price; if (decimal.TryParse(\"19.90\", out price)) { return price * 3; } return -1m;",
            ExpressionForm::Block
        ),
        Ok("59.70".to_owned())
    );
    assert_eq!(
        run_form(
            "decimal d; return decimal.TryParse(\"abc\", out d) ? \"yes\" : d.ToString();",
            ExpressionForm::Block
        ),
        Ok("0".to_owned())
    );
}

#[test]
fn decimal_errors_are_dotnet_exceptions_and_compiler_errors() {
    check_error(&[
        (
            "decimal.MaxValue + 1",
            "System.OverflowException: Value was either too large or too small for a Decimal.",
        ),
        (
            "decimal.MaxValue * 2",
            "System.OverflowException: Value was either too large or too small for a Decimal.",
        ),
        (
            "decimal.MinValue - 1m",
            "System.OverflowException: Value was either too large or too small for a Decimal.",
        ),
        (
            "1m / 0",
            "System.DivideByZeroException: Attempted to divide by zero.",
        ),
        (
            "1m % 0m",
            "System.DivideByZeroException: Attempted to divide by zero.",
        ),
        (
            "Convert.ToInt32(1e10m)",
            "System.OverflowException: Value was either too large or too small for an Int32.",
        ),
        (
            "(int)1e10m",
            "System.OverflowException: Value was either too large or too small for an Int32.",
        ),
        (
            "(decimal)1e30",
            "System.OverflowException: Value was either too large or too small for a Decimal.",
        ),
        (
            "(decimal)double.NaN",
            "System.OverflowException: Value was either too large or too small for a Decimal.",
        ),
        (
            r#"decimal.Parse("abc")"#,
            "System.FormatException: The input string 'abc' was not in a correct format.",
        ),
        (
            r#"decimal.Parse("1e3")"#,
            "System.FormatException: The input string '1e3' was not in a correct format.",
        ),
        (
            r#"decimal.Parse("100000000000000000000000000000")"#,
            "System.OverflowException: Value was either too large or too small for a Decimal.",
        ),
        (
            "Math.Round(1.5m, 29)",
            "System.ArgumentOutOfRangeException: Decimal can only round to between 0 and 28 digits of precision. (Parameter 'decimals')",
        ),
        (
            "1.5m.ToString(\"X\")",
            "System.FormatException: Format specifier was invalid.",
        ),
        (
            "(decimal)(object)1",
            "System.InvalidCastException: Unable to cast object of type 'System.Int32' to type 'System.Decimal'.",
        ),
        // C# has no implicit conversion between double and decimal.
        (
            "1.5m + 2.0",
            "load: Operator '+' cannot be applied to operands of type 'decimal' and 'double'",
        ),
        (
            "1.5m < 2.0",
            "load: Operator '<' cannot be applied to operands of type 'decimal' and 'double'",
        ),
        (
            "1e29m",
            "load: Floating-point constant is outside the range of type 'decimal'",
        ),
    ]);
    assert_eq!(
        run_form("double d = 1.5m; return d;", ExpressionForm::Block),
        Err("load: Cannot implicitly convert type 'decimal' to 'double'".to_owned())
    );
}
