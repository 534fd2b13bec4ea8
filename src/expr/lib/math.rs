//! `System.Math`: `Abs`, `Max`, `Min`, `Round` (banker's rounding by default, digits and
//! `MidpointRounding`), `Floor`, `Ceiling`, `Truncate`, `Pow`, `Sqrt`, `Sign`, `Log`, `Log10`,
//! `Exp`, and the constants `PI` and `E`. `Round(x, digits)` scales by a power of ten as .NET
//! Core does, so `Math.Round(2.135, 2, MidpointRounding.AwayFromZero)` is 2.13 there and here
//! (2.135 is stored as 2.13499...).

use super::string::{argument, int_of, out_of_range};
use super::{StaticDef, StaticMethodDef};
use crate::diagnostic::Span;
use crate::expr::eval::{Exception, ExceptionKind};
use crate::expr::types::{StaticType, Type};
use crate::expr::value::Value;

use Type::{Double as D, Int32 as I, Int64 as L, MidpointRounding as MR};

fn f(args: &[Value<'_>], i: usize) -> f64 {
    match args.get(i) {
        Some(Value::Double(d)) => *d,
        #[allow(clippy::cast_precision_loss)]
        other => int_of(other) as f64,
    }
}

fn negate_min() -> Exception {
    Exception::new(
        ExceptionKind::Overflow,
        "Negating the minimum value of a twos complement number is invalid.",
        Span::default(),
    )
}

fn max_f(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == b {
        if a.is_sign_negative() { b } else { a }
    } else {
        a.max(b)
    }
}

fn min_f(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == b {
        if a.is_sign_negative() { a } else { b }
    } else {
        a.min(b)
    }
}

fn round_mode(value: f64, mode: u8) -> f64 {
    match mode {
        1 => {
            let t = value.trunc();
            let fraction = value - t;
            if fraction.abs() >= 0.5 {
                t + fraction.signum()
            } else {
                t
            }
        }
        2 => value.trunc(),
        3 => value.floor(),
        4 => value.ceil(),
        _ => value.round_ties_even(),
    }
}

/// `Math.Round(value, digits, mode)` as .NET Core computes it.
fn round(args: &[Value<'_>]) -> Result<Value<'static>, Exception> {
    let value = f(args, 0);
    let mut digits = 0;
    let mut mode = 0;
    for a in args.get(1..).unwrap_or(&[]) {
        match a {
            Value::MidpointRounding(m) => mode = *m,
            other => digits = int_of(Some(other)),
        }
    }
    if !(0..=15).contains(&digits) {
        return Err(out_of_range(
            "digits",
            "Rounding digits must be between 0 and 15, inclusive.",
        ));
    }
    if mode > 4 {
        return Err(argument(
            "mode",
            &format!(
                "The value '{mode}' is not valid for this usage of the type MidpointRounding."
            ),
        ));
    }
    if value.abs() >= 1e16 || !value.is_finite() {
        return Ok(Value::Double(value));
    }
    let power = 10f64.powi(i32::try_from(digits).unwrap_or(0));
    Ok(Value::Double(round_mode(value * power, mode) / power))
}

macro_rules! m {
    ($name:literal, [$($p:expr),*] => $r:expr, $f:expr) => {
        StaticMethodDef {
            name: $name,
            owner: StaticType::Math,
            params: &[$($p),*],
            result: $r,
            call: $f,
        }
    };
}

fn unary(args: &[Value<'_>], op: fn(f64) -> f64) -> Result<Value<'static>, Exception> {
    Ok(Value::Double(op(f(args, 0))))
}

pub(crate) const STATICS: &[StaticDef] = &[
    StaticDef {
        name: "PI",
        owner: StaticType::Math,
        ty: Type::Double,
        get: |_| Ok(Value::Double(std::f64::consts::PI)),
    },
    StaticDef {
        name: "E",
        owner: StaticType::Math,
        ty: Type::Double,
        get: |_| Ok(Value::Double(std::f64::consts::E)),
    },
];

pub(crate) const STATIC_METHODS: &[StaticMethodDef] = &[
    m!("Abs", [I] => I, |a, _| {
        let v = i32::try_from(int_of(a.first())).unwrap_or(0);
        v.checked_abs().map(Value::Int).ok_or_else(negate_min)
    }),
    m!("Abs", [L] => L, |a, _| int_of(a.first()).checked_abs().map(Value::Long).ok_or_else(negate_min)),
    m!("Abs", [D] => D, |a, _| unary(a, f64::abs)),
    m!("Max", [I, I] => I, |a, _| {
        Ok(Value::Int(i32::try_from(int_of(a.first()).max(int_of(a.get(1)))).unwrap_or(0)))
    }),
    m!("Max", [L, L] => L, |a, _| Ok(Value::Long(int_of(a.first()).max(int_of(a.get(1)))))),
    m!("Max", [D, D] => D, |a, _| Ok(Value::Double(max_f(f(a, 0), f(a, 1))))),
    m!("Min", [I, I] => I, |a, _| {
        Ok(Value::Int(i32::try_from(int_of(a.first()).min(int_of(a.get(1)))).unwrap_or(0)))
    }),
    m!("Min", [L, L] => L, |a, _| Ok(Value::Long(int_of(a.first()).min(int_of(a.get(1)))))),
    m!("Min", [D, D] => D, |a, _| Ok(Value::Double(min_f(f(a, 0), f(a, 1))))),
    m!("Round", [D] => D, |a, _| round(a)),
    m!("Round", [D, I] => D, |a, _| round(a)),
    m!("Round", [D, MR] => D, |a, _| round(a)),
    m!("Round", [D, I, MR] => D, |a, _| round(a)),
    m!("Floor", [D] => D, |a, _| unary(a, f64::floor)),
    m!("Ceiling", [D] => D, |a, _| unary(a, f64::ceil)),
    m!("Truncate", [D] => D, |a, _| unary(a, f64::trunc)),
    m!("Sqrt", [D] => D, |a, _| unary(a, f64::sqrt)),
    m!("Exp", [D] => D, |a, _| unary(a, f64::exp)),
    m!("Log", [D] => D, |a, _| unary(a, f64::ln)),
    m!("Log10", [D] => D, |a, _| unary(a, f64::log10)),
    m!("Pow", [D, D] => D, |a, _| Ok(Value::Double(f(a, 0).powf(f(a, 1))))),
    m!("Sign", [I] => I, |a, _| Ok(Value::Int(int_of(a.first()).signum() as i32))),
    m!("Sign", [L] => I, |a, _| Ok(Value::Int(int_of(a.first()).signum() as i32))),
    m!("Sign", [D] => I, |a, _| {
        let v = f(a, 0);
        if v.is_nan() {
            return Err(Exception::new(
                ExceptionKind::Arithmetic,
                "Function does not accept floating point Not-a-Number values.",
                Span::default(),
            ));
        }
        Ok(Value::Int(if v > 0.0 {
            1
        } else if v < 0.0 {
            -1
        } else {
            0
        }))
    }),
];
