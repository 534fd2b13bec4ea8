//! The pre-pass over the raw policy text: protects what a strict XML parser would reject.
//!
//! A light lexer (not an XML parser: it only tells markup, attribute values and text apart)
//! walks the text once. It
//! - finds each `@(...)` / `@{...}` expression in attribute values and element text with the
//!   C# scanner and masks it, so that raw `"`, `<`, `>` and `&&` inside it reach the XML parser
//!   as harmless filler;
//! - masks raw `"` (or `'`) inside a non-expression attribute value that cannot be its closing
//!   quote (the distinguished-name case `subject="O="Contoso, Inc.", CN=x"`);
//! - counts elements and nesting depth against the limits, and reports the mistakes it can
//!   explain better than the XML parser (`<!—` comments, mismatched or unclosed tags).
//!
//! The masked text has exactly the same length and line breaks as the original, so every byte
//! offset the XML parser reports is an offset in the original text.

use super::scanner::{ScanError, scan_expression, starts_expression};
use super::{XmlErrorKind, XmlLimits};
use crate::diagnostic::LineIndex;

/// A masked byte range `[start, end)` of the original text: a policy expression `@(...)` /
/// `@{...}`, or a raw quote inside an attribute value. Both are restored the same way (verbatim,
/// entity references decoded).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Protected {
    /// First byte.
    pub(crate) start: usize,
    /// One past the last byte.
    pub(crate) end: usize,
}

/// An error found by the pre-pass.
#[derive(Debug, Clone)]
pub(crate) struct PrepassError {
    /// Its kind.
    pub(crate) kind: XmlErrorKind,
    /// Where to point, in the original text.
    pub(crate) offset: usize,
    /// Where the construct in error began; an XML error found before this point is reported
    /// instead, because it comes first in the text.
    pub(crate) from: usize,
    /// What went wrong.
    pub(crate) message: String,
    /// Whether the error is final whatever the XML parser says (limits).
    pub(crate) fatal: bool,
}

/// The result of the pre-pass.
#[derive(Debug)]
pub(crate) struct Prepared {
    /// The original text with protected regions masked (same length, same line breaks).
    pub(crate) masked: String,
    /// The protected regions, sorted by start, not overlapping.
    pub(crate) protected: Vec<Protected>,
    /// The first error found, if any.
    pub(crate) error: Option<PrepassError>,
    /// The start tag of the innermost element left open at the end of the text.
    pub(crate) unclosed: Option<usize>,
}

/// An open element: where its start tag begins and its name.
#[derive(Debug, Clone, Copy)]
struct Open {
    at: usize,
    name_start: usize,
    name_end: usize,
}

/// The lexer.
struct Prepass<'t> {
    text: &'t str,
    bytes: &'t [u8],
    masked: Vec<u8>,
    protected: Vec<Protected>,
    limits: &'t XmlLimits,
    max_depth: usize,
    max_attributes: usize,
    max_nodes: usize,
    nodes: usize,
    open: Vec<Open>,
    /// Attribute values that begin before this offset take no quote protection (set after a
    /// protection attempt had to be undone, so that the text is lexed in linear time).
    strict_until: usize,
    /// Set once an expression inside a literal attribute value failed to scan: later ones are
    /// not tried, which keeps the pre-pass linear on hostile input.
    literal_scans_off: bool,
    line_index: Option<LineIndex>,
}

/// The hard cap on element nesting, whatever the limits say: the owned tree is built and
/// dropped recursively, so its depth must stay small enough for any thread's stack.
pub(crate) const HARD_MAX_DEPTH: u32 = 1024;

/// The hard cap on attributes of one start tag, whatever the limits say
/// ([`XmlLimits::max_attributes`] defaults to 256). APIM policy elements have a dozen at most;
/// the cap keeps loading near linear, as the XML parser checks duplicates pairwise (quadratic in
/// the number of attributes of one element: 200 000 attributes took minutes).
pub(crate) const HARD_MAX_ATTRIBUTES: u32 = 4096;

/// Runs the pre-pass over `text` (already checked against `max_bytes`).
pub(crate) fn prepare(text: &str, limits: &XmlLimits) -> Prepared {
    let mut p = Prepass {
        text,
        bytes: text.as_bytes(),
        masked: text.as_bytes().to_vec(),
        protected: Vec::new(),
        limits,
        max_depth: usize::try_from(limits.max_depth.min(HARD_MAX_DEPTH)).unwrap_or(1024),
        max_nodes: usize::try_from(limits.max_nodes).unwrap_or(usize::MAX),
        max_attributes: usize::try_from(limits.max_attributes.min(HARD_MAX_ATTRIBUTES))
            .unwrap_or(256),
        nodes: 0,
        open: Vec::new(),
        strict_until: 0,
        literal_scans_off: false,
        line_index: None,
    };
    let error = p.run().err();
    let unclosed = p.open.last().map(|o| o.at);
    // Masking replaces whole characters by ASCII bytes, so the result is UTF-8; the fallback
    // (never taken) keeps the function total.
    let masked = String::from_utf8(p.masked).unwrap_or_else(|e| {
        String::from_utf8_lossy(e.as_bytes())
            .chars()
            .map(|c| if c == '\u{FFFD}' { 'x' } else { c })
            .collect()
    });
    Prepared {
        masked,
        protected: p.protected,
        error,
        unclosed,
    }
}

/// XML whitespace.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// A byte that may appear in an XML name (ASCII subset plus any non-ASCII byte).
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':') || b >= 0x80
}

/// A byte that may start an XML name.
fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || matches!(b, b'_' | b':') || b >= 0x80
}

impl Prepass<'_> {
    fn byte(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    fn starts_with(&self, i: usize, s: &str) -> bool {
        self.bytes
            .get(i..)
            .is_some_and(|rest| rest.starts_with(s.as_bytes()))
    }

    fn find(&self, from: usize, needle: &str) -> Option<usize> {
        self.text
            .get(from..)
            .and_then(|rest| rest.find(needle))
            .and_then(|i| i.checked_add(from))
    }

    /// `line:column` of an offset, for messages.
    fn pos(&mut self, offset: usize) -> String {
        let text = self.text;
        let index = self.line_index.get_or_insert_with(|| LineIndex::new(text));
        index.position(text, offset).to_string()
    }

    fn err(&self, kind: XmlErrorKind, offset: usize, from: usize, message: String) -> PrepassError {
        PrepassError {
            kind,
            offset,
            from,
            message,
            fatal: false,
        }
    }

    fn fatal(&self, kind: XmlErrorKind, offset: usize, message: String) -> PrepassError {
        PrepassError {
            kind,
            offset,
            from: offset,
            message,
            fatal: true,
        }
    }

    /// Masks `[start, end)`: every byte becomes `x` except whitespace, which is kept so that
    /// line breaks stay where they were.
    fn protect(&mut self, start: usize, end: usize) {
        if let Some(region) = self.masked.get_mut(start..end) {
            for b in region {
                if !is_space(*b) {
                    *b = b'x';
                }
            }
            self.protected.push(Protected { start, end });
        }
    }

    /// Undoes every protection after the first `keep`.
    fn unprotect_after(&mut self, keep: usize) {
        for p in self.protected.drain(keep..) {
            if let (Some(dst), Some(src)) = (
                self.masked.get_mut(p.start..p.end),
                self.bytes.get(p.start..p.end),
            ) {
                dst.copy_from_slice(src);
            }
        }
    }

    /// Scans the expression at `start`; on failure builds the error to report.
    fn expression(&mut self, start: usize) -> Result<usize, PrepassError> {
        match scan_expression(self.text, start, true, self.limits.max_expression_nesting) {
            Ok(end) => Ok(end),
            Err(ScanError::Unterminated { detail, at }) => {
                let open = if self.byte(start.saturating_add(1)) == Some(b'{') {
                    "@{"
                } else {
                    "@("
                };
                let where_ = self.pos(at);
                Err(self.err(
                    XmlErrorKind::UnterminatedExpression,
                    start,
                    start,
                    format!("unterminated policy expression `{open}`: {detail} (at {where_})"),
                ))
            }
            Err(ScanError::Mismatched {
                found,
                expected,
                at,
                open,
            }) => {
                let open_pos = self.pos(open);
                let start_pos = self.pos(start);
                Err(self.err(
                    XmlErrorKind::UnbalancedExpression,
                    at,
                    start,
                    format!(
                        "unbalanced policy expression: `{found}` where `{expected}` was expected to close the bracket opened at {open_pos} (the expression starts at {start_pos})"
                    ),
                ))
            }
            Err(ScanError::TooDeep { at }) => {
                let start_pos = self.pos(start);
                Err(self.fatal(
                    XmlErrorKind::ExpressionTooDeep,
                    at,
                    format!(
                        "policy expression starting at {start_pos} nests brackets deeper than the limit of {}",
                        self.limits.max_expression_nesting
                    ),
                ))
            }
        }
    }

    fn run(&mut self) -> Result<(), PrepassError> {
        let len = self.bytes.len();
        let mut i = 0usize;
        let mut at_text_start = true;
        while i < len {
            let Some(b) = self.byte(i) else { break };
            if b == b'<' {
                at_text_start = true;
                i = self.markup(i)?;
                continue;
            }
            if at_text_start && starts_expression(self.text, i) {
                let end = self.expression(i)?;
                self.protect(i, end);
                at_text_start = false;
                i = end;
                continue;
            }
            if !is_space(b) {
                at_text_start = false;
            }
            i = i.saturating_add(1);
        }
        if let Some(open) = self.open.last().copied() {
            let name = self
                .text
                .get(open.name_start..open.name_end)
                .unwrap_or("")
                .to_owned();
            return Err(self.err(
                XmlErrorKind::Unclosed,
                open.at,
                len,
                format!("element `<{name}>` is never closed"),
            ));
        }
        Ok(())
    }

    /// Handles markup starting with `<` at `i`; returns where text resumes.
    fn markup(&mut self, i: usize) -> Result<usize, PrepassError> {
        let len = self.bytes.len();
        if self.starts_with(i, "<!--") {
            self.count_node(i)?;
            return match self.find(i.saturating_add(4), "-->") {
                Some(end) => Ok(end.saturating_add(3)),
                None => Err(self.err(
                    XmlErrorKind::MalformedComment,
                    i,
                    i,
                    "comment `<!--` is never closed with `-->`".to_owned(),
                )),
            };
        }
        if self.starts_with(i, "<![CDATA[") {
            return match self.find(i.saturating_add(9), "]]>") {
                Some(end) => Ok(end.saturating_add(3)),
                None => Err(self.err(
                    XmlErrorKind::Syntax,
                    i,
                    i,
                    "CDATA section `<![CDATA[` is never closed with `]]>`".to_owned(),
                )),
            };
        }
        if self.starts_with(i, "<!DOCTYPE") {
            return Err(self.err(
                XmlErrorKind::DtdNotAllowed,
                i,
                i,
                "a document type declaration (`<!DOCTYPE`) is not allowed in a policy".to_owned(),
            ));
        }
        if self.starts_with(i, "<!") {
            let after = self.text.get(i.saturating_add(2)..).unwrap_or("");
            let message = if after.starts_with(['\u{2014}', '\u{2013}']) {
                "comment starts with `<!` and a dash character (`—` or `–`); XML comments start with `<!--` (two hyphens)".to_owned()
            } else {
                "`<!` must begin a comment `<!--` or a CDATA section `<![CDATA[`".to_owned()
            };
            return Err(self.err(XmlErrorKind::MalformedComment, i, i, message));
        }
        if self.starts_with(i, "<?") {
            self.count_node(i)?;
            return Ok(self
                .find(i.saturating_add(2), "?>")
                .map_or(len, |e| e.saturating_add(2)));
        }
        if self.starts_with(i, "</") {
            return self.end_tag(i);
        }
        match self.byte(i.saturating_add(1)) {
            Some(b) if is_name_start(b) => self.start_tag(i),
            // A stray `<`: the XML parser reports it.
            _ => Ok(i.saturating_add(1)),
        }
    }

    fn count_node(&mut self, at: usize) -> Result<(), PrepassError> {
        self.nodes = self.nodes.saturating_add(1);
        if self.nodes > self.max_nodes {
            return Err(self.fatal(
                XmlErrorKind::TooManyNodes,
                at,
                format!(
                    "the policy has more than the limit of {} nodes",
                    self.limits.max_nodes
                ),
            ));
        }
        Ok(())
    }

    fn name_end(&self, from: usize) -> usize {
        let mut j = from;
        while self.byte(j).is_some_and(is_name_byte) {
            j = j.saturating_add(1);
        }
        j
    }

    /// `</name ...>` at `i`.
    fn end_tag(&mut self, i: usize) -> Result<usize, PrepassError> {
        let name_start = i.saturating_add(2);
        let name_end = self.name_end(name_start);
        let end = self
            .find(name_end, ">")
            .map_or(self.bytes.len(), |e| e.saturating_add(1));
        let name = self.text.get(name_start..name_end).unwrap_or("");
        match self.open.pop() {
            Some(open) => {
                let open_name = self.text.get(open.name_start..open.name_end).unwrap_or("");
                if open_name != name {
                    let open_name = open_name.to_owned();
                    let name = name.to_owned();
                    let open_pos = self.pos(open.at);
                    return Err(self.err(
                        XmlErrorKind::MismatchedTag,
                        i,
                        i,
                        format!(
                            "closing tag `</{name}>` does not match the open element `<{open_name}>` (opened at {open_pos})"
                        ),
                    ));
                }
            }
            None => {
                let name = name.to_owned();
                return Err(self.err(
                    XmlErrorKind::MismatchedTag,
                    i,
                    i,
                    format!("closing tag `</{name}>` has no open element to close"),
                ));
            }
        }
        Ok(end)
    }

    /// `<name attr="..." ...>` at `i`.
    fn start_tag(&mut self, i: usize) -> Result<usize, PrepassError> {
        self.count_node(i)?;
        let name_start = i.saturating_add(1);
        let name_end = self.name_end(name_start);
        let len = self.bytes.len();
        let mut j = name_end;
        let mut attributes = 0usize;
        while j < len {
            let Some(b) = self.byte(j) else { break };
            match b {
                b'=' => {
                    attributes = attributes.saturating_add(1);
                    if attributes > self.max_attributes {
                        let limit = self.max_attributes;
                        return Err(self.fatal(
                            XmlErrorKind::TooManyAttributes,
                            j,
                            format!("the element has more than the limit of {limit} attributes"),
                        ));
                    }
                    j = j.saturating_add(1);
                }
                b'>' => {
                    if self.open.len() >= self.max_depth {
                        return Err(self.fatal(
                            XmlErrorKind::TooDeep,
                            i,
                            format!(
                                "elements are nested deeper than the limit of {}",
                                self.max_depth
                            ),
                        ));
                    }
                    self.open.push(Open {
                        at: i,
                        name_start,
                        name_end,
                    });
                    return Ok(j.saturating_add(1));
                }
                b'/' if self.byte(j.saturating_add(1)) == Some(b'>') => {
                    return Ok(j.saturating_add(2));
                }
                b'"' | b'\'' => {
                    j = self.attribute_value(j, b)?;
                }
                // Malformed tag: let the XML parser report it from here.
                b'<' => return Ok(j),
                _ => j = j.saturating_add(1),
            }
        }
        Ok(len)
    }

    /// Whether the quote at `q` can close an attribute value: it is followed by the end of the
    /// text, `>`, `/>`, or whitespace and then one of those or another `name=`.
    fn quote_closes(&self, q: usize) -> bool {
        let mut j = q.saturating_add(1);
        match self.byte(j) {
            None | Some(b'>') => return true,
            Some(b'/') => return self.byte(j.saturating_add(1)) == Some(b'>'),
            Some(b) if is_space(b) => {}
            Some(_) => return false,
        }
        while self.byte(j).is_some_and(is_space) {
            j = j.saturating_add(1);
        }
        match self.byte(j) {
            None | Some(b'>') => true,
            Some(b'/') => self.byte(j.saturating_add(1)) == Some(b'>'),
            Some(b) if is_name_start(b) => {
                let mut k = self.name_end(j);
                while self.byte(k).is_some_and(is_space) {
                    k = k.saturating_add(1);
                }
                self.byte(k) == Some(b'=')
            }
            Some(_) => false,
        }
    }

    /// An attribute value opened by quote `q` at `open`; returns the offset after its closing
    /// quote (or where lexing of the tag resumes).
    fn attribute_value(&mut self, open: usize, q: u8) -> Result<usize, PrepassError> {
        let len = self.bytes.len();
        let start = open.saturating_add(1);
        let mut j = start;
        while self.byte(j).is_some_and(is_space) {
            j = j.saturating_add(1);
        }
        if starts_expression(self.text, j) {
            // An expression value: the expression, then the next quote closes the value.
            let end = self.expression(j)?;
            self.protect(j, end);
            let mut k = end;
            while let Some(b) = self.byte(k) {
                if b == q {
                    return Ok(k.saturating_add(1));
                }
                if b == b'<' {
                    return Ok(k);
                }
                k = k.saturating_add(1);
            }
            return Ok(len);
        }
        let strict = open < self.strict_until;
        let keep = self.protected.len();
        let mut first_protected_quote: Option<usize> = None;
        let mut k = start;
        while k < len {
            let Some(b) = self.byte(k) else { break };
            if b == q {
                if strict || self.quote_closes(k) {
                    return Ok(k.saturating_add(1));
                }
                first_protected_quote.get_or_insert(k);
                self.protect(k, k.saturating_add(1));
                k = k.saturating_add(1);
                continue;
            }
            if b == b'<' {
                break;
            }
            if !self.literal_scans_off && starts_expression(self.text, k) {
                // An expression inside a literal value is not a policy expression, but its
                // quotes must not end the value; if it does not scan, it is plain text.
                match scan_expression(self.text, k, true, self.limits.max_expression_nesting) {
                    Ok(end) => {
                        self.protect(k, end);
                        k = end;
                        continue;
                    }
                    Err(_) => self.literal_scans_off = true,
                }
            }
            k = k.saturating_add(1);
        }
        // The value ran into `<` or the end of the text: protecting quotes was wrong. Undo it,
        // let the first of them close the value and lex strictly up to here.
        if let Some(first) = first_protected_quote {
            self.unprotect_after(keep);
            self.strict_until = k.max(self.strict_until);
            return Ok(first.saturating_add(1));
        }
        Ok(k)
    }
}
