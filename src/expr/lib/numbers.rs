//! `int`, `long`, `double`, `bool`, `byte`: parsing (`Parse`, `TryParse`), `ToString()` and
//! `ToString(format)` with .NET's standard numeric formats, `MaxValue`/`MinValue`, and the
//! composite-format helper `string.Format` uses.
//!
//! Formatting follows .NET Core 3.0+ (IEEE-correct, shortest round-trip `double.ToString()`),
//! with en-US culture data (`∞`, `-∞`, `NaN`, `,` groups, `.` decimals, `$` currency, `n%`
//! percent), which is what the existing `double` display already used.
//! Covered standard formats: `G`/`g`[n], `D`/`d`[n], `X`/`x`[n], `N`/`n`[n], `F`/`f`[n],
//! `E`/`e`[n], `P`/`p`[n], `C`/`c`[n], `R`/`r`; custom formats made only of `0`, `#`, `,` and
//! `.` (e.g. `0.00`, `#,##0`, `000`). Other custom formats throw `FormatException`.

use super::string::{MAX_BUILT_LENGTH, argument_null, format_error, int_of, owned, too_long};
use super::{MethodDef, OutMethodDef, StaticDef, StaticMethodDef};
use crate::diagnostic::Span;
use crate::expr::eval::{Exception, ExceptionKind};
use crate::expr::types::{StaticType, Type};
use crate::expr::value::Value;

/// A decimal number `0.d1 d2 d3 ... × 10^scale` (digits without leading or trailing zeros).
#[derive(Debug, Clone)]
struct Dec {
    negative: bool,
    digits: Vec<u8>,
    scale: i32,
}

impl Dec {
    fn from_int(i: i128) -> Self {
        let text = i.unsigned_abs().to_string();
        let mut digits: Vec<u8> = text.bytes().map(|b| b - b'0').collect();
        let scale = i32::try_from(digits.len()).unwrap_or(0);
        while digits.last() == Some(&0) {
            digits.pop();
        }
        Self {
            negative: i < 0,
            digits,
            scale,
        }
    }

    /// The exact value of a `decimal`.
    fn from_decimal(d: rust_decimal::Decimal) -> Self {
        let text = d.mantissa().unsigned_abs().to_string();
        let mut digits: Vec<u8> = text.bytes().map(|b| b - b'0').collect();
        let scale =
            i32::try_from(digits.len()).unwrap_or(0) - i32::try_from(d.scale()).unwrap_or(0);
        while digits.last() == Some(&0) {
            digits.pop();
        }
        let scale = if digits.is_empty() { 0 } else { scale };
        Self {
            negative: d.is_sign_negative() && !d.is_zero(),
            digits,
            scale,
        }
    }

    /// From Rust's `{:e}` text of a non-negative finite double.
    fn from_exponent_text(negative: bool, text: &str) -> Self {
        let (mantissa, exp) = text.split_once('e').unwrap_or((text, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let mut digits: Vec<u8> = mantissa
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        while digits.last() == Some(&0) {
            digits.pop();
        }
        let scale = if digits.is_empty() { 0 } else { exp + 1 };
        Self {
            negative,
            digits,
            scale,
        }
    }

    /// The shortest digits that round-trip (what `double.ToString()` prints).
    fn shortest(d: f64) -> Self {
        Self::from_exponent_text(d.is_sign_negative(), &format!("{:e}", d.abs()))
    }

    /// The exact decimal value of a double.
    fn exact(d: f64) -> Self {
        Self::from_exponent_text(d.is_sign_negative(), &format!("{:.800e}", d.abs()))
    }

    fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// Rounds to `keep` significant digits, half away from zero (as .NET's `RoundNumber`).
    fn round(&mut self, keep: i64) {
        let len = i64::try_from(self.digits.len()).unwrap_or(i64::MAX);
        if keep >= len {
            return;
        }
        if keep < 0 {
            self.digits.clear();
            return;
        }
        let keep = usize::try_from(keep).unwrap_or(0);
        let round_up = self.digits.get(keep).is_some_and(|d| *d >= 5);
        self.digits.truncate(keep);
        if round_up {
            let mut i = keep;
            loop {
                if i == 0 {
                    self.digits.insert(0, 1);
                    self.scale = self.scale.saturating_add(1);
                    break;
                }
                i -= 1;
                if let Some(d) = self.digits.get_mut(i) {
                    if *d == 9 {
                        *d = 0;
                    } else {
                        *d += 1;
                        break;
                    }
                }
            }
        }
        while self.digits.last() == Some(&0) {
            self.digits.pop();
        }
        if self.digits.is_empty() {
            self.scale = 0;
        }
    }

    fn digit(&self, i: i64) -> u8 {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.digits.get(i))
            .copied()
            .unwrap_or(0)
    }

    /// Integer and fraction digit text with `decimals` fraction digits (after rounding).
    fn fixed(&self, decimals: i64, group: bool) -> String {
        let mut int_part = String::new();
        let scale = i64::from(self.scale);
        if scale <= 0 {
            int_part.push('0');
        } else {
            for i in 0..scale {
                int_part.push(char::from(b'0' + self.digit(i)));
            }
        }
        if group {
            int_part = group_digits(&int_part);
        }
        if decimals > 0 {
            int_part.push('.');
            for i in 0..decimals {
                int_part.push(char::from(b'0' + self.digit(scale + i)));
            }
        }
        int_part
    }
}

fn group_digits(int_part: &str) -> String {
    let n = int_part.len();
    let mut out = String::with_capacity(n + n / 3);
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn invalid_format() -> Exception {
    format_error("Format specifier was invalid.")
}

/// The numeric value being formatted.
#[derive(Clone, Copy)]
enum Num {
    /// An integer and the bit width of its type (for `X` of negatives).
    Int(i64, u32),
    Double(f64),
    /// A `decimal`.
    Decimal(rust_decimal::Decimal),
}

fn exponent(e: i32, min_digits: usize, upper: bool) -> String {
    let sign = if e < 0 { '-' } else { '+' };
    format!(
        "{}{sign}{:0min_digits$}",
        if upper { 'E' } else { 'e' },
        e.unsigned_abs()
    )
}

/// Scientific text `d.ddd` + exponent of an already rounded number.
fn scientific(dec: &Dec, decimals: Option<i64>, min_exp_digits: usize, upper: bool) -> String {
    let mut out = String::new();
    out.push(char::from(b'0' + dec.digit(0)));
    let frac = match decimals {
        Some(n) => n,
        None => i64::try_from(dec.digits.len())
            .unwrap_or(1)
            .saturating_sub(1),
    };
    if frac > 0 {
        out.push('.');
        for i in 1..=frac {
            out.push(char::from(b'0' + dec.digit(i)));
        }
    }
    let e = if dec.is_zero() { 0 } else { dec.scale - 1 };
    out.push_str(&exponent(e, min_exp_digits, upper));
    out
}

/// `G` formatting of rounded digits: fixed unless the exponent is out of range.
fn general(dec: &Dec, max_digits: i64, upper: bool) -> String {
    let scale = i64::from(dec.scale);
    if !dec.is_zero() && (scale > max_digits || scale < -3) {
        return scientific(dec, None, 2, upper);
    }
    let len = i64::try_from(dec.digits.len()).unwrap_or(0);
    dec.fixed((len - scale).max(0), false)
}

fn with_sign(negative: bool, body: String) -> String {
    if negative { format!("-{body}") } else { body }
}

fn special(d: f64) -> Option<String> {
    if d.is_nan() {
        Some("NaN".to_owned())
    } else if d.is_infinite() {
        Some(if d > 0.0 { "∞" } else { "-∞" }.to_owned())
    } else {
        None
    }
}

/// `double.ToString()`: shortest round-trip digits, scientific beyond 15 integer digits or
/// below 1E-04 (.NET Core 3.0+).
pub(crate) fn format_double(d: f64) -> String {
    if let Some(s) = special(d) {
        return s;
    }
    let dec = Dec::shortest(d);
    let max = i64::try_from(dec.digits.len()).unwrap_or(0).max(15);
    with_sign(dec.negative, general(&dec, max, true))
}

fn decimal_of(n: Num) -> Dec {
    match n {
        Num::Int(i, _) => Dec::from_int(i128::from(i)),
        Num::Double(d) => Dec::exact(d),
        Num::Decimal(d) => Dec::from_decimal(d),
    }
}

/// Formats a number with a standard or simple custom numeric format string.
fn format_number(n: Num, spec: &str) -> Result<String, Exception> {
    if let Num::Double(d) = n
        && let Some(s) = special(d)
    {
        return Ok(s);
    }
    let mut chars = spec.chars();
    let letter = chars.next();
    let rest = chars.as_str();
    let standard = letter.is_some_and(|c| c.is_ascii_alphabetic())
        && rest.len() <= 9
        && rest.bytes().all(|b| b.is_ascii_digit());
    let Some(letter) = letter.filter(|_| standard) else {
        if spec.is_empty() {
            return format_number(n, "G");
        }
        return custom(n, spec);
    };
    let precision: Option<i64> = if rest.is_empty() {
        None
    } else {
        rest.parse().ok()
    };
    if precision.is_some_and(|p| usize::try_from(p).map_or(true, |p| p > MAX_BUILT_LENGTH)) {
        return Err(too_long());
    }
    let upper = letter.is_ascii_uppercase();
    match (letter.to_ascii_uppercase(), n) {
        ('G' | 'R', Num::Double(d)) => {
            match precision.filter(|p| *p > 0 && letter.eq_ignore_ascii_case(&'G')) {
                None => {
                    let dec = Dec::shortest(d);
                    let max = i64::try_from(dec.digits.len()).unwrap_or(0).max(15);
                    Ok(with_sign(dec.negative, general(&dec, max, upper)))
                }
                Some(p) => {
                    let mut dec = Dec::exact(d);
                    dec.round(p);
                    Ok(with_sign(dec.negative, general(&dec, p, upper)))
                }
            }
        }
        ('G', Num::Decimal(d)) => match precision.filter(|p| *p > 0) {
            None => Ok(super::decimal::format_decimal(d)),
            Some(p) => {
                let mut dec = decimal_of(n);
                dec.round(p);
                Ok(with_sign(dec.negative, general(&dec, p, upper)))
            }
        },
        ('G' | 'R', Num::Int(i, _)) => match precision.filter(|p| *p > 0) {
            None => Ok(i.to_string()),
            Some(p) => {
                let mut dec = decimal_of(n);
                dec.round(p);
                Ok(with_sign(dec.negative, general(&dec, p, upper)))
            }
        },
        ('D', Num::Int(i, _)) => {
            let width = usize::try_from(precision.unwrap_or(0)).unwrap_or(0);
            let digits = i.unsigned_abs().to_string();
            Ok(with_sign(i < 0, format!("{digits:0>width$}")))
        }
        ('X', Num::Int(i, bits)) => {
            let width = usize::try_from(precision.unwrap_or(0)).unwrap_or(0);
            let mask = if bits >= 64 {
                u64::MAX
            } else {
                (1u64 << bits) - 1
            };
            let v = (i as u64) & mask;
            Ok(if upper {
                format!("{v:0width$X}")
            } else {
                format!("{v:0width$x}")
            })
        }
        ('F' | 'N' | 'P' | 'C', _) => {
            let decimals = precision.unwrap_or(2);
            let mut dec = decimal_of(n);
            let kind = letter.to_ascii_uppercase();
            if kind == 'P' {
                dec.scale = dec.scale.saturating_add(2);
            }
            dec.round(i64::from(dec.scale).saturating_add(decimals));
            let body = dec.fixed(decimals, kind != 'F');
            Ok(match kind {
                'P' => with_sign(dec.negative, format!("{body}%")),
                'C' => with_sign(dec.negative, format!("${body}")),
                _ => with_sign(dec.negative, body),
            })
        }
        ('E', _) => {
            let decimals = precision.unwrap_or(6);
            let mut dec = decimal_of(n);
            dec.round(decimals.saturating_add(1));
            Ok(with_sign(
                dec.negative,
                scientific(&dec, Some(decimals), 3, upper),
            ))
        }
        _ => Err(invalid_format()),
    }
}

/// Custom formats built from `0`, `#`, `,` and `.` only.
fn custom(n: Num, spec: &str) -> Result<String, Exception> {
    if !spec.chars().all(|c| matches!(c, '0' | '#' | ',' | '.')) {
        return Err(format_error(format!(
            "The custom numeric format '{spec}' is not supported by this evaluator."
        )));
    }
    let (int_spec, frac_spec) = spec.split_once('.').unwrap_or((spec, ""));
    let group = int_spec.contains(',') && !int_spec.ends_with(',');
    let min_int = int_spec.chars().filter(|c| *c == '0').count();
    let min_frac = i64::try_from(frac_spec.chars().filter(|c| *c == '0').count()).unwrap_or(0);
    let max_frac =
        i64::try_from(frac_spec.chars().filter(|c| matches!(c, '0' | '#')).count()).unwrap_or(0);
    let mut dec = decimal_of(n);
    dec.round(i64::from(dec.scale).saturating_add(max_frac));
    let text = dec.fixed(max_frac, false);
    let (int_text, frac_text) = text.split_once('.').unwrap_or((&text, ""));
    let mut int_digits = int_text.trim_start_matches('0').to_owned();
    if int_digits.len() < min_int {
        int_digits = format!("{int_digits:0>min_int$}");
    }
    if group && !int_digits.is_empty() {
        int_digits = group_digits(&int_digits);
    }
    let mut frac = frac_text.to_owned();
    let min_frac = usize::try_from(min_frac).unwrap_or(0);
    while frac.len() > min_frac && frac.ends_with('0') {
        frac.pop();
    }
    let mut out = int_digits;
    if !frac.is_empty() {
        out.push('.');
        out.push_str(&frac);
    }
    let zero = dec.is_zero();
    Ok(if dec.negative && !zero {
        format!("-{out}")
    } else {
        out
    })
}

/// A value formatted with `format` as `string.Format`'s `{0:format}` and `ToString(format)` do.
pub(crate) fn format_value(value: &Value<'_>, spec: &str) -> Result<String, Exception> {
    match value {
        Value::Int(i) => format_number(Num::Int(i64::from(*i), 32), spec),
        Value::Long(i) => format_number(Num::Int(*i, 64), spec),
        Value::Byte(b) => format_number(Num::Int(i64::from(*b), 8), spec),
        Value::Double(d) if spec.is_empty() => Ok(format_double(*d)),
        Value::Double(d) => format_number(Num::Double(*d), spec),
        Value::Decimal(d) => format_number(Num::Decimal(*d), spec),
        Value::Guid(g) if !spec.is_empty() => super::guid::format(g, spec),
        Value::DateTime(d) if !spec.is_empty() => super::datetime::format_checked(*d, spec),
        Value::DateTimeOffset(d) => super::datetime::format_offset_checked(*d, spec),
        other => Ok(other.to_display_string()),
    }
}

fn is_white(c: char) -> bool {
    matches!(c, '\u{9}'..='\u{D}' | ' ' | '\0')
}

fn not_a_number(s: &str) -> Exception {
    format_error(format!(
        "The input string '{s}' was not in a correct format."
    ))
}

/// `long.Parse` / `int.Parse` (`NumberStyles.Integer`) within `[min, max]`.
pub(crate) fn parse_integer(
    s: &str,
    min: i64,
    max: i64,
    type_name: &str,
) -> Result<i64, Exception> {
    let t = s.trim_matches(is_white);
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..).unwrap_or("")),
        Some(b'+') => (false, t.get(1..).unwrap_or("")),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_a_number(s));
    }
    let mut value: i128 = 0;
    for b in digits.bytes() {
        value = value
            .saturating_mul(10)
            .saturating_add(i128::from(b - b'0'))
            .min(i128::from(u64::MAX));
    }
    if negative {
        value = -value;
    }
    if value < i128::from(min) || value > i128::from(max) {
        return Err(Exception::new(
            ExceptionKind::Overflow,
            format!("Value was either too large or too small for an {type_name}."),
            Span::default(),
        ));
    }
    i64::try_from(value).map_err(|_| not_a_number(s))
}

/// `double.Parse` (`NumberStyles.Float | AllowThousands`, en-US).
pub(crate) fn parse_double(s: &str) -> Result<f64, Exception> {
    let t = s.trim_matches(is_white);
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..).unwrap_or("")),
        Some(b'+') => (false, t.get(1..).unwrap_or("")),
        _ => (false, t),
    };
    let sign = if negative { -1.0 } else { 1.0 };
    if body.eq_ignore_ascii_case("infinity") || body == "∞" {
        return Ok(sign * f64::INFINITY);
    }
    if body.eq_ignore_ascii_case("nan") {
        return Ok(f64::NAN);
    }
    let mut clean = String::with_capacity(body.len());
    let mut seen_digit = false;
    let mut seen_point = false;
    let mut seen_exp = false;
    let mut exp_digits = false;
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '0'..='9' => {
                if seen_exp {
                    exp_digits = true;
                } else {
                    seen_digit = true;
                }
                clean.push(c);
            }
            ',' if !seen_point && !seen_exp && seen_digit => {}
            '.' if !seen_point && !seen_exp => {
                seen_point = true;
                clean.push('.');
            }
            'e' | 'E' if !seen_exp && seen_digit => {
                seen_exp = true;
                clean.push('e');
                if let Some(&sign) = chars.peek().filter(|c| matches!(c, '+' | '-')) {
                    chars.next();
                    clean.push(sign);
                }
            }
            _ => return Err(not_a_number(s)),
        }
    }
    if !seen_digit || (seen_exp && !exp_digits) {
        return Err(not_a_number(s));
    }
    let value: f64 = clean.parse().map_err(|_| not_a_number(s))?;
    Ok(sign * value)
}

/// `bool.Parse`.
pub(crate) fn parse_bool(s: &str) -> Result<bool, Exception> {
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    if t.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if t.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(format_error(format!(
            "String '{s}' was not recognized as a valid Boolean."
        )))
    }
}

fn str_arg<'v>(args: &'v [Value<'_>], name: &str) -> Result<&'v str, Exception> {
    args.first()
        .and_then(Value::as_str)
        .ok_or_else(|| argument_null(name))
}

fn to_string<'a>(t: &Value<'a>, args: &[Value<'a>]) -> Result<Value<'a>, Exception> {
    let spec = args.first().and_then(Value::as_str).unwrap_or("");
    Ok(owned(format_value(t, spec)?))
}

macro_rules! to_string_methods {
    ($($owner:ident),*) => {
        &[$(
            MethodDef {
                name: "ToString",
                owner: Type::$owner,
                params: &[],
                result: Type::String,
                call: |t, a, _| to_string(t, a),
            },
            MethodDef {
                name: "ToString",
                owner: Type::$owner,
                params: &[Type::String],
                result: Type::String,
                call: |t, a, _| to_string(t, a),
            },
        )*]
    };
}

/// `ToString()` / `ToString(format)` of the numeric types.
pub(crate) const TO_STRING_METHODS: &[MethodDef] = to_string_methods!(Int32, Int64, Double, Byte);

pub(crate) const METHODS: &[MethodDef] = &[
    MethodDef {
        name: "ToString",
        owner: Type::Boolean,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(owned(t.to_display_string())),
    },
    MethodDef {
        name: "CompareTo",
        owner: Type::Int32,
        params: &[Type::Int32],
        result: Type::Int32,
        call: |t, a, _| Ok(Value::Int(int_of(Some(t)).cmp(&int_of(a.first())) as i32)),
    },
    MethodDef {
        name: "Equals",
        owner: Type::Int32,
        params: &[Type::Int32],
        result: Type::Boolean,
        call: |t, a, _| Ok(Value::Bool(int_of(Some(t)) == int_of(a.first()))),
    },
];

pub(crate) const STATICS: &[StaticDef] = &[
    StaticDef {
        name: "MaxValue",
        owner: StaticType::Int32,
        ty: Type::Int32,
        get: |_| Ok(Value::Int(i32::MAX)),
    },
    StaticDef {
        name: "MinValue",
        owner: StaticType::Int32,
        ty: Type::Int32,
        get: |_| Ok(Value::Int(i32::MIN)),
    },
    StaticDef {
        name: "MaxValue",
        owner: StaticType::Int64,
        ty: Type::Int64,
        get: |_| Ok(Value::Long(i64::MAX)),
    },
    StaticDef {
        name: "MinValue",
        owner: StaticType::Int64,
        ty: Type::Int64,
        get: |_| Ok(Value::Long(i64::MIN)),
    },
    StaticDef {
        name: "MaxValue",
        owner: StaticType::Double,
        ty: Type::Double,
        get: |_| Ok(Value::Double(f64::MAX)),
    },
    StaticDef {
        name: "MinValue",
        owner: StaticType::Double,
        ty: Type::Double,
        get: |_| Ok(Value::Double(f64::MIN)),
    },
    StaticDef {
        name: "Epsilon",
        owner: StaticType::Double,
        ty: Type::Double,
        get: |_| Ok(Value::Double(f64::from_bits(1))),
    },
    StaticDef {
        name: "NaN",
        owner: StaticType::Double,
        ty: Type::Double,
        get: |_| Ok(Value::Double(f64::NAN)),
    },
    StaticDef {
        name: "PositiveInfinity",
        owner: StaticType::Double,
        ty: Type::Double,
        get: |_| Ok(Value::Double(f64::INFINITY)),
    },
    StaticDef {
        name: "NegativeInfinity",
        owner: StaticType::Double,
        ty: Type::Double,
        get: |_| Ok(Value::Double(f64::NEG_INFINITY)),
    },
    StaticDef {
        name: "TrueString",
        owner: StaticType::Boolean,
        ty: Type::String,
        get: |_| Ok(Value::Str("True")),
    },
    StaticDef {
        name: "FalseString",
        owner: StaticType::Boolean,
        ty: Type::String,
        get: |_| Ok(Value::Str("False")),
    },
];

fn f64_arg(args: &[Value<'_>]) -> f64 {
    match args.first() {
        Some(Value::Double(d)) => *d,
        #[allow(clippy::cast_precision_loss)]
        other => int_of(other) as f64,
    }
}

pub(crate) const STATIC_METHODS: &[StaticMethodDef] = &[
    StaticMethodDef {
        name: "Parse",
        owner: StaticType::Int32,
        params: &[Type::String],
        result: Type::Int32,
        call: |a, _| {
            let v = parse_integer(
                str_arg(a, "s")?,
                i64::from(i32::MIN),
                i64::from(i32::MAX),
                "Int32",
            )?;
            Ok(Value::Int(i32::try_from(v).unwrap_or(0)))
        },
    },
    StaticMethodDef {
        name: "Parse",
        owner: StaticType::Int64,
        params: &[Type::String],
        result: Type::Int64,
        call: |a, _| {
            Ok(Value::Long(parse_integer(
                str_arg(a, "s")?,
                i64::MIN,
                i64::MAX,
                "Int64",
            )?))
        },
    },
    StaticMethodDef {
        name: "Parse",
        owner: StaticType::Double,
        params: &[Type::String],
        result: Type::Double,
        call: |a, _| Ok(Value::Double(parse_double(str_arg(a, "s")?)?)),
    },
    StaticMethodDef {
        name: "Parse",
        owner: StaticType::Boolean,
        params: &[Type::String],
        result: Type::Boolean,
        call: |a, _| Ok(Value::Bool(parse_bool(str_arg(a, "value")?)?)),
    },
    StaticMethodDef {
        name: "IsNaN",
        owner: StaticType::Double,
        params: &[Type::Double],
        result: Type::Boolean,
        call: |a, _| Ok(Value::Bool(f64_arg(a).is_nan())),
    },
    StaticMethodDef {
        name: "IsInfinity",
        owner: StaticType::Double,
        params: &[Type::Double],
        result: Type::Boolean,
        call: |a, _| Ok(Value::Bool(f64_arg(a).is_infinite())),
    },
];

pub(crate) const OUT_METHODS: &[OutMethodDef] = &[
    OutMethodDef {
        name: "TryParse",
        owner: StaticType::Int32,
        params: &[Type::String],
        out: Type::Int32,
        result: Type::Boolean,
        call: |a, _| {
            let parsed = a.first().and_then(Value::as_str).and_then(|s| {
                parse_integer(s, i64::from(i32::MIN), i64::from(i32::MAX), "Int32").ok()
            });
            Ok(match parsed.and_then(|v| i32::try_from(v).ok()) {
                Some(v) => (Value::Bool(true), Value::Int(v)),
                None => (Value::Bool(false), Value::Int(0)),
            })
        },
    },
    OutMethodDef {
        name: "TryParse",
        owner: StaticType::Int64,
        params: &[Type::String],
        out: Type::Int64,
        result: Type::Boolean,
        call: |a, _| {
            let parsed = a
                .first()
                .and_then(Value::as_str)
                .and_then(|s| parse_integer(s, i64::MIN, i64::MAX, "Int64").ok());
            Ok(match parsed {
                Some(v) => (Value::Bool(true), Value::Long(v)),
                None => (Value::Bool(false), Value::Long(0)),
            })
        },
    },
    OutMethodDef {
        name: "TryParse",
        owner: StaticType::Double,
        params: &[Type::String],
        out: Type::Double,
        result: Type::Boolean,
        call: |a, _| {
            let parsed = a
                .first()
                .and_then(Value::as_str)
                .and_then(|s| parse_double(s).ok());
            Ok(match parsed {
                Some(v) => (Value::Bool(true), Value::Double(v)),
                None => (Value::Bool(false), Value::Double(0.0)),
            })
        },
    },
    OutMethodDef {
        name: "TryParse",
        owner: StaticType::Boolean,
        params: &[Type::String],
        out: Type::Boolean,
        result: Type::Boolean,
        call: |a, _| {
            let parsed = a
                .first()
                .and_then(Value::as_str)
                .and_then(|s| parse_bool(s).ok());
            Ok(match parsed {
                Some(v) => (Value::Bool(true), Value::Bool(v)),
                None => (Value::Bool(false), Value::Bool(false)),
            })
        },
    },
];
