//! Enumerations in expressions: `DayOfWeek` members, `(int)`/`(Enum)` casts, comparisons,
//! `ToString()`, `Enum.Parse`/`Enum.IsDefined` and `typeof(T)`, as .NET documents them
//! (System.DayOfWeek: Sunday = 0 ... Saturday = 6; Enum.Parse; Type.Name/FullName).

mod common;

use std::sync::Arc;

use apim_policy::context::{Context, Deployment, EvaluationTime};
use apim_policy::expr::ExpressionForm;

/// Evaluated at 2030-01-01T00:00:00Z, a Tuesday.
fn run_form(text: &str, form: ExpressionForm) -> Result<String, String> {
    let context =
        Context::new(Arc::new(Deployment::new())).at(EvaluationTime::from_unix_seconds(common::AT));
    common::evaluate(text, form, &context)
}

fn run(expression: &str) -> Result<String, String> {
    run_form(expression, ExpressionForm::Single)
}

#[test]
fn enum_members_casts_and_comparisons() {
    let cases = [
        ("(int)DayOfWeek.Monday", "1"),
        ("(int)DayOfWeek.Sunday", "0"),
        ("(long)DayOfWeek.Saturday", "6"),
        ("DayOfWeek.Monday.ToString()", "Monday"),
        ("DayOfWeek.Friday", "Friday"),
        ("(DayOfWeek)3", "Wednesday"),
        ("(DayOfWeek)(1 + 1)", "Tuesday"),
        // C# allows undefined values; ToString() then prints the number.
        ("((int)(DayOfWeek)9).ToString()", "9"),
        ("DateTime.Now.DayOfWeek == DayOfWeek.Sunday", "False"),
        ("DateTime.UtcNow.DayOfWeek == DayOfWeek.Tuesday", "True"),
        ("DateTime.UtcNow.DayOfWeek != DayOfWeek.Tuesday", "False"),
        ("DayOfWeek.Monday < DayOfWeek.Friday", "True"),
        ("DayOfWeek.Saturday >= DayOfWeek.Sunday", "True"),
        (
            "DateTime.UtcNow.DayOfWeek == DayOfWeek.Saturday || DateTime.UtcNow.DayOfWeek == DayOfWeek.Sunday ? \"weekend\" : \"weekday\"",
            "weekday",
        ),
        ("(int)StringComparison.OrdinalIgnoreCase", "5"),
        ("(int)MidpointRounding.AwayFromZero", "1"),
        ("$\"{DayOfWeek.Thursday}\"", "Thursday"),
        (r#"Enum.Parse(typeof(DayOfWeek), "Monday")"#, "Monday"),
        (
            r#"(DayOfWeek)Enum.Parse(typeof(DayOfWeek), "Friday") == DayOfWeek.Friday"#,
            "True",
        ),
        (
            r#"(DayOfWeek)Enum.Parse(typeof(DayOfWeek), "friday", true)"#,
            "Friday",
        ),
        (r#"(int)(DayOfWeek)Enum.Parse(typeof(DayOfWeek), "6")"#, "6"),
        (
            r#"Enum.Parse(typeof(StringComparison), "Ordinal")"#,
            "Ordinal",
        ),
        (r#"Enum.IsDefined(typeof(DayOfWeek), "Monday")"#, "True"),
        (r#"Enum.IsDefined(typeof(DayOfWeek), "monday")"#, "False"),
        ("Enum.IsDefined(typeof(DayOfWeek), 7)", "False"),
        ("typeof(string).Name", "String"),
        ("typeof(string).FullName", "System.String"),
        ("typeof(int).Name", "Int32"),
        ("typeof(DayOfWeek).FullName", "System.DayOfWeek"),
        ("typeof(decimal).Namespace", "System"),
        ("typeof(XDocument).FullName", "System.Xml.Linq.XDocument"),
        ("typeof(DateTimeOffset)", "System.DateTimeOffset"),
        ("typeof(string) == typeof(string)", "True"),
        ("typeof(string) == typeof(int)", "False"),
        ("typeof(string) != typeof(int)", "True"),
    ];
    for (expression, expected) in cases {
        assert_eq!(
            run(expression),
            Ok(expected.to_owned()),
            "expression: {expression}"
        );
    }
    assert_eq!(
        run_form(
            "var day = DateTime.UtcNow.DayOfWeek; switch (day) { case DayOfWeek.Tuesday: return \"tue\"; default: return \"other\"; }",
            ExpressionForm::Block
        ),
        Ok("tue".to_owned())
    );
    assert_eq!(
        run_form(
            "DayOfWeek d = DayOfWeek.Monday; return (int)d + 1;",
            ExpressionForm::Block
        ),
        Ok("2".to_owned())
    );
}

#[test]
fn enum_errors_are_dotnet_exceptions_and_compiler_errors() {
    let cases = [
        (
            r#"Enum.Parse(typeof(DayOfWeek), "Funday")"#,
            "System.ArgumentException: Requested value 'Funday' was not found.",
        ),
        (
            r#"Enum.Parse(typeof(DayOfWeek), " ")"#,
            "System.ArgumentException: Must specify valid information for parsing in the string. (Parameter 'value')",
        ),
        (
            r#"Enum.Parse(typeof(string), "x")"#,
            "System.ArgumentException: Type provided must be an Enum. (Parameter 'enumType')",
        ),
        (
            r#"(DayOfWeek)Enum.Parse(typeof(StringComparison), "Ordinal")"#,
            "System.InvalidCastException: Unable to cast object of type 'System.StringComparison' to type 'System.DayOfWeek'.",
        ),
        (
            "DayOfWeek.Funday",
            "load: 'DayOfWeek' does not contain a definition for 'Funday'",
        ),
        (
            "DayOfWeek.Monday == 1",
            "load: Operator '==' cannot be applied to operands of type 'DayOfWeek' and 'int'",
        ),
        (
            "DayOfWeek.Monday < StringComparison.Ordinal",
            "load: Operator '<' cannot be applied to operands of type 'DayOfWeek' and 'StringComparison'",
        ),
        (
            "typeof(Foo)",
            "load: The type or namespace name 'Foo' is not supported in policy expressions here",
        ),
    ];
    for (expression, expected) in cases {
        assert_eq!(
            run(expression),
            Err(expected.to_owned()),
            "expression: {expression}"
        );
    }
}

/// `Enum.Parse<TEnum>(string[, bool])` (.NET Core 2.0+): the generic form of
/// `Enum.Parse(typeof(TEnum), ...)`, typed as `TEnum`.
#[test]
fn generic_enum_parse() {
    for (text, expected) in [
        ("Enum.Parse<DayOfWeek>(\"Monday\")", "Monday"),
        (
            "Enum.Parse<DayOfWeek>(\"Monday\") == DayOfWeek.Monday",
            "True",
        ),
        ("(int)Enum.Parse<DayOfWeek>(\"Friday\")", "5"),
        ("Enum.Parse<DayOfWeek>(\"friday\", true)", "Friday"),
        ("Enum.Parse<StringComparison>(\"Ordinal\")", "Ordinal"),
    ] {
        assert_eq!(run(text), Ok(expected.to_owned()), "expression: {text}");
    }
    assert_eq!(
        run("Enum.Parse<DayOfWeek>(\"Someday\")"),
        Err("System.ArgumentException: Requested value 'Someday' was not found.".to_owned())
    );
    assert!(run("Enum.Parse<int>(\"1\")").is_err_and(|e| e.starts_with("load: ")));
}
