//! The per-request `context` that policy expressions read, and what the host supplies to build it.
//!
//! A [`Deployment`] (uploaded certificates, CA trust store and CRLs, service facts) and the
//! [`Api`]/[`Operation`]/[`Product`]/[`Subscription`]/[`User`] facts are built once and shared
//! behind `Arc`s; a [`Context`] is built per request and only points at shared parts. The
//! pipeline changes the context as policies run (headers, variables, the response, LastError),
//! and expressions see those changes.

mod deployment;
mod error;
mod headers;
mod info;
mod message;

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::cert::certificate::Certificate;
use crate::expr::Value;

pub use deployment::{Deployment, DeploymentBuilder, DeploymentCertificate};
pub use error::LastError;
pub use headers::Headers;
pub use info::{Api, Operation, Product, Subscription, User};
pub use message::{Body, Request, Response, Url, reason_phrase};

/// The point in time a request is evaluated at (`Verify()` checks validity against it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EvaluationTime {
    unix_seconds: i64,
}

impl EvaluationTime {
    /// The current time.
    pub fn now() -> Self {
        Self::from(SystemTime::now())
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub const fn from_unix_seconds(unix_seconds: i64) -> Self {
        Self { unix_seconds }
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub const fn unix_seconds(self) -> i64 {
        self.unix_seconds
    }
}

impl From<SystemTime> for EvaluationTime {
    fn from(time: SystemTime) -> Self {
        let unix_seconds = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_secs())
                .map(|s| -s)
                .unwrap_or(i64::MIN),
        };
        Self { unix_seconds }
    }
}

/// `context`: everything one request's policy expressions can read.
#[derive(Debug, Clone)]
pub struct Context {
    pub(crate) request: Request,
    pub(crate) response: Response,
    pub(crate) deployment: Arc<Deployment>,
    pub(crate) api: Option<Arc<Api>>,
    pub(crate) operation: Option<Arc<Operation>>,
    pub(crate) product: Option<Arc<Product>>,
    pub(crate) subscription: Option<Arc<Subscription>>,
    pub(crate) user: Option<Arc<User>>,
    pub(crate) variables: Vec<(Arc<str>, Value<'static>)>,
    pub(crate) last_error: Option<LastError>,
    pub(crate) request_id: [u8; 16],
    pub(crate) tracing: bool,
    pub(crate) time: EvaluationTime,
    pub(crate) traces: Vec<TraceRecord>,
    pub(crate) limits: crate::expr::EvaluationLimits,
    pub(crate) elapsed_ticks: i64,
}

/// One message written by the `trace` policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceRecord {
    /// `source`.
    pub source: String,
    /// `severity`: `verbose`, `information` or `error`.
    pub severity: String,
    /// The message.
    pub message: String,
}

impl Context {
    /// A context for a `GET https://localhost/` request with no client certificate, evaluated now.
    pub fn new(deployment: Arc<Deployment>) -> Self {
        Self {
            request: Request {
                method: "GET".to_owned(),
                ..Request::default()
            },
            response: Response::default(),
            deployment,
            api: None,
            operation: None,
            product: None,
            subscription: None,
            user: None,
            variables: Vec::new(),
            last_error: None,
            request_id: [0; 16],
            tracing: false,
            time: EvaluationTime::now(),
            traces: Vec::new(),
            limits: crate::expr::EvaluationLimits::default(),
            elapsed_ticks: 0,
        }
    }

    /// Sets `context.Elapsed`, the time since the request was received (default: zero).
    pub fn with_elapsed(mut self, elapsed: std::time::Duration) -> Self {
        self.elapsed_ticks = i64::try_from(elapsed.as_nanos() / 100).unwrap_or(i64::MAX);
        self
    }

    /// `context.Elapsed` in 100-ns ticks.
    pub fn elapsed_ticks(&self) -> i64 {
        self.elapsed_ticks
    }

    /// Sets the limits on each expression evaluation (default: [`EvaluationLimits::default`]).
    ///
    /// [`EvaluationLimits::default`]: crate::expr::EvaluationLimits
    pub fn with_limits(mut self, limits: crate::expr::EvaluationLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The limits on each expression evaluation.
    pub fn limits(&self) -> &crate::expr::EvaluationLimits {
        &self.limits
    }

    /// Sets the presented client certificate.
    pub fn with_client_certificate(mut self, certificate: Option<Arc<Certificate>>) -> Self {
        self.request.certificate = certificate;
        self
    }

    /// Replaces the request (method, URL, headers, body, IP address, certificate).
    pub fn with_request(mut self, request: Request) -> Self {
        self.request = request;
        self
    }

    /// Sets the backend's response, as outbound sees it (default: an empty `200 OK`).
    pub fn with_backend_response(mut self, response: Response) -> Self {
        self.response = response;
        self
    }

    /// Sets `context.Api`.
    pub fn with_api(mut self, api: Arc<Api>) -> Self {
        self.api = Some(api);
        self
    }

    /// Sets `context.Operation`.
    pub fn with_operation(mut self, operation: Arc<Operation>) -> Self {
        self.operation = Some(operation);
        self
    }

    /// Sets `context.Product`.
    pub fn with_product(mut self, product: Arc<Product>) -> Self {
        self.product = Some(product);
        self
    }

    /// Sets `context.Subscription`.
    pub fn with_subscription(mut self, subscription: Arc<Subscription>) -> Self {
        self.subscription = Some(subscription);
        self
    }

    /// Sets `context.User`.
    pub fn with_user(mut self, user: Arc<User>) -> Self {
        self.user = Some(user);
        self
    }

    /// Sets `context.RequestId` (default: all zero).
    pub fn with_request_id(mut self, id: [u8; 16]) -> Self {
        self.request_id = id;
        self
    }

    /// Sets `context.Tracing`.
    pub fn with_tracing(mut self, tracing: bool) -> Self {
        self.tracing = tracing;
        self
    }

    /// Sets a variable before the pipeline runs (`context.Variables[name]`).
    pub fn with_variable(mut self, name: &str, value: Value<'static>) -> Self {
        self.set_variable(name, value);
        self
    }

    /// Sets the evaluation time (default: when the context was created).
    pub fn at(mut self, time: impl Into<EvaluationTime>) -> Self {
        self.time = time.into();
        self
    }

    /// `context.Request`.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// `context.Request`, for the pipeline to change.
    pub fn request_mut(&mut self) -> &mut Request {
        &mut self.request
    }

    /// `context.Response`.
    pub fn response(&self) -> &Response {
        &self.response
    }

    /// `context.Response`, for the pipeline to change.
    pub fn response_mut(&mut self) -> &mut Response {
        &mut self.response
    }

    /// `context.Deployment`.
    pub fn deployment(&self) -> &Deployment {
        &self.deployment
    }

    /// `context.Api`.
    pub fn api(&self) -> Option<&Api> {
        self.api.as_deref()
    }

    /// `context.Operation`.
    pub fn operation(&self) -> Option<&Operation> {
        self.operation.as_deref()
    }

    /// `context.Product`.
    pub fn product(&self) -> Option<&Product> {
        self.product.as_deref()
    }

    /// `context.Subscription`.
    pub fn subscription(&self) -> Option<&Subscription> {
        self.subscription.as_deref()
    }

    /// `context.User`.
    pub fn user(&self) -> Option<&User> {
        self.user.as_deref()
    }

    /// `context.Variables`, in the order they were first set.
    pub fn variables(&self) -> &[(Arc<str>, Value<'static>)] {
        &self.variables
    }

    /// `context.Variables[name]`.
    pub fn variable(&self, name: &str) -> Option<&Value<'static>> {
        self.variables
            .iter()
            .find(|(n, _)| &**n == name)
            .map(|(_, v)| v)
    }

    /// Sets `context.Variables[name]` (what `set-variable` does).
    pub fn set_variable(&mut self, name: &str, value: Value<'static>) {
        match self.variables.iter_mut().find(|(n, _)| &**n == name) {
            Some((_, v)) => *v = value,
            None => self.variables.push((Arc::from(name), value)),
        }
    }

    /// `context.LastError`.
    pub fn last_error(&self) -> Option<&LastError> {
        self.last_error.as_ref()
    }

    /// Sets `context.LastError` (the pipeline does, before on-error).
    pub fn set_last_error(&mut self, error: Option<LastError>) {
        self.last_error = error;
    }

    /// `context.RequestId`.
    pub fn request_id(&self) -> [u8; 16] {
        self.request_id
    }

    /// `context.Tracing`.
    pub fn tracing(&self) -> bool {
        self.tracing
    }

    /// What the `trace` policy wrote, in order.
    pub fn traces(&self) -> &[TraceRecord] {
        &self.traces
    }

    /// Records a `trace` message.
    pub fn add_trace(&mut self, record: TraceRecord) {
        self.traces.push(record);
    }

    /// The evaluation time.
    pub fn time(&self) -> EvaluationTime {
        self.time
    }
}
