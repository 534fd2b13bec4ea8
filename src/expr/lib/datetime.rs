//! `DateTime` and `TimeSpan`: the clock (`Now`, `UtcNow`, `Today` read the request's evaluation
//! time), calendar parts, arithmetic and operators, `Parse`, and `ToString` with .NET's standard
//! and custom format strings under the invariant culture.

use std::fmt::Write as _;
use std::sync::Arc;

use super::{MemberDef, MethodDef, StaticDef, StaticMethodDef};
use crate::diagnostic::Span;
use crate::expr::ast::BinaryOp;
use crate::expr::eval::{Exception, ExceptionKind, OperatorFn};
use crate::expr::types::{StaticType, Type};
use crate::expr::value::{
    DateTime, DateTimeKind, DateTimeOffset, MAX_TICKS, UNIX_EPOCH_TICKS, Value,
};

const TICKS_PER_MILLISECOND: i64 = 10_000;
const TICKS_PER_SECOND: i64 = 10_000_000;
const TICKS_PER_MINUTE: i64 = 600_000_000;
const TICKS_PER_HOUR: i64 = 36_000_000_000;
const TICKS_PER_DAY: i64 = 864_000_000_000;
/// Days from 0001-01-01 to 1970-01-01.
const UNIX_EPOCH_DAYS: i64 = UNIX_EPOCH_TICKS / TICKS_PER_DAY;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Calendar parts of a tick count.
#[derive(Debug, Clone, Copy)]
struct Civil {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    fraction: i64, // ticks within the second
    day_of_week: u8,
    day_of_year: i64,
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil(ticks: i64) -> Civil {
    let days = ticks.div_euclid(TICKS_PER_DAY);
    let in_day = ticks.rem_euclid(TICKS_PER_DAY);
    let z = days - UNIX_EPOCH_DAYS + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let day_of_year = days - (days_from_civil(year, 1, 1) + UNIX_EPOCH_DAYS) + 1;
    Civil {
        year,
        month,
        day,
        hour: in_day / TICKS_PER_HOUR,
        minute: in_day % TICKS_PER_HOUR / TICKS_PER_MINUTE,
        second: in_day % TICKS_PER_MINUTE / TICKS_PER_SECOND,
        fraction: in_day % TICKS_PER_SECOND,
        // 0001-01-01 was a Monday.
        day_of_week: u8::try_from((days + 1).rem_euclid(7)).unwrap_or(0),
        day_of_year,
    }
}

fn ticks_of(year: i64, month: i64, day: i64) -> i64 {
    (days_from_civil(year, month, day) + UNIX_EPOCH_DAYS) * TICKS_PER_DAY
}

fn out_of_range(message: &'static str) -> Exception {
    Exception::new(ExceptionKind::ArgumentOutOfRange, message, Span::default())
}

fn checked(ticks: Option<i64>, kind: DateTimeKind) -> Result<Value<'static>, Exception> {
    match ticks {
        Some(t) if (0..=MAX_TICKS).contains(&t) => Ok(Value::DateTime(DateTime { ticks: t, kind })),
        _ => Err(out_of_range(
            "The added or subtracted value results in an un-representable DateTime. (Parameter 'value')",
        )),
    }
}

fn date(value: &Value<'_>) -> Option<DateTime> {
    match value {
        Value::DateTime(d) => Some(*d),
        _ => None,
    }
}

fn number(value: Option<&Value<'_>>) -> f64 {
    match value {
        Some(Value::Int(i)) => f64::from(*i),
        #[allow(clippy::cast_precision_loss)]
        Some(Value::Long(i)) => *i as f64,
        Some(Value::Double(d)) => *d,
        _ => 0.0,
    }
}

/// `AddX(double)`: .NET rounds the scaled value to the nearest millisecond... of ticks.
#[allow(clippy::cast_possible_truncation)]
fn add_scaled(target: &Value<'_>, amount: f64, scale: i64) -> Result<Value<'static>, Exception> {
    let Some(d) = date(target) else {
        return Ok(Value::Null);
    };
    #[allow(clippy::cast_precision_loss)]
    let delta = amount * scale as f64;
    if !delta.is_finite() || delta.abs() > MAX_TICKS as f64 {
        return checked(None, d.kind);
    }
    checked(d.ticks.checked_add(delta.round() as i64), d.kind)
}

fn add_months(d: DateTime, months: i64) -> Result<Value<'static>, Exception> {
    let c = civil(d.ticks);
    let total = c.year * 12 + (c.month - 1) + months;
    let year = total.div_euclid(12);
    let month = total.rem_euclid(12) + 1;
    if !(1..=9999).contains(&year) {
        return Err(out_of_range(
            "The added or subtracted value results in an un-representable DateTime. (Parameter 'months')",
        ));
    }
    let day = c.day.min(days_in_month(year, month));
    let time = d.ticks.rem_euclid(TICKS_PER_DAY);
    checked(Some(ticks_of(year, month, day) + time), d.kind)
}

/// `TimeSpan.ToString()`: `[-][d.]hh:mm:ss[.fffffff]`.
pub(crate) fn format_timespan(ticks: i64) -> String {
    let mut out = String::new();
    if ticks < 0 {
        out.push('-');
    }
    let t = ticks.unsigned_abs();
    let per_day = TICKS_PER_DAY.unsigned_abs();
    let days = t / per_day;
    let rest = t % per_day;
    if days > 0 {
        let _ = write!(out, "{days}.");
    }
    let _ = write!(
        out,
        "{:02}:{:02}:{:02}",
        rest / TICKS_PER_HOUR.unsigned_abs(),
        rest % TICKS_PER_HOUR.unsigned_abs() / TICKS_PER_MINUTE.unsigned_abs(),
        rest % TICKS_PER_MINUTE.unsigned_abs() / TICKS_PER_SECOND.unsigned_abs()
    );
    let fraction = rest % TICKS_PER_SECOND.unsigned_abs();
    if fraction > 0 {
        let _ = write!(out, ".{fraction:07}");
    }
    out
}

/// `DayOfWeek.ToString()`.
pub(crate) fn day_of_week_name(day: u8) -> &'static str {
    DAYS.get(usize::from(day)).copied().unwrap_or("Sunday")
}

/// Expands a standard format (one letter) to its invariant-culture custom pattern.
fn standard_pattern(format: &str) -> Option<&'static str> {
    Some(match format {
        "d" => "MM/dd/yyyy",
        "D" => "dddd, dd MMMM yyyy",
        "f" => "dddd, dd MMMM yyyy HH:mm",
        "F" | "U" => "dddd, dd MMMM yyyy HH:mm:ss",
        "g" => "MM/dd/yyyy HH:mm",
        "G" => "MM/dd/yyyy HH:mm:ss",
        "m" | "M" => "MMMM dd",
        "o" | "O" => "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
        "r" | "R" => "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
        "s" => "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
        "t" => "HH:mm",
        "T" => "HH:mm:ss",
        "u" => "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
        "y" | "Y" => "yyyy MMMM",
        _ => return None,
    })
}

/// `DateTime.ToString(format)` under the invariant culture. A one-letter format is a
/// standard format; anything else is a custom pattern. Invalid formats throw `FormatException`.
pub(crate) fn format_checked(d: DateTime, format: &str) -> Result<String, Exception> {
    format_parts(d, None, format)
}

fn invalid_format() -> Exception {
    Exception::new(
        ExceptionKind::Format,
        "Input string was not in a correct format.",
        Span::default(),
    )
}

/// `DateTimeOffset.ToString(format)` under the invariant culture: the clock time with the
/// offset for `z`/`K`; `u` and `r` show the UTC time, as .NET does.
pub(crate) fn format_offset_checked(d: DateTimeOffset, format: &str) -> Result<String, Exception> {
    let clock = DateTime {
        ticks: d.ticks,
        kind: DateTimeKind::Unspecified,
    };
    match format {
        "" => format_parts(clock, Some(d.offset_minutes), "MM/dd/yyyy HH:mm:ss zzz"),
        "o" | "O" => format_parts(
            clock,
            Some(d.offset_minutes),
            "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffzzz",
        ),
        "u" | "r" | "R" => format_parts(
            DateTime {
                ticks: d.utc_ticks(),
                kind: DateTimeKind::Utc,
            },
            Some(0),
            format,
        ),
        "U" => Err(invalid_format()),
        _ => format_parts(clock, Some(d.offset_minutes), format),
    }
}

/// `DateTimeOffset.ToString(format)`; an invalid format gives the default text.
pub(crate) fn format_offset(d: DateTimeOffset, format: &str) -> String {
    format_offset_checked(d, format).unwrap_or_default()
}

/// The offset as `z`, `zz` or `zzz` (and `K` of a `DateTimeOffset`) writes it.
fn offset_text(minutes: i16, run: usize) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.unsigned_abs();
    match run {
        1 => format!("{sign}{}", m / 60),
        2 => format!("{sign}{:02}", m / 60),
        _ => format!("{sign}{:02}:{:02}", m / 60, m % 60),
    }
}

fn format_parts(d: DateTime, offset: Option<i16>, format: &str) -> Result<String, Exception> {
    let invalid = invalid_format;
    let pattern = if format.is_empty() {
        "MM/dd/yyyy HH:mm:ss"
    } else if format.chars().count() == 1 {
        standard_pattern(format).ok_or_else(invalid)?
    } else {
        format
    };
    let c = civil(d.ticks);
    let mut out = String::new();
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0usize;
    while let Some(&ch) = chars.get(i) {
        let run = chars
            .get(i..)
            .map_or(0, |rest| rest.iter().take_while(|&&x| x == ch).count());
        match ch {
            'y' => {
                let y = c.year;
                match run {
                    1 => {
                        let _ = write!(out, "{}", y % 100);
                    }
                    2 => {
                        let _ = write!(out, "{:02}", y % 100);
                    }
                    n => {
                        let _ = write!(out, "{:0width$}", y, width = n);
                    }
                }
            }
            'M' => match run {
                1 => {
                    let _ = write!(out, "{}", c.month);
                }
                2 => {
                    let _ = write!(out, "{:02}", c.month);
                }
                3 => out.push_str(
                    MONTHS
                        .get(usize::try_from(c.month - 1).unwrap_or(0))
                        .map_or("", |m| m.get(..3).unwrap_or(m)),
                ),
                _ => out.push_str(
                    MONTHS
                        .get(usize::try_from(c.month - 1).unwrap_or(0))
                        .copied()
                        .unwrap_or(""),
                ),
            },
            'd' => match run {
                1 => {
                    let _ = write!(out, "{}", c.day);
                }
                2 => {
                    let _ = write!(out, "{:02}", c.day);
                }
                3 => out.push_str(day_of_week_name(c.day_of_week).get(..3).unwrap_or("")),
                _ => out.push_str(day_of_week_name(c.day_of_week)),
            },
            'H' => {
                if run == 1 {
                    let _ = write!(out, "{}", c.hour);
                } else {
                    let _ = write!(out, "{:02}", c.hour);
                }
            }
            'h' => {
                let h = if c.hour % 12 == 0 { 12 } else { c.hour % 12 };
                if run == 1 {
                    let _ = write!(out, "{h}");
                } else {
                    let _ = write!(out, "{h:02}");
                }
            }
            'm' => {
                if run == 1 {
                    let _ = write!(out, "{}", c.minute);
                } else {
                    let _ = write!(out, "{:02}", c.minute);
                }
            }
            's' => {
                if run == 1 {
                    let _ = write!(out, "{}", c.second);
                } else {
                    let _ = write!(out, "{:02}", c.second);
                }
            }
            'f' | 'F' => {
                if run > 7 {
                    return Err(invalid());
                }
                let digits = format!("{:07}", c.fraction);
                let part = digits.get(..run).unwrap_or("");
                if ch == 'F' {
                    out.push_str(part.trim_end_matches('0'));
                } else {
                    out.push_str(part);
                }
            }
            't' => {
                let designator = if c.hour < 12 { "AM" } else { "PM" };
                out.push_str(if run == 1 {
                    designator.get(..1).unwrap_or("")
                } else {
                    designator
                });
            }
            'z' => {
                // Local time is UTC on the gateway (divergence ledger): the offset is zero.
                out.push_str(&offset_text(offset.unwrap_or(0), run));
            }
            'K' if offset.is_some() => {
                out.push_str(&offset_text(offset.unwrap_or(0), 3));
                i += 1;
                continue;
            }
            'K' => {
                out.push_str(match d.kind {
                    DateTimeKind::Utc => "Z",
                    DateTimeKind::Local => "+00:00",
                    DateTimeKind::Unspecified => "",
                });
                i += 1;
                continue;
            }
            '\'' | '"' => {
                let close = chars
                    .get(i + 1..)
                    .and_then(|rest| rest.iter().position(|&x| x == ch))
                    .ok_or_else(invalid)?;
                out.extend(chars.get(i + 1..i + 1 + close).unwrap_or(&[]));
                i += close + 2;
                continue;
            }
            '\\' => {
                out.push(*chars.get(i + 1).ok_or_else(invalid)?);
                i += 2;
                continue;
            }
            '%' => {
                i += 1;
                continue;
            }
            other => {
                out.push(other);
                i += 1;
                continue;
            }
        }
        i += run;
    }
    Ok(out)
}

/// `DateTime.ToString(format)`; an invalid format gives the default text.
pub(crate) fn format_datetime(d: DateTime, format: &str) -> String {
    format_checked(d, format).unwrap_or_default()
}

/// `DateTime.Parse(text)` for ISO 8601, `MM/dd/yyyy[ HH:mm[:ss]]` and RFC 1123 text. A zone
/// (`Z` or an offset) converts to local time (UTC here), as .NET does.
fn parse(text: &str) -> Option<DateTime> {
    let (ticks, zone) = parse_parts(text)?;
    let (ticks, kind) = match zone {
        None => (ticks, DateTimeKind::Unspecified),
        Some(offset) => (
            ticks - i64::from(offset) * TICKS_PER_MINUTE,
            DateTimeKind::Local,
        ),
    };
    (0..=MAX_TICKS)
        .contains(&ticks)
        .then_some(DateTime { ticks, kind })
}

/// `DateTimeOffset.Parse(text)`: the clock time with its offset (none is the local offset,
/// zero on the gateway).
fn parse_offset(text: &str) -> Option<DateTimeOffset> {
    let (ticks, zone) = parse_parts(text)?;
    offset_value(ticks, zone.unwrap_or(0))
}

/// A `DateTimeOffset` from clock ticks and an offset, if both are in .NET's range.
fn offset_value(ticks: i64, offset_minutes: i16) -> Option<DateTimeOffset> {
    let d = DateTimeOffset {
        ticks,
        offset_minutes,
    };
    ((-840..=840).contains(&offset_minutes)
        && (0..=MAX_TICKS).contains(&ticks)
        && (0..=MAX_TICKS).contains(&d.utc_ticks()))
    .then_some(d)
}

/// The clock ticks of a date text and its zone as an offset in minutes (`Z` and `GMT` are 0).
fn parse_parts(text: &str) -> Option<(i64, Option<i16>)> {
    let t = text.trim();
    let num = |s: &str| -> Option<i64> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let build = |y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64, frac: i64| -> Option<i64> {
        if !(1..=9999).contains(&y)
            || !(1..=12).contains(&mo)
            || d < 1
            || d > days_in_month(y, mo)
            || h > 23
            || mi > 59
            || s > 59
        {
            return None;
        }
        Some(
            ticks_of(y, mo, d)
                + h * TICKS_PER_HOUR
                + mi * TICKS_PER_MINUTE
                + s * TICKS_PER_SECOND
                + frac,
        )
    };
    // RFC 1123: "Sun, 06 Nov 1994 08:49:37 GMT"
    if let Some((_, rest)) = t.split_once(", ") {
        let parts: Vec<&str> = rest.split(' ').collect();
        if let [d, mon, y, time, "GMT"] = parts.as_slice() {
            let mo = MONTHS.iter().position(|m| m.get(..3) == Some(*mon))? as i64 + 1;
            let hms: Vec<&str> = time.split(':').collect();
            let [h, mi, s] = hms.as_slice() else {
                return None;
            };
            let ticks = build(num(y)?, mo, num(d)?, num(h)?, num(mi)?, num(s)?, 0)?;
            return Some((ticks, Some(0)));
        }
        return None;
    }
    let (date_part, time_part) = match t.find(['T', ' ']) {
        Some(i) => (t.get(..i)?, t.get(i + 1..)?),
        None => (t, ""),
    };
    let (y, mo, d) = if date_part.contains('-') {
        let p: Vec<&str> = date_part.split('-').collect();
        let [y, mo, d] = p.as_slice() else {
            return None;
        };
        (num(y)?, num(mo)?, num(d)?)
    } else {
        let p: Vec<&str> = date_part.split('/').collect();
        let [mo, d, y] = p.as_slice() else {
            return None;
        };
        (num(y)?, num(mo)?, num(d)?)
    };
    let (time, zone) = match time_part.find(['Z', '+']).or_else(|| time_part.rfind('-')) {
        Some(i) => (time_part.get(..i)?, Some(time_part.get(i..)?)),
        None => (time_part, None),
    };
    // "01/02/2020 10:00:00 +02:00": the zone may follow a space.
    let time = time.trim_end();
    let (h, mi, s, frac) = if time.is_empty() {
        (0, 0, 0, 0)
    } else {
        let (hms, frac) = match time.split_once('.') {
            Some((hms, f)) => {
                let digits = f.get(..f.len().min(7))?;
                (
                    hms,
                    num(digits)? * 10_i64.pow(7 - u32::try_from(digits.len()).ok()?),
                )
            }
            None => (time, 0),
        };
        let p: Vec<&str> = hms.split(':').collect();
        match p.as_slice() {
            [h, mi] => (num(h)?, num(mi)?, 0, frac),
            [h, mi, s] => (num(h)?, num(mi)?, num(s)?, frac),
            _ => return None,
        }
    };
    let ticks = build(y, mo, d, h, mi, s, frac)?;
    let zone = match zone {
        None => None,
        Some("Z") => Some(0),
        Some(offset) => {
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let (oh, om) = offset
                .get(1..)?
                .split_once(':')
                .unwrap_or((offset.get(1..3)?, offset.get(3..).unwrap_or("0")));
            let (oh, om) = (num(oh)?, num(om).unwrap_or(0));
            if oh > 14 || om > 59 {
                return None;
            }
            Some(i16::try_from(sign * (oh * 60 + om)).ok()?)
        }
    };
    Some((ticks, zone))
}

macro_rules! part {
    ($name:literal => $ty:ident, |$c:ident, $d:ident| $e:expr) => {
        MemberDef {
            name: $name,
            owner: Type::DateTime,
            ty: Type::$ty,
            get: |t, _| {
                Ok(date(t).map_or(Value::Null, |$d| {
                    let $c = civil($d.ticks);
                    let _ = &$c;
                    $e
                }))
            },
        }
    };
}

macro_rules! span_part {
    ($name:literal => $ty:ident, |$t:ident| $e:expr) => {
        MemberDef {
            name: $name,
            owner: Type::TimeSpan,
            ty: Type::$ty,
            get: |v, _| match v {
                Value::TimeSpan($t) => Ok($e),
                _ => Ok(Value::Null),
            },
        }
    };
}

#[allow(clippy::cast_possible_truncation)]
fn int(v: i64) -> Value<'static> {
    Value::Int(v as i32)
}

#[allow(clippy::cast_precision_loss)]
fn total(ticks: i64, per: i64) -> Value<'static> {
    Value::Double(ticks as f64 / per as f64)
}

pub(crate) const MEMBERS: &[MemberDef] = &[
    part!("Year" => Int32, |c, d| int(c.year)),
    part!("Month" => Int32, |c, d| int(c.month)),
    part!("Day" => Int32, |c, d| int(c.day)),
    part!("Hour" => Int32, |c, d| int(c.hour)),
    part!("Minute" => Int32, |c, d| int(c.minute)),
    part!("Second" => Int32, |c, d| int(c.second)),
    part!("Millisecond" => Int32, |c, d| int(c.fraction / TICKS_PER_MILLISECOND)),
    part!("Ticks" => Int64, |c, d| Value::Long(d.ticks)),
    part!("DayOfYear" => Int32, |c, d| int(c.day_of_year)),
    part!("DayOfWeek" => DayOfWeek, |c, d| Value::DayOfWeek(c.day_of_week)),
    part!("Date" => DateTime, |c, d| Value::DateTime(DateTime { ticks: d.ticks - d.ticks.rem_euclid(TICKS_PER_DAY), kind: d.kind })),
    part!("TimeOfDay" => TimeSpan, |c, d| Value::TimeSpan(d.ticks.rem_euclid(TICKS_PER_DAY))),
    span_part!("Ticks" => Int64, |t| Value::Long(*t)),
    span_part!("Days" => Int32, |t| int(t / TICKS_PER_DAY)),
    span_part!("Hours" => Int32, |t| int(t / TICKS_PER_HOUR % 24)),
    span_part!("Minutes" => Int32, |t| int(t / TICKS_PER_MINUTE % 60)),
    span_part!("Seconds" => Int32, |t| int(t / TICKS_PER_SECOND % 60)),
    span_part!("Milliseconds" => Int32, |t| int(t / TICKS_PER_MILLISECOND % 1000)),
    span_part!("TotalDays" => Double, |t| total(*t, TICKS_PER_DAY)),
    span_part!("TotalHours" => Double, |t| total(*t, TICKS_PER_HOUR)),
    span_part!("TotalMinutes" => Double, |t| total(*t, TICKS_PER_MINUTE)),
    span_part!("TotalSeconds" => Double, |t| total(*t, TICKS_PER_SECOND)),
    span_part!("TotalMilliseconds" => Double, |t| total(*t, TICKS_PER_MILLISECOND)),
];

macro_rules! add {
    ($name:literal, $scale:expr) => {
        MethodDef {
            name: $name,
            owner: Type::DateTime,
            params: &[Type::Double],
            result: Type::DateTime,
            call: |t, args, _| add_scaled(t, number(args.first()), $scale),
        }
    };
}

pub(crate) const METHODS: &[MethodDef] = &[
    add!("AddDays", TICKS_PER_DAY),
    add!("AddHours", TICKS_PER_HOUR),
    add!("AddMinutes", TICKS_PER_MINUTE),
    add!("AddSeconds", TICKS_PER_SECOND),
    add!("AddMilliseconds", TICKS_PER_MILLISECOND),
    MethodDef {
        name: "AddTicks",
        owner: Type::DateTime,
        params: &[Type::Int64],
        result: Type::DateTime,
        call: |t, args, _| match (date(t), args.first()) {
            (Some(d), Some(Value::Long(n))) => checked(d.ticks.checked_add(*n), d.kind),
            (Some(d), Some(Value::Int(n))) => checked(d.ticks.checked_add(i64::from(*n)), d.kind),
            _ => Ok(Value::Null),
        },
    },
    MethodDef {
        name: "AddMonths",
        owner: Type::DateTime,
        params: &[Type::Int32],
        result: Type::DateTime,
        call: |t, args, _| match (date(t), args.first()) {
            (Some(d), Some(Value::Int(n))) => add_months(d, i64::from(*n)),
            _ => Ok(Value::Null),
        },
    },
    MethodDef {
        name: "AddYears",
        owner: Type::DateTime,
        params: &[Type::Int32],
        result: Type::DateTime,
        call: |t, args, _| match (date(t), args.first()) {
            (Some(d), Some(Value::Int(n))) => add_months(d, i64::from(*n) * 12),
            _ => Ok(Value::Null),
        },
    },
    MethodDef {
        name: "Add",
        owner: Type::DateTime,
        params: &[Type::TimeSpan],
        result: Type::DateTime,
        call: |t, args, _| match (date(t), args.first()) {
            (Some(d), Some(Value::TimeSpan(s))) => checked(d.ticks.checked_add(*s), d.kind),
            _ => Ok(Value::Null),
        },
    },
    MethodDef {
        name: "Subtract",
        owner: Type::DateTime,
        params: &[Type::DateTime],
        result: Type::TimeSpan,
        call: |t, args, _| match (date(t), args.first()) {
            (Some(a), Some(Value::DateTime(b))) => Ok(Value::TimeSpan(a.ticks - b.ticks)),
            _ => Ok(Value::Null),
        },
    },
    MethodDef {
        name: "Subtract",
        owner: Type::DateTime,
        params: &[Type::TimeSpan],
        result: Type::DateTime,
        call: |t, args, _| match (date(t), args.first()) {
            (Some(d), Some(Value::TimeSpan(s))) => checked(d.ticks.checked_sub(*s), d.kind),
            _ => Ok(Value::Null),
        },
    },
    MethodDef {
        name: "ToString",
        owner: Type::DateTime,
        params: &[],
        result: Type::String,
        call: |t, _, _| {
            Ok(date(t).map_or(Value::Null, |d| {
                Value::String(Arc::from(format_datetime(d, "G")))
            }))
        },
    },
    MethodDef {
        name: "ToString",
        owner: Type::DateTime,
        params: &[Type::String],
        result: Type::String,
        call: |t, args, _| {
            let Some(d) = date(t) else {
                return Ok(Value::Null);
            };
            let format = args.first().and_then(Value::as_str).unwrap_or("");
            Ok(Value::String(Arc::from(format_checked(d, format)?)))
        },
    },
    MethodDef {
        name: "ToUniversalTime",
        owner: Type::DateTime,
        params: &[],
        result: Type::DateTime,
        call: |t, _, _| {
            Ok(date(t).map_or(Value::Null, |d| {
                Value::DateTime(d.with_kind(DateTimeKind::Utc))
            }))
        },
    },
    MethodDef {
        name: "ToLocalTime",
        owner: Type::DateTime,
        params: &[],
        result: Type::DateTime,
        call: |t, _, _| {
            Ok(date(t).map_or(Value::Null, |d| {
                Value::DateTime(d.with_kind(DateTimeKind::Local))
            }))
        },
    },
    MethodDef {
        name: "ToString",
        owner: Type::TimeSpan,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(Value::String(Arc::from(t.to_display_string()))),
    },
    MethodDef {
        name: "ToString",
        owner: Type::DayOfWeek,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(Value::String(Arc::from(t.to_display_string()))),
    },
];

fn now(context: &crate::context::Context, kind: DateTimeKind) -> DateTime {
    DateTime::from_unix_seconds(context.time().unix_seconds()).with_kind(kind)
}

pub(crate) const STATICS: &[StaticDef] = &[
    StaticDef {
        name: "UtcNow",
        owner: StaticType::DateTime,
        ty: Type::DateTime,
        get: |context| Ok(Value::DateTime(now(context, DateTimeKind::Utc))),
    },
    // The gateway runs in UTC, so local time is UTC (divergence ledger: time zone).
    StaticDef {
        name: "Now",
        owner: StaticType::DateTime,
        ty: Type::DateTime,
        get: |context| Ok(Value::DateTime(now(context, DateTimeKind::Local))),
    },
    StaticDef {
        name: "Today",
        owner: StaticType::DateTime,
        ty: Type::DateTime,
        get: |context| {
            let d = now(context, DateTimeKind::Local);
            Ok(Value::DateTime(DateTime {
                ticks: d.ticks - d.ticks.rem_euclid(TICKS_PER_DAY),
                kind: d.kind,
            }))
        },
    },
    StaticDef {
        name: "MinValue",
        owner: StaticType::DateTime,
        ty: Type::DateTime,
        get: |_| {
            Ok(Value::DateTime(DateTime {
                ticks: 0,
                kind: DateTimeKind::Unspecified,
            }))
        },
    },
    StaticDef {
        name: "MaxValue",
        owner: StaticType::DateTime,
        ty: Type::DateTime,
        get: |_| {
            Ok(Value::DateTime(DateTime {
                ticks: MAX_TICKS,
                kind: DateTimeKind::Unspecified,
            }))
        },
    },
    StaticDef {
        name: "Zero",
        owner: StaticType::TimeSpan,
        ty: Type::TimeSpan,
        get: |_| Ok(Value::TimeSpan(0)),
    },
];

macro_rules! from {
    ($name:literal, $scale:expr) => {
        StaticMethodDef {
            name: $name,
            owner: StaticType::TimeSpan,
            params: &[Type::Double],
            result: Type::TimeSpan,
            call: |args, _| {
                #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
                let ticks = (number(args.first()) * $scale as f64).round();
                if !ticks.is_finite() || ticks.abs() > 9.2e18 {
                    return Err(Exception::new(
                        ExceptionKind::Overflow,
                        "TimeSpan overflowed because the duration is too long.",
                        Span::default(),
                    ));
                }
                #[allow(clippy::cast_possible_truncation)]
                Ok(Value::TimeSpan(ticks as i64))
            },
        }
    };
}

pub(crate) const STATIC_METHODS: &[StaticMethodDef] = &[
    StaticMethodDef {
        name: "Parse",
        owner: StaticType::DateTime,
        params: &[Type::String],
        result: Type::DateTime,
        call: |args, _| {
            let text = args.first().and_then(Value::as_str).ok_or_else(|| {
                Exception::new(
                    ExceptionKind::ArgumentNull,
                    "Value cannot be null. (Parameter 's')",
                    Span::default(),
                )
            })?;
            parse(text).map(Value::DateTime).ok_or_else(|| {
                Exception::new(
                    ExceptionKind::Format,
                    format!("The string '{text}' was not recognized as a valid DateTime."),
                    Span::default(),
                )
            })
        },
    },
    StaticMethodDef {
        name: "IsLeapYear",
        owner: StaticType::DateTime,
        params: &[Type::Int32],
        result: Type::Boolean,
        call: |args, _| match args.first() {
            Some(Value::Int(y)) if (1..=9999).contains(y) => {
                Ok(Value::Bool(is_leap(i64::from(*y))))
            }
            _ => Err(out_of_range(
                "Year must be between 1 and 9999. (Parameter 'year')",
            )),
        },
    },
    StaticMethodDef {
        name: "DaysInMonth",
        owner: StaticType::DateTime,
        params: &[Type::Int32, Type::Int32],
        result: Type::Int32,
        call: |args, _| match (args.first(), args.get(1)) {
            (Some(Value::Int(y)), Some(Value::Int(m)))
                if (1..=9999).contains(y) && (1..=12).contains(m) =>
            {
                Ok(int(days_in_month(i64::from(*y), i64::from(*m))))
            }
            _ => Err(out_of_range(
                "Month must be between one and twelve. (Parameter 'month')",
            )),
        },
    },
    from!("FromDays", TICKS_PER_DAY),
    from!("FromHours", TICKS_PER_HOUR),
    from!("FromMinutes", TICKS_PER_MINUTE),
    from!("FromSeconds", TICKS_PER_SECOND),
    from!("FromMilliseconds", TICKS_PER_MILLISECOND),
];

fn sub_dates<'a>(a: &Value<'a>, b: &Value<'a>) -> Result<Value<'a>, Exception> {
    match (a, b) {
        (Value::DateTime(a), Value::DateTime(b)) => Ok(Value::TimeSpan(a.ticks - b.ticks)),
        _ => Ok(Value::Null),
    }
}

fn date_plus_span<'a>(a: &Value<'a>, b: &Value<'a>) -> Result<Value<'a>, Exception> {
    match (a, b) {
        (Value::DateTime(d), Value::TimeSpan(s)) | (Value::TimeSpan(s), Value::DateTime(d)) => {
            checked(d.ticks.checked_add(*s), d.kind)
        }
        _ => Ok(Value::Null),
    }
}

fn date_minus_span<'a>(a: &Value<'a>, b: &Value<'a>) -> Result<Value<'a>, Exception> {
    match (a, b) {
        (Value::DateTime(d), Value::TimeSpan(s)) => checked(d.ticks.checked_sub(*s), d.kind),
        _ => Ok(Value::Null),
    }
}

fn span_op<'a>(a: &Value<'a>, b: &Value<'a>, add: bool) -> Result<Value<'a>, Exception> {
    match (a, b) {
        (Value::TimeSpan(x), Value::TimeSpan(y)) => {
            let r = if add {
                x.checked_add(*y)
            } else {
                x.checked_sub(*y)
            };
            r.map(Value::TimeSpan).ok_or_else(|| {
                Exception::new(
                    ExceptionKind::Overflow,
                    "TimeSpan overflowed because the duration is too long.",
                    Span::default(),
                )
            })
        }
        _ => Ok(Value::Null),
    }
}

/// The library operator for `left op right`, if the operand types define one.
pub(crate) fn operator(op: BinaryOp, left: Type, right: Type) -> Option<(OperatorFn, Type)> {
    Some(match (op, left, right) {
        (BinaryOp::Subtract, Type::DateTime, Type::DateTime) => (sub_dates, Type::TimeSpan),
        (BinaryOp::Add, Type::DateTime, Type::TimeSpan)
        | (BinaryOp::Add, Type::TimeSpan, Type::DateTime) => (date_plus_span, Type::DateTime),
        (BinaryOp::Subtract, Type::DateTime, Type::TimeSpan) => (date_minus_span, Type::DateTime),
        (BinaryOp::Add, Type::TimeSpan, Type::TimeSpan) => {
            (|a, b| span_op(a, b, true), Type::TimeSpan)
        }
        (BinaryOp::Subtract, Type::TimeSpan, Type::TimeSpan) => {
            (|a, b| span_op(a, b, false), Type::TimeSpan)
        }
        (BinaryOp::Subtract, l, r)
            if is_offset_operand(l)
                && is_offset_operand(r)
                && (l == Type::DateTimeOffset || r == Type::DateTimeOffset) =>
        {
            (
                |a, b| match (offset_of(a), offset_of(b)) {
                    (Some(x), Some(y)) => Ok(Value::TimeSpan(x.utc_ticks() - y.utc_ticks())),
                    _ => Ok(Value::Null),
                },
                Type::TimeSpan,
            )
        }
        (BinaryOp::Add, Type::DateTimeOffset, Type::TimeSpan)
        | (BinaryOp::Add, Type::TimeSpan, Type::DateTimeOffset) => (
            |a, b| match (a, b) {
                (Value::TimeSpan(s), other) | (other, Value::TimeSpan(s)) => {
                    offset_shift(other, Some(*s))
                }
                _ => Ok(Value::Null),
            },
            Type::DateTimeOffset,
        ),
        (BinaryOp::Subtract, Type::DateTimeOffset, Type::TimeSpan) => (
            |a, b| match b {
                Value::TimeSpan(s) => offset_shift(a, s.checked_neg()),
                _ => Ok(Value::Null),
            },
            Type::DateTimeOffset,
        ),
        _ => {
            return super::decimal::operator(op, left, right)
                .or_else(|| super::xml::operator(op, left, right));
        }
    })
}

// ---- DateTimeOffset ----

/// Whether `ty` converts implicitly to `DateTimeOffset`.
pub(crate) fn is_offset_operand(ty: Type) -> bool {
    matches!(ty, Type::DateTimeOffset | Type::DateTime)
}

/// The `DateTimeOffset` of a value; a `DateTime` converts implicitly with the local offset
/// (zero on the gateway).
fn offset_of(value: &Value<'_>) -> Option<DateTimeOffset> {
    match value {
        Value::DateTimeOffset(d) => Some(*d),
        Value::DateTime(d) => Some(DateTimeOffset {
            ticks: d.ticks,
            offset_minutes: 0,
        }),
        _ => None,
    }
}

/// The ordering of the UTC instants of two `DateTimeOffset` operands.
pub(crate) fn offset_ordering(a: &Value<'_>, b: &Value<'_>) -> Option<std::cmp::Ordering> {
    Some(offset_of(a)?.utc_ticks().cmp(&offset_of(b)?.utc_ticks()))
}

fn offset_out_of_range() -> Exception {
    Exception::new(
        ExceptionKind::ArgumentOutOfRange,
        "The UTC time represented when the offset is applied must be between year 0 and 10,000. (Parameter 'offset')",
        Span::default(),
    )
}

fn offset_checked(ticks: Option<i64>, offset_minutes: i16) -> Result<Value<'static>, Exception> {
    ticks
        .and_then(|t| offset_value(t, offset_minutes))
        .map(Value::DateTimeOffset)
        .ok_or_else(offset_out_of_range)
}

fn offset_shift<'a>(value: &Value<'_>, delta: Option<i64>) -> Result<Value<'a>, Exception> {
    let Some(d) = offset_of(value) else {
        return Ok(Value::Null);
    };
    offset_checked(
        delta.and_then(|delta| d.ticks.checked_add(delta)),
        d.offset_minutes,
    )
}

/// Runs a `DateTime` operation on the clock time of a `DateTimeOffset`, keeping its offset.
fn on_clock<'a>(
    target: &Value<'_>,
    op: impl FnOnce(&Value<'static>) -> Result<Value<'static>, Exception>,
) -> Result<Value<'a>, Exception> {
    let Some(d) = offset_of(target) else {
        return Ok(Value::Null);
    };
    let clock = Value::DateTime(DateTime {
        ticks: d.ticks,
        kind: DateTimeKind::Unspecified,
    });
    match op(&clock)? {
        Value::DateTime(r) => offset_checked(Some(r.ticks), d.offset_minutes),
        _ => Ok(Value::Null),
    }
}

fn offset_now(context: &crate::context::Context) -> DateTimeOffset {
    DateTimeOffset {
        ticks: now(context, DateTimeKind::Utc).ticks,
        offset_minutes: 0,
    }
}

/// `TimeSpan` offset argument in whole minutes, as .NET requires.
fn offset_minutes_of(value: Option<&Value<'_>>) -> Result<i16, Exception> {
    let Some(Value::TimeSpan(t)) = value else {
        return Ok(0);
    };
    if t % TICKS_PER_MINUTE != 0 {
        return Err(Exception::new(
            ExceptionKind::Argument,
            "Offset must be specified in whole minutes. (Parameter 'offset')",
            Span::default(),
        ));
    }
    let minutes = t / TICKS_PER_MINUTE;
    if !(-840..=840).contains(&minutes) {
        return Err(Exception::new(
            ExceptionKind::ArgumentOutOfRange,
            "Offset must be within plus or minus 14 hours. (Parameter 'offset')",
            Span::default(),
        ));
    }
    Ok(i16::try_from(minutes).unwrap_or(0))
}

macro_rules! offset_part {
    ($name:literal => $ty:ident, |$c:ident, $d:ident| $e:expr) => {
        MemberDef {
            name: $name,
            owner: Type::DateTimeOffset,
            ty: Type::$ty,
            get: |t, _| {
                Ok(offset_of(t).map_or(Value::Null, |$d| {
                    let $c = civil($d.ticks);
                    let _ = &$c;
                    $e
                }))
            },
        }
    };
}

fn clock_date(ticks: i64, kind: DateTimeKind) -> Value<'static> {
    Value::DateTime(DateTime { ticks, kind })
}

pub(crate) const OFFSET_MEMBERS: &[MemberDef] = &[
    offset_part!("Year" => Int32, |c, d| int(c.year)),
    offset_part!("Month" => Int32, |c, d| int(c.month)),
    offset_part!("Day" => Int32, |c, d| int(c.day)),
    offset_part!("Hour" => Int32, |c, d| int(c.hour)),
    offset_part!("Minute" => Int32, |c, d| int(c.minute)),
    offset_part!("Second" => Int32, |c, d| int(c.second)),
    offset_part!("Millisecond" => Int32, |c, d| int(c.fraction / TICKS_PER_MILLISECOND)),
    offset_part!("Ticks" => Int64, |c, d| Value::Long(d.ticks)),
    offset_part!("UtcTicks" => Int64, |c, d| Value::Long(d.utc_ticks())),
    offset_part!("DayOfYear" => Int32, |c, d| int(c.day_of_year)),
    offset_part!("DayOfWeek" => DayOfWeek, |c, d| Value::DayOfWeek(c.day_of_week)),
    offset_part!("Date" => DateTime, |c, d| clock_date(d.ticks - d.ticks.rem_euclid(TICKS_PER_DAY), DateTimeKind::Unspecified)),
    offset_part!("TimeOfDay" => TimeSpan, |c, d| Value::TimeSpan(d.ticks.rem_euclid(TICKS_PER_DAY))),
    offset_part!("DateTime" => DateTime, |c, d| clock_date(d.ticks, DateTimeKind::Unspecified)),
    offset_part!("UtcDateTime" => DateTime, |c, d| clock_date(d.utc_ticks(), DateTimeKind::Utc)),
    // The gateway's local zone is UTC (divergence ledger: time zone).
    offset_part!("LocalDateTime" => DateTime, |c, d| clock_date(d.utc_ticks(), DateTimeKind::Local)),
    offset_part!("Offset" => TimeSpan, |c, d| Value::TimeSpan(i64::from(d.offset_minutes) * TICKS_PER_MINUTE)),
];

macro_rules! offset_add {
    ($name:literal, $scale:expr) => {
        MethodDef {
            name: $name,
            owner: Type::DateTimeOffset,
            params: &[Type::Double],
            result: Type::DateTimeOffset,
            call: |t, args, _| {
                let amount = number(args.first());
                on_clock(t, |c| add_scaled(c, amount, $scale))
            },
        }
    };
}

fn unix_seconds(d: DateTimeOffset) -> i64 {
    d.utc_ticks() / TICKS_PER_SECOND - UNIX_EPOCH_TICKS / TICKS_PER_SECOND
}

fn long_arg(value: Option<&Value<'_>>) -> i64 {
    match value {
        Some(Value::Long(n)) => *n,
        Some(Value::Int(n)) => i64::from(*n),
        _ => 0,
    }
}

fn to_offset(d: DateTimeOffset, offset_minutes: i16) -> Result<Value<'static>, Exception> {
    offset_checked(
        d.utc_ticks()
            .checked_add(i64::from(offset_minutes) * TICKS_PER_MINUTE),
        offset_minutes,
    )
}

pub(crate) const OFFSET_METHODS: &[MethodDef] = &[
    offset_add!("AddDays", TICKS_PER_DAY),
    offset_add!("AddHours", TICKS_PER_HOUR),
    offset_add!("AddMinutes", TICKS_PER_MINUTE),
    offset_add!("AddSeconds", TICKS_PER_SECOND),
    offset_add!("AddMilliseconds", TICKS_PER_MILLISECOND),
    MethodDef {
        name: "AddTicks",
        owner: Type::DateTimeOffset,
        params: &[Type::Int64],
        result: Type::DateTimeOffset,
        call: |t, args, _| offset_shift(t, Some(long_arg(args.first()))),
    },
    MethodDef {
        name: "AddMonths",
        owner: Type::DateTimeOffset,
        params: &[Type::Int32],
        result: Type::DateTimeOffset,
        call: |t, args, _| {
            let n = long_arg(args.first());
            on_clock(t, |c| date(c).map_or(Ok(Value::Null), |d| add_months(d, n)))
        },
    },
    MethodDef {
        name: "AddYears",
        owner: Type::DateTimeOffset,
        params: &[Type::Int32],
        result: Type::DateTimeOffset,
        call: |t, args, _| {
            let n = long_arg(args.first()).saturating_mul(12);
            on_clock(t, |c| date(c).map_or(Ok(Value::Null), |d| add_months(d, n)))
        },
    },
    MethodDef {
        name: "Add",
        owner: Type::DateTimeOffset,
        params: &[Type::TimeSpan],
        result: Type::DateTimeOffset,
        call: |t, args, _| match args.first() {
            Some(Value::TimeSpan(s)) => offset_shift(t, Some(*s)),
            _ => Ok(Value::Null),
        },
    },
    MethodDef {
        name: "Subtract",
        owner: Type::DateTimeOffset,
        params: &[Type::DateTimeOffset],
        result: Type::TimeSpan,
        call: |t, args, _| match (offset_of(t), args.first().and_then(offset_of)) {
            (Some(a), Some(b)) => Ok(Value::TimeSpan(a.utc_ticks() - b.utc_ticks())),
            _ => Ok(Value::Null),
        },
    },
    MethodDef {
        name: "Subtract",
        owner: Type::DateTimeOffset,
        params: &[Type::TimeSpan],
        result: Type::DateTimeOffset,
        call: |t, args, _| match args.first() {
            Some(Value::TimeSpan(s)) => offset_shift(t, s.checked_neg()),
            _ => Ok(Value::Null),
        },
    },
    MethodDef {
        name: "ToUnixTimeSeconds",
        owner: Type::DateTimeOffset,
        params: &[],
        result: Type::Int64,
        call: |t, _, _| Ok(offset_of(t).map_or(Value::Null, |d| Value::Long(unix_seconds(d)))),
    },
    MethodDef {
        name: "ToUnixTimeMilliseconds",
        owner: Type::DateTimeOffset,
        params: &[],
        result: Type::Int64,
        call: |t, _, _| {
            Ok(offset_of(t).map_or(Value::Null, |d| {
                Value::Long(
                    d.utc_ticks() / TICKS_PER_MILLISECOND
                        - UNIX_EPOCH_TICKS / TICKS_PER_MILLISECOND,
                )
            }))
        },
    },
    MethodDef {
        name: "ToString",
        owner: Type::DateTimeOffset,
        params: &[],
        result: Type::String,
        call: |t, _, _| {
            Ok(offset_of(t).map_or(Value::Null, |d| {
                Value::String(Arc::from(format_offset(d, "")))
            }))
        },
    },
    MethodDef {
        name: "ToString",
        owner: Type::DateTimeOffset,
        params: &[Type::String],
        result: Type::String,
        call: |t, args, _| {
            let Some(d) = offset_of(t) else {
                return Ok(Value::Null);
            };
            let format = args.first().and_then(Value::as_str).unwrap_or("");
            Ok(Value::String(Arc::from(format_offset_checked(d, format)?)))
        },
    },
    MethodDef {
        name: "ToUniversalTime",
        owner: Type::DateTimeOffset,
        params: &[],
        result: Type::DateTimeOffset,
        call: |t, _, _| offset_of(t).map_or(Ok(Value::Null), |d| to_offset(d, 0)),
    },
    MethodDef {
        name: "ToLocalTime",
        owner: Type::DateTimeOffset,
        params: &[],
        result: Type::DateTimeOffset,
        call: |t, _, _| offset_of(t).map_or(Ok(Value::Null), |d| to_offset(d, 0)),
    },
    MethodDef {
        name: "ToOffset",
        owner: Type::DateTimeOffset,
        params: &[Type::TimeSpan],
        result: Type::DateTimeOffset,
        call: |t, args, _| {
            let minutes = offset_minutes_of(args.first())?;
            offset_of(t).map_or(Ok(Value::Null), |d| to_offset(d, minutes))
        },
    },
    MethodDef {
        name: "CompareTo",
        owner: Type::DateTimeOffset,
        params: &[Type::DateTimeOffset],
        result: Type::Int32,
        call: |t, args, _| {
            Ok(Value::Int(
                match args.first().and_then(|a| offset_ordering(t, a)) {
                    Some(std::cmp::Ordering::Less) => -1,
                    Some(std::cmp::Ordering::Equal) => 0,
                    _ => 1,
                },
            ))
        },
    },
    MethodDef {
        name: "Equals",
        owner: Type::DateTimeOffset,
        params: &[Type::DateTimeOffset],
        result: Type::Boolean,
        call: |t, args, _| {
            Ok(Value::Bool(
                args.first().and_then(|a| offset_ordering(t, a)) == Some(std::cmp::Ordering::Equal),
            ))
        },
    },
];

pub(crate) const OFFSET_STATICS: &[StaticDef] = &[
    StaticDef {
        name: "UtcNow",
        owner: StaticType::DateTimeOffset,
        ty: Type::DateTimeOffset,
        get: |context| Ok(Value::DateTimeOffset(offset_now(context))),
    },
    // The gateway runs in UTC: `Now` has a zero offset (divergence ledger: time zone).
    StaticDef {
        name: "Now",
        owner: StaticType::DateTimeOffset,
        ty: Type::DateTimeOffset,
        get: |context| Ok(Value::DateTimeOffset(offset_now(context))),
    },
    StaticDef {
        name: "MinValue",
        owner: StaticType::DateTimeOffset,
        ty: Type::DateTimeOffset,
        get: |_| {
            Ok(Value::DateTimeOffset(DateTimeOffset {
                ticks: 0,
                offset_minutes: 0,
            }))
        },
    },
    StaticDef {
        name: "MaxValue",
        owner: StaticType::DateTimeOffset,
        ty: Type::DateTimeOffset,
        get: |_| {
            Ok(Value::DateTimeOffset(DateTimeOffset {
                ticks: MAX_TICKS,
                offset_minutes: 0,
            }))
        },
    },
    StaticDef {
        name: "UnixEpoch",
        owner: StaticType::DateTimeOffset,
        ty: Type::DateTimeOffset,
        get: |_| {
            Ok(Value::DateTimeOffset(DateTimeOffset {
                ticks: UNIX_EPOCH_TICKS,
                offset_minutes: 0,
            }))
        },
    },
];

fn from_unix(
    amount: i64,
    per: i64,
    min: i64,
    max: i64,
    name: &str,
) -> Result<Value<'static>, Exception> {
    if !(min..=max).contains(&amount) {
        return Err(Exception::new(
            ExceptionKind::ArgumentOutOfRange,
            format!("Valid values are between {min} and {max}, inclusive. (Parameter '{name}')"),
            Span::default(),
        ));
    }
    Ok(Value::DateTimeOffset(DateTimeOffset {
        ticks: amount * per + UNIX_EPOCH_TICKS,
        offset_minutes: 0,
    }))
}

pub(crate) const OFFSET_STATIC_METHODS: &[StaticMethodDef] = &[
    StaticMethodDef {
        name: "Parse",
        owner: StaticType::DateTimeOffset,
        params: &[Type::String],
        result: Type::DateTimeOffset,
        call: |args, _| {
            let text = args.first().and_then(Value::as_str).ok_or_else(|| {
                Exception::new(
                    ExceptionKind::ArgumentNull,
                    "Value cannot be null. (Parameter 'input')",
                    Span::default(),
                )
            })?;
            parse_offset(text)
                .map(Value::DateTimeOffset)
                .ok_or_else(|| {
                    Exception::new(
                        ExceptionKind::Format,
                        format!("The string '{text}' was not recognized as a valid DateTime."),
                        Span::default(),
                    )
                })
        },
    },
    StaticMethodDef {
        name: "FromUnixTimeSeconds",
        owner: StaticType::DateTimeOffset,
        params: &[Type::Int64],
        result: Type::DateTimeOffset,
        call: |args, _| {
            from_unix(
                long_arg(args.first()),
                TICKS_PER_SECOND,
                -62_135_596_800,
                253_402_300_799,
                "seconds",
            )
        },
    },
    StaticMethodDef {
        name: "FromUnixTimeMilliseconds",
        owner: StaticType::DateTimeOffset,
        params: &[Type::Int64],
        result: Type::DateTimeOffset,
        call: |args, _| {
            from_unix(
                long_arg(args.first()),
                TICKS_PER_MILLISECOND,
                -62_135_596_800_000,
                253_402_300_799_999,
                "milliseconds",
            )
        },
    },
];

/// Offset of `new DateTimeOffset(dateTime)`: zero (UTC, and local time on the gateway).
fn from_datetime(args: &[Value<'_>]) -> Result<Value<'static>, Exception> {
    match args.first() {
        Some(Value::DateTime(d)) => offset_checked(Some(d.ticks), 0),
        _ => Ok(Value::Null),
    }
}

fn int_arg(args: &[Value<'_>], i: usize) -> i64 {
    long_arg(args.get(i))
}

fn new_date(args: &[Value<'_>]) -> Result<i64, Exception> {
    let (y, mo, d) = (int_arg(args, 0), int_arg(args, 1), int_arg(args, 2));
    let (h, mi, s) = (int_arg(args, 3), int_arg(args, 4), int_arg(args, 5));
    if !(1..=9999).contains(&y) || !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) {
        return Err(Exception::new(
            ExceptionKind::ArgumentOutOfRange,
            "Year, Month, and Day parameters describe an un-representable DateTime.",
            Span::default(),
        ));
    }
    if !(0..24).contains(&h) || !(0..60).contains(&mi) || !(0..60).contains(&s) {
        return Err(Exception::new(
            ExceptionKind::ArgumentOutOfRange,
            "Hour, Minute, and Second parameters describe an un-representable DateTime.",
            Span::default(),
        ));
    }
    Ok(ticks_of(y, mo, d) + h * TICKS_PER_HOUR + mi * TICKS_PER_MINUTE + s * TICKS_PER_SECOND)
}

use Type::{Int32 as I32, TimeSpan as TS};

pub(crate) const CONSTRUCTORS: &[super::ConstructorDef] = &[
    super::ConstructorDef {
        type_name: "DateTimeOffset",
        params: &[Type::DateTime],
        result: Type::DateTimeOffset,
        call: |args, _| from_datetime(args),
    },
    super::ConstructorDef {
        type_name: "DateTimeOffset",
        params: &[Type::DateTime, TS],
        result: Type::DateTimeOffset,
        call: |args, _| {
            let minutes = offset_minutes_of(args.get(1))?;
            match args.first() {
                Some(Value::DateTime(d)) => {
                    if d.kind == DateTimeKind::Utc && minutes != 0 {
                        return Err(Exception::new(
                            ExceptionKind::Argument,
                            "The UTC Offset for Utc DateTime instances must be 0. (Parameter 'offset')",
                            Span::default(),
                        ));
                    }
                    offset_checked(Some(d.ticks), minutes)
                }
                _ => Ok(Value::Null),
            }
        },
    },
    super::ConstructorDef {
        type_name: "DateTimeOffset",
        params: &[Type::Int64, TS],
        result: Type::DateTimeOffset,
        call: |args, _| {
            let minutes = offset_minutes_of(args.get(1))?;
            offset_checked(Some(long_arg(args.first())), minutes)
        },
    },
    super::ConstructorDef {
        type_name: "DateTimeOffset",
        params: &[I32, I32, I32, I32, I32, I32, TS],
        result: Type::DateTimeOffset,
        call: |args, _| {
            let minutes = offset_minutes_of(args.get(6))?;
            offset_checked(Some(new_date(args)?), minutes)
        },
    },
    super::ConstructorDef {
        type_name: "DateTime",
        params: &[I32, I32, I32],
        result: Type::DateTime,
        call: |args, _| Ok(clock_date(new_date(args)?, DateTimeKind::Unspecified)),
    },
    super::ConstructorDef {
        type_name: "DateTime",
        params: &[I32, I32, I32, I32, I32, I32],
        result: Type::DateTime,
        call: |args, _| Ok(clock_date(new_date(args)?, DateTimeKind::Unspecified)),
    },
];

/// `DateTimeOffset.TryParse(s, out var d)`.
pub(crate) const OFFSET_OUT_METHODS: &[super::OutMethodDef] = &[super::OutMethodDef {
    name: "TryParse",
    owner: StaticType::DateTimeOffset,
    params: &[Type::String],
    out: Type::DateTimeOffset,
    result: Type::Boolean,
    call: |a, _| {
        Ok(
            match a.first().and_then(Value::as_str).and_then(parse_offset) {
                Some(d) => (Value::Bool(true), Value::DateTimeOffset(d)),
                None => (
                    Value::Bool(false),
                    Value::DateTimeOffset(DateTimeOffset {
                        ticks: 0,
                        offset_minutes: 0,
                    }),
                ),
            },
        )
    },
}];
