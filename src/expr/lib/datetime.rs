//! `DateTime`: the clock statics (`Now`, `UtcNow`) read the request's evaluation time.

use super::StaticDef;
use crate::expr::types::{StaticType, Type};
use crate::expr::value::{DateTime, Value};

pub(crate) const STATICS: &[StaticDef] = &[
    StaticDef {
        name: "UtcNow",
        owner: StaticType::DateTime,
        ty: Type::DateTime,
        get: |context| {
            Ok(Value::DateTime(DateTime::from_unix_seconds(
                context.time().unix_seconds(),
            )))
        },
    },
    // The gateway runs in UTC, so local time is UTC (divergence ledger: time zone).
    StaticDef {
        name: "Now",
        owner: StaticType::DateTime,
        ty: Type::DateTime,
        get: |context| {
            Ok(Value::DateTime(DateTime::from_unix_seconds(
                context.time().unix_seconds(),
            )))
        },
    },
];
