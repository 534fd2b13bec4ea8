//! LINQ to XML for reading: `XDocument`/`XElement.Parse`, `Body.As<XDocument>()`, and an
//! owned, immutable tree (`Arc`-shared elements) with `Root`, `Element`, `Elements`,
//! `Descendants`, `Attribute`, `Name` (`XName`, `XNamespace`), `Value`, explicit casts, and
//! `ToString()` indented as .NET's `SaveOptions.None` writes it. Parsing uses `roxmltree` with
//! its entity-expansion checks, plus limits on nodes and depth: hostile input is an
//! `XmlException`, never a hang. Changing XML (`Add`, `SetValue`, ...) is not supported.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use super::string::owned;
use super::{MemberDef, MethodDef, StaticMethodDef};
use crate::diagnostic::Span;
use crate::expr::ast::BinaryOp;
use crate::expr::eval::{Exception, ExceptionKind, OperatorFn};
use crate::expr::types::{StaticType, Type};
use crate::expr::value::Value;

/// Deepest element nesting accepted (deeper documents are an `XmlException`).
pub const MAX_DEPTH: usize = 256;
/// Most nodes one parsed document may hold.
pub const MAX_NODES: u32 = 1_000_000;

/// An `XName`: a namespace URI (empty for none) and a local name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct XName {
    pub(crate) namespace: Arc<str>,
    pub(crate) local: Arc<str>,
}

impl fmt::Display for XName {
    /// `{namespace}local`, or `local` without a namespace, as .NET's `XName.ToString()`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            f.write_str(&self.local)
        } else {
            write!(f, "{{{}}}{}", self.namespace, self.local)
        }
    }
}

impl XName {
    /// `XName.Get(expandedName)`: `{namespace}local` or a plain local name.
    fn parse(text: &str) -> Self {
        if let Some(rest) = text.strip_prefix('{')
            && let Some((ns, local)) = rest.split_once('}')
        {
            return Self {
                namespace: Arc::from(ns),
                local: Arc::from(local),
            };
        }
        Self {
            namespace: Arc::from(""),
            local: Arc::from(text),
        }
    }
}

/// An `XAttribute` (namespace declarations included, as LINQ to XML keeps them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XAttribute {
    pub(crate) name: XName,
    /// The name as written (`p:id`, `xmlns:p`), for `ToString()`.
    pub(crate) qname: Box<str>,
    pub(crate) value: Box<str>,
    pub(crate) is_namespace: bool,
}

impl fmt::Display for XAttribute {
    /// `name="value"`, escaped as .NET writes attributes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        escape_attribute(&self.value, &mut out);
        write!(f, "{}=\"{out}\"", self.qname)
    }
}

/// A node inside an element or document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum XNode {
    Element(Arc<XElement>),
    Text(Box<str>),
    Comment(Box<str>),
    Instruction(Box<str>, Box<str>),
}

/// An `XElement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XElement {
    pub(crate) name: XName,
    /// The name as written (`p:item`), for `ToString()`.
    pub(crate) qname: Box<str>,
    pub(crate) attributes: Vec<Arc<XAttribute>>,
    pub(crate) nodes: Vec<XNode>,
}

/// An `XDocument`: its top-level nodes (the root element, comments, instructions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XDocument {
    pub(crate) nodes: Vec<XNode>,
}

impl XDocument {
    fn root(&self) -> Option<&Arc<XElement>> {
        self.nodes.iter().find_map(|n| match n {
            XNode::Element(e) => Some(e),
            _ => None,
        })
    }
}

impl XElement {
    fn child_elements(&self) -> impl Iterator<Item = &Arc<XElement>> {
        self.nodes.iter().filter_map(|n| match n {
            XNode::Element(e) => Some(e),
            _ => None,
        })
    }

    /// `Value`: the text of every descendant, in document order.
    fn value(&self) -> String {
        let mut out = String::new();
        let mut stack: Vec<std::slice::Iter<'_, XNode>> = vec![self.nodes.iter()];
        while let Some(top) = stack.last_mut() {
            match top.next() {
                Some(XNode::Text(t)) => out.push_str(t),
                Some(XNode::Element(e)) => stack.push(e.nodes.iter()),
                Some(_) => {}
                None => {
                    stack.pop();
                }
            }
        }
        out
    }

    /// Descendant elements in document order.
    fn descendants(&self, out: &mut Vec<Arc<XElement>>, name: Option<&XName>) {
        let mut stack: Vec<std::slice::Iter<'_, XNode>> = vec![self.nodes.iter()];
        while let Some(top) = stack.last_mut() {
            match top.next() {
                Some(XNode::Element(e)) => {
                    if name.is_none_or(|n| *n == e.name) {
                        out.push(Arc::clone(e));
                    }
                    stack.push(e.nodes.iter());
                }
                Some(_) => {}
                None => {
                    stack.pop();
                }
            }
        }
    }
}

fn xml_error(message: impl Into<String>) -> Exception {
    Exception::new(ExceptionKind::Xml, message.into(), Span::default())
}

/// Parses XML text as `XDocument.Parse` does (`LoadOptions.None`: whitespace-only text
/// between elements is dropped).
pub(crate) fn parse(text: &str) -> Result<XDocument, Exception> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        nodes_limit: MAX_NODES,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options)
        .map_err(|e| xml_error(format!("{e}.")))?;
    let mut nodes = Vec::new();
    for child in doc.root().children() {
        if let Some(node) = convert(&child, text, 0)? {
            nodes.push(node);
        }
    }
    Ok(XDocument { nodes })
}

fn convert(
    node: &roxmltree::Node<'_, '_>,
    source: &str,
    depth: usize,
) -> Result<Option<XNode>, Exception> {
    Ok(match node.node_type() {
        roxmltree::NodeType::Element => {
            if depth >= MAX_DEPTH {
                return Err(xml_error(format!(
                    "The XML is nested more than {MAX_DEPTH} elements deep."
                )));
            }
            Some(XNode::Element(Arc::new(element(node, source, depth)?)))
        }
        roxmltree::NodeType::Text => {
            let t = node.text().unwrap_or("");
            if t.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n')) {
                None
            } else {
                Some(XNode::Text(t.into()))
            }
        }
        roxmltree::NodeType::Comment => Some(XNode::Comment(node.text().unwrap_or("").into())),
        roxmltree::NodeType::PI => node
            .pi()
            .map(|pi| XNode::Instruction(pi.target.into(), pi.value.unwrap_or("").into())),
        roxmltree::NodeType::Root => None,
    })
}

fn element(
    node: &roxmltree::Node<'_, '_>,
    source: &str,
    depth: usize,
) -> Result<XElement, Exception> {
    let tag = node.tag_name();
    // The qualified name as written: after `<`, up to whitespace, `/` or `>`.
    let start = node.range().start.saturating_add(1);
    let qname: Box<str> = source
        .get(start..)
        .map(|rest| {
            rest.split(|c: char| c.is_whitespace() || c == '/' || c == '>')
                .next()
                .unwrap_or("")
        })
        .filter(|q| !q.is_empty())
        .unwrap_or(tag.name())
        .into();
    let mut attributes = Vec::new();
    let parent = node.parent_element();
    for ns in node.namespaces() {
        let prefix = ns.name();
        if prefix == Some("xml") {
            continue;
        }
        let inherited = parent.and_then(|p| p.lookup_namespace_uri(prefix));
        if inherited == Some(ns.uri()) {
            continue;
        }
        let (name, qname) = match prefix {
            None => (
                XName {
                    namespace: Arc::from(""),
                    local: Arc::from("xmlns"),
                },
                "xmlns".to_owned(),
            ),
            Some(p) => (
                XName {
                    namespace: Arc::from("http://www.w3.org/2000/xmlns/"),
                    local: Arc::from(p),
                },
                format!("xmlns:{p}"),
            ),
        };
        attributes.push(Arc::new(XAttribute {
            name,
            qname: qname.into(),
            value: ns.uri().into(),
            is_namespace: true,
        }));
    }
    for a in node.attributes() {
        let qname = source.get(a.range_qname()).unwrap_or(a.name());
        attributes.push(Arc::new(XAttribute {
            name: XName {
                namespace: Arc::from(a.namespace().unwrap_or("")),
                local: Arc::from(a.name()),
            },
            qname: qname.into(),
            value: a.value().into(),
            is_namespace: false,
        }));
    }
    // Namespace declarations and attributes in the order written.
    let tag_text = start_tag(source, node.range().start);
    let written: Vec<usize> = node
        .attributes()
        .map(|a| a.range_qname().start.saturating_sub(node.range().start))
        .collect();
    let mut next_written = written.iter();
    let mut keyed: Vec<(usize, usize, Arc<XAttribute>)> = attributes
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            let pos = if a.is_namespace {
                find_declaration(tag_text, &a.qname).unwrap_or(0)
            } else {
                next_written.next().copied().unwrap_or(usize::MAX)
            };
            (pos, i, a)
        })
        .collect();
    keyed.sort_by_key(|(pos, i, _)| (*pos, *i));
    let attributes: Vec<Arc<XAttribute>> = keyed.into_iter().map(|(_, _, a)| a).collect();
    let mut nodes = Vec::new();
    for child in node.children() {
        if let Some(n) = convert(&child, source, depth + 1)? {
            nodes.push(n);
        }
    }
    Ok(XElement {
        name: XName {
            namespace: Arc::from(tag.namespace().unwrap_or("")),
            local: Arc::from(tag.name()),
        },
        qname,
        attributes,
        nodes,
    })
}

/// The text of the start tag beginning at `start` (up to its `>`, outside quotes).
fn start_tag(source: &str, start: usize) -> &str {
    let Some(rest) = source.get(start..) else {
        return "";
    };
    let mut quote: Option<char> = None;
    for (i, c) in rest.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return rest.get(..i).unwrap_or(rest),
            _ => {}
        }
    }
    rest
}

/// Where `xmlns` or `xmlns:p` is declared in a start tag (outside attribute values).
fn find_declaration(tag: &str, qname: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                let after = tag.get(i + c.len_utf8()..)?.trim_start();
                if let Some(rest) = after.strip_prefix(qname)
                    && rest.trim_start().starts_with('=')
                {
                    return Some(tag.len() - after.len());
                }
            }
            _ => {}
        }
    }
    None
}

fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

fn escape_attribute(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            '\t' => out.push_str("&#x9;"),
            c => out.push(c),
        }
    }
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// Writes a node as .NET's indenting `XmlWriter` does: children on their own lines, two
/// spaces a level, except inside an element holding text (mixed content), which is written
/// as is.
fn write_node(node: &XNode, depth: usize, out: &mut String) {
    match node {
        XNode::Text(t) => escape_text(t, out),
        XNode::Comment(c) => {
            out.push_str("<!--");
            out.push_str(c);
            out.push_str("-->");
        }
        XNode::Instruction(target, value) => {
            out.push_str("<?");
            out.push_str(target);
            if !value.is_empty() {
                out.push(' ');
                out.push_str(value);
            }
            out.push_str("?>");
        }
        XNode::Element(e) => write_element(e, depth, true, out),
    }
}

fn write_element(e: &XElement, depth: usize, indent: bool, out: &mut String) {
    out.push('<');
    out.push_str(&e.qname);
    for a in &e.attributes {
        out.push(' ');
        out.push_str(&a.to_string());
    }
    if e.nodes.is_empty() {
        out.push_str(" />");
        return;
    }
    out.push('>');
    let indent = indent && !e.nodes.iter().any(|n| matches!(n, XNode::Text(_)));
    for child in &e.nodes {
        if indent {
            newline(out, depth + 1);
        }
        match child {
            XNode::Element(c) => write_element(c, depth + 1, indent, out),
            other => write_node(other, depth + 1, out),
        }
    }
    if indent {
        newline(out, depth);
    }
    out.push_str("</");
    out.push_str(&e.qname);
    out.push('>');
}

/// `XElement.ToString()`: indented XML.
pub(crate) fn element_text(e: &XElement) -> String {
    let mut out = String::new();
    write_element(e, 0, true, &mut out);
    out
}

/// `XDocument.ToString()`: its nodes, indented, one a line, without the XML declaration.
pub(crate) fn document_text(d: &XDocument) -> String {
    let mut out = String::new();
    for (i, node) in d.nodes.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        write_node(node, 0, &mut out);
    }
    out
}

/// An `XName` argument: an `XName` or a string converted implicitly.
fn name_of(value: &Value<'_>) -> Option<XName> {
    match value {
        Value::XName(n) => Some((**n).clone()),
        Value::Str(_) | Value::String(_) => value.as_str().map(XName::parse),
        _ => None,
    }
}

fn name_arg(args: &[Value<'_>]) -> Result<XName, Exception> {
    args.first().and_then(name_of).ok_or_else(|| {
        Exception::new(
            ExceptionKind::ArgumentNull,
            "Value cannot be null. (Parameter 'name')",
            Span::default(),
        )
    })
}

/// Equality of two names (for `==` / `!=`): `Equal` or not.
pub(crate) fn name_ordering(a: &Value<'_>, b: &Value<'_>) -> Option<Ordering> {
    match (a, b) {
        (Value::Null, Value::Null) => Some(Ordering::Equal),
        (Value::Null, _) | (_, Value::Null) => Some(Ordering::Less),
        _ => Some(if name_of(a) == name_of(b) {
            Ordering::Equal
        } else {
            Ordering::Less
        }),
    }
}

fn namespace_of(value: &Value<'_>) -> Option<Arc<str>> {
    match value {
        Value::XNamespace(ns) => Some(Arc::clone(ns)),
        Value::Str(s) => Some(Arc::from(*s)),
        Value::String(s) => Some(Arc::clone(s)),
        _ => None,
    }
}

/// `XNamespace + string` → `XName`.
pub(crate) fn operator(op: BinaryOp, left: Type, right: Type) -> Option<(OperatorFn, Type)> {
    match (op, left, right) {
        (BinaryOp::Add, Type::XNamespace, Type::String) => Some((
            |a, b| match (namespace_of(a), b.as_str()) {
                (Some(ns), Some(local)) => Ok(Value::XName(Arc::new(XName {
                    namespace: ns,
                    local: Arc::from(local),
                }))),
                (None, _) => Err(Exception::new(
                    ExceptionKind::ArgumentNull,
                    "Value cannot be null. (Parameter 'ns')",
                    Span::default(),
                )),
                _ => Err(Exception::new(
                    ExceptionKind::ArgumentNull,
                    "Value cannot be null. (Parameter 'localName')",
                    Span::default(),
                )),
            },
            Type::XName,
        )),
        _ => None,
    }
}

/// The elements and text of a container (`XDocument` or `XElement`).
fn container_nodes<'v>(value: &'v Value<'_>) -> &'v [XNode] {
    match value {
        Value::XDocument(d) => &d.nodes,
        Value::XElement(e) => &e.nodes,
        _ => &[],
    }
}

fn elements<'a>(value: &Value<'_>, name: Option<&XName>) -> Value<'a> {
    let items: Vec<Value<'a>> = container_nodes(value)
        .iter()
        .filter_map(|n| match n {
            XNode::Element(e) if name.is_none_or(|n| *n == e.name) => {
                Some(Value::XElement(Arc::clone(e)))
            }
            _ => None,
        })
        .collect();
    Value::Sequence(Arc::from(items))
}

fn descendants<'a>(value: &Value<'_>, name: Option<&XName>, with_self: bool) -> Value<'a> {
    let mut found = Vec::new();
    match value {
        Value::XDocument(d) => {
            for node in &d.nodes {
                if let XNode::Element(e) = node {
                    if name.is_none_or(|n| *n == e.name) {
                        found.push(Arc::clone(e));
                    }
                    e.descendants(&mut found, name);
                }
            }
        }
        Value::XElement(e) => {
            if with_self && name.is_none_or(|n| *n == e.name) {
                found.push(Arc::clone(e));
            }
            e.descendants(&mut found, name);
        }
        _ => {}
    }
    Value::Sequence(found.into_iter().map(Value::XElement).collect())
}

fn first_element<'a>(value: &Value<'_>, name: &XName) -> Value<'a> {
    container_nodes(value)
        .iter()
        .find_map(|n| match n {
            XNode::Element(e) if e.name == *name => Some(Value::XElement(Arc::clone(e))),
            _ => None,
        })
        .unwrap_or(Value::Null)
}

fn attributes<'a>(value: &Value<'_>, name: Option<&XName>) -> Value<'a> {
    let Value::XElement(e) = value else {
        return Value::Null;
    };
    Value::Sequence(
        e.attributes
            .iter()
            .filter(|a| name.is_none_or(|n| *n == a.name))
            .map(|a| Value::XAttribute(Arc::clone(a)))
            .collect(),
    )
}

fn elem<'v>(value: &'v Value<'_>) -> Option<&'v Arc<XElement>> {
    match value {
        Value::XElement(e) => Some(e),
        _ => None,
    }
}

const XELEMENTS: Type = Type::Sequence(&Type::XElement);
const XATTRIBUTES: Type = Type::Sequence(&Type::XAttribute);

macro_rules! container_methods {
    ($owner:expr) => {
        [
            MethodDef {
                name: "Element",
                owner: $owner,
                params: &[Type::XName],
                result: Type::XElement,
                call: |t, a, _| Ok(first_element(t, &name_arg(a)?)),
            },
            MethodDef {
                name: "Elements",
                owner: $owner,
                params: &[],
                result: XELEMENTS,
                call: |t, _, _| Ok(elements(t, None)),
            },
            MethodDef {
                name: "Elements",
                owner: $owner,
                params: &[Type::XName],
                result: XELEMENTS,
                call: |t, a, _| Ok(elements(t, Some(&name_arg(a)?))),
            },
            MethodDef {
                name: "Descendants",
                owner: $owner,
                params: &[],
                result: XELEMENTS,
                call: |t, _, _| Ok(descendants(t, None, false)),
            },
            MethodDef {
                name: "Descendants",
                owner: $owner,
                params: &[Type::XName],
                result: XELEMENTS,
                call: |t, a, _| Ok(descendants(t, Some(&name_arg(a)?), false)),
            },
            MethodDef {
                name: "ToString",
                owner: $owner,
                params: &[],
                result: Type::String,
                call: |t, _, _| Ok(owned(t.to_display_string())),
            },
        ]
    };
}

/// `XDocument`'s container methods.
pub(crate) const DOCUMENT_METHODS: &[MethodDef] = &container_methods!(Type::XDocument);
/// `XElement`'s container methods.
pub(crate) const ELEMENT_METHODS: &[MethodDef] = &container_methods!(Type::XElement);

pub(crate) const METHODS: &[MethodDef] = &[
    MethodDef {
        name: "DescendantsAndSelf",
        owner: Type::XElement,
        params: &[],
        result: XELEMENTS,
        call: |t, _, _| Ok(descendants(t, None, true)),
    },
    MethodDef {
        name: "DescendantsAndSelf",
        owner: Type::XElement,
        params: &[Type::XName],
        result: XELEMENTS,
        call: |t, a, _| Ok(descendants(t, Some(&name_arg(a)?), true)),
    },
    MethodDef {
        name: "Attribute",
        owner: Type::XElement,
        params: &[Type::XName],
        result: Type::XAttribute,
        call: |t, a, _| {
            let name = name_arg(a)?;
            Ok(elem(t)
                .and_then(|e| e.attributes.iter().find(|x| x.name == name))
                .map_or(Value::Null, |x| Value::XAttribute(Arc::clone(x))))
        },
    },
    MethodDef {
        name: "Attributes",
        owner: Type::XElement,
        params: &[],
        result: XATTRIBUTES,
        call: |t, _, _| Ok(attributes(t, None)),
    },
    MethodDef {
        name: "Attributes",
        owner: Type::XElement,
        params: &[Type::XName],
        result: XATTRIBUTES,
        call: |t, a, _| Ok(attributes(t, Some(&name_arg(a)?))),
    },
    MethodDef {
        name: "ToString",
        owner: Type::XAttribute,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(owned(t.to_display_string())),
    },
    MethodDef {
        name: "ToString",
        owner: Type::XName,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(owned(t.to_display_string())),
    },
    MethodDef {
        name: "ToString",
        owner: Type::XNamespace,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(owned(t.to_display_string())),
    },
    MethodDef {
        name: "GetName",
        owner: Type::XNamespace,
        params: &[Type::String],
        result: Type::XName,
        call: |t, a, _| match (namespace_of(t), a.first().and_then(Value::as_str)) {
            (Some(ns), Some(local)) => Ok(Value::XName(Arc::new(XName {
                namespace: ns,
                local: Arc::from(local),
            }))),
            _ => Ok(Value::Null),
        },
    },
];

fn name_value<'a>(name: &XName) -> Value<'a> {
    Value::XName(Arc::new(name.clone()))
}

pub(crate) const MEMBERS: &[MemberDef] = &[
    MemberDef {
        name: "Root",
        owner: Type::XDocument,
        ty: Type::XElement,
        get: |t, _| {
            Ok(match t {
                Value::XDocument(d) => d
                    .root()
                    .map_or(Value::Null, |r| Value::XElement(Arc::clone(r))),
                _ => Value::Null,
            })
        },
    },
    MemberDef {
        name: "Name",
        owner: Type::XElement,
        ty: Type::XName,
        get: |t, _| Ok(elem(t).map_or(Value::Null, |e| name_value(&e.name))),
    },
    MemberDef {
        name: "Value",
        owner: Type::XElement,
        ty: Type::String,
        get: |t, _| Ok(elem(t).map_or(Value::Null, |e| owned(e.value()))),
    },
    MemberDef {
        name: "HasElements",
        owner: Type::XElement,
        ty: Type::Boolean,
        get: |t, _| {
            Ok(Value::Bool(
                elem(t).is_some_and(|e| e.child_elements().next().is_some()),
            ))
        },
    },
    MemberDef {
        name: "HasAttributes",
        owner: Type::XElement,
        ty: Type::Boolean,
        get: |t, _| {
            Ok(Value::Bool(
                elem(t).is_some_and(|e| !e.attributes.is_empty()),
            ))
        },
    },
    MemberDef {
        name: "IsEmpty",
        owner: Type::XElement,
        ty: Type::Boolean,
        get: |t, _| Ok(Value::Bool(elem(t).is_some_and(|e| e.nodes.is_empty()))),
    },
    MemberDef {
        name: "FirstAttribute",
        owner: Type::XElement,
        ty: Type::XAttribute,
        get: |t, _| {
            Ok(elem(t)
                .and_then(|e| e.attributes.first())
                .map_or(Value::Null, |a| Value::XAttribute(Arc::clone(a))))
        },
    },
    MemberDef {
        name: "Name",
        owner: Type::XAttribute,
        ty: Type::XName,
        get: |t, _| {
            Ok(match t {
                Value::XAttribute(a) => name_value(&a.name),
                _ => Value::Null,
            })
        },
    },
    MemberDef {
        name: "Value",
        owner: Type::XAttribute,
        ty: Type::String,
        get: |t, _| {
            Ok(match t {
                Value::XAttribute(a) => owned(a.value.to_string()),
                _ => Value::Null,
            })
        },
    },
    MemberDef {
        name: "IsNamespaceDeclaration",
        owner: Type::XAttribute,
        ty: Type::Boolean,
        get: |t, _| {
            Ok(Value::Bool(
                matches!(t, Value::XAttribute(a) if a.is_namespace),
            ))
        },
    },
    MemberDef {
        name: "LocalName",
        owner: Type::XName,
        ty: Type::String,
        get: |t, _| Ok(name_of(t).map_or(Value::Null, |n| Value::String(n.local))),
    },
    MemberDef {
        name: "NamespaceName",
        owner: Type::XName,
        ty: Type::String,
        get: |t, _| Ok(name_of(t).map_or(Value::Null, |n| Value::String(n.namespace))),
    },
    MemberDef {
        name: "Namespace",
        owner: Type::XName,
        ty: Type::XNamespace,
        get: |t, _| Ok(name_of(t).map_or(Value::Null, |n| Value::XNamespace(n.namespace))),
    },
    MemberDef {
        name: "NamespaceName",
        owner: Type::XNamespace,
        ty: Type::String,
        get: |t, _| Ok(namespace_of(t).map_or(Value::Null, Value::String)),
    },
];

fn text_arg<'v>(args: &'v [Value<'_>]) -> Result<&'v str, Exception> {
    args.first().and_then(Value::as_str).ok_or_else(|| {
        Exception::new(
            ExceptionKind::ArgumentNull,
            "Value cannot be null. (Parameter 'text')",
            Span::default(),
        )
    })
}

/// The root element of a parsed document (`XElement.Parse`).
pub(crate) fn root_value<'a>(doc: &XDocument) -> Result<Value<'a>, Exception> {
    doc.root()
        .map(|r| Value::XElement(Arc::clone(r)))
        .ok_or_else(|| xml_error("Root element is missing."))
}

/// `XDocument.Parse(text)` as a value.
pub(crate) fn parse_document<'a>(text: &str) -> Result<Value<'a>, Exception> {
    Ok(Value::XDocument(Arc::new(parse(text)?)))
}

pub(crate) const STATIC_METHODS: &[StaticMethodDef] = &[
    StaticMethodDef {
        name: "Parse",
        owner: StaticType::XDocument,
        params: &[Type::String],
        result: Type::XDocument,
        call: |a, _| parse_document(text_arg(a)?),
    },
    StaticMethodDef {
        name: "Parse",
        owner: StaticType::XElement,
        params: &[Type::String],
        result: Type::XElement,
        call: |a, _| root_value(&parse(text_arg(a)?)?),
    },
    StaticMethodDef {
        name: "Get",
        owner: StaticType::XNamespace,
        params: &[Type::String],
        result: Type::XNamespace,
        call: |a, _| {
            Ok(a.first()
                .and_then(namespace_of)
                .map_or(Value::Null, Value::XNamespace))
        },
    },
];

macro_rules! conversion_to {
    ($ty:expr) => {
        |args, _| convert_value(args.first().unwrap_or(&Value::Null), $ty)
    };
}

/// LINQ to XML's explicit conversion `(to)from` (`(string)element`, `(int)attribute`, ...),
/// as a call on the operand.
pub(crate) fn conversion(from: Type, to: Type) -> Option<crate::expr::eval::StaticMethodFn> {
    if !matches!(from, Type::XElement | Type::XAttribute) {
        return None;
    }
    Some(match to {
        Type::String => conversion_to!(Type::String),
        Type::Int32 => conversion_to!(Type::Int32),
        Type::Int64 => conversion_to!(Type::Int64),
        Type::Double => conversion_to!(Type::Double),
        Type::Boolean => conversion_to!(Type::Boolean),
        Type::Decimal => conversion_to!(Type::Decimal),
        _ => return None,
    })
}

fn xml_format(text: &str, ty: Type) -> Exception {
    Exception::new(
        ExceptionKind::Format,
        format!("The string '{text}' is not a valid {ty} value."),
        Span::default(),
    )
}

/// `(string)element`, `(int)attribute`, ...: the text through `XmlConvert`; a null element
/// is null for `string` and throws for value types.
pub(crate) fn convert_value<'a>(value: &Value<'_>, ty: Type) -> Result<Value<'a>, Exception> {
    let text = match value {
        Value::XElement(e) => e.value(),
        Value::XAttribute(a) => a.value.to_string(),
        _ => {
            return if ty == Type::String {
                Ok(Value::Null)
            } else {
                Err(Exception::new(
                    ExceptionKind::ArgumentNull,
                    "Value cannot be null. (Parameter 'element')",
                    Span::default(),
                ))
            };
        }
    };
    let trimmed = text.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\r' | '\n'));
    Ok(match ty {
        Type::String => owned(text),
        Type::Boolean => match trimmed {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => return Err(xml_format(&text, Type::Boolean)),
        },
        Type::Int32 => Value::Int(trimmed.parse().map_err(|_| xml_format(&text, ty))?),
        Type::Int64 => Value::Long(trimmed.parse().map_err(|_| xml_format(&text, ty))?),
        Type::Double => Value::Double(match trimmed {
            "INF" => f64::INFINITY,
            "-INF" => f64::NEG_INFINITY,
            "NaN" => f64::NAN,
            t if t
                .bytes()
                .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b)) =>
            {
                t.parse().map_err(|_| xml_format(&text, ty))?
            }
            _ => return Err(xml_format(&text, ty)),
        }),
        Type::Decimal => {
            Value::Decimal(super::decimal::parse(trimmed).map_err(|_| xml_format(&text, ty))?)
        }
        _ => return Ok(Value::Null),
    })
}
