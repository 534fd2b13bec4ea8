//! Integral, bitwise, shift and logical operators, C# precedence, compound assignment,
//! `checked`/`unchecked`, `default` and `nameof`. Expected values follow the C# specification
//! (ECMA-334 §12.4.2 precedence, §12.11 shift counts masked to 5/6 bits, §12.13 logical
//! operators, §12.8.20 checked contexts) and .NET's exception messages.

mod common;

use std::sync::Arc;

use apim_policy::context::{Context, Deployment};
use apim_policy::expr::ExpressionForm;

fn context() -> Context {
    Context::new(Arc::new(Deployment::new()))
}

fn check(form: ExpressionForm, cases: &[(&str, Result<&str, &str>)]) {
    common::check_cases(&context(), form, cases);
}

#[test]
fn bitwise_and_shift_operators() {
    check(
        ExpressionForm::Single,
        &[
            ("5 & 3", Ok("1")),
            ("5 | 3", Ok("7")),
            ("5 ^ 3", Ok("6")),
            ("~5", Ok("-6")),
            ("~0L", Ok("-1")),
            ("1 << 4", Ok("16")),
            // §12.11: the count of an int shift is masked to 5 bits, of a long shift to 6.
            ("1 << 33", Ok("2")),
            ("1L << 33", Ok("8589934592")),
            ("1L << 65", Ok("2")),
            ("-8 >> 1", Ok("-4")),
            ("int.MinValue >> 31", Ok("-1")),
            ("1 << 31", Ok("-2147483648")),
            ("0x0F & 0xFFL", Ok("15")),
            ("'a' | 0", Ok("97")),
            ("true & false", Ok("False")),
            ("true | false", Ok("True")),
            ("true ^ true", Ok("False")),
            ("1 << 2L", Err("load: Operator '<<' cannot be applied")),
            ("1.5 & 1", Err("load: Operator '&' cannot be applied")),
            ("~1.5", Err("load: Operator '~' cannot be applied")),
            ("\"a\" | \"b\"", Err("load: Operator '|' cannot be applied")),
        ],
    );
}

#[test]
fn logical_operators_evaluate_both_sides() {
    // `&` and `|` on bool do not short-circuit: the right side runs (and throws) even when the
    // left side decides the result.
    check(
        ExpressionForm::Single,
        &[
            (
                "false & (1 / int.Parse(\"0\") == 0)",
                Err("System.DivideByZeroException"),
            ),
            ("false && (1 / int.Parse(\"0\") == 0)", Ok("False")),
            (
                "true | (1 / int.Parse(\"0\") == 0)",
                Err("System.DivideByZeroException"),
            ),
        ],
    );
}

#[test]
fn csharp_precedence() {
    check(
        ExpressionForm::Single,
        &[
            // (5 % 3 << 2) | ((1 & 3) ^ 2) = 8 | (1 ^ 2) = 11
            ("5 % 3 << 2 | 1 & 3 ^ 2", Ok("11")),
            // shift binds looser than additive
            ("1 << 2 + 1", Ok("8")),
            ("16 >> 1 - 1", Ok("16")),
            // & binds tighter than ^, ^ tighter than |
            ("1 | 2 ^ 3 & 1", Ok("3")),
            // equality binds tighter than &
            ("1 == 1 & 2 == 2", Ok("True")),
            ("(6 & 3) == 2", Ok("True")),
            ("true | false && false", Ok("False")),
            ("false && true | true", Ok("False")),
            ("1 < 2 == true", Ok("True")),
            ("1 + 2 << 1", Ok("6")),
        ],
    );
}

#[test]
fn compound_assignments() {
    check(
        ExpressionForm::Block,
        &[
            ("int x = 1; x <<= 3; return x;", Ok("8")),
            ("int x = -16; x >>= 2; return x;", Ok("-4")),
            ("int x = 6; x &= 3; return x;", Ok("2")),
            ("int x = 6; x |= 1; return x;", Ok("7")),
            ("int x = 6; x ^= 5; return x;", Ok("3")),
            ("long x = 1; x <<= 40; return x;", Ok("1099511627776")),
            ("bool ok = true; ok &= false; return ok;", Ok("False")),
            ("bool ok = false; ok |= true; return ok;", Ok("True")),
            ("int[] a = { 1, 2 }; a[0] |= 4; return a[0];", Ok("5")),
            (
                "var l = new List<int> { 3 }; l[0] <<= 2; return l[0];",
                Ok("12"),
            ),
        ],
    );
}

#[test]
fn checked_and_unchecked() {
    check(
        ExpressionForm::Single,
        &[
            ("unchecked(int.MaxValue + 1)", Ok("-2147483648")),
            ("int.MaxValue + 1", Ok("-2147483648")),
            (
                "checked(int.MaxValue + 1)",
                Err("System.OverflowException: Arithmetic operation resulted in an overflow."),
            ),
            (
                "checked(long.MaxValue * 2)",
                Err("System.OverflowException"),
            ),
            ("checked(-int.MinValue)", Err("System.OverflowException")),
            ("checked(int.MinValue - 1)", Err("System.OverflowException")),
            ("checked(1 + 2 * 3)", Ok("7")),
            ("checked(1.5 * 2)", Ok("3")),
            // CS0220: constant operands that overflow are a compile-time error.
            (
                "2147483647 + 1",
                Err("load: The operation overflows at compile time in checked mode"),
            ),
            ("unchecked(2147483647 + 1)", Ok("-2147483648")),
        ],
    );
}

#[test]
fn default_and_nameof() {
    check(
        ExpressionForm::Single,
        &[
            ("default(int)", Ok("0")),
            ("default(bool)", Ok("False")),
            ("default(long)", Ok("0")),
            ("default(double)", Ok("0")),
            ("default(string) == null", Ok("True")),
            ("default(int?) == null", Ok("True")),
            ("default(DateTime).Ticks", Ok("0")),
            ("nameof(context)", Ok("context")),
            ("nameof(context.Request.Headers)", Ok("Headers")),
            (
                "nameof(missing)",
                Err("load: The name 'missing' does not exist"),
            ),
        ],
    );
    check(
        ExpressionForm::Block,
        &[
            ("int x = default; return x;", Ok("0")),
            ("string s = default; return s == null;", Ok("True")),
            ("var total = 3; return nameof(total);", Ok("total")),
        ],
    );
}
