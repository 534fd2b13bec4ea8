//! APIM's loose XML dialect: the C#-aware pre-pass, the XML tree with positions, the source map.
//!
//! APIM accepts policy documents that are not well-formed XML: raw `"` inside `@(...)` in a
//! `"`-delimited attribute, raw `<`, `>` and `&&` inside expressions, raw quotes in a
//! distinguished name (`subject="O="Contoso, Inc.", CN=x"`). [`parse_document`] reads them the
//! way the APIM policy toolkit does (spec `apim-policies.md` §7):
//!
//! 1. `prepass` finds every `@(...)` / `@{...}` with a C#-aware `scanner` and masks it (and any
//!    raw quote that cannot close its attribute value) with filler of the same length;
//! 2. `roxmltree` parses the masked text, so the structure is checked by a real XML parser and
//!    its positions are positions in the original text;
//! 3. `text` decodes each attribute value and text node from the original text, restoring the
//!    expressions verbatim (entities inside them decoded) and keeping a map from every decoded
//!    byte back to the original, so an error deep inside an expression gets its true line:column.
//!
//! Comments and processing instructions are dropped; whitespace-only text between elements is
//! dropped; CDATA becomes text. Nothing here panics or recurses without a bound, whatever the
//! input: size, node count, element depth and expression nesting are limited by [`XmlLimits`].

mod prepass;
mod scanner;
mod text;

pub use text::TextValue;

use crate::diagnostic::Span;
use prepass::{HARD_MAX_DEPTH, Prepared, Protected, prepare};
use text::{Context, decode};

/// Limits on the documents [`parse_document`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XmlLimits {
    /// Largest accepted text, in bytes (default 4 MiB).
    pub max_bytes: usize,
    /// Deepest accepted element nesting (default 256; values above 1024 act as 1024).
    pub max_depth: u32,
    /// Most accepted elements, comments and processing instructions (default 100 000).
    pub max_nodes: u32,
    /// Deepest accepted bracket nesting inside one policy expression, counting `(`, `[`, `{`
    /// and interpolation holes (default 256).
    pub max_expression_nesting: u32,
    /// Most attributes one start tag may have (default 256; values above 4096 act as 4096: the
    /// XML parser's duplicate check is quadratic in the attributes of one element).
    pub max_attributes: u32,
}

impl Default for XmlLimits {
    fn default() -> Self {
        Self {
            max_bytes: 4 * 1024 * 1024,
            max_depth: 256,
            max_nodes: 100_000,
            max_expression_nesting: 256,
            max_attributes: 256,
        }
    }
}

/// An element: its name, start tag, attributes and children, with positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// The name as written (with its prefix, if any).
    pub name: String,
    /// Where the name is in the original text.
    pub name_span: Span,
    /// The whole start tag, from `<` to its `>` or `/>`.
    pub span: Span,
    /// The attributes, in document order (namespace declarations excluded).
    pub attributes: Vec<Attribute>,
    /// The children, in document order.
    pub children: Vec<Node>,
}

impl Element {
    /// The attribute called `name`, if present.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The child elements, in document order.
    pub fn child_elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }
}

/// A child of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A child element.
    Element(Element),
    /// Text: character data, entity-decoded, CDATA sections and expressions included.
    Text(TextValue),
}

/// An attribute of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The name as written (with its prefix, if any).
    pub name: String,
    /// Where the name is in the original text.
    pub name_span: Span,
    /// The decoded value.
    pub value: TextValue,
}

/// What kind of mistake an [`XmlError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum XmlErrorKind {
    /// The text is larger than [`XmlLimits::max_bytes`].
    TooLarge,
    /// Elements nest deeper than [`XmlLimits::max_depth`].
    TooDeep,
    /// More nodes than [`XmlLimits::max_nodes`].
    TooManyNodes,
    /// A start tag with more attributes than [`XmlLimits::max_attributes`].
    TooManyAttributes,
    /// An expression nests brackets deeper than [`XmlLimits::max_expression_nesting`].
    ExpressionTooDeep,
    /// An `@(` or `@{` (or a string, character literal or comment inside it) is never closed.
    UnterminatedExpression,
    /// A closing bracket inside an expression does not match the open one.
    UnbalancedExpression,
    /// A malformed comment or `<!` construct, such as `<!—` written with an em dash.
    MalformedComment,
    /// A closing tag does not match the open element.
    MismatchedTag,
    /// An element is never closed.
    Unclosed,
    /// A `<!DOCTYPE` declaration; DTDs are not accepted.
    DtdNotAllowed,
    /// Any other XML syntax error.
    Syntax,
}

/// An error in a policy document's XML, with the byte offset of the mistake in the original text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct XmlError {
    /// What kind of mistake.
    pub kind: XmlErrorKind,
    /// Byte offset in the original text (use [`LineIndex`](crate::diagnostic::LineIndex) for
    /// line and column).
    pub offset: usize,
    /// What went wrong, for people.
    pub message: String,
}

impl XmlError {
    fn new(kind: XmlErrorKind, offset: usize, message: impl Into<String>) -> Self {
        Self {
            kind,
            offset,
            message: message.into(),
        }
    }
}

/// Parses a policy document written in APIM's XML dialect and returns its root element.
///
/// A leading byte-order mark and an `<?xml ...?>` declaration are accepted. Every error carries
/// the byte offset of the mistake in `text`.
pub fn parse_document(text: &str, limits: &XmlLimits) -> Result<Element, XmlError> {
    if text.len() > limits.max_bytes || u32::try_from(text.len()).is_err() {
        return Err(XmlError::new(
            XmlErrorKind::TooLarge,
            0,
            format!(
                "the policy is {} bytes, more than the limit of {} bytes",
                text.len(),
                limits.max_bytes
            ),
        ));
    }
    let prepared = prepare(text, limits);
    if let Some(e) = &prepared.error
        && e.fatal
    {
        return Err(XmlError::new(e.kind, e.offset, e.message.clone()));
    }
    let base = if text.starts_with('\u{FEFF}') {
        '\u{FEFF}'.len_utf8()
    } else {
        0
    };
    let masked = prepared.masked.get(base..).unwrap_or("");
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: limits.max_nodes.saturating_mul(3).saturating_add(16),
        ..roxmltree::ParsingOptions::default()
    };
    let parsed = roxmltree::Document::parse_with_options(masked, options);
    match (parsed, &prepared.error) {
        (Err(e), pre) => {
            let xml = xml_error(&e, text, masked, base, &prepared);
            // Errors roxmltree can only notice at the end of the text are found there.
            let found_at = match e {
                roxmltree::Error::UnclosedRootNode
                | roxmltree::Error::UnexpectedEndOfStream
                | roxmltree::Error::NoRootNode => text.len(),
                _ => xml.offset,
            };
            match pre {
                Some(p) if p.from <= found_at => {
                    Err(XmlError::new(p.kind, p.offset, p.message.clone()))
                }
                _ => Err(xml),
            }
        }
        (Ok(_), Some(p)) => Err(XmlError::new(p.kind, p.offset, p.message.clone())),
        (Ok(doc), None) => {
            let builder = TreeBuilder {
                original: text,
                masked: &prepared.masked,
                base,
                protected: &prepared.protected,
                max_depth: limits.max_depth.min(HARD_MAX_DEPTH),
                max_nesting: limits.max_expression_nesting,
            };
            builder.element(doc.root_element(), 1)
        }
    }
}

/// Converts a roxmltree error on the masked text (which starts at byte `base` of `text`) into an
/// error with an offset in the original text.
fn xml_error(
    e: &roxmltree::Error,
    text: &str,
    masked: &str,
    base: usize,
    prepared: &Prepared,
) -> XmlError {
    use roxmltree::Error as E;
    let pos = e.pos();
    let at = base.saturating_add(offset_of(masked, pos.row, pos.col));
    let plain = {
        let full = e.to_string();
        let suffix = format!(" at {pos}");
        full.strip_suffix(&suffix)
            .map(str::to_owned)
            .unwrap_or(full)
    };
    match e {
        E::UnexpectedCloseTag(expected, actual, _) => XmlError::new(
            XmlErrorKind::MismatchedTag,
            at,
            format!("closing tag `</{actual}>` does not match the open element `<{expected}>`"),
        ),
        E::InvalidComment(_) => XmlError::new(XmlErrorKind::MalformedComment, at, plain),
        E::DtdDetected => XmlError::new(
            XmlErrorKind::DtdNotAllowed,
            text.find("<!DOCTYPE").unwrap_or(0),
            "a document type declaration (`<!DOCTYPE`) is not allowed in a policy",
        ),
        E::NodesLimitReached => XmlError::new(
            XmlErrorKind::TooManyNodes,
            0,
            "the policy has more nodes than the limit allows",
        ),
        E::NoRootNode => XmlError::new(
            XmlErrorKind::Syntax,
            text.len(),
            "the policy has no root element",
        ),
        E::UnclosedRootNode => XmlError::new(
            XmlErrorKind::Unclosed,
            prepared.unclosed.unwrap_or(text.len()),
            "an element is never closed",
        ),
        E::UnexpectedEndOfStream => XmlError::new(
            XmlErrorKind::Syntax,
            text.len(),
            "unexpected end of the text",
        ),
        _ => {
            let hint = stray_quote_hint(text, at, &prepared.protected);
            XmlError::new(XmlErrorKind::Syntax, at, format!("{plain}{hint}"))
        }
    }
}

/// A hint for an XML error right after the closing quote of an expression value, the mark of a
/// quote too many such as `condition="@(x == "a")")"`.
fn stray_quote_hint(text: &str, at: usize, protected: &[Protected]) -> &'static str {
    let Some(quote) = at.checked_sub(1) else {
        return "";
    };
    let after_expression = protected.iter().any(|p| p.end == quote);
    let is_quote = matches!(text.as_bytes().get(quote), Some(b'"' | b'\''));
    if after_expression && is_quote {
        " right after the quote that closes the policy expression's value (is a quote out of place?)"
    } else {
        ""
    }
}

/// The byte offset of 1-based `row` and character `col` in `s`, as roxmltree counts them
/// (rows end at `\n`, columns count characters).
fn offset_of(s: &str, row: u32, col: u32) -> usize {
    let mut line_start = 0usize;
    let mut rows_left = row.saturating_sub(1);
    if rows_left > 0 {
        for (i, b) in s.bytes().enumerate() {
            if b == b'\n' {
                rows_left = rows_left.saturating_sub(1);
                if rows_left == 0 {
                    line_start = i.saturating_add(1);
                    break;
                }
            }
        }
        if rows_left > 0 {
            return s.len();
        }
    }
    let line = s.get(line_start..).unwrap_or("");
    let cols = usize::try_from(col.saturating_sub(1)).unwrap_or(usize::MAX);
    let within = line
        .char_indices()
        .take_while(|(_, c)| *c != '\n')
        .nth(cols)
        .map_or_else(|| line.find('\n').unwrap_or(line.len()), |(i, _)| i);
    line_start.saturating_add(within)
}

/// Builds the owned tree from roxmltree's document.
struct TreeBuilder<'t> {
    original: &'t str,
    /// The whole masked text (roxmltree saw it from `base` on).
    masked: &'t str,
    base: usize,
    protected: &'t [Protected],
    max_depth: u32,
    max_nesting: u32,
}

impl TreeBuilder<'_> {
    fn range(&self, r: std::ops::Range<usize>) -> (usize, usize) {
        (
            r.start.saturating_add(self.base),
            r.end.saturating_add(self.base),
        )
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.masked.as_bytes().get(i).copied()
    }

    /// The end of the name that starts at `from` (the first space, `/`, `>` or `=`).
    fn name_end(&self, from: usize) -> usize {
        let mut j = from;
        while let Some(b) = self.byte(j) {
            if matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>' | b'=') {
                break;
            }
            j = j.saturating_add(1);
        }
        j
    }

    /// The offset one past the `>` that ends the start tag whose name ends at `from`.
    fn start_tag_end(&self, from: usize) -> usize {
        let mut j = from;
        let mut quote: Option<u8> = None;
        while let Some(b) = self.byte(j) {
            j = j.saturating_add(1);
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b == b'>' => return j,
                None => {}
            }
        }
        j
    }

    fn span(start: usize, end: usize) -> Span {
        let to_u32 = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        Span::new(to_u32(start), to_u32(end))
    }

    fn element(&self, node: roxmltree::Node<'_, '_>, depth: u32) -> Result<Element, XmlError> {
        let (start, end) = self.range(node.range());
        if depth > self.max_depth {
            return Err(XmlError::new(
                XmlErrorKind::TooDeep,
                start,
                format!(
                    "elements are nested deeper than the limit of {}",
                    self.max_depth
                ),
            ));
        }
        let name_start = start.saturating_add(1);
        let name_end = self.name_end(name_start);
        let name = self
            .original
            .get(name_start..name_end)
            .unwrap_or("")
            .to_owned();
        let tag_end = self.start_tag_end(name_end);

        let mut attributes = Vec::new();
        for a in node.attributes() {
            let (a_start, a_end) = self.range(a.range());
            let a_name_end = self.name_end(a_start);
            let mut q = a_name_end;
            while let Some(b) = self.byte(q) {
                if b == b'"' || b == b'\'' {
                    break;
                }
                q = q.saturating_add(1);
            }
            let v_start = q.saturating_add(1).min(a_end);
            let v_end = a_end.saturating_sub(1).max(v_start);
            let decoded = decode(
                self.original,
                v_start,
                v_end,
                self.protected,
                Context::Attribute,
                self.max_nesting,
            );
            attributes.push(Attribute {
                name: self
                    .original
                    .get(a_start..a_name_end)
                    .unwrap_or("")
                    .to_owned(),
                name_span: Self::span(a_start, a_name_end),
                value: decoded.value,
            });
        }

        let mut children = Vec::new();
        for child in node.children() {
            if child.is_element() {
                children.push(Node::Element(self.element(child, depth.saturating_add(1))?));
            } else if child.is_text() {
                let (t_start, _) = self.range(child.range());
                let t_end = match child.next_sibling() {
                    Some(next) => self.range(next.range()).0,
                    // The parent's closing tag: its last `</` (filler hides any inside
                    // expressions).
                    None => self
                        .masked
                        .get(start..end)
                        .and_then(|s| s.rfind("</"))
                        .map_or(end, |i| start.saturating_add(i)),
                };
                let decoded = decode(
                    self.original,
                    t_start,
                    t_end.max(t_start),
                    self.protected,
                    Context::Text,
                    self.max_nesting,
                );
                if !decoded.insignificant {
                    children.push(Node::Text(decoded.value));
                }
            }
        }

        Ok(Element {
            name,
            name_span: Self::span(name_start, name_end),
            span: Self::span(start, tag_end),
            attributes,
            children,
        })
    }
}
