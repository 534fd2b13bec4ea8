//! Policy documents: the model a loaded `<policies>` document compiles to, and its loading.
//!
//! [`Policy::load`] runs APIM's save-time checks (element names, sections, attributes, every
//! expression parsed and type-checked) and reports every problem with its `line:column` in the
//! original text. A loaded [`Policy`] is immutable and `Send + Sync`.

pub mod catalog;
mod load;
mod named_values;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::cert::name::DistinguishedName;
use crate::diagnostic::Position;
use crate::expr::{ParseLimits, Program};
use crate::xml::{TextValue, XmlLimits};

pub use catalog::Section;

/// Limits and choices for loading a policy.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Limits on the XML document.
    pub xml: XmlLimits,
    /// Limits on each expression.
    pub expressions: ParseLimits,
    /// Named values: `{{name}}` in the policy text is replaced by the value before parsing.
    pub named_values: HashMap<String, String>,
    /// Policy fragments by id, for `<include-fragment fragment-id="id" />`.
    pub fragments: HashMap<String, Arc<str>>,
}

/// One problem found while loading a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// Byte offset in the policy text.
    pub offset: usize,
    /// Line and column in the policy text.
    pub position: Position,
    /// What is wrong.
    pub message: String,
    /// The fragment the error is in (offset and position are then in the fragment's text).
    pub fragment: Option<String>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(fragment) = &self.fragment {
            write!(f, "fragment '{fragment}' ")?;
        }
        write!(f, "{}: {}", self.position, self.message)
    }
}

/// Every problem found while loading a policy, in document order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LoadErrors {
    /// The problems (never empty).
    pub errors: Vec<LoadError>,
}

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// An expression in a policy, with what is needed to point back into the policy text.
#[derive(Debug)]
pub struct PolicyExpression {
    program: Program,
    value: TextValue,
    /// Byte offset in `value` where the expression text (after `@(` or `@{`) starts.
    body_offset: usize,
}

impl PolicyExpression {
    /// The compiled program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The expression as written (entities decoded), `@(`...`)` included.
    pub fn source(&self) -> &str {
        self.value.as_str().trim()
    }

    /// The offset in the policy text of byte `offset` of the expression text.
    pub fn original_offset(&self, offset: usize) -> usize {
        self.value
            .original_offset(self.body_offset.saturating_add(offset))
    }
}

/// A policy attribute or element value: literal text or an expression.
#[derive(Debug)]
pub enum PolicyValue {
    /// Text used as is.
    Literal(String),
    /// `@(...)` or `@{...}`.
    Expression(PolicyExpression),
}

/// What every policy statement carries: its element name, `id`, path and place.
#[derive(Debug, Clone)]
pub struct PolicyMeta {
    /// The element name (`choose`, `set-header`, ...), also `context.LastError.Source`.
    pub name: String,
    /// The `id` attribute (`context.LastError.PolicyId`).
    pub id: Option<String>,
    /// `choose[1]/when[2]/set-header[1]`-style path (`context.LastError.Path`).
    pub path: String,
    /// Byte offset of the element in the policy text.
    pub offset: usize,
}

/// `exists-action` of `set-header`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExistsAction {
    /// Replace the header (default).
    Override,
    /// Keep an existing header.
    Skip,
    /// Add values to the header.
    Append,
    /// Remove the header.
    Delete,
}

impl ExistsAction {
    /// Parses the attribute value.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "override" => ExistsAction::Override,
            "skip" => ExistsAction::Skip,
            "append" => ExistsAction::Append,
            "delete" => ExistsAction::Delete,
            _ => return None,
        })
    }
}

/// A `<when>` of a `<choose>`.
#[derive(Debug)]
pub struct When {
    /// The `condition`.
    pub condition: Condition,
    /// What runs when it holds.
    pub statements: Vec<Statement>,
    /// Path of the `when` element.
    pub path: String,
}

/// A `condition` attribute: a Boolean constant or a Boolean expression.
#[derive(Debug)]
pub enum Condition {
    /// `true` / `false`.
    Constant(bool),
    /// `@(...)` of type `bool`.
    Expression(Box<PolicyExpression>),
}

/// One `<identity>` of `validate-client-certificate`: every claim given must match.
#[derive(Debug, Clone, Default)]
pub struct CertificateIdentity {
    /// `thumbprint`: SHA-1 thumbprint (hex; case, spaces and colons ignored).
    pub thumbprint: Option<String>,
    /// `serial-number`: serial number (hex; case, spaces, colons and leading zeros ignored).
    pub serial_number: Option<String>,
    /// `common-name`: one of the subject's CN values.
    pub common_name: Option<String>,
    /// `subject`: the subject distinguished name, compared as a name.
    pub subject: Option<DistinguishedName>,
    /// `dns-name`: one of the SAN dNSName entries.
    pub dns_name: Option<String>,
    /// `issuer-subject`: the issuer's distinguished name, compared as a name.
    pub issuer_subject: Option<DistinguishedName>,
    /// `issuer-thumbprint`: thumbprint of the uploaded CA certificate that signed the client certificate.
    pub issuer_thumbprint: Option<String>,
    /// `issuer-certificate-id`: id in `context.Deployment.Certificates` of the issuer.
    pub issuer_certificate_id: Option<String>,
}

/// `<validate-client-certificate>`: APIM's built-in client-certificate check.
#[derive(Debug, Clone)]
pub struct ValidateClientCertificate {
    /// `validate-revocation` (default true).
    pub validate_revocation: bool,
    /// `validate-trust` (default true).
    pub validate_trust: bool,
    /// `validate-not-before` (default true).
    pub validate_not_before: bool,
    /// `validate-not-after` (default true).
    pub validate_not_after: bool,
    /// `ignore-error` (default false).
    pub ignore_error: bool,
    /// The identities; the certificate must match one (none given: no identity check).
    pub identities: Vec<CertificateIdentity>,
}

/// One policy statement in a section. (Built once at load and only borrowed afterwards, so
/// the size difference between variants costs nothing on the evaluation path.)
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Statement {
    /// `<base />`: the parent scope's same section.
    Base(PolicyMeta),
    /// `<choose>`.
    Choose {
        /// Common data.
        meta: PolicyMeta,
        /// The `when` branches in order.
        branches: Vec<When>,
        /// The `otherwise` branch.
        otherwise: Option<Vec<Statement>>,
    },
    /// `<return-response>`: its `set-status`/`set-header`/`set-body` children in order.
    ReturnResponse {
        /// Common data.
        meta: PolicyMeta,
        /// `response-variable-name`.
        response_variable_name: Option<String>,
        /// The children.
        actions: Vec<Statement>,
    },
    /// `<set-status code reason />`.
    SetStatus {
        /// Common data.
        meta: PolicyMeta,
        /// `code`.
        code: PolicyValue,
        /// `reason`.
        reason: Option<PolicyValue>,
    },
    /// `<set-header name exists-action><value/>...</set-header>`.
    SetHeader {
        /// Common data.
        meta: PolicyMeta,
        /// `name`.
        name: PolicyValue,
        /// `exists-action`, literal or expression.
        exists_action: PolicyValue,
        /// The `<value>` children.
        values: Vec<PolicyValue>,
    },
    /// `<set-body>`.
    SetBody {
        /// Common data.
        meta: PolicyMeta,
        /// The body.
        body: PolicyValue,
    },
    /// `<set-variable name value />`.
    SetVariable {
        /// Common data.
        meta: PolicyMeta,
        /// `name`.
        name: String,
        /// `value`.
        value: PolicyValue,
    },
    /// `<validate-client-certificate>`.
    ValidateClientCertificate {
        /// Common data.
        meta: PolicyMeta,
        /// The checks.
        policy: Box<ValidateClientCertificate>,
    },
    /// `<include-fragment fragment-id="..." />`: the fragment's statements, loaded in place.
    IncludeFragment {
        /// Common data.
        meta: PolicyMeta,
        /// `fragment-id`.
        fragment_id: String,
        /// The fragment's statements.
        statements: Vec<Statement>,
    },
    /// `<set-method>METHOD</set-method>`.
    SetMethod {
        /// Common data.
        meta: PolicyMeta,
        /// The method.
        method: PolicyValue,
    },
    /// `<rewrite-uri template="..." copy-unmatched-params="true|false" />`.
    RewriteUri {
        /// Common data.
        meta: PolicyMeta,
        /// `template`: path and query, with `{parameter}` placeholders.
        template: PolicyValue,
        /// `copy-unmatched-params` (default true).
        copy_unmatched_params: bool,
    },
    /// `<set-query-parameter name exists-action><value/>...</set-query-parameter>`.
    SetQueryParameter {
        /// Common data.
        meta: PolicyMeta,
        /// `name`.
        name: PolicyValue,
        /// `exists-action`.
        exists_action: PolicyValue,
        /// The `<value>` children.
        values: Vec<PolicyValue>,
    },
    /// `<mock-response status-code content-type />`.
    MockResponse {
        /// Common data.
        meta: PolicyMeta,
        /// `status-code` (default 200).
        status_code: u16,
        /// `content-type`.
        content_type: Option<String>,
    },
    /// `<check-header name failed-check-httpcode failed-check-error-message ignore-case>`.
    CheckHeader {
        /// Common data.
        meta: PolicyMeta,
        /// `name`.
        name: PolicyValue,
        /// `failed-check-httpcode`.
        failed_status: PolicyValue,
        /// `failed-check-error-message`.
        failed_message: PolicyValue,
        /// `ignore-case`.
        ignore_case: PolicyValue,
        /// The allowed `<value>`s (none: any value).
        values: Vec<PolicyValue>,
    },
    /// `<ip-filter action="allow|forbid">` with `<address>` and `<address-range from to>`.
    IpFilter {
        /// Common data.
        meta: PolicyMeta,
        /// `action`: `allow` (only listed callers pass) or `forbid` (listed callers are
        /// refused); a literal is checked at load, an expression per request.
        action: PolicyValue,
        /// The literal addresses and ranges, inclusive.
        ranges: Vec<(std::net::IpAddr, std::net::IpAddr)>,
        /// `<address>@(...)</address>`: addresses computed per request.
        addresses: Vec<PolicyExpression>,
    },
    /// `<trace source severity><message/><metadata name value/></trace>`.
    Trace {
        /// Common data.
        meta: PolicyMeta,
        /// `source`.
        source: String,
        /// `severity` (default `verbose`).
        severity: String,
        /// `<message>`.
        message: PolicyValue,
    },
    /// An APIM policy this crate loads but does not run; a host handler may run it.
    Unimplemented {
        /// Common data.
        meta: PolicyMeta,
        /// Its attributes as written (entities decoded).
        attributes: Vec<(String, String)>,
    },
}

impl Statement {
    /// Common data of the statement.
    pub fn meta(&self) -> &PolicyMeta {
        match self {
            Statement::Base(meta) => meta,
            Statement::Choose { meta, .. }
            | Statement::ReturnResponse { meta, .. }
            | Statement::SetStatus { meta, .. }
            | Statement::SetHeader { meta, .. }
            | Statement::SetBody { meta, .. }
            | Statement::SetVariable { meta, .. }
            | Statement::ValidateClientCertificate { meta, .. }
            | Statement::IncludeFragment { meta, .. }
            | Statement::SetMethod { meta, .. }
            | Statement::RewriteUri { meta, .. }
            | Statement::SetQueryParameter { meta, .. }
            | Statement::MockResponse { meta, .. }
            | Statement::CheckHeader { meta, .. }
            | Statement::IpFilter { meta, .. }
            | Statement::Trace { meta, .. }
            | Statement::Unimplemented { meta, .. } => meta,
        }
    }
}

/// A loaded `<policies>` document.
#[derive(Debug)]
pub struct Policy {
    pub(crate) inbound: Vec<Statement>,
    pub(crate) backend: Vec<Statement>,
    pub(crate) outbound: Vec<Statement>,
    pub(crate) on_error: Option<Vec<Statement>>,
}

impl Policy {
    /// Loads a policy document with default limits.
    pub fn load(text: &str) -> Result<Self, LoadErrors> {
        Self::load_with(text, &LoadOptions::default())
    }

    /// Loads a policy document.
    pub fn load_with(text: &str, options: &LoadOptions) -> Result<Self, LoadErrors> {
        load::load(text, options)
    }

    /// Checks a policy fragment (`<fragment>` root) on its own, as APIM does when it is saved.
    pub fn check_fragment(text: &str, options: &LoadOptions) -> Result<(), LoadErrors> {
        load::check_fragment(text, options)
    }

    /// The statements of `section` (`on-error` is empty when the document has none).
    pub fn section(&self, section: Section) -> &[Statement] {
        match section {
            Section::Inbound => &self.inbound,
            Section::Backend => &self.backend,
            Section::Outbound => &self.outbound,
            Section::OnError => self.on_error.as_deref().unwrap_or(&[]),
        }
    }

    /// Whether the document has an `<on-error>` section.
    pub fn has_on_error(&self) -> bool {
        self.on_error.is_some()
    }
}
