//! Numeric literals: from the written shape to a typed [`Literal`] (C# spec §6.4.5.3 "Integer
//! literals" and §6.4.5.4 "Real literals", with C# 7 `0b` binary literals and `_` separators).

use crate::expr::ast::Literal;

/// Interprets the text of a numeric literal. The error is the message for the author.
pub(super) fn number(text: &str) -> Result<Literal, String> {
    let invalid = || format!("invalid numeric literal `{text}`");
    let lower = text.to_ascii_lowercase();
    if let Some(digits) = lower.strip_prefix("0x") {
        let (body, suffix) = split_int_suffix(digits);
        let value = radix_value(body, 16).ok_or_else(invalid)?;
        return integer(value, suffix, text);
    }
    if let Some(digits) = lower.strip_prefix("0b") {
        let (body, suffix) = split_int_suffix(digits);
        let value = radix_value(body, 2).ok_or_else(invalid)?;
        return integer(value, suffix, text);
    }
    let last = lower.chars().last().unwrap_or('0');
    if matches!(last, 'f' | 'd' | 'm') {
        let body = lower.get(..lower.len() - 1).unwrap_or("");
        return real(body, last, text);
    }
    let (body, suffix) = split_int_suffix(&lower);
    if suffix.is_empty() && (body.contains('.') || body.contains('e')) {
        return real(body, 'd', text);
    }
    if !digit_run_ok(body, |c| c.is_ascii_digit()) {
        return Err(invalid());
    }
    let value = radix_value(body, 10).ok_or_else(invalid)?;
    integer(value, suffix, text)
}

/// Splits a trailing `u`, `l`, `ul`, `lu` (lower-cased already).
fn split_int_suffix(text: &str) -> (&str, &str) {
    for suffix in ["ul", "lu", "u", "l"] {
        if let Some(body) = text.strip_suffix(suffix) {
            return (body, suffix);
        }
    }
    (text, "")
}

/// A digit run with `_` only between digits.
fn digit_run_ok(run: &str, is_digit: impl Fn(char) -> bool) -> bool {
    !run.is_empty()
        && !run.starts_with('_')
        && !run.ends_with('_')
        && run.chars().all(|c| c == '_' || is_digit(c))
}

/// The value of digits in `radix`, `_` skipped; `None` if malformed or beyond `u64`.
/// (After `0x`/`0b` C# 7.2 allows a leading `_`.)
fn radix_value(body: &str, radix: u32) -> Option<u128> {
    let trimmed = if radix == 10 {
        body
    } else {
        body.trim_start_matches('_')
    };
    if trimmed.is_empty() || trimmed.ends_with('_') {
        return None;
    }
    let mut value: u128 = 0;
    for c in trimmed.chars() {
        if c == '_' {
            continue;
        }
        let d = c.to_digit(radix)?;
        value = value
            .checked_mul(u128::from(radix))?
            .checked_add(u128::from(d))?;
        if value > u128::from(u64::MAX) {
            // Keep reading so malformed digits still report as malformed, but cap the value.
            value = u128::from(u64::MAX) + 1;
        }
    }
    Some(value)
}

/// Types an integer literal as C# does (§6.4.5.3): the first of the candidate types that holds it.
fn integer(value: u128, suffix: &str, text: &str) -> Result<Literal, String> {
    let too_large = || format!("integral constant `{text}` is too large (beyond `ulong`)");
    let v = u64::try_from(value).map_err(|_| too_large())?;
    Ok(match suffix {
        "" => {
            if let Ok(i) = i32::try_from(v) {
                Literal::Int(i)
            } else if let Ok(u) = u32::try_from(v) {
                Literal::UInt(u)
            } else if let Ok(l) = i64::try_from(v) {
                Literal::Long(l)
            } else {
                Literal::ULong(v)
            }
        }
        "u" => match u32::try_from(v) {
            Ok(u) => Literal::UInt(u),
            Err(_) => Literal::ULong(v),
        },
        "l" => match i64::try_from(v) {
            Ok(l) => Literal::Long(l),
            Err(_) => Literal::ULong(v),
        },
        _ => Literal::ULong(v),
    })
}

/// A real literal body (suffix removed, lower-cased) with its suffix `f`, `d` or `m`.
fn real(body: &str, suffix: char, text: &str) -> Result<Literal, String> {
    let invalid = || format!("invalid numeric literal `{text}`");
    let (mantissa, exponent) = match body.split_once('e') {
        Some((m, e)) => (m, Some(e)),
        None => (body, None),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |run: &str| digit_run_ok(run, |c| c.is_ascii_digit());
    let int_ok = if frac_part.is_some() {
        int_part.is_empty() || digits(int_part)
    } else {
        digits(int_part)
    };
    let frac_ok = frac_part.is_none_or(digits);
    let exp_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        digits(e)
    });
    if !(int_ok && frac_ok && exp_ok) {
        return Err(invalid());
    }
    let clean: String = body.chars().filter(|c| *c != '_').collect();
    match suffix {
        'f' => {
            let v: f32 = clean.parse().map_err(|_| invalid())?;
            if v.is_infinite() {
                return Err(format!(
                    "floating-point constant `{text}` is outside the range of type `float`"
                ));
            }
            Ok(Literal::Float(v))
        }
        'm' => {
            // Kept as written (without `_` and suffix) for exact decimal arithmetic.
            let written: String = text
                .chars()
                .filter(|c| *c != '_')
                .take_while(|c| !matches!(c, 'm' | 'M'))
                .collect();
            Ok(Literal::Decimal(written))
        }
        _ => {
            let v: f64 = clean.parse().map_err(|_| invalid())?;
            if v.is_infinite() {
                return Err(format!(
                    "floating-point constant `{text}` is outside the range of type `double`"
                ));
            }
            Ok(Literal::Double(v))
        }
    }
}
