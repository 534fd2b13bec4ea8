//! [`TextValue`]: a decoded attribute value or text node with an exact map back to the original.
//!
//! Values are decoded here, from the original text, rather than taken from the XML parser:
//! outside policy expressions the XML rules apply (entities, CDATA, line-break and attribute
//! whitespace normalisation); inside an expression the original text is kept verbatim except
//! that entity references are decoded. Every piece of the decoded value remembers where it came
//! from, so a byte offset in the value maps to the exact byte of the original text.

use super::prepass::Protected;
use super::scanner::{entity, scan_expression};
use crate::diagnostic::Span;

/// A run of the decoded value that came from one place in the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    /// Offset of the run in the decoded value.
    decoded: usize,
    /// Offset in the original text where the run comes from.
    original: usize,
    /// Whether the run is a verbatim copy (byte `k` of the run is byte `k` of the original);
    /// otherwise it is one decoded character (an entity, a normalised line break) and every
    /// byte of it maps to the start of its source.
    linear: bool,
}

/// An attribute value or a text node, decoded, with its offsets in the original policy text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextValue {
    value: String,
    segments: Vec<Segment>,
    span: Span,
    expression: bool,
}

impl TextValue {
    /// The decoded text: entities resolved, CDATA literal, policy expressions restored verbatim
    /// (with `&quot;` `&apos;` `&lt;` `&gt;` `&amp;` and numeric character references inside
    /// them decoded).
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// Maps a byte offset in [`as_str`](Self::as_str) to the byte offset in the original policy
    /// text it came from. A byte of a decoded entity maps to the entity's `&`; an offset at or
    /// past the end maps to the end of [`span`](Self::span).
    pub fn original_offset(&self, byte: usize) -> usize {
        if byte >= self.value.len() {
            return usize::try_from(self.span.end).unwrap_or(usize::MAX);
        }
        let index = self
            .segments
            .partition_point(|s| s.decoded <= byte)
            .saturating_sub(1);
        match self.segments.get(index) {
            Some(s) if s.linear => s.original.saturating_add(byte.saturating_sub(s.decoded)),
            Some(s) => s.original,
            None => usize::try_from(self.span.start).unwrap_or(0),
        }
    }

    /// The value's extent in the original text (for an attribute, between the quotes).
    pub fn span(&self) -> Span {
        self.span
    }

    /// Whether the value is one policy expression: its trimmed text starts with `@(` or `@{`
    /// and the scanner finds one complete expression covering all of it.
    pub fn is_expression(&self) -> bool {
        self.expression
    }
}

/// Which XML rules apply to the text outside expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// An attribute value: whitespace characters become spaces.
    Attribute,
    /// Element content: CDATA sections, `\r\n` becomes `\n`.
    Text,
}

/// Accumulates a decoded value and its segments.
#[derive(Debug, Default)]
struct Builder {
    value: String,
    segments: Vec<Segment>,
    had_cdata: bool,
    had_reference: bool,
}

impl Builder {
    /// Appends `s`, a verbatim copy of the original at `original`.
    fn push_linear(&mut self, s: &str, original: usize) {
        if s.is_empty() {
            return;
        }
        let decoded = self.value.len();
        let continues = self.segments.last().is_some_and(|last| {
            last.linear
                && last
                    .original
                    .checked_add(decoded.saturating_sub(last.decoded))
                    == Some(original)
        });
        if !continues {
            self.segments.push(Segment {
                decoded,
                original,
                linear: true,
            });
        }
        self.value.push_str(s);
    }

    /// Appends `c`, decoded from the construct that starts at `original`.
    fn push_atomic(&mut self, c: char, original: usize) {
        self.segments.push(Segment {
            decoded: self.value.len(),
            original,
            linear: false,
        });
        self.value.push(c);
    }

    /// Decodes `original[start..end]` as expression text: verbatim but for entity references.
    fn expression(&mut self, original: &str, start: usize, end: usize) {
        let Some(slice) = original.get(start..end) else {
            return;
        };
        let mut rest = slice;
        let mut at = start;
        while !rest.is_empty() {
            let amp = rest.find('&').unwrap_or(rest.len());
            let (plain, tail) = rest.split_at(amp);
            self.push_linear(plain, at);
            at = at.saturating_add(plain.len());
            rest = tail;
            if rest.is_empty() {
                break;
            }
            match entity(rest) {
                Some((c, len)) => {
                    self.push_atomic(c, at);
                    rest = rest.get(len..).unwrap_or("");
                    at = at.saturating_add(len);
                }
                None => {
                    self.push_linear("&", at);
                    rest = rest.get(1..).unwrap_or("");
                    at = at.saturating_add(1);
                }
            }
        }
    }

    /// Decodes `original[start..end]` by the XML rules of `context`.
    fn xml(&mut self, original: &str, start: usize, end: usize, context: Context) {
        let Some(slice) = original.get(start..end) else {
            return;
        };
        let attribute = context == Context::Attribute;
        let mut i = 0usize;
        // Runs of plain text are copied whole; only `&`, `<`, `\r` (and in attributes `\n`,
        // `\t`) need a look. All are ASCII, so every run ends on a character boundary.
        while let Some(rest) = slice.get(i..).filter(|r| !r.is_empty()) {
            let at = start.saturating_add(i);
            let plain = rest
                .bytes()
                .position(|b| {
                    matches!(b, b'&' | b'<' | b'\r') || (attribute && matches!(b, b'\n' | b'\t'))
                })
                .unwrap_or(rest.len());
            if plain > 0 {
                self.push_linear(rest.get(..plain).unwrap_or(""), at);
                i = i.saturating_add(plain);
                continue;
            }
            let step = match rest.as_bytes().first() {
                Some(b'&') => match entity(rest) {
                    Some((d, len)) => {
                        self.had_reference = true;
                        self.push_atomic(d, at);
                        len
                    }
                    None => {
                        self.push_linear("&", at);
                        1
                    }
                },
                Some(b'<') if !attribute && rest.starts_with("<![CDATA[") => {
                    self.had_cdata = true;
                    let body = rest.get(9..).unwrap_or("");
                    let body_len = body.find("]]>").unwrap_or(body.len());
                    let content = body.get(..body_len).unwrap_or("");
                    self.line_breaks(content, at.saturating_add(9), '\n');
                    body_len.saturating_add(12)
                }
                Some(b'\r') => {
                    let replacement = if attribute { " " } else { "\n" };
                    if rest.as_bytes().get(1) == Some(&b'\n') {
                        self.push_atomic(if attribute { ' ' } else { '\n' }, at);
                        2
                    } else {
                        self.push_linear(replacement, at);
                        1
                    }
                }
                Some(b'\n' | b'\t') => {
                    self.push_linear(" ", at);
                    1
                }
                // `<` outside CDATA: plain text.
                _ => {
                    self.push_linear(rest.get(..1).unwrap_or(""), at);
                    1
                }
            };
            i = i.saturating_add(step);
        }
    }

    /// Appends `s` from `original`, turning `\r\n` and `\r` into `replacement`.
    fn line_breaks(&mut self, s: &str, original: usize, replacement: char) {
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let at = original.saturating_add(i);
            let mut buf = [0u8; 4];
            if c == '\r' {
                if chars.peek().is_some_and(|(_, n)| *n == '\n') {
                    let _ = chars.next();
                    self.push_atomic(replacement, at);
                } else {
                    self.push_linear(replacement.encode_utf8(&mut buf), at);
                }
            } else {
                self.push_linear(c.encode_utf8(&mut buf), at);
            }
        }
    }
}

/// A decoded value and whether it should be kept (text that is only whitespace is dropped
/// unless it came from CDATA or a character reference).
pub(crate) struct Decoded {
    /// The value.
    pub(crate) value: TextValue,
    /// Whether the value is whitespace only and written without CDATA or references.
    pub(crate) insignificant: bool,
}

/// Decodes `original[start..end]`, restoring the protected regions that fall inside it.
pub(crate) fn decode(
    original: &str,
    start: usize,
    end: usize,
    protected: &[Protected],
    context: Context,
    max_nesting: u32,
) -> Decoded {
    let mut b = Builder::default();
    let first = protected.partition_point(|p| p.end <= start);
    let mut pos = start;
    for p in protected.get(first..).unwrap_or(&[]) {
        if p.start >= end {
            break;
        }
        let p_start = p.start.max(pos);
        let p_end = p.end.min(end);
        if p_start > pos {
            b.xml(original, pos, p_start, context);
        }
        b.expression(original, p_start, p_end);
        pos = p_end.max(pos);
    }
    if pos < end {
        b.xml(original, pos, end, context);
    }
    let expression = is_expression(&b.value, max_nesting);
    let insignificant =
        !b.had_cdata && !b.had_reference && b.value.chars().all(char::is_whitespace);
    let to_u32 = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
    Decoded {
        value: TextValue {
            value: b.value,
            segments: b.segments,
            span: Span::new(to_u32(start), to_u32(end.max(start))),
            expression,
        },
        insignificant,
    }
}

/// Whether decoded `value`, trimmed, is exactly one complete `@(...)` / `@{...}` expression.
fn is_expression(value: &str, max_nesting: u32) -> bool {
    let trimmed = value.trim();
    if !(trimmed.starts_with("@(") || trimmed.starts_with("@{")) {
        return false;
    }
    let lead = value.len().saturating_sub(value.trim_start().len());
    let expected_end = lead.saturating_add(trimmed.len());
    scan_expression(value, lead, false, max_nesting) == Ok(expected_end)
}
