//! The gateway pipeline: runs a loaded policy's sections for one request and gives the
//! [`Outcome`] the gateway would produce.
//!
//! inbound → backend → outbound; a `return-response` ends the pipeline; an error (an expression
//! throwing, a policy failing) skips the rest and runs `on-error` with `context.LastError` set;
//! with no `on-error`, the caller gets the gateway's error response.

mod client_certificate;
mod headers;

use std::sync::Arc;

use serde_json::json;

use crate::context::Context;
use crate::expr::{Exception, Value};
use crate::policy::{
    Condition, ExistsAction, Policy, PolicyExpression, PolicyMeta, PolicyValue, Section, Statement,
};

pub use headers::Headers;

/// An HTTP response as the pipeline builds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Reason phrase.
    pub reason: String,
    /// Headers.
    pub headers: Headers,
    /// Body, if any.
    pub body: Option<String>,
}

impl Response {
    /// `200 OK`, no headers, no body: what `return-response` starts from.
    pub fn ok() -> Self {
        Self::with_status(200)
    }

    /// A response with `status` and its standard reason phrase.
    pub fn with_status(status: u16) -> Self {
        Self {
            status,
            reason: reason_phrase(status).to_owned(),
            headers: Headers::default(),
            body: None,
        }
    }
}

/// `context.LastError`: what went wrong, as the gateway records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastError {
    /// The policy element or pipeline step where the error happened.
    pub source: String,
    /// Machine-friendly code, e.g. `ExpressionValueEvaluationFailure`.
    pub reason: Option<String>,
    /// Human-readable description.
    pub message: String,
    /// `global`, `product`, `api` or `operation` (None for a single document).
    pub scope: Option<String>,
    /// The section.
    pub section: Option<String>,
    /// `choose[1]/when[2]`-style path of the failing policy.
    pub path: Option<String>,
    /// The failing policy's `id` attribute.
    pub policy_id: Option<String>,
    /// The .NET exception behind an expression failure, if any.
    pub exception: Option<Exception>,
}

/// A value `set-variable` stored, converted to its .NET string form.
pub type Variable = (String, String);

/// What the gateway does with the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The request went on to the backend; `response` is the backend's response after outbound.
    Forwarded {
        /// The request headers after inbound and backend.
        request_headers: Headers,
        /// The response after outbound.
        response: Response,
        /// Variables set by `set-variable`.
        variables: Vec<Variable>,
    },
    /// A policy returned a response (`return-response`).
    Returned {
        /// The response.
        response: Response,
        /// Variables set by `set-variable`.
        variables: Vec<Variable>,
        /// `context.LastError`, when the response came from `on-error`.
        last_error: Option<LastError>,
    },
    /// An error no `on-error` handled: the gateway's error response.
    Error {
        /// The status the caller gets.
        status: u16,
        /// `context.LastError`.
        error: LastError,
        /// Variables set by `set-variable`.
        variables: Vec<Variable>,
    },
}

impl Outcome {
    /// The JSON object `apim-policy eval` prints.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Outcome::Forwarded { .. } => json!({ "outcome": "forwarded" }),
            Outcome::Returned { response, .. } => json!({
                "outcome": "returned",
                "status": response.status,
                "reason": response.reason,
                "headers": response.headers.to_json(),
                "body": response.body,
            }),
            Outcome::Error { status, error, .. } => json!({
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

/// The standard reason phrase of an HTTP status (used when `set-status` has no `reason`).
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Request Entity Too Large",
        414 => "Request-URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Requested Range Not Satisfiable",
        417 => "Expectation Failed",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// Where a `set-header`/`set-status`/`set-body` acts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Request,
    Response,
    Returned,
}

/// How a statement list ended.
enum Flow {
    Continue,
    Returned(Response),
}

/// A policy failure on its way to `on-error`.
struct Failure {
    /// The status the gateway answers with.
    status: u16,
    error: Box<LastError>,
}

struct Run<'a> {
    context: &'a Context,
    section: Section,
    request_headers: Headers,
    response: Response,
    returned: Response,
    variables: Vec<Variable>,
}

impl Policy {
    /// Runs the policy for one request.
    pub fn evaluate(&self, context: &Context) -> Outcome {
        let mut run = Run {
            context,
            section: Section::Inbound,
            request_headers: Headers::default(),
            response: Response::ok(),
            returned: Response::ok(),
            variables: Vec::new(),
        };
        let result = run.main_sections(self);
        match result {
            Ok(Some(response)) => Outcome::Returned {
                response,
                variables: run.variables,
                last_error: None,
            },
            Ok(None) => Outcome::Forwarded {
                request_headers: run.request_headers,
                response: run.response,
                variables: run.variables,
            },
            Err(failure) => run.on_error(self, failure),
        }
    }
}

impl<'a> Run<'a> {
    fn main_sections(&mut self, policy: &Policy) -> Result<Option<Response>, Failure> {
        for section in [Section::Inbound, Section::Backend, Section::Outbound] {
            self.section = section;
            if let Flow::Returned(response) = self.statements(policy.section(section))? {
                return Ok(Some(response));
            }
        }
        Ok(None)
    }

    fn on_error(mut self, policy: &Policy, failure: Failure) -> Outcome {
        let error = *failure.error;
        if !policy.has_on_error() {
            return Outcome::Error {
                status: failure.status,
                error,
                variables: self.variables,
            };
        }
        self.section = Section::OnError;
        self.response = Response::with_status(failure.status);
        match self.statements(policy.section(Section::OnError)) {
            Ok(Flow::Returned(response)) => Outcome::Returned {
                response,
                variables: self.variables,
                last_error: Some(error),
            },
            Ok(Flow::Continue) => Outcome::Error {
                status: self.response.status,
                error,
                variables: self.variables,
            },
            // An error inside on-error: the gateway answers with its error response.
            Err(failure) => Outcome::Error {
                status: 500,
                error: *failure.error,
                variables: self.variables,
            },
        }
    }

    fn target(&self) -> Target {
        match self.section {
            Section::Inbound | Section::Backend => Target::Request,
            Section::Outbound | Section::OnError => Target::Response,
        }
    }

    fn statements(&mut self, statements: &[Statement]) -> Result<Flow, Failure> {
        for statement in statements {
            if let Flow::Returned(response) = self.statement(statement)? {
                return Ok(Flow::Returned(response));
            }
        }
        Ok(Flow::Continue)
    }

    fn statement(&mut self, statement: &Statement) -> Result<Flow, Failure> {
        let target = self.target();
        match statement {
            Statement::Base(_) => Ok(Flow::Continue),
            Statement::Choose {
                meta,
                branches,
                otherwise,
            } => {
                for branch in branches {
                    let holds = match &branch.condition {
                        Condition::Constant(b) => *b,
                        Condition::Expression(e) => match self.evaluate(meta, e)? {
                            Value::Bool(b) => b,
                            _ => return Err(self.expression_failure(meta, None)),
                        },
                    };
                    if holds {
                        return self.statements(&branch.statements);
                    }
                }
                match otherwise {
                    Some(statements) => self.statements(statements),
                    None => Ok(Flow::Continue),
                }
            }
            Statement::ReturnResponse { actions, .. } => {
                self.returned = Response::ok();
                for action in actions {
                    self.response_action(action, Target::Returned)?;
                }
                Ok(Flow::Returned(std::mem::replace(
                    &mut self.returned,
                    Response::ok(),
                )))
            }
            Statement::SetStatus { .. }
            | Statement::SetHeader { .. }
            | Statement::SetBody { .. } => {
                self.response_action(statement, target)?;
                Ok(Flow::Continue)
            }
            Statement::SetVariable { meta, name, value } => {
                let value = self.text(meta, value)?;
                match self.variables.iter_mut().find(|(n, _)| n == name) {
                    Some((_, v)) => *v = value,
                    None => self.variables.push((name.clone(), value)),
                }
                Ok(Flow::Continue)
            }
            Statement::ValidateClientCertificate { meta, policy } => {
                match client_certificate::validate(policy, self.context) {
                    Ok(()) => Ok(Flow::Continue),
                    // ignore-error="true": proceed to the next policy.
                    Err(_) if policy.ignore_error => Ok(Flow::Continue),
                    Err(refusal) => {
                        let mut failure =
                            self.failure(meta, refusal.reason, refusal.message.to_owned(), None);
                        failure.status = 401;
                        Err(failure)
                    }
                }
            }
            Statement::Unimplemented(meta) => Err(self.failure(
                meta,
                "PolicyNotImplemented",
                format!(
                    "The policy '{}' is not implemented by apim-policy.",
                    meta.name
                ),
                None,
            )),
        }
    }

    fn response_action(&mut self, statement: &Statement, target: Target) -> Result<(), Failure> {
        match statement {
            Statement::SetStatus { meta, code, reason } => {
                let status = self.status_code(meta, code)?;
                let reason = match reason {
                    Some(r) => self.text(meta, r)?,
                    None => reason_phrase(status).to_owned(),
                };
                let response = match target {
                    Target::Returned => &mut self.returned,
                    // set-status in inbound/backend sets the response the gateway will send.
                    Target::Request | Target::Response => &mut self.response,
                };
                response.status = status;
                response.reason = reason;
            }
            Statement::SetHeader {
                meta,
                name,
                exists_action,
                values,
            } => {
                let name = self.text(meta, name)?;
                let action_text = self.text(meta, exists_action)?;
                let Some(action) = ExistsAction::parse(&action_text) else {
                    return Err(self.failure(
                        meta,
                        "ExpressionValueEvaluationFailure",
                        format!("'{action_text}' is not a valid exists-action."),
                        None,
                    ));
                };
                let mut texts = Vec::with_capacity(values.len());
                for v in values {
                    texts.push(self.text(meta, v)?);
                }
                let headers = match target {
                    Target::Request => &mut self.request_headers,
                    Target::Response => &mut self.response.headers,
                    Target::Returned => &mut self.returned.headers,
                };
                headers.apply(&name, action, texts);
            }
            Statement::SetBody { meta, body } => {
                let body = self.text(meta, body)?;
                match target {
                    Target::Returned => self.returned.body = Some(body),
                    Target::Response => self.response.body = Some(body),
                    // The request body goes to the backend; nothing in this crate reads it yet.
                    Target::Request => {}
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn status_code(&mut self, meta: &PolicyMeta, code: &PolicyValue) -> Result<u16, Failure> {
        let number = match code {
            PolicyValue::Literal(text) => text.parse::<i64>().ok(),
            PolicyValue::Expression(e) => match self.evaluate(meta, e)? {
                Value::Int(i) => Some(i64::from(i)),
                Value::Long(i) => Some(i),
                _ => None,
            },
        };
        match number.and_then(|n| u16::try_from(n).ok()) {
            Some(n) if (100..=999).contains(&n) => Ok(n),
            _ => Err(self.failure(
                meta,
                "ExpressionValueEvaluationFailure",
                "The status code must be between 100 and 999.".to_owned(),
                None,
            )),
        }
    }

    fn text(&mut self, meta: &PolicyMeta, value: &PolicyValue) -> Result<String, Failure> {
        match value {
            PolicyValue::Literal(text) => Ok(text.clone()),
            PolicyValue::Expression(e) => Ok(self.evaluate(meta, e)?.to_display_string()),
        }
    }

    fn evaluate<'p>(
        &self,
        meta: &PolicyMeta,
        expression: &'p PolicyExpression,
    ) -> Result<Value<'p>, Failure>
    where
        'a: 'p,
    {
        expression
            .program()
            .evaluate(self.context)
            .map_err(|exception| self.expression_failure(meta, Some(exception)))
    }

    fn expression_failure(&self, meta: &PolicyMeta, exception: Option<Exception>) -> Failure {
        let detail = exception.as_ref().map_or_else(
            || "The expression did not give a value of the required type.".to_owned(),
            |e| e.message.to_string(),
        );
        self.failure(
            meta,
            "ExpressionValueEvaluationFailure",
            format!("Expression evaluation failed. {detail}"),
            exception,
        )
    }

    fn failure(
        &self,
        meta: &PolicyMeta,
        reason: &str,
        message: String,
        exception: Option<Exception>,
    ) -> Failure {
        Failure {
            status: 500,
            error: Box::new(LastError {
                source: meta.name.clone(),
                reason: Some(reason.to_owned()),
                message,
                scope: None,
                section: Some(self.section.name().to_owned()),
                path: Some(meta.path.clone()),
                policy_id: meta.id.clone(),
                exception,
            }),
        }
    }
}

/// Shares a loaded policy between threads.
pub type SharedPolicy = Arc<Policy>;
