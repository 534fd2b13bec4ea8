//! The gateway pipeline: runs a loaded policy's sections for one request and gives the
//! [`Outcome`] the gateway would produce.
//!
//! inbound → backend → outbound; a `return-response` ends the pipeline; an error (an expression
//! throwing, a policy failing) skips the rest and runs `on-error` with `context.LastError` set;
//! with no `on-error`, the caller gets the gateway's error response.

mod client_certificate;

use std::sync::Arc;

use serde_json::json;

use crate::context::{Body, Context, Headers, LastError, Response, reason_phrase};
use crate::expr::{Exception, Value};
use crate::policy::{
    Condition, ExistsAction, Policy, PolicyExpression, PolicyMeta, PolicyValue, Section, Statement,
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

/// Applies a `set-header` with `action` and `values` to `headers`.
fn apply_header(headers: &mut Headers, name: &str, action: ExistsAction, values: Vec<String>) {
    match action {
        ExistsAction::Override => headers.set(name, values),
        ExistsAction::Skip => {
            if !headers.contains(name) {
                headers.set(name, values);
            }
        }
        ExistsAction::Append => headers.append(name, values),
        ExistsAction::Delete => headers.remove(name),
    }
}

/// Where a `set-header`/`set-status`/`set-body` acts.
enum Target<'r> {
    Request,
    Response,
    Returned(&'r mut Response),
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

struct Run<'c> {
    context: &'c mut Context,
    section: Section,
}

impl Policy {
    /// Runs the policy for one request. The pipeline changes `context` as the gateway would
    /// (request headers in inbound, the response in outbound, variables, `LastError`), so the
    /// host can read the final request, response and variables from it afterwards.
    pub fn evaluate(&self, context: &mut Context) -> Outcome {
        let mut run = Run {
            context,
            section: Section::Inbound,
        };
        match run.main_sections(self) {
            Ok(Some(response)) => Outcome::Returned { response },
            Ok(None) => Outcome::Forwarded,
            Err(failure) => run.on_error(self, failure),
        }
    }
}

impl Run<'_> {
    fn main_sections(&mut self, policy: &Policy) -> Result<Option<Response>, Failure> {
        for section in [Section::Inbound, Section::Backend, Section::Outbound] {
            self.section = section;
            if let Flow::Returned(response) = self.statements(policy.section(section))? {
                return Ok(Some(response));
            }
        }
        Ok(None)
    }

    fn on_error(&mut self, policy: &Policy, failure: Failure) -> Outcome {
        let error = *failure.error;
        self.context.set_last_error(Some(error.clone()));
        if !policy.has_on_error() {
            return Outcome::Error {
                status: failure.status,
                error,
            };
        }
        self.section = Section::OnError;
        *self.context.response_mut() = Response::with_status(failure.status);
        match self.statements(policy.section(Section::OnError)) {
            Ok(Flow::Returned(response)) => Outcome::Returned { response },
            Ok(Flow::Continue) => Outcome::Error {
                status: u16::try_from(self.context.response().status_code).unwrap_or(500),
                error,
            },
            // An error inside on-error: the gateway answers with its error response.
            Err(failure) => {
                self.context.set_last_error(Some((*failure.error).clone()));
                Outcome::Error {
                    status: 500,
                    error: *failure.error,
                }
            }
        }
    }

    fn target(&self) -> Target<'static> {
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
                        Condition::Expression(e) => self.condition(meta, e)?,
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
                let mut returned = Response::ok();
                for action in actions {
                    self.response_action(action, Target::Returned(&mut returned))?;
                }
                Ok(Flow::Returned(returned))
            }
            Statement::SetStatus { .. }
            | Statement::SetHeader { .. }
            | Statement::SetBody { .. } => {
                self.response_action(statement, target)?;
                Ok(Flow::Continue)
            }
            Statement::SetVariable { meta, name, value } => {
                let value = match value {
                    PolicyValue::Literal(text) => Value::String(Arc::from(text.as_str())),
                    PolicyValue::Expression(e) => {
                        let value = self.evaluate(meta, e)?;
                        match value.to_static() {
                            Some(value) => value,
                            None => {
                                return Err(self.failure(
                                    meta,
                                    "ExpressionValueEvaluationFailure",
                                    "Expression evaluation failed. The value of this type cannot be stored in a variable.".to_owned(),
                                    None,
                                ));
                            }
                        }
                    }
                };
                self.context.set_variable(name, value);
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

    fn response_action(
        &mut self,
        statement: &Statement,
        target: Target<'_>,
    ) -> Result<(), Failure> {
        match statement {
            Statement::SetStatus { meta, code, reason } => {
                let status = self.status_code(meta, code)?;
                let reason = match reason {
                    Some(r) => self.text(meta, r)?,
                    None => reason_phrase(status).to_owned(),
                };
                let response = match target {
                    Target::Returned(response) => response,
                    // set-status elsewhere sets the response the gateway will send.
                    Target::Request | Target::Response => self.context.response_mut(),
                };
                response.status_code = i32::from(status);
                response.status_reason = reason;
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
                    Target::Request => &mut self.context.request_mut().headers,
                    Target::Response => &mut self.context.response_mut().headers,
                    Target::Returned(response) => &mut response.headers,
                };
                apply_header(headers, &name, action, texts);
            }
            Statement::SetBody { meta, body } => {
                let body = Some(Body::new(self.text(meta, body)?.into_bytes()));
                match target {
                    Target::Returned(response) => response.body = body,
                    Target::Response => self.context.response_mut().body = body,
                    Target::Request => self.context.request_mut().body = body,
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
        &'p self,
        meta: &PolicyMeta,
        expression: &'p PolicyExpression,
    ) -> Result<Value<'p>, Failure> {
        expression
            .program()
            .evaluate(self.context)
            .map_err(|exception| self.expression_failure(meta, Some(exception)))
    }

    fn condition(&self, meta: &PolicyMeta, expression: &PolicyExpression) -> Result<bool, Failure> {
        match self.evaluate(meta, expression)? {
            Value::Bool(b) => Ok(b),
            _ => Err(self.expression_failure(meta, None)),
        }
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
