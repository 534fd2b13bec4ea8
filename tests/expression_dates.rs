//! `DateTime` and `TimeSpan` in expressions: parts, arithmetic, operators, `Parse`, and
//! `ToString` with standard and custom formats (invariant culture), as .NET documents them.

mod common;

use std::sync::Arc;

use apim_policy::context::{Context, Deployment, EvaluationTime};
use apim_policy::expr::{ExpressionForm, ParseLimits, Program};
use common::AT;

fn eval(expression: &str) -> Result<String, String> {
    let program = Program::compile(expression, ExpressionForm::Single, &ParseLimits::default())
        .map_err(|e| format!("load: {}", e.message))?;
    let context =
        Context::new(Arc::new(Deployment::new())).at(EvaluationTime::from_unix_seconds(AT));
    program
        .evaluate(&context)
        .map(|v| v.to_display_string())
        .map_err(|e| format!("{}: {}", e.kind.type_name(), e.message))
}

const D: &str = "DateTime.Parse(\"2030-01-31T14:05:09\")";

#[test]
fn dates_read_and_format_as_dotnet_does() {
    let cases = [
        (format!("{D}.Year"), "2030"),
        (format!("{D}.Month"), "1"),
        (format!("{D}.Day"), "31"),
        (format!("{D}.Hour"), "14"),
        (format!("{D}.DayOfWeek"), "Thursday"),
        (format!("{D}.DayOfYear"), "31"),
        (format!("{D}.ToString(\"yyyy-MM-dd\")"), "2030-01-31"),
        (
            format!("{D}.ToString(\"o\")"),
            "2030-01-31T14:05:09.0000000",
        ),
        (format!("{D}.ToString(\"s\")"), "2030-01-31T14:05:09"),
        (format!("{D}.ToString(\"G\")"), "01/31/2030 14:05:09"),
        (format!("{D}.ToString()"), "01/31/2030 14:05:09"),
        (format!("{D}.ToString(\"d\")"), "01/31/2030"),
        (format!("{D}.ToString(\"D\")"), "Thursday, 31 January 2030"),
        (format!("{D}.ToString(\"hh:mm tt\")"), "02:05 PM"),
        (format!("{D}.ToString(\"MMM d, yy\")"), "Jan 31, 30"),
        (
            format!("{D}.ToString(\"yyyyMMdd'T'HHmmss\")"),
            "20300131T140509",
        ),
        (
            format!("{D}.AddMonths(1).ToString(\"yyyy-MM-dd\")"),
            "2030-02-28",
        ),
        (
            format!("{D}.AddYears(-2).AddDays(1.5).ToString(\"s\")"),
            "2028-02-02T02:05:09",
        ),
        (format!("{D}.AddHours(10).Day"), "1"),
        (format!("{D}.Date.ToString(\"s\")"), "2030-01-31T00:00:00"),
        (format!("{D}.TimeOfDay"), "14:05:09"),
        (
            format!("({D} - DateTime.Parse(\"2030-01-30T02:05:09\")).TotalHours"),
            "36",
        ),
        (
            format!("({D} - DateTime.Parse(\"2030-01-30T02:05:09\"))"),
            "1.12:00:00",
        ),
        (
            format!("({D} + TimeSpan.FromMinutes(90)).ToString(\"HH:mm\")"),
            "15:35",
        ),
        (format!("{D} > DateTime.Parse(\"2030-01-01\")"), "True"),
        (
            "DateTime.Parse(\"2030-01-31T14:05:09Z\").ToString(\"o\")".to_owned(),
            "2030-01-31T14:05:09.0000000+00:00",
        ),
        (
            "DateTime.Parse(\"2030-01-31T16:05:09+02:00\").ToString(\"s\")".to_owned(),
            "2030-01-31T14:05:09",
        ),
        (
            "DateTime.Parse(\"Sun, 06 Nov 1994 08:49:37 GMT\").ToString(\"r\")".to_owned(),
            "Sun, 06 Nov 1994 08:49:37 GMT",
        ),
        (
            "DateTime.Parse(\"01/31/2030 14:05\").ToString(\"s\")".to_owned(),
            "2030-01-31T14:05:00",
        ),
        (
            "DateTime.UtcNow.ToString(\"u\")".to_owned(),
            "2030-01-01 00:00:00Z",
        ),
        (
            "DateTime.UtcNow.ToString(\"o\")".to_owned(),
            "2030-01-01T00:00:00.0000000Z",
        ),
        (
            "DateTime.Today.ToString(\"s\")".to_owned(),
            "2030-01-01T00:00:00",
        ),
        ("TimeSpan.FromMinutes(90).ToString()".to_owned(), "01:30:00"),
        ("TimeSpan.FromDays(1.5)".to_owned(), "1.12:00:00"),
        (
            "TimeSpan.FromMilliseconds(1500)".to_owned(),
            "00:00:01.5000000",
        ),
        ("TimeSpan.FromSeconds(-90)".to_owned(), "-00:01:30"),
        ("TimeSpan.FromHours(25).Days".to_owned(), "1"),
        ("TimeSpan.FromHours(25).Hours".to_owned(), "1"),
        (
            "(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1)).TotalMinutes".to_owned(),
            "61",
        ),
        ("TimeSpan.FromHours(1) > TimeSpan.Zero".to_owned(), "True"),
        ("DateTime.IsLeapYear(2028)".to_owned(), "True"),
        ("DateTime.DaysInMonth(2030, 2)".to_owned(), "28"),
        ("DateTime.MaxValue.Year".to_owned(), "9999"),
    ];
    for (expression, expected) in cases {
        assert_eq!(eval(&expression).as_deref(), Ok(expected), "{expression}");
    }
}

#[test]
fn bad_dates_throw_as_dotnet_does() {
    assert_eq!(
        eval("DateTime.Parse(\"not a date\")"),
        Err("System.FormatException: The string 'not a date' was not recognized as a valid DateTime.".to_owned())
    );
    assert!(
        eval("DateTime.Parse(\"2030-02-30\")")
            .unwrap_err()
            .starts_with("System.FormatException")
    );
    assert!(
        eval("DateTime.MaxValue.AddDays(1)")
            .unwrap_err()
            .contains("un-representable DateTime")
    );
    assert!(
        eval(&format!("{D}.ToString(\"'unterminated\")"))
            .unwrap_err()
            .starts_with("System.FormatException")
    );
    assert!(
        eval("DateTime.DaysInMonth(2030, 13)")
            .unwrap_err()
            .contains("Month must be between one and twelve")
    );
}
