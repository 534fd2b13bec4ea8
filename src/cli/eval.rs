//! `apim-policy eval POLICY ...`: runs the pipeline for one request (the request, the parent
//! scopes, named values, fragments, the backend's response and the gateway settings given on
//! the command line) and prints the outcome as JSON.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use apim_policy::cert::store::Crl;
use apim_policy::context::{Context, Deployment, EvaluationTime, Response, Url};
use apim_policy::expr::Value;
use apim_policy::runtime::{Gateway, Scope, UnimplementedPolicies};
use clap::Args;

use super::{Fail, bad_input, certificates, first_certificate, read, read_text, silent};

/// Arguments of `eval`.
#[derive(Args)]
#[command(after_help = "\
Output: one JSON object. \"outcome\" is \"forwarded\", \"returned\" (then status, reason, headers, body) \
or \"error\" (then status and error {source, reason, message}); then, for forwarded, \"response\" \
{status, reason, headers, body} (after outbound) and \"request\" {method, url, headers}; then for every \
outcome \"variables\" {name: value as .NET ToString() gives it}, \"last_error\" {source, reason, message, \
scope, section, path, policy_id} or null, and \"traces\" [{source, severity, message}].

Scopes: POLICY is the operation-scope policy. --parent FILE adds parent scopes outermost first \
(global, then product, then api); --parent SCOPE=FILE names the scope (global, workspace, product, \
api), still outermost first. <base/> in a section runs the parent's same section.")]
pub(crate) struct EvalArgs {
    /// The policy file (operation scope).
    policy: PathBuf,
    /// The client certificate presented in the TLS handshake (PEM, DER, PKCS#7 or PFX without password; the first certificate).
    #[arg(long, value_name = "FILE")]
    client_cert: Option<PathBuf>,
    /// A certificate uploaded to the instance, as context.Deployment.Certificates[ID].
    #[arg(long, value_name = "ID=FILE")]
    deployment_cert: Vec<String>,
    /// An uploaded trusted root CA certificate (PEM, DER, PKCS#7 or PFX; every certificate in the file).
    #[arg(long, value_name = "FILE")]
    ca_cert: Vec<PathBuf>,
    /// An uploaded intermediate CA certificate (PEM, DER, PKCS#7 or PFX; every certificate in the file).
    #[arg(long, value_name = "FILE")]
    intermediate: Vec<PathBuf>,
    /// A certificate revocation list (PEM or DER).
    #[arg(long, value_name = "FILE")]
    crl: Vec<PathBuf>,
    /// The evaluation time, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// The request method (default GET).
    #[arg(long, value_name = "METHOD")]
    method: Option<String>,
    /// The request URL, absolute (default https://localhost/).
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// A request header; repeat for more headers or more values of one header.
    #[arg(long, value_name = "NAME:VALUE")]
    header: Vec<String>,
    /// The caller's IP address (context.Request.IpAddress).
    #[arg(long, value_name = "ADDRESS")]
    ip: Option<String>,
    /// The request body.
    #[arg(long, value_name = "FILE")]
    body: Option<PathBuf>,
    /// A parameter the operation's URL template matched (context.Request.MatchedParameters).
    #[arg(long, value_name = "NAME=VALUE")]
    matched_parameter: Vec<String>,
    /// The operation's URL template (context.Operation.UrlTemplate), e.g. /get?a={b}.
    #[arg(long, value_name = "TEMPLATE")]
    url_template: Option<String>,
    /// A string variable set before the pipeline runs (context.Variables[NAME]).
    #[arg(long, value_name = "NAME=VALUE")]
    variable: Vec<String>,
    /// A named value, for {{NAME}} in the policies.
    #[arg(long, value_name = "NAME=VALUE")]
    named_value: Vec<String>,
    /// A policy fragment, for <include-fragment fragment-id="ID" />.
    #[arg(long, value_name = "ID=FILE")]
    fragment: Vec<String>,
    /// A parent-scope policy, outermost first: FILE (global, product, api in turn) or SCOPE=FILE.
    #[arg(long, value_name = "[SCOPE=]FILE")]
    parent: Vec<String>,
    /// The backend's response status, as outbound sees it (default 200).
    #[arg(long, value_name = "N")]
    backend_status: Option<u16>,
    /// A backend response header; repeatable.
    #[arg(long, value_name = "NAME:VALUE")]
    backend_header: Vec<String>,
    /// The backend's response body.
    #[arg(long, value_name = "FILE")]
    backend_body: Option<PathBuf>,
    /// negotiateClientCertificate: when false, policies see no client certificate (default true).
    #[arg(long, value_name = "true|false")]
    negotiate_client_certificate: Option<bool>,
    /// Run outbound after a return-response in inbound or backend.
    #[arg(long)]
    outbound_after_return_response: bool,
    /// What reaching a policy apim-policy does not run does: fail (error outcome) or skip.
    #[arg(long, value_name = "fail|skip", default_value = "fail")]
    unimplemented: String,
}

/// Splits `NAME<sep>VALUE`; the name must not be empty.
fn split<'a>(option: &str, spec: &'a str, sep: char) -> Result<(&'a str, &'a str), Fail> {
    match spec.split_once(sep) {
        Some((name, value)) if !name.trim().is_empty() => Ok((name.trim(), value)),
        Some(_) => Err(bad_input(format!("--{option} {spec}: the name is empty"))),
        None => Err(bad_input(format!(
            "--{option} {spec}: expected NAME{sep}VALUE"
        ))),
    }
}

fn deployment(args: &EvalArgs) -> Result<Deployment, Fail> {
    let mut deployment = Deployment::builder();
    for path in &args.ca_cert {
        for cert in certificates(path)? {
            deployment = deployment.root(Arc::new(cert));
        }
    }
    for path in &args.intermediate {
        for cert in certificates(path)? {
            deployment = deployment.intermediate(Arc::new(cert));
        }
    }
    for path in &args.crl {
        let loaded =
            Crl::load(&read(path)?).map_err(|e| bad_input(format!("{}: {e}", path.display())))?;
        for crl in loaded {
            deployment = deployment.crl(crl);
        }
    }
    for spec in &args.deployment_cert {
        let (id, file) = split("deployment-cert", spec, '=')?;
        let cert = first_certificate(Path::new(file))?;
        deployment = deployment.certificate(id, Arc::new(cert));
    }
    deployment
        .build()
        .map_err(|e| bad_input(format!("CA certificates: {e}")))
}

/// The parent scopes, outermost first, with their files.
fn parents(specs: &[String]) -> Result<Vec<(Scope, PathBuf)>, Fail> {
    const DEFAULT: [Scope; 3] = [Scope::Global, Scope::Product, Scope::Api];
    let mut out: Vec<(Scope, PathBuf)> = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let named = spec.split_once('=').and_then(|(scope, file)| {
            let scope = match scope {
                "global" => Scope::Global,
                "workspace" => Scope::Workspace,
                "product" => Scope::Product,
                "api" => Scope::Api,
                _ => return None,
            };
            Some((scope, PathBuf::from(file)))
        });
        let (scope, file) = match named {
            Some(pair) => pair,
            None => match DEFAULT.get(i) {
                Some(scope) => (*scope, PathBuf::from(spec)),
                None => {
                    return Err(bad_input(format!(
                        "--parent {spec}: more than three parents need SCOPE=FILE"
                    )));
                }
            },
        };
        if let Some((last, _)) = out.last()
            && *last >= scope
        {
            return Err(bad_input(format!(
                "--parent {spec}: parents go outermost first (global, workspace, product, api), each once"
            )));
        }
        out.push((scope, file));
    }
    Ok(out)
}

fn header(option: &str, spec: &str) -> Result<(String, String), Fail> {
    let (name, value) = split(option, spec, ':')?;
    Ok((name.to_owned(), value.trim_start().to_owned()))
}

fn request(args: &EvalArgs, context: &mut Context) -> Result<(), Fail> {
    let request = context.request_mut();
    if let Some(method) = &args.method {
        request.method = method.clone();
    }
    if let Some(url) = &args.url {
        let parsed = Url::parse(url)
            .map_err(|e| bad_input(format!("--url {url}: not an absolute URL: {e}")))?;
        request.original_url = parsed.clone();
        request.url = parsed;
    }
    for spec in &args.header {
        let (name, value) = header("header", spec)?;
        request.headers.append(&name, vec![value]);
    }
    if let Some(ip) = &args.ip {
        request.ip_address = ip.clone();
    }
    if let Some(path) = &args.body {
        request.body = Some(apim_policy::context::Body::new(read(path)?));
    }
    for spec in &args.matched_parameter {
        let (name, value) = split("matched-parameter", spec, '=')?;
        request
            .matched_parameters
            .push((name.to_owned(), value.to_owned()));
    }
    for spec in &args.variable {
        let (name, value) = split("variable", spec, '=')?;
        context.set_variable(name, Value::String(Arc::from(value)));
    }
    Ok(())
}

fn backend(args: &EvalArgs) -> Result<Response, Fail> {
    let mut response = Response::with_status(args.backend_status.unwrap_or(200));
    if let Some(status) = args.backend_status
        && !(100..=999).contains(&status)
    {
        return Err(bad_input(format!(
            "--backend-status {status}: not an HTTP status code"
        )));
    }
    for spec in &args.backend_header {
        let (name, value) = header("backend-header", spec)?;
        response.headers.append(&name, vec![value]);
    }
    if let Some(path) = &args.backend_body {
        response.body = Some(apim_policy::context::Body::new(read(path)?));
    }
    Ok(response)
}

/// Prints load errors as FILE:LINE:COL: message (a fragment's errors under its file).
fn print_load_errors(
    file: &Path,
    errors: &apim_policy::policy::LoadErrors,
    fragments: &[(String, PathBuf)],
) {
    for e in &errors.errors {
        let file = e
            .fragment
            .as_ref()
            .and_then(|id| fragments.iter().rev().find(|(f, _)| f == id))
            .map_or(file, |(_, path)| path.as_path());
        eprintln!("{}:{}: {}", file.display(), e.position, e.message);
    }
}

/// Runs `eval`.
pub(crate) fn run(args: &EvalArgs) -> Result<(), Fail> {
    let time = match args.at.as_deref() {
        Some(text) => {
            let parsed =
                time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                    .map_err(|e| bad_input(format!("--at {text}: not an RFC 3339 time: {e}")))?;
            EvaluationTime::from_unix_seconds(parsed.unix_timestamp())
        }
        None => EvaluationTime::now(),
    };
    let unimplemented = match args.unimplemented.as_str() {
        "fail" => UnimplementedPolicies::Fail,
        "skip" => UnimplementedPolicies::Skip,
        other => {
            return Err(bad_input(format!(
                "--unimplemented {other}: expected fail or skip"
            )));
        }
    };
    let deployment = deployment(args)?;
    let client = match args.client_cert.as_deref() {
        Some(path) => Some(Arc::new(first_certificate(path)?)),
        None => None,
    };
    let mut builder = Gateway::builder()
        .negotiate_client_certificate(args.negotiate_client_certificate.unwrap_or(true))
        .outbound_after_return_response(args.outbound_after_return_response)
        .unimplemented_policies(unimplemented);
    for spec in &args.named_value {
        let (name, value) = split("named-value", spec, '=')?;
        builder = builder.named_value(name, value);
    }
    let mut fragments = Vec::new();
    for spec in &args.fragment {
        let (id, file) = split("fragment", spec, '=')?;
        let path = PathBuf::from(file);
        builder = builder.fragment(id, &read_text(&path)?);
        fragments.push((id.to_owned(), path));
    }
    let parents = parents(&args.parent)?;
    for (scope, path) in &parents {
        builder = builder.scope_policy(*scope, read_text(path)?);
    }
    let text = read_text(&args.policy)?;
    let gateway = match builder.build() {
        Ok(gateway) => gateway,
        Err((scope, errors)) => {
            let file = parents
                .iter()
                .find(|(s, _)| *s == scope)
                .map_or(args.policy.as_path(), |(_, p)| p.as_path());
            print_load_errors(file, &errors, &fragments);
            return Err(silent(1));
        }
    };
    let policy = match gateway.load(&text) {
        Ok(p) => p,
        Err(errors) => {
            print_load_errors(&args.policy, &errors, &fragments);
            return Err(silent(1));
        }
    };
    let mut context = Context::new(Arc::new(deployment))
        .with_client_certificate(client)
        .with_backend_response(backend(args)?)
        .at(time);
    if let Some(template) = &args.url_template {
        context = context.with_operation(Arc::new(apim_policy::context::Operation {
            url_template: template.clone(),
            ..apim_policy::context::Operation::default()
        }));
    }
    request(args, &mut context)?;
    let outcome = gateway.evaluate(&policy, &mut context);
    println!("{}", outcome.to_json_with(&context));
    Ok(())
}
