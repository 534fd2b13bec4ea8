//! C#'s integral, bitwise, shift and `checked` operators (ECMA-334 §12.11, §12.13, §12.8.20):
//! `<<` `>>` `&` `|` `^` `~` on `int`/`long`, the logical `&` `|` `^` on `bool`, `[Flags]`
//! enum `&` `|` `^`, and overflow-checked `+` `-` `*` and unary `-` inside `checked(...)`.
//! The compiler picks one of these functions at load; `Node::Operator` lifts `null` operands
//! (nullable values) to `null` before calling them.

use super::ast::BinaryOp;
use super::eval::{Exception, ExceptionKind, MethodFn, OperatorFn};
use super::types::Type;
use super::value::Value;
use crate::context::Context;
use crate::diagnostic::Span;

/// The integral type C#'s unary/binary numeric promotion gives a shift or bitwise operand:
/// `int` for `int`, `char` and `byte`; `long` for `long`; `None` for anything else.
fn integral(ty: Type) -> Option<Type> {
    match ty {
        Type::Int32 | Type::Char | Type::Byte => Some(Type::Int32),
        Type::Int64 => Some(Type::Int64),
        _ => None,
    }
}

fn int_of(value: &Value<'_>) -> Option<i64> {
    match value {
        Value::Int(i) => Some(i64::from(*i)),
        Value::Long(i) => Some(*i),
        Value::Char(c) => Some(i64::from(u32::from(*c))),
        Value::Byte(b) => Some(i64::from(*b)),
        _ => None,
    }
}

fn invalid_cast() -> Exception {
    Exception::new(
        ExceptionKind::InvalidCast,
        "Specified cast is not valid.",
        Span::default(),
    )
}

/// The overflow exception `checked` arithmetic throws.
pub(crate) fn overflow() -> Exception {
    Exception::new(
        ExceptionKind::Overflow,
        "Arithmetic operation resulted in an overflow.",
        Span::default(),
    )
}

fn ints<'a>(a: &Value<'a>, b: &Value<'a>) -> Result<(i64, i64), Exception> {
    match (int_of(a), int_of(b)) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(invalid_cast()),
    }
}

fn bools<'a>(a: &Value<'a>, b: &Value<'a>) -> Result<(bool, bool), Exception> {
    match (a, b) {
        (Value::Bool(a), Value::Bool(b)) => Ok((*a, *b)),
        _ => Err(invalid_cast()),
    }
}

#[allow(clippy::cast_possible_truncation)]
fn int32(v: i64) -> Value<'static> {
    Value::Int(v as i32)
}

/// `left op right` for `<<`, `>>`, `&`, `|`, `^` on integral or `bool` operands (and `&`, `|`,
/// `^` on two values of one flags enum): the function and the result type, or `None` when C#
/// defines no such operator.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub(crate) fn operator(op: BinaryOp, left: Type, right: Type) -> Option<(OperatorFn, Type)> {
    match op {
        BinaryOp::ShiftLeft | BinaryOp::ShiftRight => {
            let ty = integral(left)?;
            // The count is an `int` (or converts to one implicitly); `long` counts do not.
            if integral(right)? != Type::Int32 {
                return None;
            }
            let call: OperatorFn = match (op, ty) {
                // §12.11: the count is masked to 5 bits for int, 6 bits for long.
                (BinaryOp::ShiftLeft, Type::Int32) => |a, b| {
                    let (a, b) = ints(a, b)?;
                    Ok(Value::Int((a as i32).wrapping_shl((b & 31) as u32)))
                },
                (BinaryOp::ShiftRight, Type::Int32) => |a, b| {
                    let (a, b) = ints(a, b)?;
                    Ok(Value::Int((a as i32).wrapping_shr((b & 31) as u32)))
                },
                (BinaryOp::ShiftLeft, _) => |a, b| {
                    let (a, b) = ints(a, b)?;
                    Ok(Value::Long(a.wrapping_shl((b & 63) as u32)))
                },
                _ => |a, b| {
                    let (a, b) = ints(a, b)?;
                    Ok(Value::Long(a.wrapping_shr((b & 63) as u32)))
                },
            };
            Some((call, ty))
        }
        BinaryOp::BitwiseAnd | BinaryOp::BitwiseOr | BinaryOp::BitwiseXor => {
            if left == Type::Boolean && right == Type::Boolean {
                let call: OperatorFn = match op {
                    BinaryOp::BitwiseAnd => |a, b| bools(a, b).map(|(a, b)| Value::Bool(a & b)),
                    BinaryOp::BitwiseOr => |a, b| bools(a, b).map(|(a, b)| Value::Bool(a | b)),
                    _ => |a, b| bools(a, b).map(|(a, b)| Value::Bool(a ^ b)),
                };
                return Some((call, Type::Boolean));
            }
            if left == Type::X509KeyUsageFlags && right == Type::X509KeyUsageFlags {
                let call: OperatorFn = match op {
                    BinaryOp::BitwiseAnd => |a, b| flags(a, b, |a, b| a & b),
                    BinaryOp::BitwiseOr => |a, b| flags(a, b, |a, b| a | b),
                    _ => |a, b| flags(a, b, |a, b| a ^ b),
                };
                return Some((call, Type::X509KeyUsageFlags));
            }
            let (l, r) = (integral(left)?, integral(right)?);
            if l == Type::Int32 && r == Type::Int32 {
                let call: OperatorFn = match op {
                    BinaryOp::BitwiseAnd => |a, b| ints(a, b).map(|(a, b)| int32(a & b)),
                    BinaryOp::BitwiseOr => |a, b| ints(a, b).map(|(a, b)| int32(a | b)),
                    _ => |a, b| ints(a, b).map(|(a, b)| int32(a ^ b)),
                };
                return Some((call, Type::Int32));
            }
            let call: OperatorFn = match op {
                BinaryOp::BitwiseAnd => |a, b| ints(a, b).map(|(a, b)| Value::Long(a & b)),
                BinaryOp::BitwiseOr => |a, b| ints(a, b).map(|(a, b)| Value::Long(a | b)),
                _ => |a, b| ints(a, b).map(|(a, b)| Value::Long(a ^ b)),
            };
            Some((call, Type::Int64))
        }
        _ => None,
    }
}

fn flags<'a>(a: &Value<'a>, b: &Value<'a>, f: fn(u32, u32) -> u32) -> Result<Value<'a>, Exception> {
    match (a, b) {
        (Value::KeyUsageFlags(a), Value::KeyUsageFlags(b)) => Ok(Value::KeyUsageFlags(f(*a, *b))),
        _ => Err(invalid_cast()),
    }
}

/// `~x` on an integral operand (a method with no arguments on the operand): the function and
/// the result type.
pub(crate) fn bitwise_not(operand: Type) -> Option<(MethodFn, Type)> {
    match operand {
        Type::X509KeyUsageFlags => Some((
            |v, _, _: &Context| match v {
                Value::KeyUsageFlags(f) => Ok(Value::KeyUsageFlags(!*f)),
                _ => Err(invalid_cast()),
            },
            Type::X509KeyUsageFlags,
        )),
        _ => match integral(operand)? {
            Type::Int32 => Some((
                |v, _, _: &Context| int_of(v).map(|i| int32(!i)).ok_or_else(invalid_cast),
                Type::Int32,
            )),
            _ => Some((
                |v, _, _: &Context| int_of(v).map(|i| Value::Long(!i)).ok_or_else(invalid_cast),
                Type::Int64,
            )),
        },
    }
}

/// `left op right` for `+`, `-`, `*` on `int`/`long` inside `checked(...)`: throws
/// `OverflowException` where unchecked arithmetic wraps.
pub(crate) fn checked_operator(op: BinaryOp, ty: Type) -> Option<OperatorFn> {
    Some(match (op, ty) {
        (BinaryOp::Add, Type::Int32) => |a, b| checked32(a, b, i32::checked_add),
        (BinaryOp::Subtract, Type::Int32) => |a, b| checked32(a, b, i32::checked_sub),
        (BinaryOp::Multiply, Type::Int32) => |a, b| checked32(a, b, i32::checked_mul),
        (BinaryOp::Add, Type::Int64) => |a, b| checked64(a, b, i64::checked_add),
        (BinaryOp::Subtract, Type::Int64) => |a, b| checked64(a, b, i64::checked_sub),
        (BinaryOp::Multiply, Type::Int64) => |a, b| checked64(a, b, i64::checked_mul),
        _ => return None,
    })
}

#[allow(clippy::cast_possible_truncation)]
fn checked32<'a>(
    a: &Value<'a>,
    b: &Value<'a>,
    f: fn(i32, i32) -> Option<i32>,
) -> Result<Value<'a>, Exception> {
    let (a, b) = ints(a, b)?;
    f(a as i32, b as i32).map(Value::Int).ok_or_else(overflow)
}

fn checked64<'a>(
    a: &Value<'a>,
    b: &Value<'a>,
    f: fn(i64, i64) -> Option<i64>,
) -> Result<Value<'a>, Exception> {
    let (a, b) = ints(a, b)?;
    f(a, b).map(Value::Long).ok_or_else(overflow)
}
