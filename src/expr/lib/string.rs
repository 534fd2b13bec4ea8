//! `string` (instance and static members), `string[]`/`char[]` construction and access, and the
//! `StringComparison` / `StringSplitOptions` / `MidpointRounding` enums.
//!
//! .NET strings are UTF-16: every index, length and padding here counts UTF-16 code units, so
//! `"é😀".Length` is 3 as in .NET. Cutting a surrogate pair in half yields U+FFFD (Rust strings
//! cannot hold a lone surrogate). Culture-sensitive searches and equality (`IndexOf(string)`,
//! `StartsWith(string)`, `Equals`/`StartsWith`/... with `CurrentCulture*`/`InvariantCulture*`)
//! are evaluated with ordinal rules; case-insensitive variants compare the simple upper-case
//! mapping of each code unit (`OrdinalIgnoreCase`). Culture-sensitive *ordering* (`CompareTo`,
//! `string.Compare(a, b)`) approximates ICU's root collation, see `culture_compare`.

use std::cmp::Ordering;
use std::sync::Arc;

use super::{IndexerDef, MemberDef, MethodDef, StaticDef, StaticMethodDef};
use crate::diagnostic::Span;
use crate::expr::eval::{Exception, ExceptionKind, StaticMethodFn};
use crate::expr::types::{StaticType, Type};
use crate::expr::value::Value;

use Type::{Boolean as B, Char as C, CharArray as CA, Int32 as I, Object as O, String as S};
use Type::{StringArray as SA, StringComparison as SC, StringSplitOptions as SO};

fn text<'v>(value: &'v Value<'_>) -> &'v str {
    value.as_str().unwrap_or("")
}

/// A computed string value.
pub(super) fn owned(s: String) -> Value<'static> {
    Value::String(Arc::from(s))
}

/// `ArgumentNullException` for parameter `name`.
pub(super) fn argument_null(name: &str) -> Exception {
    Exception::new(
        ExceptionKind::ArgumentNull,
        format!("Value cannot be null. (Parameter '{name}')"),
        Span::default(),
    )
}

/// `ArgumentOutOfRangeException` for parameter `name` with .NET's resource text `message`.
pub(super) fn out_of_range(name: &str, message: &str) -> Exception {
    Exception::new(
        ExceptionKind::ArgumentOutOfRange,
        format!("{message} (Parameter '{name}')"),
        Span::default(),
    )
}

/// Longest string (UTF-16 units) padding or numeric formatting may build: beyond it the
/// evaluator throws `OutOfMemoryException` instead of allocating gigabytes on hostile input.
pub(super) const MAX_BUILT_LENGTH: usize = 1 << 24;

/// The `OutOfMemoryException` for a result beyond [`MAX_BUILT_LENGTH`].
pub(super) fn too_long() -> Exception {
    Exception::new(
        ExceptionKind::OutOfMemory,
        "Insufficient memory to continue the execution of the program.",
        Span::default(),
    )
}

/// `ArgumentException` for parameter `name`.
pub(super) fn argument(name: &str, message: &str) -> Exception {
    Exception::new(
        ExceptionKind::Argument,
        format!("{message} (Parameter '{name}')"),
        Span::default(),
    )
}

/// A `FormatException`.
pub(super) fn format_error(message: impl Into<String>) -> Exception {
    Exception::new(ExceptionKind::Format, message.into(), Span::default())
}

/// The integer an argument holds (`int`, `long`, `char`, `byte` widen implicitly).
pub(super) fn int_of(value: Option<&Value<'_>>) -> i64 {
    match value {
        Some(Value::Int(i)) => i64::from(*i),
        Some(Value::Long(i)) => *i,
        Some(Value::Char(c)) => i64::from(u32::from(*c)),
        Some(Value::Byte(b)) => i64::from(*b),
        _ => 0,
    }
}

fn arg_str<'v>(args: &'v [Value<'_>], i: usize, name: &str) -> Result<&'v str, Exception> {
    args.get(i)
        .and_then(Value::as_str)
        .ok_or_else(|| argument_null(name))
}

fn arg_char(args: &[Value<'_>], i: usize) -> char {
    match args.get(i) {
        Some(Value::Char(c)) => *c,
        _ => '\0',
    }
}

fn units(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

fn from_units(u: &[u16]) -> String {
    String::from_utf16_lossy(u)
}

fn count(n: usize) -> Value<'static> {
    Value::Int(i32::try_from(n).unwrap_or(i32::MAX))
}

fn index_value(i: Option<usize>) -> Value<'static> {
    i.map_or(Value::Int(-1), count)
}

/// The simple (one-to-one) upper-case mapping .NET's `ToUpperInvariant` uses.
pub(super) fn upper(c: char) -> char {
    let mut u = c.to_uppercase();
    match (u.next(), u.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

/// The simple (one-to-one) lower-case mapping.
pub(super) fn lower(c: char) -> char {
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

fn fold_unit(u: u16) -> u16 {
    char::from_u32(u32::from(u)).map_or(u, |c| {
        let up = upper(c);
        u16::try_from(u32::from(up)).unwrap_or(u)
    })
}

fn folded(s: &str, ignore_case: bool) -> Vec<u16> {
    if ignore_case {
        s.encode_utf16().map(fold_unit).collect()
    } else {
        units(s)
    }
}

fn find(hay: &[u16], needle: &[u16], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return (from <= hay.len()).then_some(from);
    }
    let last = hay.len().checked_sub(needle.len())?;
    (from..=last).find(|&i| hay.get(i..i + needle.len()) == Some(needle))
}

fn rfind(hay: &[u16], needle: &[u16]) -> Option<usize> {
    if needle.is_empty() {
        return Some(hay.len());
    }
    let last = hay.len().checked_sub(needle.len())?;
    (0..=last)
        .rev()
        .find(|&i| hay.get(i..i + needle.len()) == Some(needle))
}

/// The `StringComparison` argument at `i` (ordinal when absent).
fn comparison(args: &[Value<'_>], i: usize) -> Result<bool, Exception> {
    match args.get(i) {
        Some(Value::StringComparison(c)) if *c <= 5 => Ok(c % 2 == 1),
        None => Ok(false),
        _ => Err(argument(
            "comparisonType",
            "The string comparison type passed in is currently not supported.",
        )),
    }
}

fn is_white(u: u16) -> bool {
    char::from_u32(u32::from(u)).is_some_and(char::is_whitespace)
}

fn char_unit(c: char) -> Option<u16> {
    u16::try_from(u32::from(c)).ok()
}

/// The trim set of a `Trim(params char[])` call: `None` means white space.
fn trim_set(args: &[Value<'_>]) -> Option<Vec<u16>> {
    let mut set = Vec::new();
    for a in args {
        match a {
            Value::Char(c) => set.extend(char_unit(*c)),
            Value::Chars(cs) => set.extend(cs.iter().filter_map(|c| char_unit(*c))),
            _ => {}
        }
    }
    (!set.is_empty()).then_some(set)
}

fn trim(t: &Value<'_>, args: &[Value<'_>], start: bool, end: bool) -> Value<'static> {
    let u = units(text(t));
    let set = trim_set(args);
    let trimmed = |x: u16| set.as_ref().map_or_else(|| is_white(x), |s| s.contains(&x));
    let mut a = 0;
    let mut b = u.len();
    if start {
        while a < b && u.get(a).is_some_and(|x| trimmed(*x)) {
            a += 1;
        }
    }
    if end {
        while b > a && u.get(b - 1).is_some_and(|x| trimmed(*x)) {
            b -= 1;
        }
    }
    owned(from_units(u.get(a..b).unwrap_or(&[])))
}

fn case_map(t: &Value<'_>, f: fn(char) -> char) -> Value<'static> {
    owned(text(t).chars().map(f).collect())
}

/// Separators of a `Split` call: each a sequence of UTF-16 units; empty list = white space.
enum Separators {
    WhiteSpace,
    List(Vec<Vec<u16>>),
}

fn separators(arg: Option<&Value<'_>>) -> Separators {
    let list: Vec<Vec<u16>> = match arg {
        Some(Value::Char(c)) => vec![char_unit(*c).into_iter().collect()],
        Some(Value::Chars(cs)) => cs
            .iter()
            .map(|c| char_unit(*c).into_iter().collect())
            .collect(),
        Some(Value::Str(_) | Value::String(_)) => {
            let s = arg.map(text).unwrap_or("");
            if s.is_empty() {
                return Separators::List(Vec::new());
            }
            vec![units(s)]
        }
        Some(Value::Strings(items)) => items
            .iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .map(|s| units(s))
            .collect(),
        Some(Value::StringSlice(items)) => items
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| units(s))
            .collect(),
        _ => return Separators::WhiteSpace,
    };
    if list.is_empty()
        && matches!(
            arg,
            Some(Value::Chars(_) | Value::Strings(_) | Value::StringSlice(_) | Value::Null) | None
        )
    {
        Separators::WhiteSpace
    } else {
        Separators::List(list)
    }
}

/// `(position, length)` of every separator occurrence, left to right.
fn separator_positions(u: &[u16], seps: &Separators) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < u.len() {
        let hit = match seps {
            Separators::WhiteSpace => u.get(i).is_some_and(|x| is_white(*x)).then_some(1),
            Separators::List(list) => list
                .iter()
                .find(|s| !s.is_empty() && u.get(i..i + s.len()) == Some(s.as_slice()))
                .map(Vec::len),
        };
        match hit {
            Some(len) => {
                out.push((i, len));
                i += len;
            }
            None => i += 1,
        }
    }
    out
}

/// .NET's `String.SplitInternal` with its post-processing for `RemoveEmptyEntries` /
/// `TrimEntries` and the `count` limit.
fn split(
    t: &Value<'_>,
    seps: &Separators,
    count: i64,
    options: u8,
) -> Result<Value<'static>, Exception> {
    if count < 0 {
        return Err(out_of_range("count", "Count cannot be less than zero."));
    }
    if options > 3 {
        return Err(argument(
            "options",
            &format!("Value of flags is invalid: {options}."),
        ));
    }
    let omit = options & 1 != 0;
    let trim_entries = options & 2 != 0;
    let u = units(text(t));
    let trim_piece = |p: &[u16]| -> Vec<u16> {
        if !trim_entries {
            return p.to_vec();
        }
        let mut a = 0;
        let mut b = p.len();
        while a < b && p.get(a).is_some_and(|x| is_white(*x)) {
            a += 1;
        }
        while b > a && p.get(b - 1).is_some_and(|x| is_white(*x)) {
            b -= 1;
        }
        p.get(a..b).unwrap_or(&[]).to_vec()
    };
    let mut pieces: Vec<Vec<u16>> = Vec::new();
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    if count == 0 || (omit && u.is_empty()) {
        return Ok(strings(pieces));
    }
    let positions = separator_positions(&u, seps);
    if count == 1 || positions.is_empty() {
        let whole = trim_piece(&u);
        if !(omit && whole.is_empty()) {
            pieces.push(whole);
        }
        return Ok(strings(pieces));
    }
    let mut current = 0;
    let mut i = 0;
    while i < positions.len() {
        let Some(&(at, len)) = positions.get(i) else {
            break;
        };
        let piece = trim_piece(u.get(current..at).unwrap_or(&[]));
        if !(omit && piece.is_empty()) {
            pieces.push(piece);
        }
        current = at + len;
        if pieces.len() == count - 1 {
            if omit {
                // Skip separators that directly follow, so the remainder does not start empty.
                while let Some(&(next, next_len)) = positions.get(i + 1) {
                    if next != current {
                        break;
                    }
                    current += next_len;
                    i += 1;
                }
            }
            break;
        }
        i += 1;
    }
    let rest_piece = trim_piece(u.get(current..).unwrap_or(&[]));
    if !(omit && rest_piece.is_empty()) {
        pieces.push(rest_piece);
    }
    Ok(strings(pieces))
}

fn strings(pieces: Vec<Vec<u16>>) -> Value<'static> {
    Value::Strings(
        pieces
            .into_iter()
            .map(|p| Some(Arc::from(from_units(&p))))
            .collect(),
    )
}

fn split_call(t: &Value<'_>, args: &[Value<'_>]) -> Result<Value<'static>, Exception> {
    // Shapes: (seps...), (sep, options), (sep, count), (sep, count, options).
    let (sep_args, rest): (&[Value<'_>], &[Value<'_>]) = match args {
        [.., Value::Int(_) | Value::Long(_), Value::SplitOptions(_)] => {
            args.split_at(args.len().saturating_sub(2))
        }
        [.., Value::SplitOptions(_)] | [_, Value::Int(_) | Value::Long(_)] => {
            args.split_at(args.len().saturating_sub(1))
        }
        _ => (args, &[]),
    };
    let seps = if sep_args.len() > 1 {
        Separators::List(
            sep_args
                .iter()
                .filter_map(|a| match a {
                    Value::Char(c) => char_unit(*c).map(|u| vec![u]),
                    _ => None,
                })
                .collect(),
        )
    } else {
        separators(sep_args.first())
    };
    let mut count = i64::from(i32::MAX);
    let mut options = 0;
    for r in rest {
        match r {
            Value::SplitOptions(o) => options = *o,
            other => count = int_of(Some(other)),
        }
    }
    split(t, &seps, count, options)
}

fn substring(t: &Value<'_>, args: &[Value<'_>]) -> Result<Value<'static>, Exception> {
    let u = units(text(t));
    let len = i64::try_from(u.len()).unwrap_or(i64::MAX);
    let start = int_of(args.first());
    let length = if args.len() > 1 {
        int_of(args.get(1))
    } else {
        len.saturating_sub(start)
    };
    if start < 0 {
        return Err(out_of_range(
            "startIndex",
            "StartIndex cannot be less than zero.",
        ));
    }
    if start > len {
        return Err(out_of_range(
            "startIndex",
            "startIndex cannot be larger than length of string.",
        ));
    }
    if length < 0 {
        return Err(out_of_range("length", "Length cannot be less than zero."));
    }
    if start.saturating_add(length) > len {
        return Err(out_of_range(
            "length",
            "Index and length must refer to a location within the string.",
        ));
    }
    let a = usize::try_from(start).unwrap_or(0);
    let b = usize::try_from(start.saturating_add(length)).unwrap_or(0);
    Ok(owned(from_units(u.get(a..b).unwrap_or(&[]))))
}

fn index_of(t: &Value<'_>, args: &[Value<'_>], last: bool) -> Result<Value<'static>, Exception> {
    let (needle, ignore_case, start) = match args {
        [Value::Char(c), rest @ ..] => (
            char_unit(*c).into_iter().collect::<Vec<u16>>(),
            false,
            rest.first(),
        ),
        [n, rest @ ..] => {
            let s = n.as_str().ok_or_else(|| argument_null("value"))?;
            let (ignore, start) = match rest.first() {
                Some(Value::StringComparison(_)) => (comparison(rest, 0)?, None),
                other => (false, other),
            };
            (folded(s, ignore), ignore, start)
        }
        [] => return Ok(Value::Int(-1)),
    };
    let hay = folded(text(t), ignore_case);
    if last {
        return Ok(index_value(rfind(&hay, &needle)));
    }
    let from = match start {
        Some(v) => {
            let s = int_of(Some(v));
            if s < 0 || s > i64::try_from(hay.len()).unwrap_or(i64::MAX) {
                return Err(out_of_range(
                    "startIndex",
                    "Index was out of range. Must be non-negative and less than or equal to the size of the collection.",
                ));
            }
            usize::try_from(s).unwrap_or(0)
        }
        None => 0,
    };
    Ok(index_value(find(&hay, &needle, from)))
}

fn starts_ends(t: &Value<'_>, args: &[Value<'_>], end: bool) -> Result<Value<'static>, Exception> {
    let (needle, ignore) = match args.first() {
        Some(Value::Char(c)) => (char_unit(*c).into_iter().collect(), false),
        _ => {
            let s = arg_str(args, 0, "value")?;
            let ignore = comparison(args, 1)?;
            (folded(s, ignore), ignore)
        }
    };
    let hay = folded(text(t), ignore);
    if needle.is_empty() {
        return Ok(Value::Bool(matches!(
            args.first(),
            Some(Value::Str(_) | Value::String(_))
        )));
    }
    Ok(Value::Bool(if end {
        hay.ends_with(&needle)
    } else {
        hay.starts_with(&needle)
    }))
}

fn ordinal_compare(a: Option<&str>, b: Option<&str>, ignore: bool) -> i32 {
    match (a, b) {
        (None, None) => 0,
        (None, Some(_)) => -1,
        (Some(_), None) => 1,
        (Some(a), Some(b)) => match folded(a, ignore).cmp(&folded(b, ignore)) {
            Ordering::Less => -1,
            Ordering::Equal => 0,
            Ordering::Greater => 1,
        },
    }
}

/// The primary weight of a character in the approximation of ICU's root collation used for
/// culture-sensitive comparisons: white space and punctuation, then digits, then letters
/// (case-insensitively), then everything else by code point.
fn primary(c: char) -> (u8, u32) {
    if c.is_ascii_digit() {
        (1, u32::from(c))
    } else if c.is_ascii_alphabetic() {
        (2, u32::from(c.to_ascii_lowercase()))
    } else if c.is_ascii() {
        (0, u32::from(c))
    } else {
        (3, u32::from(lower(c)))
    }
}

/// Culture-sensitive `Compare`/`CompareTo` (en-US/invariant with ICU), approximated: letters
/// compare alphabetically regardless of case, a lower-case letter sorts before its upper-case
/// form when nothing else differs, punctuation sorts before digits and digits before letters.
/// Exact for ASCII letters and digits; other characters are ordered by code point.
fn culture_compare(a: Option<&str>, b: Option<&str>, ignore: bool) -> i32 {
    let (a, b) = match (a, b) {
        (None, None) => return 0,
        (None, Some(_)) => return -1,
        (Some(_), None) => return 1,
        (Some(a), Some(b)) => (a, b),
    };
    let sign = |o: Ordering| match o {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    };
    let primary_order = a.chars().map(primary).cmp(b.chars().map(primary));
    if primary_order != Ordering::Equal || ignore {
        return sign(primary_order);
    }
    for (x, y) in a.chars().zip(b.chars()) {
        if x != y {
            // Same primary weight, different case: lower case first.
            return if x.is_lowercase() { -1 } else { 1 };
        }
    }
    0
}

/// `String.Compare` under a `StringComparison`: ordinal for `Ordinal*`, else the culture
/// approximation.
fn compare_with(a: Option<&str>, b: Option<&str>, comparison: u8) -> i32 {
    match comparison {
        4 => ordinal_compare(a, b, false),
        5 => ordinal_compare(a, b, true),
        c => culture_compare(a, b, c % 2 == 1),
    }
}

fn equals(a: Option<&str>, b: Option<&str>, ignore: bool) -> bool {
    ordinal_compare(a, b, ignore) == 0
}

fn pad(t: &Value<'_>, args: &[Value<'_>], left: bool) -> Result<Value<'static>, Exception> {
    let width = int_of(args.first());
    if width < 0 {
        return Err(out_of_range("totalWidth", "Non-negative number required."));
    }
    let c = if args.len() > 1 {
        arg_char(args, 1)
    } else {
        ' '
    };
    let u = units(text(t));
    let width = usize::try_from(width).unwrap_or(0);
    if width > MAX_BUILT_LENGTH {
        return Err(too_long());
    }
    if width <= u.len() {
        return Ok(t.to_static().unwrap_or(Value::Null));
    }
    let fill = width - u.len();
    // A char outside the BMP cannot be one UTF-16 unit; `char` values here always are.
    let padding: String = std::iter::repeat_n(c, fill).collect();
    let s = from_units(&u);
    Ok(owned(if left {
        format!("{padding}{s}")
    } else {
        format!("{s}{padding}")
    }))
}

fn replace(t: &Value<'_>, args: &[Value<'_>]) -> Result<Value<'static>, Exception> {
    if let [Value::Char(a), Value::Char(b)] = args {
        return Ok(owned(
            text(t)
                .chars()
                .map(|c| if c == *a { *b } else { c })
                .collect(),
        ));
    }
    let old = arg_str(args, 0, "oldValue")?;
    if old.is_empty() {
        return Err(argument("oldValue", "The value cannot be an empty string."));
    }
    let new = args.get(1).and_then(Value::as_str).unwrap_or("");
    Ok(owned(text(t).replace(old, new)))
}

fn insert(t: &Value<'_>, args: &[Value<'_>]) -> Result<Value<'static>, Exception> {
    let value = arg_str(args, 1, "value")?;
    let u = units(text(t));
    let at = int_of(args.first());
    let at = usize::try_from(at)
        .ok()
        .filter(|a| *a <= u.len())
        .ok_or_else(|| {
            out_of_range(
                "startIndex",
                "Specified argument was out of the range of valid values.",
            )
        })?;
    let mut out = u.get(..at).unwrap_or(&[]).to_vec();
    out.extend(value.encode_utf16());
    out.extend_from_slice(u.get(at..).unwrap_or(&[]));
    Ok(owned(from_units(&out)))
}

fn remove(t: &Value<'_>, args: &[Value<'_>]) -> Result<Value<'static>, Exception> {
    let u = units(text(t));
    let len = i64::try_from(u.len()).unwrap_or(i64::MAX);
    let start = int_of(args.first());
    if start < 0 {
        return Err(out_of_range(
            "startIndex",
            "StartIndex cannot be less than zero.",
        ));
    }
    let count = if args.len() > 1 {
        let count = int_of(args.get(1));
        if count < 0 {
            return Err(out_of_range("count", "Count cannot be less than zero."));
        }
        if count > len - start {
            return Err(out_of_range(
                "count",
                "Index and count must refer to a location within the string.",
            ));
        }
        count
    } else {
        if start >= len {
            return Err(out_of_range(
                "startIndex",
                "startIndex must be less than length of string.",
            ));
        }
        len - start
    };
    let a = usize::try_from(start).unwrap_or(0);
    let b = usize::try_from(start + count).unwrap_or(0);
    let mut out = u.get(..a).unwrap_or(&[]).to_vec();
    out.extend_from_slice(u.get(b..).unwrap_or(&[]));
    Ok(owned(from_units(&out)))
}

/// The display text of a value inside `string.Concat` / `Join` / `Format` (null is empty).
fn display(v: &Value<'_>) -> String {
    v.to_display_string()
}

/// The items of an array argument (`string[]`, `object[]` via covariance), or `None`.
fn array_items(v: &Value<'_>) -> Option<Vec<Value<'static>>> {
    match v {
        Value::Strings(items) => Some(
            items
                .iter()
                .map(|s| {
                    s.as_ref()
                        .map_or(Value::Null, |s| Value::String(Arc::clone(s)))
                })
                .collect(),
        ),
        Value::StringSlice(items) => Some(
            items
                .iter()
                .map(|s| Value::String(Arc::from(s.as_str())))
                .collect(),
        ),
        _ => None,
    }
}

/// The display texts of an `IEnumerable<T>` argument (a LINQ result or a collection), or `None`.
fn enumerable_texts(v: &Value<'_>) -> Option<Vec<String>> {
    if !matches!(v, Value::Sequence(_) | Value::Collection(_)) {
        return None;
    }
    let mut out = Vec::new();
    while let Ok(Some(item)) = super::item_at(v, out.len(), Span::default()) {
        out.push(display(&item));
    }
    Some(out)
}

fn join(args: &[Value<'_>]) -> Result<Value<'static>, Exception> {
    let sep = match args.first() {
        Some(Value::Char(c)) => c.to_string(),
        Some(v) => display(v),
        None => String::new(),
    };
    let rest = args.get(1..).unwrap_or(&[]);
    let items: Vec<String> = match rest {
        [single] => match (array_items(single), enumerable_texts(single)) {
            (Some(items), _) => items.iter().map(display).collect(),
            (None, Some(texts)) => texts,
            (None, None) if single.is_null() => return Err(argument_null("value")),
            (None, None) => vec![display(single)],
        },
        many => many.iter().map(display).collect(),
    };
    Ok(owned(items.join(&sep)))
}

fn concat(args: &[Value<'_>]) -> Value<'static> {
    let mut out = String::new();
    if let [single] = args
        && let Some(items) = array_items(single)
    {
        for i in &items {
            out.push_str(&display(i));
        }
        return owned(out);
    }
    if let [single] = args
        && let Some(texts) = enumerable_texts(single)
    {
        return owned(texts.concat());
    }
    for a in args {
        out.push_str(&display(a));
    }
    owned(out)
}

/// `string.Format`: composite formatting `{index[,alignment][:format]}` with `{{`/`}}` escapes.
fn format(args: &[Value<'_>]) -> Result<Value<'static>, Exception> {
    let template = arg_str(args, 0, "format")?;
    let rest = args.get(1..).unwrap_or(&[]);
    let values: Vec<Value<'_>> = match rest {
        [single] => array_items(single).unwrap_or_else(|| vec![single.clone()]),
        many => many.to_vec(),
    };
    let bad = || format_error("Input string was not in a correct format.");
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '}' => return Err(bad()),
            '{' => {
                let mut index: usize = 0;
                let mut digits = 0;
                while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                    chars.next();
                    digits += 1;
                    index = index
                        .checked_mul(10)
                        .and_then(|i| i.checked_add(d as usize))
                        .filter(|i| *i < 1_000_000)
                        .ok_or_else(bad)?;
                }
                if digits == 0 {
                    return Err(bad());
                }
                while chars.peek() == Some(&' ') {
                    chars.next();
                }
                let mut width: i64 = 0;
                if chars.peek() == Some(&',') {
                    chars.next();
                    while chars.peek() == Some(&' ') {
                        chars.next();
                    }
                    let negative = chars.peek() == Some(&'-');
                    if negative {
                        chars.next();
                    }
                    let mut w_digits = 0;
                    while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                        chars.next();
                        w_digits += 1;
                        width = width
                            .checked_mul(10)
                            .and_then(|w| w.checked_add(i64::from(d)))
                            .filter(|w| *w < 1_000_000)
                            .ok_or_else(bad)?;
                    }
                    if w_digits == 0 {
                        return Err(bad());
                    }
                    if negative {
                        width = -width;
                    }
                    while chars.peek() == Some(&' ') {
                        chars.next();
                    }
                }
                let mut spec = String::new();
                if chars.peek() == Some(&':') {
                    chars.next();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some('{') | None => return Err(bad()),
                            Some(c) => spec.push(c),
                        }
                    }
                } else if chars.next() != Some('}') {
                    return Err(bad());
                }
                let value = values.get(index).ok_or_else(|| {
                    format_error("Index (zero based) must be greater than or equal to zero and less than the size of the argument list.")
                })?;
                let formatted = super::numbers::format_value(value, &spec)?;
                let len = formatted.encode_utf16().count();
                let pad = usize::try_from(width.unsigned_abs())
                    .unwrap_or(0)
                    .saturating_sub(len);
                if width > 0 {
                    out.extend(std::iter::repeat_n(' ', pad));
                }
                out.push_str(&formatted);
                if width < 0 {
                    out.extend(std::iter::repeat_n(' ', pad));
                }
            }
            other => out.push(other),
        }
    }
    Ok(owned(out))
}

/// `StringComparison` member names by value.
pub(crate) fn string_comparison_name(c: u8) -> &'static str {
    match c {
        0 => "CurrentCulture",
        1 => "CurrentCultureIgnoreCase",
        2 => "InvariantCulture",
        3 => "InvariantCultureIgnoreCase",
        4 => "Ordinal",
        5 => "OrdinalIgnoreCase",
        _ => "?",
    }
}

/// `StringSplitOptions` flags as `ToString()` shows them.
pub(crate) fn split_options_name(o: u8) -> String {
    match o {
        0 => "None".to_owned(),
        1 => "RemoveEmptyEntries".to_owned(),
        2 => "TrimEntries".to_owned(),
        3 => "RemoveEmptyEntries, TrimEntries".to_owned(),
        other => other.to_string(),
    }
}

/// `MidpointRounding` member names by value.
pub(crate) fn midpoint_rounding_name(m: u8) -> &'static str {
    match m {
        0 => "ToEven",
        1 => "AwayFromZero",
        2 => "ToZero",
        3 => "ToNegativeInfinity",
        4 => "ToPositiveInfinity",
        _ => "?",
    }
}

fn build_chars<'a>(
    args: &[Value<'a>],
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    Ok(Value::Chars(
        args.iter()
            .map(|a| match a {
                Value::Char(c) => *c,
                _ => '\0',
            })
            .collect(),
    ))
}

fn build_strings<'a>(
    args: &[Value<'a>],
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    Ok(Value::Strings(
        args.iter().map(|a| a.as_str().map(Arc::from)).collect(),
    ))
}

fn build_bytes<'a>(
    args: &[Value<'a>],
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    Ok(Value::ByteArray(
        args.iter()
            .map(|a| u8::try_from(int_of(Some(a))).unwrap_or(0))
            .collect(),
    ))
}

/// See [`super::array_constructor`].
pub(super) fn array_constructor(element: Type) -> Option<(Type, StaticMethodFn)> {
    match element {
        Type::Char => Some((Type::CharArray, build_chars)),
        Type::String => Some((Type::StringArray, build_strings)),
        Type::Byte => Some((Type::ByteArray, build_bytes)),
        _ => None,
    }
}

macro_rules! method {
    ($name:literal, [$($p:expr),*] => $r:expr, $f:expr) => {
        MethodDef {
            name: $name,
            owner: Type::String,
            params: &[$($p),*],
            result: $r,
            call: $f,
        }
    };
}

macro_rules! static_method {
    ($name:literal, [$($p:expr),*] => $r:expr, $f:expr) => {
        StaticMethodDef {
            name: $name,
            owner: StaticType::String,
            params: &[$($p),*],
            result: $r,
            call: $f,
        }
    };
}

pub(crate) const MEMBERS: &[MemberDef] = &[
    MemberDef {
        name: "Message",
        owner: Type::Exception,
        ty: Type::String,
        get: |t, _| Ok(t.clone()),
    },
    MemberDef {
        name: "Length",
        owner: Type::String,
        ty: Type::Int32,
        get: |t, _| Ok(count(text(t).encode_utf16().count())),
    },
    MemberDef {
        name: "Length",
        owner: Type::CharArray,
        ty: Type::Int32,
        get: |t, _| match t {
            Value::Chars(c) => Ok(count(c.len())),
            _ => Ok(Value::Null),
        },
    },
];

pub(crate) const METHODS: &[MethodDef] = &[
    method!("ToUpper", [] => S, |t, _, _| Ok(case_map(t, upper))),
    method!("ToUpperInvariant", [] => S, |t, _, _| Ok(case_map(t, upper))),
    method!("ToLower", [] => S, |t, _, _| Ok(case_map(t, lower))),
    method!("ToLowerInvariant", [] => S, |t, _, _| Ok(case_map(t, lower))),
    method!("Trim", [] => S, |t, a, _| Ok(trim(t, a, true, true))),
    method!("Trim", [C] => S, |t, a, _| Ok(trim(t, a, true, true))),
    method!("Trim", [C, C] => S, |t, a, _| Ok(trim(t, a, true, true))),
    method!("Trim", [C, C, C] => S, |t, a, _| Ok(trim(t, a, true, true))),
    method!("Trim", [CA] => S, |t, a, _| Ok(trim(t, a, true, true))),
    method!("TrimStart", [] => S, |t, a, _| Ok(trim(t, a, true, false))),
    method!("TrimStart", [C] => S, |t, a, _| Ok(trim(t, a, true, false))),
    method!("TrimStart", [C, C] => S, |t, a, _| Ok(trim(t, a, true, false))),
    method!("TrimStart", [CA] => S, |t, a, _| Ok(trim(t, a, true, false))),
    method!("TrimEnd", [] => S, |t, a, _| Ok(trim(t, a, false, true))),
    method!("TrimEnd", [C] => S, |t, a, _| Ok(trim(t, a, false, true))),
    method!("TrimEnd", [C, C] => S, |t, a, _| Ok(trim(t, a, false, true))),
    method!("TrimEnd", [CA] => S, |t, a, _| Ok(trim(t, a, false, true))),
    method!("ToString", [] => S, |t, _, _| Ok(t.clone())),
    method!("Contains", [C] => B, |t, a, _| {
        Ok(Value::Bool(text(t).contains(arg_char(a, 0))))
    }),
    method!("Contains", [S] => B, |t, a, _| {
        let needle = arg_str(a, 0, "value")?;
        Ok(Value::Bool(text(t).contains(needle)))
    }),
    method!("Contains", [S, SC] => B, |t, a, _| {
        let ignore = comparison(a, 1)?;
        let needle = folded(arg_str(a, 0, "value")?, ignore);
        Ok(Value::Bool(find(&folded(text(t), ignore), &needle, 0).is_some()))
    }),
    method!("StartsWith", [C] => B, |t, a, _| starts_ends(t, a, false)),
    method!("StartsWith", [S] => B, |t, a, _| starts_ends(t, a, false)),
    method!("StartsWith", [S, SC] => B, |t, a, _| starts_ends(t, a, false)),
    method!("EndsWith", [C] => B, |t, a, _| starts_ends(t, a, true)),
    method!("EndsWith", [S] => B, |t, a, _| starts_ends(t, a, true)),
    method!("EndsWith", [S, SC] => B, |t, a, _| starts_ends(t, a, true)),
    method!("Equals", [S] => B, |t, a, _| {
        Ok(Value::Bool(equals(t.as_str(), a.first().and_then(Value::as_str), false)))
    }),
    method!("Equals", [S, SC] => B, |t, a, _| {
        let ignore = comparison(a, 1)?;
        Ok(Value::Bool(equals(t.as_str(), a.first().and_then(Value::as_str), ignore)))
    }),
    method!("CompareTo", [S] => I, |t, a, _| {
        Ok(Value::Int(culture_compare(t.as_str(), a.first().and_then(Value::as_str), false)))
    }),
    method!("IndexOf", [C] => I, |t, a, _| index_of(t, a, false)),
    method!("IndexOf", [C, I] => I, |t, a, _| index_of(t, a, false)),
    method!("IndexOf", [S] => I, |t, a, _| index_of(t, a, false)),
    method!("IndexOf", [S, I] => I, |t, a, _| index_of(t, a, false)),
    method!("IndexOf", [S, SC] => I, |t, a, _| index_of(t, a, false)),
    method!("LastIndexOf", [C] => I, |t, a, _| index_of(t, a, true)),
    method!("LastIndexOf", [S] => I, |t, a, _| index_of(t, a, true)),
    method!("LastIndexOf", [S, SC] => I, |t, a, _| index_of(t, a, true)),
    method!("IndexOfAny", [CA] => I, |t, a, _| {
        let set: Vec<u16> = match a.first() {
            Some(Value::Chars(c)) => c.iter().filter_map(|c| char_unit(*c)).collect(),
            _ => return Err(argument_null("anyOf")),
        };
        Ok(index_value(units(text(t)).iter().position(|u| set.contains(u))))
    }),
    method!("Substring", [I] => S, |t, a, _| substring(t, a)),
    method!("Substring", [I, I] => S, |t, a, _| substring(t, a)),
    method!("Replace", [C, C] => S, |t, a, _| replace(t, a)),
    method!("Replace", [S, S] => S, |t, a, _| replace(t, a)),
    method!("PadLeft", [I] => S, |t, a, _| pad(t, a, true)),
    method!("PadLeft", [I, C] => S, |t, a, _| pad(t, a, true)),
    method!("PadRight", [I] => S, |t, a, _| pad(t, a, false)),
    method!("PadRight", [I, C] => S, |t, a, _| pad(t, a, false)),
    method!("Insert", [I, S] => S, |t, a, _| insert(t, a)),
    method!("Remove", [I] => S, |t, a, _| remove(t, a)),
    method!("Remove", [I, I] => S, |t, a, _| remove(t, a)),
    method!("ToCharArray", [] => CA, |t, _, _| {
        Ok(Value::Chars(
            units(text(t))
                .iter()
                .map(|u| char::from_u32(u32::from(*u)).unwrap_or('\u{FFFD}'))
                .collect(),
        ))
    }),
    method!("Split", [] => SA, |t, a, _| split_call(t, a)),
    method!("Split", [C] => SA, |t, a, _| split_call(t, a)),
    method!("Split", [C, C] => SA, |t, a, _| split_call(t, a)),
    method!("Split", [C, C, C] => SA, |t, a, _| split_call(t, a)),
    method!("Split", [CA] => SA, |t, a, _| split_call(t, a)),
    method!("Split", [C, SO] => SA, |t, a, _| split_call(t, a)),
    method!("Split", [C, I] => SA, |t, a, _| split_call(t, a)),
    method!("Split", [C, I, SO] => SA, |t, a, _| split_call(t, a)),
    method!("Split", [CA, SO] => SA, |t, a, _| split_call(t, a)),
    method!("Split", [CA, I] => SA, |t, a, _| split_call(t, a)),
    method!("Split", [CA, I, SO] => SA, |t, a, _| split_call(t, a)),
    method!("Split", [S] => SA, |t, a, _| split_call(t, a)),
    method!("Split", [S, SO] => SA, |t, a, _| split_call(t, a)),
    method!("Split", [S, I] => SA, |t, a, _| split_call(t, a)),
    method!("Split", [S, I, SO] => SA, |t, a, _| split_call(t, a)),
    method!("Split", [SA, SO] => SA, |t, a, _| split_call(t, a)),
    method!("Split", [SA, I, SO] => SA, |t, a, _| split_call(t, a)),
];

macro_rules! enum_to_string {
    ($($owner:ident),*) => {
        &[$(MethodDef {
            name: "ToString",
            owner: Type::$owner,
            params: &[],
            result: Type::String,
            call: |t, _, _| Ok(owned(t.to_display_string())),
        }),*]
    };
}

/// `ToString()` of the enums this file defines.
pub(crate) const ENUM_METHODS: &[MethodDef] =
    enum_to_string!(StringComparison, StringSplitOptions, MidpointRounding);

pub(crate) const INDEXERS: &[IndexerDef] = &[
    IndexerDef {
        owner: Type::String,
        index: Type::Int32,
        result: Type::Char,
        get: |t, i| {
            let u = units(text(t));
            usize::try_from(int_of(Some(i)))
                .ok()
                .and_then(|n| u.get(n))
                .map(|u| Value::Char(char::from_u32(u32::from(*u)).unwrap_or('\u{FFFD}')))
                .ok_or_else(|| {
                    Exception::new(
                        ExceptionKind::IndexOutOfRange,
                        "Index was outside the bounds of the array.",
                        Span::default(),
                    )
                })
        },
    },
    IndexerDef {
        owner: Type::CharArray,
        index: Type::Int32,
        result: Type::Char,
        get: |t, i| match t {
            Value::Chars(items) => usize::try_from(int_of(Some(i)))
                .ok()
                .and_then(|n| items.get(n))
                .map(|c| Value::Char(*c))
                .ok_or_else(|| {
                    Exception::new(
                        ExceptionKind::IndexOutOfRange,
                        "Index was outside the bounds of the array.",
                        Span::default(),
                    )
                }),
            _ => Ok(Value::Null),
        },
    },
];

macro_rules! enum_member {
    ($owner:ident, $name:literal, $ty:ident, $variant:ident($v:expr)) => {
        StaticDef {
            name: $name,
            owner: StaticType::$owner,
            ty: Type::$ty,
            get: |_| Ok(Value::$variant($v)),
        }
    };
}

pub(crate) const STATICS: &[StaticDef] = &[
    StaticDef {
        name: "Empty",
        owner: StaticType::String,
        ty: Type::String,
        get: |_| Ok(Value::Str("")),
    },
    enum_member!(
        StringComparison,
        "CurrentCulture",
        StringComparison,
        StringComparison(0)
    ),
    enum_member!(
        StringComparison,
        "CurrentCultureIgnoreCase",
        StringComparison,
        StringComparison(1)
    ),
    enum_member!(
        StringComparison,
        "InvariantCulture",
        StringComparison,
        StringComparison(2)
    ),
    enum_member!(
        StringComparison,
        "InvariantCultureIgnoreCase",
        StringComparison,
        StringComparison(3)
    ),
    enum_member!(
        StringComparison,
        "Ordinal",
        StringComparison,
        StringComparison(4)
    ),
    enum_member!(
        StringComparison,
        "OrdinalIgnoreCase",
        StringComparison,
        StringComparison(5)
    ),
    enum_member!(
        StringSplitOptions,
        "None",
        StringSplitOptions,
        SplitOptions(0)
    ),
    enum_member!(
        StringSplitOptions,
        "RemoveEmptyEntries",
        StringSplitOptions,
        SplitOptions(1)
    ),
    enum_member!(
        StringSplitOptions,
        "TrimEntries",
        StringSplitOptions,
        SplitOptions(2)
    ),
    enum_member!(
        MidpointRounding,
        "ToEven",
        MidpointRounding,
        MidpointRounding(0)
    ),
    enum_member!(
        MidpointRounding,
        "AwayFromZero",
        MidpointRounding,
        MidpointRounding(1)
    ),
    enum_member!(
        MidpointRounding,
        "ToZero",
        MidpointRounding,
        MidpointRounding(2)
    ),
    enum_member!(
        MidpointRounding,
        "ToNegativeInfinity",
        MidpointRounding,
        MidpointRounding(3)
    ),
    enum_member!(
        MidpointRounding,
        "ToPositiveInfinity",
        MidpointRounding,
        MidpointRounding(4)
    ),
];

pub(crate) const STATIC_METHODS: &[StaticMethodDef] = &[
    static_method!("IsNullOrEmpty", [S] => B, |args, _| {
        Ok(Value::Bool(
            args.first().and_then(Value::as_str).is_none_or(str::is_empty),
        ))
    }),
    static_method!("IsNullOrWhiteSpace", [S] => B, |args, _| {
        Ok(Value::Bool(
            args.first()
                .and_then(Value::as_str)
                .is_none_or(|s| s.chars().all(char::is_whitespace)),
        ))
    }),
    static_method!("Equals", [S, S] => B, |args, _| {
        let a = args.first().and_then(Value::as_str);
        let b = args.get(1).and_then(Value::as_str);
        Ok(Value::Bool(a == b))
    }),
    static_method!("Equals", [S, S, SC] => B, |args, _| {
        let ignore = comparison(args, 2)?;
        let a = args.first().and_then(Value::as_str);
        let b = args.get(1).and_then(Value::as_str);
        Ok(Value::Bool(equals(a, b, ignore)))
    }),
    static_method!("Compare", [S, S] => I, |args, _| {
        let a = args.first().and_then(Value::as_str);
        let b = args.get(1).and_then(Value::as_str);
        Ok(Value::Int(culture_compare(a, b, false)))
    }),
    static_method!("Compare", [S, S, B] => I, |args, _| {
        let a = args.first().and_then(Value::as_str);
        let b = args.get(1).and_then(Value::as_str);
        Ok(Value::Int(culture_compare(a, b, matches!(args.get(2), Some(Value::Bool(true))))))
    }),
    static_method!("Compare", [S, S, SC] => I, |args, _| {
        comparison(args, 2)?;
        let c = match args.get(2) {
            Some(Value::StringComparison(c)) => *c,
            _ => 4,
        };
        let a = args.first().and_then(Value::as_str);
        let b = args.get(1).and_then(Value::as_str);
        Ok(Value::Int(compare_with(a, b, c)))
    }),
    static_method!("CompareOrdinal", [S, S] => I, |args, _| {
        let a = args.first().and_then(Value::as_str);
        let b = args.get(1).and_then(Value::as_str);
        Ok(Value::Int(ordinal_compare(a, b, false)))
    }),
    static_method!("Join", [S, SA] => S, |args, _| join(args)),
    static_method!("Join", [C, SA] => S, |args, _| join(args)),
    static_method!("Join", [S, O] => S, |args, _| join(args)),
    static_method!("Join", [S, O, O] => S, |args, _| join(args)),
    static_method!("Join", [S, O, O, O] => S, |args, _| join(args)),
    static_method!("Join", [S, O, O, O, O] => S, |args, _| join(args)),
    static_method!("Join", [C, O, O] => S, |args, _| join(args)),
    static_method!("Join", [C, O, O, O] => S, |args, _| join(args)),
    static_method!("Concat", [SA] => S, |args, _| Ok(concat(args))),
    static_method!("Concat", [Type::Sequence(&S)] => S, |args, _| Ok(concat(args))),
    static_method!("Concat", [O, O] => S, |args, _| Ok(concat(args))),
    static_method!("Concat", [O, O, O] => S, |args, _| Ok(concat(args))),
    static_method!("Concat", [O, O, O, O] => S, |args, _| Ok(concat(args))),
    static_method!("Format", [S, O] => S, |args, _| format(args)),
    static_method!("Format", [S, O, O] => S, |args, _| format(args)),
    static_method!("Format", [S, O, O, O] => S, |args, _| format(args)),
    static_method!("Format", [S, O, O, O, O] => S, |args, _| format(args)),
    static_method!("Format", [S, O, O, O, O, O] => S, |args, _| format(args)),
];
