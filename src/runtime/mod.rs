//! The gateway pipeline: runs a loaded policy's sections for one request and gives the
//! [`Outcome`] the gateway would produce.
//!
//! inbound → backend → outbound; a `return-response` ends the pipeline; an error (an expression
//! throwing, a policy failing) skips the rest and runs `on-error` with `context.LastError` set;
//! with no `on-error`, the caller gets the gateway's error response.

mod client_certificate;
mod gateway;
mod pipeline;

use serde_json::json;

use crate::context::{Context, LastError, Response};
use crate::policy::Policy;

pub use gateway::{
    Gateway, GatewayBuilder, HandlerError, HandlerOutcome, PipelineSettings, PolicyElement,
    PolicyHandler, Scope, UnimplementedPolicies,
};

/// What the gateway does with the request. The final request, response, variables and
/// `LastError` are in the [`Context`] the pipeline ran on.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The request went on to the backend; `context.Response` is the response after outbound.
    Forwarded,
    /// A policy returned a response (`return-response`).
    Returned {
        /// The response.
        response: Response,
    },
    /// An error no `on-error` handled: the gateway's error response.
    Error {
        /// The status the caller gets.
        status: u16,
        /// `context.LastError`.
        error: LastError,
    },
}

impl Outcome {
    /// The JSON object `apim-policy eval` prints.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Outcome::Forwarded => json!({ "outcome": "forwarded" }),
            Outcome::Returned { response } => json!({
                "outcome": "returned",
                "status": response.status_code,
                "reason": response.status_reason,
                "headers": response.headers.to_json(),
                "body": response.body.as_ref().map(|b| String::from_utf8_lossy(b.bytes()).into_owned()),
            }),
            Outcome::Error { status, error } => json!({
                "outcome": "error",
                "status": status,
                "error": {
                    "source": error.source,
                    "reason": error.reason,
                    "message": error.message,
                },
            }),
        }
    }
}

impl Policy {
    /// Runs the policy on its own (no parent scopes, client certificates negotiated, no
    /// handlers) for one request. The pipeline changes `context` as the gateway would (request
    /// headers in inbound, the response in outbound, variables, `LastError`), so the host can
    /// read the final request, response and variables from it afterwards. Use
    /// [`Gateway::evaluate`] for scopes and gateway settings.
    pub fn evaluate(&self, context: &mut Context) -> Outcome {
        pipeline::run(&[], self, &PipelineSettings::standalone(), context, false)
    }
}
