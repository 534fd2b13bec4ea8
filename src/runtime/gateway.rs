//! The gateway configuration: settings built once and shared by every request — the scope
//! chain (global → workspace → product → API policies), named values, fragments,
//! `negotiateClientCertificate`, pipeline choices, and handlers for policies this crate does not
//! implement.

use std::fmt;
use std::sync::Arc;

use crate::context::{Context, LastError, Response};
use crate::policy::{LoadErrors, LoadOptions, Policy};

use super::Outcome;

/// A policy scope, broadest first (spec `apim-policies.md` §1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// The whole instance.
    Global,
    /// A workspace.
    Workspace,
    /// A product.
    Product,
    /// An API.
    Api,
    /// An operation.
    Operation,
}

impl Scope {
    /// The name `context.LastError.Scope` uses.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::Workspace => "workspace",
            Scope::Product => "product",
            Scope::Api => "api",
            Scope::Operation => "operation",
        }
    }
}

/// What reaching a policy this crate does not implement (and no handler covers) does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnimplementedPolicies {
    /// An error naming the policy (Reason `PolicyNotImplemented`), which runs on-error.
    #[default]
    Fail,
    /// Skip it, as if it were not there.
    Skip,
}

/// A policy element as a handler sees it.
#[derive(Debug, Clone, Copy)]
pub struct PolicyElement<'p> {
    /// The element name, e.g. `rate-limit`.
    pub name: &'p str,
    /// The `id` attribute.
    pub id: Option<&'p str>,
    /// The attributes as written (entities decoded, expressions not evaluated).
    pub attributes: &'p [(String, String)],
}

/// What a handler did.
#[derive(Debug, Clone)]
pub enum HandlerOutcome {
    /// Go on with the next policy.
    Continue,
    /// End the pipeline with this response, as `return-response` does.
    Return(Response),
}

/// A failure a handler reports: it becomes `context.LastError` and runs on-error.
#[derive(Debug, Clone)]
pub struct HandlerError {
    /// The status the gateway answers with when no on-error handles it.
    pub status: u16,
    /// `Reason`.
    pub reason: String,
    /// `Message`.
    pub message: String,
}

/// Runs a policy this crate does not implement (rate-limit, send-request, cache-lookup, ...).
pub trait PolicyHandler: Send + Sync {
    /// Handles one occurrence of the policy for one request.
    fn handle(
        &self,
        policy: &PolicyElement<'_>,
        context: &mut Context,
    ) -> Result<HandlerOutcome, HandlerError>;
}

/// How the pipeline runs; shared by every request.
#[derive(Clone, Default)]
pub struct PipelineSettings {
    /// `negotiateClientCertificate`: when false, policies see no client certificate.
    pub negotiate_client_certificate: bool,
    /// Whether outbound still runs after an inbound/backend `return-response` (default: no,
    /// as every implementation inspected does; spec §1.4 [U]).
    pub outbound_after_return_response: bool,
    /// Policies without an implementation or handler.
    pub unimplemented: UnimplementedPolicies,
    /// Handlers by policy name.
    pub handlers: Vec<(String, Arc<dyn PolicyHandler>)>,
}

impl fmt::Debug for PipelineSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PipelineSettings")
            .field(
                "negotiate_client_certificate",
                &self.negotiate_client_certificate,
            )
            .field(
                "outbound_after_return_response",
                &self.outbound_after_return_response,
            )
            .field("unimplemented", &self.unimplemented)
            .field(
                "handlers",
                &self
                    .handlers
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl PipelineSettings {
    /// The settings a lone policy document runs with: certificates negotiated, no handlers.
    pub fn standalone() -> Self {
        Self {
            negotiate_client_certificate: true,
            ..Self::default()
        }
    }

    pub(crate) fn handler(&self, name: &str) -> Option<&dyn PolicyHandler> {
        self.handlers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, h)| h.as_ref())
    }
}

/// The gateway configuration: build once with [`Gateway::builder`], share, and run operation
/// policies inside their parent scopes with [`Gateway::evaluate`].
#[derive(Debug)]
pub struct Gateway {
    load_options: LoadOptions,
    parents: Vec<(Scope, Policy)>,
    settings: PipelineSettings,
}

/// Collects a gateway's configuration.
#[derive(Default)]
pub struct GatewayBuilder {
    load_options: LoadOptions,
    parents: Vec<(Scope, String)>,
    negotiate: Option<bool>,
    outbound_after_return: bool,
    unimplemented: UnimplementedPolicies,
    handlers: Vec<(String, Arc<dyn PolicyHandler>)>,
}

impl GatewayBuilder {
    /// Sets `negotiateClientCertificate` (default true: policies see the presented certificate).
    #[must_use]
    pub fn negotiate_client_certificate(mut self, negotiate: bool) -> Self {
        self.negotiate = Some(negotiate);
        self
    }

    /// Adds a named value (`{{name}}`).
    #[must_use]
    pub fn named_value(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.load_options
            .named_values
            .insert(name.into(), value.into());
        self
    }

    /// Adds a policy fragment.
    #[must_use]
    pub fn fragment(mut self, id: impl Into<String>, text: &str) -> Self {
        self.load_options
            .fragments
            .insert(id.into(), Arc::from(text));
        self
    }

    /// Adds the policy of a parent scope; call in order, broadest first (global, workspace,
    /// product, API).
    #[must_use]
    pub fn scope_policy(mut self, scope: Scope, text: impl Into<String>) -> Self {
        self.parents.push((scope, text.into()));
        self
    }

    /// Whether outbound runs after a `return-response` in inbound or backend (default false).
    #[must_use]
    pub fn outbound_after_return_response(mut self, run: bool) -> Self {
        self.outbound_after_return = run;
        self
    }

    /// What reaching an unimplemented policy without a handler does.
    #[must_use]
    pub fn unimplemented_policies(mut self, what: UnimplementedPolicies) -> Self {
        self.unimplemented = what;
        self
    }

    /// Registers a handler for the policy `name`.
    #[must_use]
    pub fn handler(mut self, name: impl Into<String>, handler: Arc<dyn PolicyHandler>) -> Self {
        self.handlers.push((name.into(), handler));
        self
    }

    /// Sets the load limits (XML and expressions).
    #[must_use]
    pub fn load_options(mut self, options: LoadOptions) -> Self {
        let named = std::mem::take(&mut self.load_options.named_values);
        let fragments = std::mem::take(&mut self.load_options.fragments);
        self.load_options = options;
        self.load_options.named_values.extend(named);
        self.load_options.fragments.extend(fragments);
        self
    }

    /// Loads the parent scope policies and builds the gateway.
    ///
    /// # Errors
    /// The load errors of the first parent policy that fails, with its scope.
    pub fn build(self) -> Result<Gateway, (Scope, LoadErrors)> {
        let mut parents = Vec::with_capacity(self.parents.len());
        for (scope, text) in &self.parents {
            let policy = Policy::load_with(text, &self.load_options).map_err(|e| (*scope, e))?;
            parents.push((*scope, policy));
        }
        let settings = PipelineSettings {
            negotiate_client_certificate: self.negotiate.unwrap_or(true),
            outbound_after_return_response: self.outbound_after_return,
            unimplemented: self.unimplemented,
            handlers: self.handlers,
        };
        Ok(Gateway {
            load_options: self.load_options,
            parents,
            settings,
        })
    }
}

impl Gateway {
    /// Starts configuring a gateway.
    pub fn builder() -> GatewayBuilder {
        GatewayBuilder::default()
    }

    /// Loads an operation policy with this gateway's named values and fragments.
    pub fn load(&self, text: &str) -> Result<Policy, LoadErrors> {
        Policy::load_with(text, &self.load_options)
    }

    /// The options policies are loaded with.
    pub fn load_options(&self) -> &LoadOptions {
        &self.load_options
    }

    /// Runs `policy` (the operation scope) inside this gateway's parent scopes for one request.
    pub fn evaluate(&self, policy: &Policy, context: &mut Context) -> Outcome {
        super::pipeline::run(&self.parents, policy, &self.settings, context, true)
    }
}

impl HandlerError {
    pub(crate) fn into_last_error(self, element: &PolicyElement<'_>) -> (u16, LastError) {
        (
            self.status,
            LastError {
                source: element.name.to_owned(),
                reason: Some(self.reason),
                message: self.message,
                policy_id: element.id.map(str::to_owned),
                ..LastError::default()
            },
        )
    }
}
