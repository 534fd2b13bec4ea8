//! LINQ (`System.Linq.Enumerable`) over the sequences policies meet: `string[]`, `byte[]`,
//! `JArray`/`JToken`, `context.Deployment.Certificates`, certificate extensions and OIDs, a
//! string's characters, and the results of LINQ itself. Also the dictionary members of
//! `context.Deployment.Certificates` and its `KeyValuePair` items.
//!
//! Counting and searching operators walk the source in place (no allocation, so
//! `Certificates.Any(...)` on the hot path stays allocation-free); operators that produce a
//! sequence materialise it.

use std::cmp::Ordering;
use std::sync::Arc;

use super::MemberDef;
use crate::diagnostic::Span;
use crate::expr::eval::{CompareKind, CompareOp, Exception, ExceptionKind, compare_values};
use crate::expr::types::Type;
use crate::expr::value::Value;

pub(crate) const MEMBERS: &[MemberDef] = &[
    MemberDef {
        name: "Count",
        owner: Type::CertificateDictionary,
        ty: Type::Int32,
        get: |t, _| match t {
            Value::CertificateDictionary(items) => {
                Ok(Value::Int(i32::try_from(items.len()).unwrap_or(i32::MAX)))
            }
            _ => Ok(Value::Null),
        },
    },
    MemberDef {
        name: "Key",
        owner: Type::CertificateEntry,
        ty: Type::String,
        get: |t, _| match t {
            Value::CertificateEntry(entry) => Ok(Value::Str(&entry.id)),
            _ => Ok(Value::Null),
        },
    },
    MemberDef {
        name: "Value",
        owner: Type::CertificateEntry,
        ty: Type::X509Certificate2,
        get: |t, _| match t {
            Value::CertificateEntry(entry) => Ok(Value::Certificate(&entry.certificate)),
            _ => Ok(Value::Null),
        },
    },
];

/// The `IEnumerable<T>` element type of a type, if LINQ can walk it.
pub(crate) fn element_type(ty: Type) -> Option<Type> {
    Some(match ty {
        Type::StringArray => Type::String,
        Type::ByteArray => Type::Byte,
        Type::CertificateDictionary => Type::CertificateEntry,
        Type::OidCollection => Type::Oid,
        Type::X509ExtensionCollection => Type::X509Extension,
        Type::JArray | Type::JToken | Type::JObject => Type::JToken,
        Type::String | Type::CharArray => Type::Char,
        Type::Sequence(element) => *element,
        Type::Array(element) | Type::List(element) | Type::HashSet(element) => *element,
        Type::Dictionary(pair) => Type::KeyValuePair(pair),
        Type::MatchCollection => Type::Match,
        Type::GroupCollection => Type::Group,
        _ => return None,
    })
}

/// `IEnumerable<element>` as a type (`None` once the type interner is full).
pub(crate) fn sequence_of(element: Type) -> Option<Type> {
    crate::expr::types::intern(element).map(Type::Sequence)
}

/// Item `index` of a sequence, or `None` past its end.
pub(crate) fn item_at<'a>(
    collection: &Value<'a>,
    index: usize,
    span: Span,
) -> Result<Option<Value<'a>>, Exception> {
    Ok(match collection {
        Value::Null => {
            return Err(Exception::new(
                ExceptionKind::ArgumentNull,
                "Value cannot be null. (Parameter 'source')",
                span,
            ));
        }
        Value::StringSlice(items) => items.get(index).map(|s| Value::Str(s)),
        Value::Bytes(b) => b.get(index).map(|b| Value::Byte(*b)),
        Value::ByteArray(b) => b.get(index).map(|b| Value::Byte(*b)),
        Value::CertificateDictionary(items) => items.get(index).map(Value::CertificateEntry),
        Value::Oids(items) => items
            .get(index)
            .map(|o| Value::Oid(&o.value, o.friendly_name)),
        Value::Extensions(items) => items.get(index).map(Value::Extension),
        Value::Str(s) => s.chars().nth(index).map(Value::Char),
        Value::String(s) => s.chars().nth(index).map(Value::Char),
        Value::Sequence(items) => items.get(index).cloned(),
        Value::Strings(items) => items.get(index).map(|s| {
            s.as_ref()
                .map_or(Value::Null, |s| Value::String(Arc::clone(s)))
        }),
        Value::Chars(items) => items.get(index).map(|c| Value::Char(*c)),
        Value::Collection(c) => c.item_at(index),
        Value::JsonNode(_) => super::json::item(collection, index, span)?,
        Value::Json(token) => match &**token {
            serde_json::Value::Array(items) => {
                items.get(index).map(|t| Value::Json(Arc::new(t.clone())))
            }
            serde_json::Value::Object(map) => map.iter().nth(index).map(|(k, v)| {
                let mut property = serde_json::Map::new();
                property.insert(k.clone(), v.clone());
                Value::Json(Arc::new(serde_json::Value::Object(property)))
            }),
            _ => {
                return Err(Exception::new(
                    ExceptionKind::InvalidOperation,
                    "Cannot access child value on Newtonsoft.Json.Linq.JValue.",
                    span,
                ));
            }
        },
        _ => None,
    })
}

/// The LINQ operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinqOp {
    Any,
    All,
    Count,
    First,
    FirstOrDefault,
    Last,
    LastOrDefault,
    Single,
    SingleOrDefault,
    Where,
    Select,
    Contains,
    ToArray,
    Distinct,
    Skip,
    Take,
    ElementAt,
    OrderBy,
    OrderByDescending,
    Sum,
    Min,
    Max,
}

/// What a LINQ call takes besides its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinqArg {
    /// Nothing.
    None,
    /// A lambda over the element: a predicate (`bool`), a selector or a key.
    Lambda,
    /// A value (`Contains(x)`, `Skip(n)`).
    Value,
}

/// The operator `name` with `count` arguments, and whether its argument is a lambda.
pub(crate) fn operator(name: &str, count: usize, lambda: bool) -> Option<(LinqOp, LinqArg)> {
    use LinqOp::*;
    let op = match name {
        "Any" => Any,
        "All" => All,
        "Count" => Count,
        "First" => First,
        "FirstOrDefault" => FirstOrDefault,
        "Last" => Last,
        "LastOrDefault" => LastOrDefault,
        "Single" => Single,
        "SingleOrDefault" => SingleOrDefault,
        "Where" => Where,
        "Select" => Select,
        "Contains" => Contains,
        "ToArray" | "ToList" => ToArray,
        "Distinct" => Distinct,
        "Skip" => Skip,
        "Take" => Take,
        "ElementAt" => ElementAt,
        "OrderBy" => OrderBy,
        "OrderByDescending" => OrderByDescending,
        "Sum" => Sum,
        "Min" => Min,
        "Max" => Max,
        _ => return None,
    };
    let arg = match (count, lambda) {
        (0, _) => LinqArg::None,
        (1, true) => LinqArg::Lambda,
        (1, false) => LinqArg::Value,
        _ => return None,
    };
    let fits = match op {
        All | Where | Select | OrderBy | OrderByDescending => arg == LinqArg::Lambda,
        Any | Count | First | FirstOrDefault | Last | LastOrDefault | Single | SingleOrDefault
        | Sum | Min | Max => arg != LinqArg::Value,
        Contains | Skip | Take | ElementAt => arg == LinqArg::Value,
        ToArray | Distinct => arg == LinqArg::None,
    };
    fits.then_some((op, arg))
}

/// How elements of `ty` compare (equality for Contains/Distinct, order for OrderBy/Min/Max).
pub(crate) fn comparison(ty: Type) -> CompareKind {
    match ty {
        Type::String => CompareKind::String,
        Type::Boolean => CompareKind::Bool,
        Type::Double => CompareKind::Double,
        Type::DateTime => CompareKind::DateTime,
        Type::Decimal => CompareKind::Decimal,
        Type::DateTimeOffset => CompareKind::DateTimeOffset,
        t if t.is_numeric() => CompareKind::Integer,
        _ => CompareKind::Reference,
    }
}

fn no_elements(span: Span) -> Exception {
    Exception::new(
        ExceptionKind::InvalidOperation,
        "Sequence contains no elements",
        span,
    )
}

fn truth(value: &Value<'_>, span: Span) -> Result<bool, Exception> {
    match value {
        Value::Bool(b) => Ok(*b),
        _ => Err(Exception::new(
            ExceptionKind::InvalidCast,
            "Specified cast is not valid.",
            span,
        )),
    }
}

fn order(kind: CompareKind, a: &Value<'_>, b: &Value<'_>) -> Ordering {
    if compare_values(CompareOp::Less, kind, a, b) {
        Ordering::Less
    } else if compare_values(CompareOp::Greater, kind, a, b) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

fn index_arg(arg: Option<&Value<'_>>) -> i64 {
    match arg {
        Some(Value::Int(n)) => i64::from(*n),
        Some(Value::Long(n)) => *n,
        _ => 0,
    }
}

/// Runs `op` over `source`. `lambda` evaluates the call's lambda for one item; `arg` is the
/// call's value argument; `kind` compares elements (or keys, for `OrderBy`).
pub(crate) fn run<'a>(
    op: LinqOp,
    source: &Value<'a>,
    lambda: &mut dyn FnMut(Value<'a>) -> Result<Value<'a>, Exception>,
    has_lambda: bool,
    arg: Option<Value<'a>>,
    kind: CompareKind,
    span: Span,
) -> Result<Value<'a>, Exception> {
    use LinqOp::*;
    let mut i = 0usize;
    let next = |i: &mut usize| -> Result<Option<Value<'a>>, Exception> {
        let item = item_at(source, *i, span)?;
        *i += 1;
        Ok(item)
    };
    let mut test = |item: &Value<'a>| -> Result<bool, Exception> {
        if has_lambda {
            truth(&lambda(item.clone())?, span)
        } else {
            Ok(true)
        }
    };
    match op {
        Any => {
            while let Some(item) = next(&mut i)? {
                if test(&item)? {
                    return Ok(Value::Bool(true));
                }
            }
            Ok(Value::Bool(false))
        }
        All => {
            while let Some(item) = next(&mut i)? {
                if !test(&item)? {
                    return Ok(Value::Bool(false));
                }
            }
            Ok(Value::Bool(true))
        }
        Count => {
            let mut n = 0i32;
            while let Some(item) = next(&mut i)? {
                if test(&item)? {
                    n = n.checked_add(1).ok_or_else(|| {
                        Exception::new(
                            ExceptionKind::Overflow,
                            "Arithmetic operation resulted in an overflow.",
                            span,
                        )
                    })?;
                }
            }
            Ok(Value::Int(n))
        }
        First | FirstOrDefault => {
            while let Some(item) = next(&mut i)? {
                if test(&item)? {
                    return Ok(item);
                }
            }
            if op == FirstOrDefault {
                return Ok(crate::expr::convert::default_of(element_default(source)));
            }
            Err(if has_lambda {
                Exception::new(
                    ExceptionKind::InvalidOperation,
                    "Sequence contains no matching element",
                    span,
                )
            } else {
                no_elements(span)
            })
        }
        Last | LastOrDefault | Single | SingleOrDefault => {
            let mut found: Option<Value<'a>> = None;
            while let Some(item) = next(&mut i)? {
                if test(&item)? {
                    if matches!(op, Single | SingleOrDefault) && found.is_some() {
                        return Err(Exception::new(
                            ExceptionKind::InvalidOperation,
                            if has_lambda {
                                "Sequence contains more than one matching element"
                            } else {
                                "Sequence contains more than one element"
                            },
                            span,
                        ));
                    }
                    found = Some(item);
                }
            }
            match (found, op) {
                (Some(item), _) => Ok(item),
                (None, LastOrDefault | SingleOrDefault) => Ok(Value::Null),
                (None, _) if has_lambda => Err(Exception::new(
                    ExceptionKind::InvalidOperation,
                    "Sequence contains no matching element",
                    span,
                )),
                (None, _) => Err(no_elements(span)),
            }
        }
        Contains => {
            let wanted = arg.unwrap_or(Value::Null);
            while let Some(item) = next(&mut i)? {
                if compare_values(CompareOp::Equal, kind, &item, &wanted) {
                    return Ok(Value::Bool(true));
                }
            }
            Ok(Value::Bool(false))
        }
        ElementAt => {
            let n = index_arg(arg.as_ref());
            usize::try_from(n)
                .ok()
                .map(|n| item_at(source, n, span))
                .transpose()?
                .flatten()
                .ok_or_else(|| Exception::new(ExceptionKind::Argument, "Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index')", span))
        }
        Where | ToArray | Distinct | Skip | Take => {
            let (skip, take) = match op {
                Skip => (
                    usize::try_from(index_arg(arg.as_ref())).unwrap_or(0),
                    usize::MAX,
                ),
                Take => (0, usize::try_from(index_arg(arg.as_ref())).unwrap_or(0)),
                _ => (0, usize::MAX),
            };
            let mut out: Vec<Value<'a>> = Vec::new();
            let mut position = 0usize;
            while let Some(item) = next(&mut i)? {
                position += 1;
                if position <= skip {
                    continue;
                }
                if out.len() >= take {
                    break;
                }
                if op == Where && !test(&item)? {
                    continue;
                }
                if op == Distinct
                    && out
                        .iter()
                        .any(|seen| compare_values(CompareOp::Equal, kind, seen, &item))
                {
                    continue;
                }
                out.push(item);
            }
            Ok(Value::Sequence(Arc::from(out)))
        }
        Select => {
            let mut out = Vec::new();
            while let Some(item) = next(&mut i)? {
                out.push(lambda(item)?);
            }
            Ok(Value::Sequence(Arc::from(out)))
        }
        OrderBy | OrderByDescending => {
            let mut keyed = Vec::new();
            while let Some(item) = next(&mut i)? {
                let key = lambda(item.clone())?;
                keyed.push((key, item));
            }
            // A stable sort, as Enumerable.OrderBy is.
            keyed.sort_by(|(a, _), (b, _)| {
                let o = order(kind, a, b);
                if op == OrderByDescending {
                    o.reverse()
                } else {
                    o
                }
            });
            Ok(Value::Sequence(
                keyed.into_iter().map(|(_, item)| item).collect(),
            ))
        }
        Sum | Min | Max => {
            let mut acc: Option<Value<'a>> = None;
            while let Some(item) = next(&mut i)? {
                let value = if has_lambda { lambda(item)? } else { item };
                acc = Some(match (acc, op) {
                    (None, _) => value,
                    (Some(a), Sum) => add(&a, &value, span)?,
                    (Some(a), Min) => {
                        if order(kind, &value, &a) == Ordering::Less {
                            value
                        } else {
                            a
                        }
                    }
                    (Some(a), _) => {
                        if order(kind, &value, &a) == Ordering::Greater {
                            value
                        } else {
                            a
                        }
                    }
                });
            }
            match (acc, op) {
                (Some(v), _) => Ok(v),
                (None, Sum) => Ok(Value::Int(0)),
                (None, _) => Err(no_elements(span)),
            }
        }
    }
}

fn add<'a>(a: &Value<'a>, b: &Value<'a>, span: Span) -> Result<Value<'a>, Exception> {
    let overflow = || {
        Exception::new(
            ExceptionKind::Overflow,
            "Arithmetic operation resulted in an overflow.",
            span,
        )
    };
    Ok(match (a, b) {
        (Value::Int(x), Value::Int(y)) => Value::Int(x.checked_add(*y).ok_or_else(overflow)?),
        (Value::Long(x), Value::Long(y)) => Value::Long(x.checked_add(*y).ok_or_else(overflow)?),
        (Value::Double(x), Value::Double(y)) => Value::Double(x + y),
        (Value::Decimal(_), _) | (_, Value::Decimal(_)) => {
            match (super::decimal::decimal_of(a), super::decimal::decimal_of(b)) {
                (Some(x), Some(y)) => {
                    Value::Decimal(x.checked_add(y).ok_or_else(super::decimal::overflow)?)
                }
                _ => Value::Null,
            }
        }
        _ => {
            return Err(Exception::new(
                ExceptionKind::InvalidOperation,
                "Sum is defined for numbers only.",
                span,
            ));
        }
    })
}

/// The default element of a sequence for `FirstOrDefault` (value-type elements give 0/false).
fn element_default(source: &Value<'_>) -> Type {
    match source {
        Value::Bytes(_) | Value::ByteArray(_) => Type::Byte,
        Value::Str(_) | Value::String(_) => Type::Char,
        Value::Collection(c) => element_type(c.ty).unwrap_or(Type::Object),
        _ => Type::Object,
    }
}
