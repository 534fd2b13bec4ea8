//! `DateTime` and `TimeSpan` in expressions: parts, arithmetic, operators, `Parse`, and
//! `ToString` with standard and custom formats (invariant culture), as .NET documents them.

mod common;

use std::sync::Arc;

use apim_policy::context::{Context, Deployment, EvaluationTime};
use apim_policy::expr::ExpressionForm;
use common::AT;

/// A context at the tests' evaluation time (`DateTime.Now`/`UtcNow` read it).
fn context() -> Context {
    Context::new(Arc::new(Deployment::new())).at(EvaluationTime::from_unix_seconds(AT))
}

fn eval(expression: &str) -> Result<String, String> {
    common::evaluate(expression, ExpressionForm::Single, &context())
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

fn block(statements: &str) -> Result<String, String> {
    common::evaluate(statements, ExpressionForm::Block, &context())
}

/// 2020-01-01T00:00:00+02:00 (2019-12-31T22:00:00Z, Unix 1577829600).
const O: &str = "DateTimeOffset.Parse(\"2020-01-01T00:00:00+02:00\")";

#[test]
fn date_time_offsets_read_convert_and_format_as_dotnet_does() {
    // Expected values: DateTimeOffset docs (FromUnixTimeSeconds, ToUnixTimeSeconds,
    // UtcDateTime, Offset, the "o" round-trip format, the invariant "G" + " zzz" default).
    let cases = [
        ("DateTimeOffset.UtcNow.ToUnixTimeSeconds() > 0".to_owned(), "True"),
        ("DateTimeOffset.UtcNow.ToUnixTimeSeconds()".to_owned(), "1893456000"),
        ("DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()".to_owned(), "1893456000000"),
        ("DateTimeOffset.Now.Offset".to_owned(), "00:00:00"),
        ("DateTimeOffset.UtcNow.ToString(\"o\")".to_owned(), "2030-01-01T00:00:00.0000000+00:00"),
        (
            "DateTimeOffset.FromUnixTimeSeconds(1700000000).UtcDateTime.ToString(\"o\")".to_owned(),
            "2023-11-14T22:13:20.0000000Z",
        ),
        (
            "DateTimeOffset.FromUnixTimeSeconds(1700000000).ToString()".to_owned(),
            "11/14/2023 22:13:20 +00:00",
        ),
        (
            "DateTimeOffset.FromUnixTimeMilliseconds(1700000000123).ToString(\"HH:mm:ss.fff\")"
                .to_owned(),
            "22:13:20.123",
        ),
        ("DateTimeOffset.FromUnixTimeSeconds(0).Year".to_owned(), "1970"),
        (format!("{O}.Offset"), "02:00:00"),
        (format!("{O}.Offset.TotalHours"), "2"),
        (format!("{O}.ToString(\"o\")"), "2020-01-01T00:00:00.0000000+02:00"),
        (format!("{O}.ToString(\"yyyy-MM-ddTHH:mm:sszzz\")"), "2020-01-01T00:00:00+02:00"),
        (format!("{O}.ToString(\"zz\")"), "+02"),
        (format!("{O}.ToString(\"u\")"), "2019-12-31 22:00:00Z"),
        (format!("{O}.ToString(\"s\")"), "2020-01-01T00:00:00"),
        (format!("{O}.ToString()"), "01/01/2020 00:00:00 +02:00"),
        (format!("{O}.UtcDateTime.ToString(\"o\")"), "2019-12-31T22:00:00.0000000Z"),
        (format!("{O}.DateTime.ToString(\"o\")"), "2020-01-01T00:00:00.0000000"),
        (format!("{O}.ToUnixTimeSeconds()"), "1577829600"),
        (format!("{O}.ToUnixTimeMilliseconds()"), "1577829600000"),
        (format!("{O}.UtcTicks"), "637134264000000000"),
        (format!("{O}.Ticks"), "637134336000000000"),
        (format!("{O}.Year"), "2020"),
        (format!("{O}.DayOfWeek"), "Wednesday"),
        (format!("{O}.AddMinutes(90).ToString(\"o\")"), "2020-01-01T01:30:00.0000000+02:00"),
        (format!("{O}.AddDays(-1).Day"), "31"),
        (format!("{O}.AddMonths(1).Month"), "2"),
        (format!("{O}.ToUniversalTime().ToString(\"o\")"), "2019-12-31T22:00:00.0000000+00:00"),
        (
            format!("{O}.ToOffset(TimeSpan.FromHours(-5)).ToString(\"o\")"),
            "2019-12-31T17:00:00.0000000-05:00",
        ),
        (format!("({O} + TimeSpan.FromHours(1)).Hour"), "1"),
        (format!("({O} - TimeSpan.FromHours(1)).Hour"), "23"),
        (
            format!("{O} - DateTimeOffset.Parse(\"2020-01-01T00:00:00Z\")"),
            "-02:00:00",
        ),
        (format!("{O}.Subtract(DateTimeOffset.FromUnixTimeSeconds(1577829000))"), "00:10:00"),
        // Comparisons are of the UTC instants.
        (
            format!("{O} == DateTimeOffset.Parse(\"2019-12-31T23:00:00+01:00\")"),
            "True",
        ),
        (
            format!("{O}.Equals(DateTimeOffset.Parse(\"2019-12-31T23:00:00+01:00\"))"),
            "True",
        ),
        (format!("{O} < DateTimeOffset.Parse(\"2020-01-01T00:00:00+01:00\")"), "True"),
        (format!("{O} >= DateTimeOffset.UtcNow"), "False"),
        (format!("{O} != DateTimeOffset.UtcNow"), "True"),
        (format!("{O}.CompareTo(DateTimeOffset.UtcNow)"), "-1"),
        ("DateTimeOffset.Parse(\"2020-01-01T00:00:00Z\").Offset".to_owned(), "00:00:00"),
        // The default text parses back.
        (
            format!("DateTimeOffset.Parse({O}.ToString()) == {O}"),
            "True",
        ),
        (
            "DateTimeOffset.Parse(\"01/02/2020 10:00:00 -03:30\").Offset".to_owned(),
            "-03:30:00",
        ),
        ("DateTimeOffset.Parse(\"2020-06-15 10:30:00\").Offset".to_owned(), "00:00:00"),
        (
            "new DateTimeOffset(DateTime.UtcNow).ToString(\"o\")".to_owned(),
            "2030-01-01T00:00:00.0000000+00:00",
        ),
        (
            "new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.FromHours(-5)).ToString(\"yyyy-MM-ddTHH:mm:sszzz\")"
                .to_owned(),
            "2020-01-02T03:04:05-05:00",
        ),
        (
            "new DateTimeOffset(new DateTime(2020, 1, 2), TimeSpan.FromMinutes(330)).UtcDateTime.ToString(\"s\")"
                .to_owned(),
            "2020-01-01T18:30:00",
        ),
        ("DateTimeOffset.UnixEpoch.ToUnixTimeSeconds()".to_owned(), "0"),
        ("DateTimeOffset.MinValue.Year".to_owned(), "1"),
        (
            "$\"{DateTimeOffset.FromUnixTimeSeconds(60):yyyy-MM-dd HH:mm zzz}\"".to_owned(),
            "1970-01-01 00:01 +00:00",
        ),
        (
            format!("new[] {{ \"a\", \"b\" }}.Select(s => {O}).Max() == {O}"),
            "True",
        ),
        // DateTime converts implicitly to DateTimeOffset.
        ("DateTimeOffset.UtcNow == DateTime.UtcNow".to_owned(), "True"),
    ];
    for (expression, expected) in cases {
        assert_eq!(
            eval(&expression),
            Ok(expected.to_owned()),
            "expression: {expression}"
        );
    }
    assert_eq!(
        block(
            "DateTimeOffset expires = DateTimeOffset.FromUnixTimeSeconds(1893459600); \
             return (expires - DateTimeOffset.UtcNow).TotalMinutes;"
        ),
        Ok("60".to_owned())
    );
    assert_eq!(
        block(
            "DateTimeOffset when; \
             if (DateTimeOffset.TryParse(\"2030-01-01T01:00:00+01:00\", out when)) { return when.UtcDateTime == DateTime.UtcNow; } \
             return false;"
        ),
        Ok("True".to_owned())
    );
}

#[test]
fn bad_date_time_offsets_throw_as_dotnet_does() {
    assert_eq!(
        eval("DateTimeOffset.Parse(\"soon\")"),
        Err(
            "System.FormatException: The string 'soon' was not recognized as a valid DateTime."
                .to_owned()
        )
    );
    assert_eq!(
        eval("DateTimeOffset.FromUnixTimeSeconds(253402300800)"),
        Err("System.ArgumentOutOfRangeException: Valid values are between -62135596800 and 253402300799, inclusive. (Parameter 'seconds')".to_owned())
    );
    assert_eq!(
        eval("DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(15))"),
        Err("System.ArgumentOutOfRangeException: Offset must be within plus or minus 14 hours. (Parameter 'offset')".to_owned())
    );
    assert_eq!(
        eval("DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromSeconds(30))"),
        Err("System.ArgumentException: Offset must be specified in whole minutes. (Parameter 'offset')".to_owned())
    );
    assert_eq!(
        eval("new DateTimeOffset(DateTime.UtcNow, TimeSpan.FromHours(1))"),
        Err("System.ArgumentException: The UTC Offset for Utc DateTime instances must be 0. (Parameter 'offset')".to_owned())
    );
    assert!(
        eval("DateTimeOffset.MaxValue.AddDays(1)")
            .unwrap_err()
            .starts_with("System.ArgumentOutOfRangeException")
    );
    assert_eq!(
        eval("DateTimeOffset.UtcNow.ToString(\"U\")"),
        Err("System.FormatException: Input string was not in a correct format.".to_owned())
    );
    assert_eq!(
        eval("DateTimeOffset.UtcNow.Kind"),
        Err("load: 'DateTimeOffset' does not contain a definition for 'Kind'".to_owned())
    );
}
