//! STUB until the XML dialect lands (replaced at merge).
#![allow(missing_docs, dead_code)]
use crate::diagnostic::Span;
#[derive(Debug, Clone)]
pub struct XmlLimits {
    pub max_bytes: usize,
    pub max_depth: u32,
    pub max_nodes: u32,
    pub max_expression_nesting: u32,
}
impl Default for XmlLimits {
    fn default() -> Self {
        Self {
            max_bytes: 4 << 20,
            max_depth: 256,
            max_nodes: 100_000,
            max_expression_nesting: 256,
        }
    }
}
#[derive(Debug, Clone)]
pub struct Element {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub attributes: Vec<Attribute>,
    pub children: Vec<Node>,
}
#[derive(Debug, Clone)]
pub enum Node {
    Element(Element),
    Text(TextValue),
}
#[derive(Debug, Clone)]
pub struct Attribute {
    pub name: String,
    pub name_span: Span,
    pub value: TextValue,
}
#[derive(Debug, Clone)]
pub struct TextValue {
    text: String,
    span: Span,
}
impl TextValue {
    pub fn as_str(&self) -> &str {
        &self.text
    }
    pub fn original_offset(&self, byte: usize) -> usize {
        self.span.start as usize + byte
    }
    pub fn span(&self) -> Span {
        self.span
    }
    pub fn is_expression(&self) -> bool {
        let t = self.text.trim();
        t.starts_with("@(") || t.starts_with("@{")
    }
}
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct XmlError {
    pub offset: usize,
    pub message: String,
}
pub fn parse_document(_text: &str, _limits: &XmlLimits) -> Result<Element, XmlError> {
    Err(XmlError {
        offset: 0,
        message: "xml not merged".into(),
    })
}
