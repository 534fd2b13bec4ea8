//! Nullable value types (`int?`, `Nullable<T>`): `HasValue`, `Value`, `GetValueOrDefault`,
//! `??`, lifted operators, casts, and `?.` on value-typed members giving `T?`. Expected values
//! follow the C# specification (§8.3.12 nullable types, §12.4.8 lifted operators, §12.8.8
//! null-conditional member access) and .NET's `Nullable<T>` documentation.

mod common;

use std::sync::Arc;

use apim_policy::context::{Context, Deployment, Request};
use apim_policy::expr::ExpressionForm;

fn context() -> Context {
    Context::new(Arc::new(Deployment::new())).with_request(Request::default())
}

fn check(form: ExpressionForm, cases: &[(&str, Result<&str, &str>)]) {
    common::check_cases(&context(), form, cases);
}

#[test]
fn nullable_members() {
    check(
        ExpressionForm::Block,
        &[
            ("int? x = null; return x.HasValue;", Ok("False")),
            ("int? x = 5; return x.HasValue;", Ok("True")),
            ("int? x = 5; return x.Value + 1;", Ok("6")),
            (
                "int? x = null; return x.Value;",
                Err("System.InvalidOperationException: Nullable object must have a value."),
            ),
            ("int? x = null; return x.GetValueOrDefault();", Ok("0")),
            ("int? x = null; return x.GetValueOrDefault(7);", Ok("7")),
            ("int? x = 3; return x.GetValueOrDefault(7);", Ok("3")),
            ("int? x = null; return x ?? 0;", Ok("0")),
            ("int? x = 4; return x ?? 0;", Ok("4")),
            ("Nullable<int> x = 4; return x.Value;", Ok("4")),
            ("bool? b = null; return b ?? true;", Ok("True")),
            ("long? l = 5; return l.Value * 2;", Ok("10")),
            ("double? d = null; return d.HasValue;", Ok("False")),
            ("decimal? m = 1.5m; return m.Value;", Ok("1.5")),
            ("DateTime? t = null; return t.HasValue;", Ok("False")),
            ("int? x = null; return x.ToString();", Ok("")),
            ("int? x = 12; return x.ToString();", Ok("12")),
            ("int? x = 1; long? y = x; return y.Value;", Ok("1")),
            (
                "int? x = 1; return x.Length;",
                Err("load: 'int?' does not contain a definition for 'Length'"),
            ),
            (
                "int x = null; return x;",
                Err("load: Cannot implicitly convert type '<null>' to 'int'"),
            ),
        ],
    );
}

#[test]
fn lifted_operators() {
    check(
        ExpressionForm::Block,
        &[
            ("int? x = null; return (x + 1) == null;", Ok("True")),
            ("int? x = 2; return (x + 1).Value;", Ok("3")),
            ("int? x = null; return x < 1;", Ok("False")),
            ("int? x = null; return x >= 1;", Ok("False")),
            ("int? x = null; int? y = null; return x == y;", Ok("True")),
            ("int? x = null; return x == null;", Ok("True")),
            ("int? x = 1; return x == null;", Ok("False")),
            ("int? x = 1; return x != null;", Ok("True")),
            ("int? x = 1; return x == 1;", Ok("True")),
            ("int? x = 3; return x > 2;", Ok("True")),
            ("int? x = null; return x != 1;", Ok("True")),
            ("int? x = null; return (-x) == null;", Ok("True")),
            ("int? x = 6; return (x & 3).Value;", Ok("2")),
            ("int? x = null; return (x << 1) == null;", Ok("True")),
            ("double? d = 1.5; return (d * 2).Value;", Ok("3")),
        ],
    );
}

#[test]
fn nullable_casts() {
    check(
        ExpressionForm::Single,
        &[
            ("((int?)5).Value", Ok("5")),
            ("((int?)null).HasValue", Ok("False")),
            ("(int)(int?)5", Ok("5")),
            ("((long?)5).Value", Ok("5")),
            ("((int?)2.7).Value", Ok("2")),
            ("((int?)(object)7).Value", Ok("7")),
            ("((int?)(object)null).HasValue", Ok("False")),
        ],
    );
    check(
        ExpressionForm::Block,
        &[(
            "int? x = null; return (int)x;",
            Err("System.InvalidOperationException: Nullable object must have a value."),
        )],
    );
}

#[test]
fn null_conditional_on_value_members() {
    check(
        ExpressionForm::Block,
        &[
            ("string s = null; return s?.Length ?? -1;", Ok("-1")),
            ("string s = \"abc\"; return s?.Length ?? -1;", Ok("3")),
            ("string s = null; return s?.Length == null;", Ok("True")),
            (
                "string s = null; return s?.StartsWith(\"a\") == true;",
                Ok("False"),
            ),
            (
                "string s = \"ab\"; return s?.StartsWith(\"a\") ?? false;",
                Ok("True"),
            ),
            ("string s = null; return s?.Trim().Length ?? 0;", Ok("0")),
            (
                "string s = \" ab \"; return s?.Trim().Length ?? 0;",
                Ok("2"),
            ),
            (
                "string s = null; int? n = s?.Length; return n.HasValue;",
                Ok("False"),
            ),
        ],
    );
    check(
        ExpressionForm::Single,
        &[
            ("context.Request.Certificate?.NotAfter == null", Ok("True")),
            (
                "context.Request.Certificate?.NotAfter > DateTime.UtcNow",
                Ok("False"),
            ),
            (
                "(context.Request.Certificate?.NotAfter ?? DateTime.MinValue).Year",
                Ok("1"),
            ),
        ],
    );
}
