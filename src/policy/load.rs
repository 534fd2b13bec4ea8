//! Loading: walks the XML tree of a policy document, checks it as APIM does when a policy is
//! saved, and compiles every expression. Problems are collected (not just the first) and each
//! carries its offset in the original text.

use std::collections::HashMap;

use crate::diagnostic::LineIndex;
use crate::expr::{ExpressionForm, Program, Type};
use crate::xml::{self, Attribute, Element, Node, TextValue};

use crate::cert::name::parse_dn_string;

use super::named_values::{self, Substituted};

use super::catalog::{self, Section};
use super::{
    CertificateIdentity, Condition, ExistsAction, LoadError, LoadErrors, LoadOptions, Policy,
    PolicyExpression, PolicyMeta, PolicyValue, Statement, ValidateClientCertificate, When,
};

/// Most `<identity>` elements APIM accepts in one `<identities>`.
const MAX_IDENTITIES: usize = 10;

pub(super) fn load(text: &str, options: &LoadOptions) -> Result<Policy, LoadErrors> {
    let mut loader = Loader::new(text, options, None);
    let policy = match loader.parse() {
        Some(root) => loader.policies(&root),
        None => None,
    };
    match policy {
        Some(policy) if loader.errors.is_empty() => Ok(policy),
        _ => {
            if loader.errors.is_empty() {
                loader.error(0, "the policy document could not be loaded");
            }
            Err(LoadErrors {
                errors: loader.errors,
            })
        }
    }
}

/// What a value may be: APIM forbids expressions in some attributes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expressions {
    Allowed,
    Forbidden,
}

/// Loads a `<fragment>` document on its own (what `apim-policy check` does for fragment files):
/// every policy must exist and be allowed in some section; fragment rules apply.
pub(super) fn check_fragment(text: &str, options: &LoadOptions) -> Result<(), LoadErrors> {
    let mut loader = Loader::new(text, options, None);
    loader.any_section = true;
    // The fragment rules (no `<base/>`, no sections, no nested fragments) hold on their own too.
    loader.in_fragment = true;
    if let Some(root) = loader.parse() {
        let _ = loader.fragment_root(&root, Section::Inbound, "");
    }
    if loader.errors.is_empty() {
        Ok(())
    } else {
        Err(LoadErrors {
            errors: loader.errors,
        })
    }
}

/// Largest fragment APIM accepts.
const MAX_FRAGMENT_BYTES: usize = 32 * 1024;

struct Loader<'t> {
    /// The text as the user wrote it.
    original: &'t str,
    /// The text after named-value substitution, which the XML layer parses.
    substituted: Substituted,
    /// Line starts of `original`, built at the first error (a policy that loads never needs it).
    index: Option<LineIndex>,
    options: &'t LoadOptions,
    errors: Vec<LoadError>,
    /// The fragment being loaded, when this loader loads one.
    fragment: Option<String>,
    /// Inside a fragment: `base` and `include-fragment` are not allowed.
    in_fragment: bool,
    /// Standalone fragment check: the section is unknown.
    any_section: bool,
}

impl<'t> Loader<'t> {
    fn new(original: &'t str, options: &'t LoadOptions, fragment: Option<String>) -> Self {
        let mut loader = Loader {
            original,
            substituted: Substituted::unchanged(""),
            index: None,
            options,
            errors: Vec::new(),
            in_fragment: fragment.is_some(),
            fragment,
            any_section: false,
        };
        match named_values::substitute(original, &options.named_values) {
            Ok(substituted) => loader.substituted = substituted,
            Err(missing) => {
                loader.substituted = Substituted::unchanged(original);
                for (offset, name) in missing {
                    loader.errors.push(LoadError {
                        offset,
                        position: loader
                            .index
                            .get_or_insert_with(|| LineIndex::new(original))
                            .position(original, offset),
                        message: format!("the named value '{name}' is not defined"),
                        fragment: loader.fragment.clone(),
                    });
                }
            }
        }
        loader
    }

    /// Parses the (substituted) text as APIM XML.
    fn parse(&mut self) -> Option<Element> {
        if !self.errors.is_empty() {
            return None;
        }
        match xml::parse_document(&self.substituted.text, &self.options.xml) {
            Ok(root) => Some(root),
            Err(e) => {
                self.error(e.offset, e.message.clone());
                None
            }
        }
    }

    /// Records an error at `offset` of the parsed (substituted) text.
    fn error(&mut self, offset: usize, message: impl Into<String>) {
        let offset = self.substituted.original_offset(offset);
        self.errors.push(LoadError {
            offset,
            position: self
                .index
                .get_or_insert_with(|| LineIndex::new(self.original))
                .position(self.original, offset),
            message: message.into(),
            fragment: self.fragment.clone(),
        });
    }

    /// The statements of a `<fragment>` root, loaded for `section`.
    fn fragment_root(
        &mut self,
        root: &Element,
        section: Section,
        parent: &str,
    ) -> Option<Vec<Statement>> {
        if root.name != "fragment" {
            self.error(
                Self::element_offset(root),
                format!(
                    "the root element of a policy fragment must be <fragment>, not <{}>",
                    root.name
                ),
            );
            return None;
        }
        if self.original.len() > MAX_FRAGMENT_BYTES {
            self.error(
                0,
                format!("a policy fragment can be at most {MAX_FRAGMENT_BYTES} bytes"),
            );
            return None;
        }
        self.no_attributes(root, &[]);
        Some(self.statements(&root.children, section, parent))
    }

    fn include_fragment(
        &mut self,
        e: &Element,
        section: Section,
        meta: PolicyMeta,
    ) -> Option<Statement> {
        self.no_attributes(e, &["id", "fragment-id"]);
        self.no_children(e);
        if self.in_fragment {
            self.error(
                Self::element_offset(e),
                "a policy fragment cannot include another fragment",
            );
            return None;
        }
        let id = self.required(e, "fragment-id")?;
        let id = self.literal_only(id)?.to_owned();
        if self.any_section {
            return Some(Statement::IncludeFragment {
                meta,
                fragment_id: id,
                statements: Vec::new(),
            });
        }
        let Some(text) = self.options.fragments.get(&id).cloned() else {
            self.error(
                Self::element_offset(e),
                format!("the policy fragment '{id}' is not defined"),
            );
            return None;
        };
        let mut loader = Loader::new(&text, self.options, Some(id.clone()));
        let statements = loader
            .parse()
            .and_then(|root| loader.fragment_root(&root, section, &meta.path));
        self.errors.append(&mut loader.errors);
        Some(Statement::IncludeFragment {
            meta,
            fragment_id: id,
            statements: statements?,
        })
    }

    fn element_offset(element: &Element) -> usize {
        element.span.start as usize
    }

    fn policies(&mut self, root: &Element) -> Option<Policy> {
        if root.name != "policies" {
            self.error(
                Self::element_offset(root),
                format!("the root element must be <policies>, not <{}>", root.name),
            );
            return None;
        }
        self.no_attributes(root, &[]);
        let mut sections: HashMap<&'static str, Vec<Statement>> = HashMap::new();
        let mut on_error = None;
        for child in &root.children {
            match child {
                Node::Text(t) => self.stray_text(t),
                Node::Element(e) => {
                    let Some(section) = Section::from_name(&e.name) else {
                        self.error(
                            Self::element_offset(e),
                            format!(
                                "<{}> is not a policy section; <policies> holds <inbound>, <backend>, <outbound> and <on-error>",
                                e.name
                            ),
                        );
                        continue;
                    };
                    self.no_attributes(e, &[]);
                    if sections.contains_key(section.name())
                        || (section == Section::OnError && on_error.is_some())
                    {
                        self.error(
                            Self::element_offset(e),
                            format!("<{}> appears more than once", e.name),
                        );
                        continue;
                    }
                    let statements = self.statements(&e.children, section, "");
                    if section == Section::OnError {
                        on_error = Some(statements);
                    } else {
                        sections.insert(section.name(), statements);
                    }
                }
            }
        }
        let mut take = |s: Section| sections.remove(s.name()).unwrap_or_default();
        Some(Policy {
            inbound: take(Section::Inbound),
            backend: take(Section::Backend),
            outbound: take(Section::Outbound),
            on_error,
        })
    }

    fn stray_text(&mut self, text: &TextValue) {
        let value = text.as_str();
        if !value.trim().is_empty() {
            // Point at the text itself, not the whitespace before it.
            let lead = value.len().saturating_sub(value.trim_start().len());
            self.error(
                text.original_offset(lead),
                "text is not allowed here; only policy elements",
            );
        }
    }

    /// Reports attributes not in `allowed` (`id` is always allowed on policies).
    fn no_attributes(&mut self, element: &Element, allowed: &[&str]) {
        for a in &element.attributes {
            if !allowed.contains(&a.name.as_str()) {
                self.error(
                    a.name_span.start as usize,
                    format!("<{}> has no attribute '{}'", element.name, a.name),
                );
            }
        }
    }

    fn attribute<'e>(element: &'e Element, name: &str) -> Option<&'e Attribute> {
        element.attributes.iter().find(|a| a.name == name)
    }

    fn required<'e>(&mut self, element: &'e Element, name: &str) -> Option<&'e Attribute> {
        let found = Self::attribute(element, name);
        if found.is_none() {
            self.error(
                Self::element_offset(element),
                format!("<{}> requires the attribute '{name}'", element.name),
            );
        }
        found
    }

    fn statements(&mut self, nodes: &[Node], section: Section, parent: &str) -> Vec<Statement> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        let mut out = Vec::new();
        for node in nodes {
            match node {
                Node::Text(t) => self.stray_text(t),
                Node::Element(e) => {
                    let n = counts.entry(e.name.as_str()).or_insert(0);
                    *n += 1;
                    let path = if parent.is_empty() {
                        format!("{}[{n}]", e.name)
                    } else {
                        format!("{parent}/{}[{n}]", e.name)
                    };
                    if let Some(s) = self.statement(e, section, path) {
                        out.push(s);
                    }
                }
            }
        }
        out
    }

    fn meta(element: &Element, path: String) -> PolicyMeta {
        PolicyMeta {
            name: element.name.clone(),
            id: Self::attribute(element, "id").map(|a| a.value.as_str().to_owned()),
            path,
            offset: Self::element_offset(element),
        }
    }

    fn statement(&mut self, e: &Element, section: Section, path: String) -> Option<Statement> {
        if self.in_fragment && (e.name == "base" || Section::from_name(&e.name).is_some()) {
            self.error(
                e.name_span.start as usize,
                format!("a policy fragment cannot contain <{}>", e.name),
            );
            return None;
        }
        let allowed = match catalog::allowed_in(&e.name, section) {
            Some(false) if self.any_section => Some(!catalog::sections_of(&e.name).is_empty()),
            other => other,
        };
        match allowed {
            None => {
                self.error(
                    e.name_span.start as usize,
                    format!("unknown policy <{}>", e.name),
                );
                return None;
            }
            Some(false) => {
                let allowed = catalog::sections_of(&e.name);
                let where_ = if allowed.is_empty() {
                    "only in GraphQL resolvers".to_owned()
                } else {
                    format!("only in {}", allowed.join(", "))
                };
                self.error(
                    e.name_span.start as usize,
                    format!(
                        "<{}> is not allowed in the {} section; it is allowed {where_}",
                        e.name,
                        section.name()
                    ),
                );
                return None;
            }
            Some(true) => {}
        }
        let meta = Self::meta(e, path);
        match e.name.as_str() {
            "base" => {
                self.no_attributes(e, &["id"]);
                self.no_children(e);
                Some(Statement::Base(meta))
            }
            "choose" => self.choose(e, section, meta),
            "return-response" => self.return_response(e, meta),
            "set-status" => self.set_status(e, meta),
            "set-header" => self.set_header(e, meta),
            "set-body" => self.set_body(e, meta),
            "set-variable" => self.set_variable(e, meta),
            "validate-client-certificate" => self.validate_client_certificate(e, meta),
            "include-fragment" => self.include_fragment(e, section, meta),
            "set-method" => {
                self.no_attributes(e, &["id"]);
                let method = self.element_value(e)?;
                Some(Statement::SetMethod { meta, method })
            }
            "rewrite-uri" => self.rewrite_uri(e, meta),
            "set-query-parameter" => {
                let (name, exists_action, values) = self.named_values_policy(e)?;
                Some(Statement::SetQueryParameter {
                    meta,
                    name,
                    exists_action,
                    values,
                })
            }
            "mock-response" => self.mock_response(e, meta),
            "check-header" => self.check_header(e, meta),
            "ip-filter" => self.ip_filter(e, meta),
            "trace" => self.trace(e, meta),
            _ => Some(Statement::Unimplemented {
                meta,
                attributes: e
                    .attributes
                    .iter()
                    .map(|a| (a.name.clone(), a.value.as_str().to_owned()))
                    .collect(),
            }),
        }
    }

    fn no_children(&mut self, e: &Element) {
        for child in &e.children {
            match child {
                Node::Text(t) => self.stray_text(t),
                Node::Element(c) => self.error(
                    Self::element_offset(c),
                    format!("<{}> cannot contain <{}>", e.name, c.name),
                ),
            }
        }
    }

    fn choose(&mut self, e: &Element, section: Section, meta: PolicyMeta) -> Option<Statement> {
        self.no_attributes(e, &["id"]);
        let mut branches = Vec::new();
        let mut otherwise: Option<Vec<Statement>> = None;
        let mut whens = 0usize;
        for child in &e.children {
            let c = match child {
                Node::Text(t) => {
                    self.stray_text(t);
                    continue;
                }
                Node::Element(c) => c,
            };
            match c.name.as_str() {
                "when" => {
                    whens += 1;
                    let path = format!("{}/when[{whens}]", meta.path);
                    if otherwise.is_some() {
                        self.error(
                            Self::element_offset(c),
                            "<when> must come before <otherwise>",
                        );
                    }
                    self.no_attributes(c, &["condition"]);
                    let condition = self
                        .required(c, "condition")
                        .and_then(|a| self.condition(a));
                    let statements = self.statements(&c.children, section, &path);
                    if let Some(condition) = condition {
                        branches.push(When {
                            condition,
                            statements,
                            path,
                        });
                    }
                }
                "otherwise" => {
                    self.no_attributes(c, &[]);
                    if otherwise.is_some() {
                        self.error(
                            Self::element_offset(c),
                            "<choose> can have only one <otherwise>",
                        );
                        continue;
                    }
                    let path = format!("{}/otherwise[1]", meta.path);
                    otherwise = Some(self.statements(&c.children, section, &path));
                }
                other => self.error(
                    Self::element_offset(c),
                    format!("<choose> can contain only <when> and <otherwise>, not <{other}>"),
                ),
            }
        }
        if whens == 0 {
            self.error(
                Self::element_offset(e),
                "<choose> must contain at least one <when>",
            );
        }
        Some(Statement::Choose {
            meta,
            branches,
            otherwise,
        })
    }

    fn return_response(&mut self, e: &Element, meta: PolicyMeta) -> Option<Statement> {
        self.no_attributes(e, &["id", "response-variable-name"]);
        let response_variable_name = Self::attribute(e, "response-variable-name")
            .and_then(|a| self.literal_only(a))
            .map(str::to_owned);
        let mut actions = Vec::new();
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for child in &e.children {
            let c = match child {
                Node::Text(t) => {
                    self.stray_text(t);
                    continue;
                }
                Node::Element(c) => c,
            };
            let n = counts.entry(c.name.as_str()).or_insert(0);
            *n += 1;
            let child_meta = Self::meta(c, format!("{}/{}[{n}]", meta.path, c.name));
            let action = match c.name.as_str() {
                "set-status" => self.set_status(c, child_meta),
                "set-header" => self.set_header(c, child_meta),
                "set-body" => self.set_body(c, child_meta),
                other => {
                    self.error(
                        Self::element_offset(c),
                        format!("<return-response> can contain only <set-status>, <set-header> and <set-body>, not <{other}>"),
                    );
                    None
                }
            };
            actions.extend(action);
        }
        Some(Statement::ReturnResponse {
            meta,
            response_variable_name,
            actions,
        })
    }

    fn set_status(&mut self, e: &Element, meta: PolicyMeta) -> Option<Statement> {
        self.no_attributes(e, &["id", "code", "reason"]);
        self.no_children(e);
        let code = self.required(e, "code")?;
        let code = match self.value(&code.value, Expressions::Allowed, Some(&[Type::Int32]))? {
            PolicyValue::Literal(text) => match text.trim().parse::<u16>() {
                Ok(n) if (100..=999).contains(&n) => PolicyValue::Literal(n.to_string()),
                _ => {
                    self.error(
                        code.value.span().start as usize,
                        format!("'{text}' is not a valid HTTP status code"),
                    );
                    return None;
                }
            },
            expression => expression,
        };
        let reason = match Self::attribute(e, "reason") {
            Some(a) => Some(self.value(&a.value, Expressions::Allowed, None)?),
            None => None,
        };
        Some(Statement::SetStatus { meta, code, reason })
    }

    fn set_header(&mut self, e: &Element, meta: PolicyMeta) -> Option<Statement> {
        let (name, exists_action, values) = self.named_values_policy(e)?;
        Some(Statement::SetHeader {
            meta,
            name,
            exists_action,
            values,
        })
    }

    fn named_values_policy(
        &mut self,
        e: &Element,
    ) -> Option<(PolicyValue, PolicyValue, Vec<PolicyValue>)> {
        self.no_attributes(e, &["id", "name", "exists-action"]);
        let name = self.required(e, "name")?;
        let name = self.value(&name.value, Expressions::Allowed, None)?;
        let exists_action = match Self::attribute(e, "exists-action") {
            Some(a) => {
                let v = self.value(&a.value, Expressions::Allowed, Some(&[Type::String]))?;
                if let PolicyValue::Literal(text) = &v
                    && ExistsAction::parse(text).is_none()
                {
                    self.error(
                        a.value.span().start as usize,
                        format!(
                            "exists-action must be override, skip, append or delete, not '{text}'"
                        ),
                    );
                    return None;
                }
                v
            }
            None => PolicyValue::Literal("override".to_owned()),
        };
        let values = self.value_children(e)?;
        Some((name, exists_action, values))
    }

    /// The `<value>` children of an element.
    fn value_children(&mut self, e: &Element) -> Option<Vec<PolicyValue>> {
        let mut values = Vec::new();
        let mut ok = true;
        for child in &e.children {
            match child {
                Node::Text(t) => self.stray_text(t),
                Node::Element(c) if c.name == "value" => {
                    self.no_attributes(c, &[]);
                    match self.element_value(c) {
                        Some(v) => values.push(v),
                        None => ok = false,
                    }
                }
                Node::Element(c) => {
                    self.error(
                        Self::element_offset(c),
                        format!("<{}> can contain only <value>, not <{}>", e.name, c.name),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(values)
    }

    fn boolean_attribute(&mut self, e: &Element, name: &str, default: bool) -> Option<bool> {
        let Some(a) = Self::attribute(e, name) else {
            return Some(default);
        };
        let text = self.literal_only(a)?;
        match text.trim() {
            t if t.eq_ignore_ascii_case("true") => Some(true),
            t if t.eq_ignore_ascii_case("false") => Some(false),
            t => {
                self.error(
                    a.value.span().start as usize,
                    format!("'{name}' must be true or false, not '{t}'"),
                );
                None
            }
        }
    }

    fn rewrite_uri(&mut self, e: &Element, meta: PolicyMeta) -> Option<Statement> {
        self.no_attributes(e, &["id", "template", "copy-unmatched-params"]);
        self.no_children(e);
        let template = self.required(e, "template")?;
        let template = self.value(&template.value, Expressions::Allowed, None)?;
        let copy_unmatched_params = self.boolean_attribute(e, "copy-unmatched-params", true)?;
        Some(Statement::RewriteUri {
            meta,
            template,
            copy_unmatched_params,
        })
    }

    fn mock_response(&mut self, e: &Element, meta: PolicyMeta) -> Option<Statement> {
        self.no_attributes(e, &["id", "status-code", "content-type"]);
        self.no_children(e);
        let status_code = match Self::attribute(e, "status-code") {
            Some(a) => {
                let text = self.literal_only(a)?;
                match text.trim().parse::<u16>() {
                    Ok(n) if (100..=999).contains(&n) => n,
                    _ => {
                        self.error(
                            a.value.span().start as usize,
                            format!("'{text}' is not a valid HTTP status code"),
                        );
                        return None;
                    }
                }
            }
            None => 200,
        };
        let content_type = match Self::attribute(e, "content-type") {
            Some(a) => Some(self.literal_only(a)?.to_owned()),
            None => None,
        };
        Some(Statement::MockResponse {
            meta,
            status_code,
            content_type,
        })
    }

    fn check_header(&mut self, e: &Element, meta: PolicyMeta) -> Option<Statement> {
        self.no_attributes(
            e,
            &[
                "id",
                "name",
                "failed-check-httpcode",
                "failed-check-error-message",
                "ignore-case",
            ],
        );
        let get = |loader: &mut Self, name: &str, types: &'static [Type]| {
            let a = loader.required(e, name)?;
            loader.value(&a.value, Expressions::Allowed, Some(types))
        };
        let name = get(self, "name", &[Type::String])?;
        let failed_status = get(self, "failed-check-httpcode", &[Type::Int32])?;
        let failed_message = get(self, "failed-check-error-message", &[Type::String])?;
        let ignore_case = get(self, "ignore-case", &[Type::Boolean])?;
        // Literal values are checked now, as APIM does when the policy is saved.
        if let PolicyValue::Literal(text) = &failed_status
            && !matches!(text.trim().parse::<u16>(), Ok(100..=999))
        {
            let offset = Self::attribute(e, "failed-check-httpcode")
                .map_or(Self::element_offset(e), |a| a.value.span().start as usize);
            self.error(offset, format!("'{text}' is not a valid HTTP status code"));
            return None;
        }
        if let PolicyValue::Literal(text) = &ignore_case
            && !text.trim().eq_ignore_ascii_case("true")
            && !text.trim().eq_ignore_ascii_case("false")
        {
            let offset = Self::attribute(e, "ignore-case")
                .map_or(Self::element_offset(e), |a| a.value.span().start as usize);
            self.error(
                offset,
                format!("'ignore-case' must be true or false, not '{text}'"),
            );
            return None;
        }
        let values = self.value_children(e)?;
        Some(Statement::CheckHeader {
            meta,
            name,
            failed_status,
            failed_message,
            ignore_case,
            values,
        })
    }

    fn ip_filter(&mut self, e: &Element, meta: PolicyMeta) -> Option<Statement> {
        self.no_attributes(e, &["id", "action"]);
        let action = self.required(e, "action")?;
        // `ip-filter-policy.md`: "Policy expressions are allowed" in `action` and `address`.
        let action_value =
            self.value(&action.value, Expressions::Allowed, Some(&[Type::String]))?;
        if let PolicyValue::Literal(text) = &action_value
            && !matches!(text.as_str(), "allow" | "forbid")
        {
            self.error(
                action.value.span().start as usize,
                format!("action must be allow or forbid, not '{text}'"),
            );
            return None;
        }
        let mut addresses = Vec::new();
        let mut ranges = Vec::new();
        let mut ok = true;
        for child in &e.children {
            let c = match child {
                Node::Text(t) => {
                    self.stray_text(t);
                    continue;
                }
                Node::Element(c) => c,
            };
            let parse = |loader: &mut Self, text: &str, offset: usize| match text
                .trim()
                .parse::<std::net::IpAddr>(
            ) {
                Ok(ip) => Some(ip),
                Err(_) => {
                    loader.error(offset, format!("'{}' is not an IP address", text.trim()));
                    None
                }
            };
            let range = match c.name.as_str() {
                "address" => {
                    self.no_attributes(c, &[]);
                    let text = self.element_text(c);
                    if let Some(t) = text.as_ref().filter(|t| t.is_expression()) {
                        match self.value(t, Expressions::Allowed, Some(&[Type::String])) {
                            Some(PolicyValue::Expression(x)) => addresses.push(x),
                            _ => ok = false,
                        }
                        continue;
                    }
                    let (text, offset) = text.as_ref().map_or(("", Self::element_offset(c)), |t| {
                        (t.as_str(), t.span().start as usize)
                    });
                    parse(self, text, offset).map(|ip| (ip, ip))
                }
                "address-range" => {
                    self.no_attributes(c, &["from", "to"]);
                    self.no_children(c);
                    let from = self.required(c, "from");
                    let to = self.required(c, "to");
                    match (from, to) {
                        (Some(from), Some(to)) => {
                            let a =
                                parse(self, from.value.as_str(), from.value.span().start as usize);
                            let b = parse(self, to.value.as_str(), to.value.span().start as usize);
                            match (a, b) {
                                (Some(a), Some(b)) if a.is_ipv4() == b.is_ipv4() => Some((a, b)),
                                (Some(_), Some(_)) => {
                                    self.error(
                                        Self::element_offset(c),
                                        "an address range cannot mix IPv4 and IPv6",
                                    );
                                    None
                                }
                                _ => None,
                            }
                        }
                        _ => None,
                    }
                }
                other => {
                    self.error(
                        Self::element_offset(c),
                        format!("<ip-filter> can contain only <address> and <address-range>, not <{other}>"),
                    );
                    None
                }
            };
            match range {
                Some(r) => ranges.push(r),
                None => ok = false,
            }
        }
        ok.then_some(Statement::IpFilter {
            meta,
            action: action_value,
            ranges,
            addresses,
        })
    }

    fn trace(&mut self, e: &Element, meta: PolicyMeta) -> Option<Statement> {
        self.no_attributes(e, &["id", "source", "severity"]);
        let source = self.required(e, "source")?;
        let source = self.literal_only(source)?.to_owned();
        let severity = match Self::attribute(e, "severity") {
            Some(a) => {
                let s = self.literal_only(a)?.to_owned();
                if !matches!(s.as_str(), "verbose" | "information" | "error") {
                    self.error(
                        a.value.span().start as usize,
                        format!("severity must be verbose, information or error, not '{s}'"),
                    );
                    return None;
                }
                s
            }
            None => "verbose".to_owned(),
        };
        let mut message = None;
        for child in &e.children {
            match child {
                Node::Text(t) => self.stray_text(t),
                Node::Element(c) if c.name == "message" => message = self.element_value(c),
                Node::Element(c) if c.name == "metadata" => {
                    self.no_attributes(c, &["name", "value"]);
                }
                Node::Element(c) => self.error(
                    Self::element_offset(c),
                    format!(
                        "<trace> can contain only <message> and <metadata>, not <{}>",
                        c.name
                    ),
                ),
            }
        }
        let Some(message) = message else {
            self.error(Self::element_offset(e), "<trace> requires a <message>");
            return None;
        };
        Some(Statement::Trace {
            meta,
            source,
            severity,
            message,
        })
    }

    fn set_body(&mut self, e: &Element, meta: PolicyMeta) -> Option<Statement> {
        self.no_attributes(e, &["id", "template", "xsi-nil", "parse-date"]);
        if let Some(t) = Self::attribute(e, "template") {
            let message = if t.value.as_str() == "liquid" {
                "set-body template=\"liquid\" is not supported by apim-policy".to_owned()
            } else {
                format!("template must be 'liquid', not '{}'", t.value.as_str())
            };
            self.error(t.name_span.start as usize, message);
            return None;
        }
        let body = self.element_value(e)?;
        Some(Statement::SetBody { meta, body })
    }

    fn set_variable(&mut self, e: &Element, meta: PolicyMeta) -> Option<Statement> {
        self.no_attributes(e, &["id", "name", "value"]);
        self.no_children(e);
        let name = self.required(e, "name")?;
        let name = self.literal_only(name)?.to_owned();
        let value = self.required(e, "value")?;
        let value = self.value(&value.value, Expressions::Allowed, None)?;
        Some(Statement::SetVariable { meta, name, value })
    }

    fn validate_client_certificate(&mut self, e: &Element, meta: PolicyMeta) -> Option<Statement> {
        const FLAGS: [&str; 5] = [
            "validate-revocation",
            "validate-trust",
            "validate-not-before",
            "validate-not-after",
            "ignore-error",
        ];
        let mut allowed = vec!["id"];
        allowed.extend(FLAGS);
        self.no_attributes(e, &allowed);
        let mut flags = [true, true, true, true, false];
        let mut ok = true;
        for (flag, name) in flags.iter_mut().zip(FLAGS) {
            let Some(a) = Self::attribute(e, name) else {
                continue;
            };
            let Some(text) = self.literal_only(a) else {
                ok = false;
                continue;
            };
            match text.trim() {
                t if t.eq_ignore_ascii_case("true") => *flag = true,
                t if t.eq_ignore_ascii_case("false") => *flag = false,
                t => {
                    self.error(
                        a.value.span().start as usize,
                        format!("'{name}' must be true or false, not '{t}'"),
                    );
                    ok = false;
                }
            }
        }
        let mut identities = Vec::new();
        let mut seen_identities = false;
        for child in &e.children {
            let c = match child {
                Node::Text(t) => {
                    self.stray_text(t);
                    continue;
                }
                Node::Element(c) => c,
            };
            if c.name != "identities" {
                self.error(
                    Self::element_offset(c),
                    format!(
                        "<validate-client-certificate> can contain only <identities>, not <{}>",
                        c.name
                    ),
                );
                ok = false;
                continue;
            }
            if seen_identities {
                self.error(
                    Self::element_offset(c),
                    "<identities> appears more than once",
                );
                ok = false;
            }
            seen_identities = true;
            self.no_attributes(c, &[]);
            for node in &c.children {
                match node {
                    Node::Text(t) => self.stray_text(t),
                    Node::Element(i) if i.name == "identity" => match self.identity(i) {
                        Some(identity) => identities.push(identity),
                        None => ok = false,
                    },
                    Node::Element(i) => {
                        self.error(
                            Self::element_offset(i),
                            format!("<identities> can contain only <identity>, not <{}>", i.name),
                        );
                        ok = false;
                    }
                }
            }
            if identities.len() > MAX_IDENTITIES {
                self.error(
                    Self::element_offset(c),
                    format!("<identities> can hold at most {MAX_IDENTITIES} <identity> elements"),
                );
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        let [
            validate_revocation,
            validate_trust,
            validate_not_before,
            validate_not_after,
            ignore_error,
        ] = flags;
        Some(Statement::ValidateClientCertificate {
            meta,
            policy: Box::new(ValidateClientCertificate {
                validate_revocation,
                validate_trust,
                validate_not_before,
                validate_not_after,
                ignore_error,
                identities,
            }),
        })
    }

    fn identity(&mut self, e: &Element) -> Option<CertificateIdentity> {
        const ATTRIBUTES: [&str; 8] = [
            "thumbprint",
            "serial-number",
            "common-name",
            "subject",
            "dns-name",
            "issuer-subject",
            "issuer-thumbprint",
            "issuer-certificate-id",
        ];
        self.no_attributes(e, &ATTRIBUTES);
        self.no_children(e);
        let mut identity = CertificateIdentity::default();
        let mut ok = true;
        for a in &e.attributes {
            if !ATTRIBUTES.contains(&a.name.as_str()) {
                ok = false;
                continue;
            }
            let Some(text) = self.literal_only(a) else {
                ok = false;
                continue;
            };
            let text = text.to_owned();
            let name = |loader: &mut Self, text: &str| match parse_dn_string(text) {
                Ok(dn) => Some(dn),
                Err(err) => {
                    loader.error(
                        a.value.span().start as usize,
                        format!("'{}' is not a distinguished name: {err}", a.name),
                    );
                    None
                }
            };
            match a.name.as_str() {
                "thumbprint" => identity.thumbprint = Some(text),
                "serial-number" => identity.serial_number = Some(text),
                "common-name" => identity.common_name = Some(text),
                "dns-name" => identity.dns_name = Some(text),
                "issuer-thumbprint" => identity.issuer_thumbprint = Some(text),
                "issuer-certificate-id" => identity.issuer_certificate_id = Some(text),
                "subject" => match name(self, &text) {
                    Some(dn) => identity.subject = Some(dn),
                    None => ok = false,
                },
                _ => match name(self, &text) {
                    Some(dn) => identity.issuer_subject = Some(dn),
                    None => ok = false,
                },
            }
        }
        if identity.issuer_certificate_id.is_some()
            && (identity.issuer_subject.is_some() || identity.issuer_thumbprint.is_some())
        {
            self.error(
                Self::element_offset(e),
                "'issuer-certificate-id' is mutually exclusive with 'issuer-subject' and 'issuer-thumbprint'",
            );
            ok = false;
        }
        if ok && e.attributes.is_empty() {
            // An identity without claims would match every certificate: refuse it (fail closed).
            self.error(
                Self::element_offset(e),
                "<identity> must define at least one claim",
            );
            ok = false;
        }
        ok.then_some(identity)
    }

    /// The value held as the text content of an element with no child elements.
    fn element_value(&mut self, e: &Element) -> Option<PolicyValue> {
        match self.element_text(e) {
            Some(text) => self.value(&text, Expressions::Allowed, None),
            None => Some(PolicyValue::Literal(String::new())),
        }
    }

    /// The text content of an element with no child elements.
    fn element_text(&mut self, e: &Element) -> Option<TextValue> {
        let mut text = None;
        for child in &e.children {
            match child {
                Node::Text(t) if text.is_none() => text = Some(t.clone()),
                Node::Text(t) => self.error(
                    t.span().start as usize,
                    format!("<{}> must contain a single text value", e.name),
                ),
                Node::Element(c) => self.error(
                    Self::element_offset(c),
                    format!("<{}> cannot contain <{}>", e.name, c.name),
                ),
            }
        }
        text
    }

    fn literal_only<'a>(&mut self, a: &'a Attribute) -> Option<&'a str> {
        if a.value.is_expression() {
            self.error(
                a.value.span().start as usize,
                format!("policy expressions are not allowed in '{}'", a.name),
            );
            return None;
        }
        Some(a.value.as_str())
    }

    fn condition(&mut self, a: &Attribute) -> Option<Condition> {
        match self.value(&a.value, Expressions::Allowed, Some(&[Type::Boolean]))? {
            PolicyValue::Expression(e) => Some(Condition::Expression(Box::new(e))),
            PolicyValue::Literal(text) => match text.trim() {
                t if t.eq_ignore_ascii_case("true") => Some(Condition::Constant(true)),
                t if t.eq_ignore_ascii_case("false") => Some(Condition::Constant(false)),
                _ => {
                    self.error(
                        a.value.span().start as usize,
                        format!("condition must be a Boolean expression or constant, not '{text}'"),
                    );
                    None
                }
            },
        }
    }

    /// Compiles a value; `types` restricts an expression's result type.
    fn value(
        &mut self,
        value: &TextValue,
        expressions: Expressions,
        types: Option<&[Type]>,
    ) -> Option<PolicyValue> {
        if !value.is_expression() {
            return Some(PolicyValue::Literal(value.as_str().to_owned()));
        }
        if expressions == Expressions::Forbidden {
            self.error(
                value.span().start as usize,
                "policy expressions are not allowed here",
            );
            return None;
        }
        let raw = value.as_str();
        let lead = raw.len() - raw.trim_start().len();
        let trimmed = raw.trim();
        let (form, body) = if trimmed.starts_with("@(") {
            (
                ExpressionForm::Single,
                trimmed.get(2..trimmed.len().saturating_sub(1)),
            )
        } else {
            (
                ExpressionForm::Block,
                trimmed.get(2..trimmed.len().saturating_sub(1)),
            )
        };
        let body = body.unwrap_or("");
        let body_offset = lead + 2;
        match Program::compile(body, form, &self.options.expressions) {
            Ok(program) => {
                if let Some(types) = types {
                    let ty = program.result_type();
                    if !types.contains(&ty) {
                        let wanted: Vec<String> = types.iter().map(ToString::to_string).collect();
                        self.error(
                            value.original_offset(body_offset),
                            format!(
                                "the expression has type '{ty}' but '{}' is required here",
                                wanted.join("' or '")
                            ),
                        );
                        return None;
                    }
                }
                Some(PolicyValue::Expression(PolicyExpression {
                    program,
                    value: value.clone(),
                    body_offset,
                }))
            }
            Err(e) => {
                let offset = value.original_offset(body_offset + e.span.start as usize);
                self.error(offset, e.message);
                None
            }
        }
    }
}
