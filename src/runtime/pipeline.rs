//! Running statements: sections in order, `<base/>` substituted by the parent scope's same
//! section where it stands, `return-response` ending the pipeline, errors jumping to on-error
//! with `context.LastError`, and each policy's effect on the context.

use std::net::IpAddr;
use std::sync::Arc;

use crate::context::{Body, Context, Headers, LastError, Response, TraceRecord, reason_phrase};
use crate::expr::{Exception, Value};
use crate::policy::{
    Condition, ExistsAction, Policy, PolicyExpression, PolicyMeta, PolicyValue, Section, Statement,
};

use super::Outcome;
use super::client_certificate;
use super::gateway::{
    HandlerOutcome, PipelineSettings, PolicyElement, Scope, UnimplementedPolicies,
};

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
    /// The message of the gateway's error body (`{"statusCode": N, "message": "..."}`), for
    /// policies whose refusal has one (check-header, ip-filter, validate-client-certificate).
    body_message: Option<String>,
}

/// APIM's standard error body: `{ "statusCode": 401, "message": "..." }`.
fn error_body(status: u16, message: &str) -> Body {
    let json = serde_json::json!({ "statusCode": status, "message": message });
    Body::new(json.to_string().into_bytes())
}

/// Where a `set-header`/`set-status`/`set-body` acts.
enum Target<'r> {
    Request,
    Response,
    Returned(&'r mut Response),
}

struct Run<'p, 'c> {
    /// Parent scopes, broadest first.
    parents: &'p [(Scope, Policy)],
    /// The operation-scope policy.
    policy: &'p Policy,
    settings: &'p PipelineSettings,
    context: &'c mut Context,
    section: Section,
    /// The scope whose statements run now: an index into `parents`, or `parents.len()` for
    /// the operation policy.
    scope: usize,
    /// Whether the operation policy's scope is known (run through a [`super::Gateway`]): then
    /// `LastError.Scope` is `operation` for its errors even without parent scopes.
    scoped: bool,
}

/// Runs `policy` inside `parents` for one request.
///
/// `scoped`: whether `policy` runs at operation scope (through a gateway) rather than alone.
pub(super) fn run(
    parents: &[(Scope, Policy)],
    policy: &Policy,
    settings: &PipelineSettings,
    context: &mut Context,
    scoped: bool,
) -> Outcome {
    if !settings.negotiate_client_certificate {
        context.request_mut().certificate = None;
    }
    let mut run = Run {
        parents,
        policy,
        settings,
        context,
        section: Section::Inbound,
        scope: parents.len(),
        scoped,
    };
    match run.main_sections() {
        Ok(Some(response)) => Outcome::Returned { response },
        Ok(None) => Outcome::Forwarded,
        Err(failure) => run.on_error(failure),
    }
}

impl Run<'_, '_> {
    fn scope_name(&self) -> Option<String> {
        if self.parents.is_empty() && !self.scoped {
            return None;
        }
        let scope = self
            .parents
            .get(self.scope)
            .map_or(Scope::Operation, |(s, _)| *s);
        Some(scope.name().to_owned())
    }

    /// Runs `section` of the operation policy (parents come in through `<base/>`).
    fn section(&mut self, section: Section) -> Result<Flow, Failure> {
        self.section = section;
        self.scope = self.parents.len();
        let statements = self.policy.section(section);
        self.statements(statements)
    }

    fn main_sections(&mut self) -> Result<Option<Response>, Failure> {
        for section in [Section::Inbound, Section::Backend] {
            if let Flow::Returned(response) = self.section(section)? {
                if self.settings.outbound_after_return_response {
                    *self.context.response_mut() = response;
                    return match self.section(Section::Outbound)? {
                        Flow::Returned(response) => Ok(Some(response)),
                        Flow::Continue => Ok(Some(self.context.response().clone())),
                    };
                }
                return Ok(Some(response));
            }
        }
        match self.section(Section::Outbound)? {
            Flow::Returned(response) => Ok(Some(response)),
            Flow::Continue => Ok(None),
        }
    }

    fn on_error(&mut self, failure: Failure) -> Outcome {
        let error = *failure.error;
        self.context.set_last_error(Some(error.clone()));
        // The gateway's error response: what on-error starts from, and what the caller gets
        // without an on-error section.
        let mut response = Response::with_status(failure.status);
        if let Some(message) = &failure.body_message {
            response.body = Some(error_body(failure.status, message));
        }
        *self.context.response_mut() = response;
        if !self.policy.has_on_error() {
            return Outcome::Error {
                status: failure.status,
                error,
            };
        }
        match self.section(Section::OnError) {
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
            Statement::Base(_) => {
                // A global policy has no parent: base does nothing there.
                let Some(parent) = self.scope.checked_sub(1) else {
                    return Ok(Flow::Continue);
                };
                let here = self.scope;
                self.scope = parent;
                let parents = self.parents;
                let statements = match parents.get(parent) {
                    Some((_, p)) => p.section(self.section),
                    None => &[],
                };
                let flow = self.statements(statements);
                self.scope = here;
                flow
            }
            Statement::IncludeFragment { statements, .. } => self.statements(statements),
            Statement::Choose {
                meta,
                branches,
                otherwise,
            } => {
                for branch in branches {
                    let holds = match &branch.condition {
                        Condition::Constant(b) => *b,
                        // A failing condition is reported at its `when`:
                        // Source `choose`, Path `choose[1]/when[2]`.
                        Condition::Expression(e) => self.condition(meta, e).map_err(|mut f| {
                            f.error.path = Some(branch.path.clone());
                            f
                        })?,
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
            Statement::ReturnResponse {
                meta,
                response_variable_name,
                actions,
            } => {
                // A `Response` object in a variable comes only from `send-request`, which this
                // crate does not run: naming one is an error (never a silent default response).
                if let Some(name) = response_variable_name {
                    let message = if self.context.variable(name).is_some() {
                        format!("The variable '{name}' does not hold a response.")
                    } else {
                        format!("The variable '{name}' is not defined.")
                    };
                    return Err(self.failure(meta, "ResponseVariableNotFound", message, None));
                }
                // `return-response-policy.md`: it "removes the request body and response body
                // in the current context" (so its own set-body sees neither).
                self.context.request_mut().body = None;
                self.context.response_mut().body = None;
                let mut returned = Response::ok();
                for action in actions {
                    self.response_action(action, Target::Returned(&mut returned))?;
                }
                Ok(Flow::Returned(returned))
            }
            Statement::MockResponse {
                status_code,
                content_type,
                ..
            } => {
                let mut response = Response::with_status(*status_code);
                if let Some(content_type) = content_type {
                    response
                        .headers
                        .set("Content-Type", vec![content_type.clone()]);
                }
                Ok(Flow::Returned(response))
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
                                    "Expression evaluation failed. A value of this type cannot be stored in a variable.".to_owned(),
                                    None,
                                ));
                            }
                        }
                    }
                };
                self.context.set_variable(name, value);
                Ok(Flow::Continue)
            }
            Statement::SetMethod { meta, method } => {
                let method = self.text(meta, method)?;
                self.context.request_mut().method = method;
                Ok(Flow::Continue)
            }
            Statement::SetQueryParameter {
                meta,
                name,
                exists_action,
                values,
            } => {
                let (name, action, values) =
                    self.named_values(meta, name, exists_action, values)?;
                let query = &mut self.context.request_mut().url.query;
                let existing = query
                    .iter()
                    .position(|(n, _)| n.eq_ignore_ascii_case(&name));
                match (action, existing) {
                    (ExistsAction::Delete, Some(i)) => {
                        query.remove(i);
                    }
                    (ExistsAction::Delete, None) | (ExistsAction::Skip, Some(_)) => {}
                    (ExistsAction::Append, Some(i)) => {
                        if let Some((_, v)) = query.get_mut(i) {
                            v.extend(values);
                        }
                    }
                    (ExistsAction::Override, Some(i)) => {
                        if let Some((_, v)) = query.get_mut(i) {
                            *v = values;
                        }
                    }
                    (_, None) => query.push((name, values)),
                }
                Ok(Flow::Continue)
            }
            Statement::RewriteUri {
                meta,
                template,
                copy_unmatched_params,
            } => {
                let template = self.text(meta, template)?;
                self.rewrite_uri(&template, *copy_unmatched_params);
                Ok(Flow::Continue)
            }
            Statement::CheckHeader {
                meta,
                name,
                failed_status,
                failed_message,
                ignore_case,
                values,
            } => {
                let name = self.text(meta, name)?;
                let ignore_case = match ignore_case {
                    PolicyValue::Literal(t) => t.trim().eq_ignore_ascii_case("true"),
                    PolicyValue::Expression(e) => self.condition(meta, e)?,
                };
                let mut allowed = Vec::with_capacity(values.len());
                for v in values {
                    allowed.push(self.text(meta, v)?);
                }
                let refusal = match self.context.request().headers.get(&name) {
                    None => Some((
                        "HeaderNotFound",
                        format!("Header {name} was not found in the request. Access denied."),
                    )),
                    Some(present) if !allowed.is_empty() => {
                        let ok = present.iter().all(|p| {
                            allowed.iter().any(|a| {
                                if ignore_case {
                                    a.eq_ignore_ascii_case(p)
                                } else {
                                    a == p
                                }
                            })
                        });
                        (!ok).then(|| {
                            (
                                "HeaderValueNotAllowed",
                                format!(
                                    "Header {name} value of {} is not allowed. Access denied.",
                                    present.join(",")
                                ),
                            )
                        })
                    }
                    Some(_) => None,
                };
                let Some((reason, message)) = refusal else {
                    return Ok(Flow::Continue);
                };
                let status = self.status_code(meta, failed_status)?;
                let body = self.text(meta, failed_message)?;
                let mut failure = self.failure(meta, reason, message, None);
                failure.status = status;
                failure.body_message = Some(body);
                Err(failure)
            }
            Statement::IpFilter {
                meta,
                action,
                ranges,
                addresses,
            } => {
                let allow = match self.text(meta, action)?.as_str() {
                    "allow" => true,
                    "forbid" => false,
                    other => {
                        return Err(self.failure(
                            meta,
                            "ExpressionValueEvaluationFailure",
                            format!("'{other}' is not a valid ip-filter action; expected allow or forbid."),
                            None,
                        ));
                    }
                };
                let mut computed = Vec::with_capacity(addresses.len());
                for address in addresses {
                    let text = self.evaluate(meta, address)?.to_display_string();
                    match text.trim().parse::<IpAddr>() {
                        Ok(ip) => computed.push(ip),
                        Err(_) => {
                            return Err(self.failure(
                                meta,
                                "ExpressionValueEvaluationFailure",
                                format!("'{text}' is not a valid IP address."),
                                None,
                            ));
                        }
                    }
                }
                let caller = self.context.request().ip_address.trim().to_owned();
                // `api-management-error-handling-policies.md`, predefined ip-filter errors.
                let (reason, message) = match caller.parse::<IpAddr>() {
                    // An unparsable caller address is never allowed (fail closed).
                    Err(_) => (
                        "FailedToParseCallerIP",
                        "Failed to establish IP address for the caller. Access denied.".to_owned(),
                    ),
                    Ok(ip) => {
                        let listed = ranges.iter().any(|(from, to)| in_range(ip, *from, *to))
                            || computed.iter().any(|a| in_range(ip, *a, *a));
                        match (allow, listed) {
                            (true, true) | (false, false) => return Ok(Flow::Continue),
                            (true, false) => (
                                "CallerIpNotAllowed",
                                format!(
                                    "Caller IP address {caller} is not allowed. Access denied."
                                ),
                            ),
                            (false, true) => (
                                "CallerIpBlocked",
                                "Caller IP address is blocked. Access denied.".to_owned(),
                            ),
                        }
                    }
                };
                let mut failure = self.failure(meta, reason, message.clone(), None);
                failure.status = 403;
                failure.body_message = Some(message);
                Err(failure)
            }
            Statement::Trace {
                meta,
                source,
                severity,
                message,
            } => {
                let message = self.text(meta, message)?;
                self.context.add_trace(TraceRecord {
                    source: source.clone(),
                    severity: severity.clone(),
                    message,
                });
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
                        // The bodies observed on gateways [O] (spec §3.4).
                        let body = if refusal.reason == "ClientCertificateNotFound" {
                            "Client certificate missing"
                        } else {
                            "Invalid client certificate"
                        };
                        failure.body_message = Some(body.to_owned());
                        Err(failure)
                    }
                }
            }
            Statement::Unimplemented { meta, attributes } => {
                let element = PolicyElement {
                    name: &meta.name,
                    id: meta.id.as_deref(),
                    attributes,
                };
                if let Some(handler) = self.settings.handler(&meta.name) {
                    return match handler.handle(&element, self.context) {
                        Ok(HandlerOutcome::Continue) => Ok(Flow::Continue),
                        Ok(HandlerOutcome::Return(response)) => Ok(Flow::Returned(response)),
                        Err(e) => {
                            let (status, mut error) = e.into_last_error(&element);
                            error.section = Some(self.section.name().to_owned());
                            error.path = Some(meta.path.clone());
                            error.scope = self.scope_name();
                            Err(Failure {
                                status,
                                error: Box::new(error),
                                body_message: None,
                            })
                        }
                    };
                }
                match self.settings.unimplemented {
                    UnimplementedPolicies::Skip => Ok(Flow::Continue),
                    UnimplementedPolicies::Fail => Err(self.failure(
                        meta,
                        "PolicyNotImplemented",
                        format!(
                            "The policy '{}' is not implemented by apim-policy and no handler is registered for it.",
                            meta.name
                        ),
                        None,
                    )),
                }
            }
        }
    }

    /// `rewrite-uri`: the template (with `{parameter}`s from the matched parameters) replaces
    /// the URL's path and query. With `copy-unmatched-params`, the incoming query parameters
    /// the operation's URL template does not name are appended (`rewrite-uri-policy.md`:
    /// request `/get?a=b&c=d`, operation `/get?a={b}`, template `/put` → `/put?c=d`).
    fn rewrite_uri(&mut self, template: &str, copy_unmatched_params: bool) {
        let template_query: Vec<String> = self
            .context
            .operation()
            .and_then(|o| o.url_template.split_once('?'))
            .map(|(_, q)| {
                q.split('&')
                    .filter_map(|p| p.split('=').next())
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let request = self.context.request_mut();
        let mut used = Vec::new();
        let mut expanded = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            expanded.push_str(rest.get(..open).unwrap_or(""));
            let after = rest.get(open.saturating_add(1)..).unwrap_or("");
            let Some(close) = after.find('}') else {
                expanded.push_str(rest.get(open..).unwrap_or(""));
                rest = "";
                break;
            };
            let name = after.get(..close).unwrap_or("").trim_start_matches('*');
            used.push(name.to_owned());
            let value = request
                .matched_parameters
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
                .or_else(|| {
                    request
                        .url
                        .query_values(name)
                        .and_then(|v| v.first().cloned())
                })
                .unwrap_or_default();
            expanded.push_str(&value);
            rest = after.get(close.saturating_add(1)..).unwrap_or("");
        }
        expanded.push_str(rest);
        let (path, query) = expanded.split_once('?').unwrap_or((&expanded, ""));
        let mut new_path = path.to_owned();
        let mut new_query: Vec<(String, Vec<String>)> = Vec::new();
        // The template's query is URL text: decode it (the URL is encoded again when sent).
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match new_query.iter_mut().find(|(n, _)| *n == name) {
                Some((_, values)) => values.push(value.into_owned()),
                None => new_query.push((name.into_owned(), vec![value.into_owned()])),
            }
        }
        if copy_unmatched_params {
            for (name, values) in &request.url.query {
                let matched = template_query.iter().any(|t| t.eq_ignore_ascii_case(name))
                    || used.iter().any(|u| u.eq_ignore_ascii_case(name))
                    || new_query.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
                if !matched {
                    new_query.push((name.clone(), values.clone()));
                }
            }
        }
        if !new_path.starts_with('/') {
            new_path.insert(0, '/');
        }
        request.url.path = new_path;
        request.url.query = new_query;
    }

    /// Evaluates `name`, `exists-action` and the `<value>`s of set-header / set-query-parameter.
    fn named_values(
        &mut self,
        meta: &PolicyMeta,
        name: &PolicyValue,
        exists_action: &PolicyValue,
        values: &[PolicyValue],
    ) -> Result<(String, ExistsAction, Vec<String>), Failure> {
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
        Ok((name, action, texts))
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
                let (name, action, values) =
                    self.named_values(meta, name, exists_action, values)?;
                // `set-header-policy.md`: Connection, Content-Length, Keep-Alive and
                // Transfer-Encoding "cannot be modified or deleted"; removing the response's
                // Server header "isn't supported". The gateway leaves them as they are.
                let on_response = !matches!(target, Target::Request);
                if is_protected_header(&name)
                    || (on_response
                        && action == ExistsAction::Delete
                        && name.eq_ignore_ascii_case("Server"))
                {
                    return Ok(());
                }
                let headers = match target {
                    Target::Request => &mut self.context.request_mut().headers,
                    Target::Response => &mut self.context.response_mut().headers,
                    Target::Returned(response) => &mut response.headers,
                };
                apply_header(headers, &name, action, values);
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
            PolicyValue::Literal(text) => text.trim().parse::<i64>().ok(),
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

    fn evaluate<'s>(
        &'s self,
        meta: &PolicyMeta,
        expression: &'s PolicyExpression,
    ) -> Result<Value<'s>, Failure> {
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
            body_message: None,
            error: Box::new(LastError {
                source: meta.name.clone(),
                reason: Some(reason.to_owned()),
                message,
                scope: self.scope_name(),
                section: Some(self.section.name().to_owned()),
                path: Some(meta.path.clone()),
                policy_id: meta.id.clone(),
                exception,
            }),
        }
    }
}

/// Headers `set-header` cannot modify or delete.
fn is_protected_header(name: &str) -> bool {
    [
        "Connection",
        "Content-Length",
        "Keep-Alive",
        "Transfer-Encoding",
    ]
    .iter()
    .any(|p| p.eq_ignore_ascii_case(name))
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

/// Whether `ip` lies in `[from, to]` (same address family).
fn in_range(ip: IpAddr, from: IpAddr, to: IpAddr) -> bool {
    match (ip, from, to) {
        (IpAddr::V4(ip), IpAddr::V4(a), IpAddr::V4(b)) => {
            (u32::from(a)..=u32::from(b)).contains(&u32::from(ip))
        }
        (IpAddr::V6(ip), IpAddr::V6(a), IpAddr::V6(b)) => {
            (u128::from(a)..=u128::from(b)).contains(&u128::from(ip))
        }
        _ => false,
    }
}
