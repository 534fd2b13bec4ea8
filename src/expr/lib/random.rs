//! `System.Random`: `new Random()`, `new Random(seed)`, `Next()`, `Next(max)`, `Next(min, max)`,
//! `NextDouble()`. The generator is SplitMix64, not .NET's algorithm: a seeded `Random` gives
//! a reproducible sequence here, but not the numbers .NET would give for the same seed.
//! `new Random()` seeds from the OS generator.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::string::{int_of, out_of_range};
use super::{ConstructorDef, MethodDef};
use crate::diagnostic::Span;
use crate::expr::eval::{Exception, ExceptionKind};
use crate::expr::types::Type;
use crate::expr::value::Value;

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

fn next_u64(state: &AtomicU64) -> u64 {
    let mut z = state
        .fetch_add(GOLDEN, Ordering::Relaxed)
        .wrapping_add(GOLDEN);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform integer in `[0, bound)` (`bound > 0`), by rejection to avoid modulo bias.
fn below(state: &AtomicU64, bound: u64) -> u64 {
    let zone = u64::MAX - (u64::MAX % bound);
    loop {
        let v = next_u64(state);
        if v < zone {
            return v % bound;
        }
    }
}

fn state<'v>(t: &'v Value<'_>) -> Option<&'v AtomicU64> {
    match t {
        Value::Random(s) => Some(s),
        _ => None,
    }
}

fn next(t: &Value<'_>, args: &[Value<'_>]) -> Result<Value<'static>, Exception> {
    let Some(s) = state(t) else {
        return Ok(Value::Null);
    };
    let (min, max) = match args {
        [] => (0, i64::from(i32::MAX)),
        [max] => {
            let max = int_of(Some(max));
            if max < 0 {
                return Err(out_of_range(
                    "maxValue",
                    &format!("maxValue ('{max}') must be a non-negative value."),
                ));
            }
            (0, max)
        }
        [min, max, ..] => {
            let (min, max) = (int_of(Some(min)), int_of(Some(max)));
            if min > max {
                return Err(out_of_range(
                    "minValue",
                    "'minValue' cannot be greater than maxValue.",
                ));
            }
            (min, max)
        }
    };
    let span = u64::try_from(max - min).unwrap_or(0);
    let v = if span == 0 {
        min
    } else {
        min + i64::try_from(below(s, span)).unwrap_or(0)
    };
    Ok(Value::Int(i32::try_from(v).unwrap_or(0)))
}

fn seeded(seed: u64) -> Value<'static> {
    Value::Random(Arc::new(AtomicU64::new(seed)))
}

pub(crate) const CONSTRUCTORS: &[ConstructorDef] = &[
    ConstructorDef {
        type_name: "Random",
        params: &[],
        result: Type::Random,
        call: |_, _| {
            let mut seed = [0u8; 8];
            getrandom::fill(&mut seed).map_err(|e| {
                Exception::new(
                    ExceptionKind::InvalidOperation,
                    format!("No random source: {e}"),
                    Span::default(),
                )
            })?;
            Ok(seeded(u64::from_le_bytes(seed)))
        },
    },
    ConstructorDef {
        type_name: "Random",
        params: &[Type::Int32],
        result: Type::Random,
        call: |a, _| Ok(seeded(int_of(a.first()) as u64)),
    },
];

pub(crate) const METHODS: &[MethodDef] = &[
    MethodDef {
        name: "Next",
        owner: Type::Random,
        params: &[],
        result: Type::Int32,
        call: |t, a, _| next(t, a),
    },
    MethodDef {
        name: "Next",
        owner: Type::Random,
        params: &[Type::Int32],
        result: Type::Int32,
        call: |t, a, _| next(t, a),
    },
    MethodDef {
        name: "Next",
        owner: Type::Random,
        params: &[Type::Int32, Type::Int32],
        result: Type::Int32,
        call: |t, a, _| next(t, a),
    },
    MethodDef {
        name: "NextDouble",
        owner: Type::Random,
        params: &[],
        result: Type::Double,
        call: |t, _, _| {
            let Some(s) = state(t) else {
                return Ok(Value::Null);
            };
            #[allow(clippy::cast_precision_loss)]
            let v = (next_u64(s) >> 11) as f64 / (1u64 << 53) as f64;
            Ok(Value::Double(v))
        },
    },
];
