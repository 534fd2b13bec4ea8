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
use crate::expr::Value;
use crate::expr::value::UNIX_EPOCH_TICKS;
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

impl Outcome {
    /// [`Outcome::to_json`] followed by what the run left in `context` (the context the
    /// pipeline ran on): for `forwarded`, `"response"` (after outbound) and `"request"` (as
    /// sent to the backend); for every outcome, `"variables"` (each value as .NET `ToString()`
    /// gives it), `"last_error"` (or `null`) and `"traces"`.
    pub fn to_json_with(&self, context: &Context) -> serde_json::Value {
        let mut json = self.to_json();
        let Some(map) = json.as_object_mut() else {
            return json;
        };
        if let Outcome::Forwarded = self {
            let response = context.response();
            map.insert(
                "response".to_owned(),
                json!({
                    "status": response.status_code,
                    "reason": response.status_reason,
                    "headers": response.headers.to_json(),
                    "body": response.body.as_ref().map(|b| String::from_utf8_lossy(b.bytes()).into_owned()),
                }),
            );
            let request = context.request();
            map.insert(
                "request".to_owned(),
                json!({
                    "method": request.method,
                    "url": request.url.to_url_string(),
                    "headers": request.headers.to_json(),
                }),
            );
        }
        let variables: serde_json::Map<String, serde_json::Value> = context
            .variables()
            .iter()
            .map(|(name, value)| (name.to_string(), json!(variable_text(value))))
            .collect();
        map.insert("variables".to_owned(), serde_json::Value::Object(variables));
        let last_error = context.last_error().map_or(serde_json::Value::Null, |e| {
            json!({
                "source": e.source,
                "reason": e.reason,
                "message": e.message,
                "scope": e.scope,
                "section": e.section,
                "path": e.path,
                "policy_id": e.policy_id,
            })
        });
        map.insert("last_error".to_owned(), last_error);
        let traces: Vec<serde_json::Value> = context
            .traces()
            .iter()
            .map(|t| json!({ "source": t.source, "severity": t.severity, "message": t.message }))
            .collect();
        map.insert("traces".to_owned(), serde_json::Value::Array(traces));
        json
    }
}

/// A variable's value as .NET `ToString()` gives it; `DateTime` in the invariant culture's
/// general pattern `MM/dd/yyyy HH:mm:ss` (the gateway's culture is unconfirmed).
fn variable_text(value: &Value<'_>) -> String {
    match value {
        Value::DateTime(d) => {
            let nanos = i128::from(d.ticks.saturating_sub(UNIX_EPOCH_TICKS)).saturating_mul(100);
            time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
                .ok()
                .and_then(|t| {
                    t.format(time::macros::format_description!(
                        "[month]/[day]/[year] [hour]:[minute]:[second]"
                    ))
                    .ok()
                })
                .unwrap_or_else(|| value.to_display_string())
        }
        other => other.to_display_string(),
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
