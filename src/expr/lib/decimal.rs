//! `decimal` (`System.Decimal`): literals (`1.5m`), conversions, arithmetic and comparison
//! operators with .NET's scale rules (a 96-bit integer and a scale of 0..28, as `rust_decimal`
//! stores it), `decimal.Parse`/`TryParse`, `ToString()` with trailing zeros kept (`1.10m` prints
//! `1.10`), `Math.Round`/`Abs`/`Max`/`Min`/`Floor`/`Ceiling`/`Truncate` on decimals, and
//! `OverflowException` where .NET throws one.

use std::cmp::Ordering;
use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use super::string::{argument_null, owned};
use super::{MethodDef, OutMethodDef, StaticDef, StaticMethodDef};
use crate::diagnostic::Span;
use crate::expr::ast::BinaryOp;
use crate::expr::eval::{Exception, ExceptionKind, OperatorFn};
use crate::expr::types::{StaticType, Type};
use crate::expr::value::Value;

/// `OverflowException` for a decimal result out of range.
pub(crate) fn overflow() -> Exception {
    Exception::new(
        ExceptionKind::Overflow,
        "Value was either too large or too small for a Decimal.",
        Span::default(),
    )
}

fn divide_by_zero() -> Exception {
    Exception::new(
        ExceptionKind::DivideByZero,
        "Attempted to divide by zero.",
        Span::default(),
    )
}

/// The decimal value of a `decimal` or an integral value (C#'s implicit conversions).
pub(crate) fn decimal_of(value: &Value<'_>) -> Option<Decimal> {
    match value {
        Value::Decimal(d) => Some(*d),
        Value::Int(i) => Some(Decimal::from(*i)),
        Value::Long(i) => Some(Decimal::from(*i)),
        Value::Byte(b) => Some(Decimal::from(*b)),
        Value::Char(c) => Some(Decimal::from(u32::from(*c))),
        _ => None,
    }
}

/// Whether `ty` converts implicitly to `decimal`.
pub(crate) fn is_decimal_operand(ty: Type) -> bool {
    matches!(
        ty,
        Type::Decimal | Type::Int32 | Type::Int64 | Type::Byte | Type::Char
    )
}

/// `decimal.ToString()`: every digit of the scale, trailing zeros included.
pub(crate) fn format_decimal(d: Decimal) -> String {
    if d.is_zero() {
        // .NET prints a negative zero without its sign.
        let mut z = d;
        z.set_sign_positive(true);
        return z.to_string();
    }
    d.to_string()
}

/// A decimal literal as written (`1.50`, `1e3`), at load.
pub(crate) fn parse_literal(text: &str) -> Option<Decimal> {
    if text.contains(['e', 'E']) {
        Decimal::from_scientific(text).ok()
    } else {
        Decimal::from_str(text).ok()
    }
}

/// Evaluates a decimal literal kept as text (`args[0]`).
pub(crate) fn literal<'a>(
    args: &[Value<'a>],
    _: &crate::context::Context,
) -> Result<Value<'a>, Exception> {
    args.first()
        .and_then(Value::as_str)
        .and_then(parse_literal)
        .map(Value::Decimal)
        .ok_or_else(overflow)
}

/// `(decimal)value` from a numeric value: exact for integers; a `double` keeps 15 significant
/// digits, as .NET's conversion does.
pub(crate) fn from_number(value: &Value<'_>) -> Result<Option<Decimal>, Exception> {
    match value {
        Value::Double(d) => {
            if !d.is_finite() || d.abs() >= 7.922_816_251_426_434e28 {
                return Err(overflow());
            }
            Ok(Some(from_double(*d)))
        }
        other => Ok(decimal_of(other)),
    }
}

/// A finite `double` below 7.9e28 as .NET converts it: rounded to 15 significant digits,
/// then to at most 28 decimals (tiny values become 0), trailing zeros dropped.
fn from_double(d: f64) -> Decimal {
    let text = format!("{:.14e}", d.abs());
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut m: i128 = digits.parse().unwrap_or(0);
    let exponent: i32 = exponent.parse().unwrap_or(0);
    // value = m × 10^(exponent - 14)
    let mut scale = 14 - exponent;
    if scale < 0 {
        m = m.saturating_mul(10_i128.saturating_pow(scale.unsigned_abs()));
        scale = 0;
    } else if scale > 28 {
        let drop = scale - 28;
        if drop > 16 {
            return Decimal::ZERO;
        }
        let divisor = 10_i128.pow(drop.unsigned_abs());
        let (q, r) = (m / divisor, m % divisor);
        let twice = r * 2;
        m = if twice > divisor || (twice == divisor && q % 2 == 1) {
            q + 1
        } else {
            q
        };
        scale = 28;
    }
    if d < 0.0 {
        m = -m;
    }
    Decimal::try_from_i128_with_scale(m, scale.unsigned_abs())
        .map(|v| v.normalize())
        .unwrap_or_default()
}

/// `(T)decimal` for a numeric `T`: integers truncate toward zero and throw when out of range.
pub(crate) fn to_number(d: Decimal, ty: Type) -> Result<Option<Value<'static>>, Exception> {
    let too_big = |name: &str| {
        Exception::new(
            ExceptionKind::Overflow,
            format!("Value was either too large or too small for an {name}."),
            Span::default(),
        )
    };
    Ok(Some(match ty {
        Type::Decimal => Value::Decimal(d),
        Type::Int32 => Value::Int(d.trunc().to_i32().ok_or_else(|| too_big("Int32"))?),
        Type::Int64 => Value::Long(d.trunc().to_i64().ok_or_else(|| too_big("Int64"))?),
        Type::Double => Value::Double(d.to_f64().unwrap_or(0.0)),
        Type::Byte => Value::Byte(d.trunc().to_u8().ok_or_else(|| {
            Exception::new(
                ExceptionKind::Overflow,
                "Value was either too large or too small for an unsigned byte.",
                Span::default(),
            )
        })?),
        Type::Char => Value::Char(
            d.trunc()
                .to_u16()
                .and_then(|c| char::from_u32(u32::from(c)))
                .ok_or_else(|| too_big("Char"))?,
        ),
        _ => return Ok(None),
    }))
}

/// `Convert.ToInt32(decimal)`/`ToInt64`: rounded half to even, `None` when out of range.
pub(crate) fn to_integer(d: Decimal, min: i64, max: i64) -> Option<i64> {
    d.round_dp_with_strategy(0, RoundingStrategy::MidpointNearestEven)
        .to_i64()
        .filter(|v| (min..=max).contains(v))
}

/// `Convert.ToDouble(decimal)`.
pub(crate) fn to_double(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// `decimal.Parse` (`NumberStyles.Number`, en-US): sign, `,` groups, `.` decimals, no exponent.
pub(crate) fn parse(s: &str) -> Result<Decimal, Exception> {
    let bad = || {
        super::string::format_error(format!(
            "The input string '{s}' was not in a correct format."
        ))
    };
    let t = s.trim_matches(|c: char| matches!(c, '\u{9}'..='\u{D}' | ' ' | '\0'));
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..).unwrap_or("")),
        Some(b'+') => (false, t.get(1..).unwrap_or("")),
        _ => (false, t),
    };
    let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
    let int_digits: String = int_part.chars().filter(|c| *c != ',').collect();
    if int_part.starts_with(',')
        || !int_digits.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
        || (int_digits.is_empty() && frac_part.is_empty())
    {
        return Err(bad());
    }
    let int_digits = int_digits.trim_start_matches('0');
    // Digits beyond 29 significant ones cannot be represented: round the fraction, or overflow.
    if int_digits.len() > 29 {
        return Err(overflow());
    }
    let text = format!(
        "{}{}.{}",
        if negative { "-" } else { "" },
        if int_digits.is_empty() {
            "0"
        } else {
            int_digits
        },
        if frac_part.is_empty() { "0" } else { frac_part }
    );
    let mut value = Decimal::from_str(&text).map_err(|_| overflow())?;
    if frac_part.is_empty() {
        value = value.trunc();
    }
    Ok(value)
}

fn arg(args: &[Value<'_>], i: usize) -> Decimal {
    args.get(i).and_then(decimal_of).unwrap_or_default()
}

fn rounding(mode: u8) -> RoundingStrategy {
    match mode {
        1 => RoundingStrategy::MidpointAwayFromZero,
        2 => RoundingStrategy::ToZero,
        3 => RoundingStrategy::ToNegativeInfinity,
        4 => RoundingStrategy::ToPositiveInfinity,
        _ => RoundingStrategy::MidpointNearestEven,
    }
}

/// `Math.Round(decimal, decimals, mode)`: `decimals` must be 0..28.
fn round<'a>(d: Decimal, decimals: Option<&Value<'_>>, mode: u8) -> Result<Value<'a>, Exception> {
    let dp = match decimals {
        None => 0,
        Some(Value::Int(n)) if (0..=28).contains(n) => n.unsigned_abs(),
        Some(_) => {
            return Err(Exception::new(
                ExceptionKind::ArgumentOutOfRange,
                "Decimal can only round to between 0 and 28 digits of precision. (Parameter 'decimals')",
                Span::default(),
            ));
        }
    };
    Ok(Value::Decimal(d.round_dp_with_strategy(dp, rounding(mode))))
}

fn mode_of(v: Option<&Value<'_>>) -> u8 {
    match v {
        Some(Value::MidpointRounding(m)) => *m,
        _ => 0,
    }
}

use Type::{Decimal as M, Int32 as I, MidpointRounding as MR};

macro_rules! math1 {
    ($name:literal, |$d:ident| $e:expr) => {
        StaticMethodDef {
            name: $name,
            owner: StaticType::Math,
            params: &[M],
            result: M,
            call: |a, _| {
                let $d = arg(a, 0);
                Ok(Value::Decimal($e))
            },
        }
    };
}

pub(crate) const STATIC_METHODS: &[StaticMethodDef] = &[
    StaticMethodDef {
        name: "Round",
        owner: StaticType::Math,
        params: &[M],
        result: M,
        call: |a, _| round(arg(a, 0), None, 0),
    },
    StaticMethodDef {
        name: "Round",
        owner: StaticType::Math,
        params: &[M, I],
        result: M,
        call: |a, _| round(arg(a, 0), a.get(1), 0),
    },
    StaticMethodDef {
        name: "Round",
        owner: StaticType::Math,
        params: &[M, MR],
        result: M,
        call: |a, _| round(arg(a, 0), None, mode_of(a.get(1))),
    },
    StaticMethodDef {
        name: "Round",
        owner: StaticType::Math,
        params: &[M, I, MR],
        result: M,
        call: |a, _| round(arg(a, 0), a.get(1), mode_of(a.get(2))),
    },
    math1!("Abs", |d| d.abs()),
    math1!("Floor", |d| d.floor()),
    math1!("Ceiling", |d| d.ceil()),
    math1!("Truncate", |d| d.trunc()),
    StaticMethodDef {
        name: "Max",
        owner: StaticType::Math,
        params: &[M, M],
        result: M,
        call: |a, _| Ok(Value::Decimal(arg(a, 0).max(arg(a, 1)))),
    },
    StaticMethodDef {
        name: "Min",
        owner: StaticType::Math,
        params: &[M, M],
        result: M,
        call: |a, _| Ok(Value::Decimal(arg(a, 0).min(arg(a, 1)))),
    },
    StaticMethodDef {
        name: "Sign",
        owner: StaticType::Math,
        params: &[M],
        result: I,
        call: |a, _| {
            let d = arg(a, 0);
            Ok(Value::Int(if d.is_zero() {
                0
            } else if d.is_sign_negative() {
                -1
            } else {
                1
            }))
        },
    },
    StaticMethodDef {
        name: "Parse",
        owner: StaticType::Decimal,
        params: &[Type::String],
        result: M,
        call: |a, _| {
            let s = a
                .first()
                .and_then(Value::as_str)
                .ok_or_else(|| argument_null("s"))?;
            Ok(Value::Decimal(parse(s)?))
        },
    },
    StaticMethodDef {
        name: "Round",
        owner: StaticType::Decimal,
        params: &[M],
        result: M,
        call: |a, _| round(arg(a, 0), None, 0),
    },
    StaticMethodDef {
        name: "Round",
        owner: StaticType::Decimal,
        params: &[M, I],
        result: M,
        call: |a, _| round(arg(a, 0), a.get(1), 0),
    },
    StaticMethodDef {
        name: "ToDouble",
        owner: StaticType::Decimal,
        params: &[M],
        result: Type::Double,
        call: |a, _| Ok(Value::Double(arg(a, 0).to_f64().unwrap_or(0.0))),
    },
    StaticMethodDef {
        name: "ToDecimal",
        owner: StaticType::Convert,
        params: &[M],
        result: M,
        call: |a, _| Ok(Value::Decimal(arg(a, 0))),
    },
    StaticMethodDef {
        name: "ToDecimal",
        owner: StaticType::Convert,
        params: &[Type::Double],
        result: M,
        call: |a, _| {
            let v = a.first().cloned().unwrap_or(Value::Double(0.0));
            Ok(Value::Decimal(from_number(&v)?.unwrap_or_default()))
        },
    },
    StaticMethodDef {
        name: "ToDecimal",
        owner: StaticType::Convert,
        params: &[Type::String],
        result: M,
        call: |a, _| match a.first().and_then(Value::as_str) {
            // Convert.ToDecimal(null) is 0.
            None => Ok(Value::Decimal(Decimal::ZERO)),
            Some(s) => Ok(Value::Decimal(parse(s)?)),
        },
    },
];

pub(crate) const OUT_METHODS: &[OutMethodDef] = &[OutMethodDef {
    name: "TryParse",
    owner: StaticType::Decimal,
    params: &[Type::String],
    out: M,
    result: Type::Boolean,
    call: |a, _| {
        Ok(
            match a
                .first()
                .and_then(Value::as_str)
                .and_then(|s| parse(s).ok())
            {
                Some(d) => (Value::Bool(true), Value::Decimal(d)),
                None => (Value::Bool(false), Value::Decimal(Decimal::ZERO)),
            },
        )
    },
}];

pub(crate) const STATICS: &[StaticDef] = &[
    StaticDef {
        name: "Zero",
        owner: StaticType::Decimal,
        ty: M,
        get: |_| Ok(Value::Decimal(Decimal::ZERO)),
    },
    StaticDef {
        name: "One",
        owner: StaticType::Decimal,
        ty: M,
        get: |_| Ok(Value::Decimal(Decimal::ONE)),
    },
    StaticDef {
        name: "MinusOne",
        owner: StaticType::Decimal,
        ty: M,
        get: |_| Ok(Value::Decimal(Decimal::NEGATIVE_ONE)),
    },
    StaticDef {
        name: "MaxValue",
        owner: StaticType::Decimal,
        ty: M,
        get: |_| Ok(Value::Decimal(Decimal::MAX)),
    },
    StaticDef {
        name: "MinValue",
        owner: StaticType::Decimal,
        ty: M,
        get: |_| Ok(Value::Decimal(Decimal::MIN)),
    },
];

fn to_string<'a>(t: &Value<'a>, args: &[Value<'a>]) -> Result<Value<'a>, Exception> {
    let spec = args.first().and_then(Value::as_str).unwrap_or("");
    let d = decimal_of(t).unwrap_or_default();
    Ok(owned(super::numbers::format_value(
        &Value::Decimal(d),
        spec,
    )?))
}

pub(crate) const METHODS: &[MethodDef] = &[
    MethodDef {
        name: "ToString",
        owner: M,
        params: &[],
        result: Type::String,
        call: |t, a, _| to_string(t, a),
    },
    MethodDef {
        name: "ToString",
        owner: M,
        params: &[Type::String],
        result: Type::String,
        call: |t, a, _| to_string(t, a),
    },
    MethodDef {
        name: "CompareTo",
        owner: M,
        params: &[M],
        result: I,
        call: |t, a, _| {
            let x = decimal_of(t).unwrap_or_default();
            Ok(Value::Int(match x.cmp(&arg(a, 0)) {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            }))
        },
    },
    MethodDef {
        name: "Equals",
        owner: M,
        params: &[M],
        result: Type::Boolean,
        call: |t, a, _| Ok(Value::Bool(decimal_of(t) == a.first().and_then(decimal_of))),
    },
];

fn binary<'a>(
    a: &Value<'a>,
    b: &Value<'a>,
    op: fn(Decimal, Decimal) -> Result<Decimal, Exception>,
) -> Result<Value<'a>, Exception> {
    match (decimal_of(a), decimal_of(b)) {
        (Some(x), Some(y)) => op(x, y).map(Value::Decimal),
        // Lifted operators on `decimal?` give null.
        _ => Ok(Value::Null),
    }
}

fn add(x: Decimal, y: Decimal) -> Result<Decimal, Exception> {
    x.checked_add(y).ok_or_else(overflow)
}

fn sub(x: Decimal, y: Decimal) -> Result<Decimal, Exception> {
    x.checked_sub(y).ok_or_else(overflow)
}

fn mul(x: Decimal, y: Decimal) -> Result<Decimal, Exception> {
    x.checked_mul(y).ok_or_else(overflow)
}

fn div(x: Decimal, y: Decimal) -> Result<Decimal, Exception> {
    if y.is_zero() {
        return Err(divide_by_zero());
    }
    x.checked_div(y).ok_or_else(overflow)
}

fn rem(x: Decimal, y: Decimal) -> Result<Decimal, Exception> {
    if y.is_zero() {
        return Err(divide_by_zero());
    }
    x.checked_rem(y).ok_or_else(overflow)
}

/// `-d`, called as a method on the operand.
pub(crate) fn negate<'a>(
    a: &Value<'a>,
    _: &[Value<'a>],
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    Ok(decimal_of(a).map_or(Value::Null, |d| Value::Decimal(-d)))
}

/// The arithmetic operator for `left op right` when either side is `decimal` and the other
/// converts to it implicitly.
pub(crate) fn operator(op: BinaryOp, left: Type, right: Type) -> Option<(OperatorFn, Type)> {
    if !(left == Type::Decimal || right == Type::Decimal)
        || !is_decimal_operand(left)
        || !is_decimal_operand(right)
    {
        return None;
    }
    let call: OperatorFn = match op {
        BinaryOp::Add => |a, b| binary(a, b, add),
        BinaryOp::Subtract => |a, b| binary(a, b, sub),
        BinaryOp::Multiply => |a, b| binary(a, b, mul),
        BinaryOp::Divide => |a, b| binary(a, b, div),
        BinaryOp::Remainder => |a, b| binary(a, b, rem),
        _ => return None,
    };
    Some((call, Type::Decimal))
}

/// The ordering of two decimal operands (`None` when either is null).
pub(crate) fn ordering(a: &Value<'_>, b: &Value<'_>) -> Option<Ordering> {
    Some(decimal_of(a)?.cmp(&decimal_of(b)?))
}

/// Equality of two `System.Type` values (same full name).
fn type_ordering(a: &Value<'_>, b: &Value<'_>) -> Option<Ordering> {
    Some(match (a, b) {
        (Value::SystemType(x), Value::SystemType(y)) if x == y => Ordering::Equal,
        (Value::Null, Value::Null) => Ordering::Equal,
        _ => Ordering::Less,
    })
}

macro_rules! comparisons {
    ($ordering:path) => {{
        const TABLE: [OperatorFn; 6] = [
            |a, b| Ok(Value::Bool($ordering(a, b) == Some(Ordering::Equal))),
            |a, b| Ok(Value::Bool($ordering(a, b) != Some(Ordering::Equal))),
            |a, b| Ok(Value::Bool($ordering(a, b) == Some(Ordering::Less))),
            |a, b| Ok(Value::Bool($ordering(a, b) == Some(Ordering::Greater))),
            |a, b| {
                Ok(Value::Bool(matches!(
                    $ordering(a, b),
                    Some(Ordering::Less | Ordering::Equal)
                )))
            },
            |a, b| {
                Ok(Value::Bool(matches!(
                    $ordering(a, b),
                    Some(Ordering::Greater | Ordering::Equal)
                )))
            },
        ];
        TABLE
    }};
}

/// The comparison operator (`==`, `<`, ...) the library defines for `left op right`
/// (`decimal` with integral types, `DateTimeOffset`), as a call giving a `bool`. A comparison
/// with `null` gives false, except `!=`, as C#'s lifted operators do.
pub(crate) fn compare_operator(op: BinaryOp, left: Type, right: Type) -> Option<OperatorFn> {
    let index = match op {
        BinaryOp::Equal => 0,
        BinaryOp::NotEqual => 1,
        BinaryOp::Less => 2,
        BinaryOp::Greater => 3,
        BinaryOp::LessOrEqual => 4,
        BinaryOp::GreaterOrEqual => 5,
        _ => return None,
    };
    let table: [OperatorFn; 6] = if (left == Type::Decimal || right == Type::Decimal)
        && is_decimal_operand(left)
        && is_decimal_operand(right)
    {
        comparisons!(ordering)
    } else if super::datetime::is_offset_operand(left)
        && super::datetime::is_offset_operand(right)
        && (left == Type::DateTimeOffset || right == Type::DateTimeOffset)
    {
        comparisons!(super::datetime::offset_ordering)
    } else if index < 2 && left == Type::SystemType && right == Type::SystemType {
        comparisons!(type_ordering)
    } else if index < 2
        && (left == Type::XName || right == Type::XName)
        && matches!(left, Type::XName | Type::String | Type::Null)
        && matches!(right, Type::XName | Type::String | Type::Null)
    {
        comparisons!(super::xml::name_ordering)
    } else if index < 2 && left == Type::Uri && right == Type::Uri {
        comparisons!(super::uri::ordering)
    } else {
        return None;
    };
    table.get(index).copied()
}
