//! `context.Request` and `context.Response`: URL, method, headers, body, client certificate,
//! status — the parts of the HTTP exchange policies read and change.

use std::cell::Cell;
use std::sync::Arc;

use crate::cert::certificate::Certificate;

use super::Headers;

/// `IUrl`: a parsed request URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// `Scheme`: `https`.
    pub scheme: String,
    /// `Host`: `api.contoso.com`.
    pub host: String,
    /// `Port`: explicit or the scheme's default.
    pub port: i32,
    /// `Path`: `/echo/resource` (with its leading `/`).
    pub path: String,
    /// `Query`: each name with its values, in order.
    pub query: Vec<(String, Vec<String>)>,
}

impl Url {
    /// Parses an absolute URL.
    pub fn parse(text: &str) -> Result<Self, url::ParseError> {
        let parsed = url::Url::parse(text)?;
        let mut query: Vec<(String, Vec<String>)> = Vec::new();
        for (name, value) in parsed.query_pairs() {
            match query.iter_mut().find(|(n, _)| *n == name) {
                Some((_, values)) => values.push(value.into_owned()),
                None => query.push((name.into_owned(), vec![value.into_owned()])),
            }
        }
        Ok(Self {
            scheme: parsed.scheme().to_owned(),
            host: parsed.host_str().unwrap_or("").to_owned(),
            port: parsed.port_or_known_default().map_or(-1, i32::from),
            path: parsed.path().to_owned(),
            query,
        })
    }

    /// `QueryString`: `?a=1&b=2`, or `""` without a query.
    pub fn query_string(&self) -> String {
        let mut out = String::new();
        for (name, values) in &self.query {
            for value in values {
                out.push(if out.is_empty() { '?' } else { '&' });
                out.push_str(
                    &url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>(),
                );
                out.push('=');
                out.push_str(
                    &url::form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>(),
                );
            }
        }
        out
    }

    /// The values of query parameter `name` (case-sensitive, as ASP.NET query dictionaries are
    /// case-insensitive: APIM's `Query` is case-insensitive, see the divergence ledger).
    pub fn query_values(&self, name: &str) -> Option<&[String]> {
        self.query
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// The whole URL as text.
    pub fn to_url_string(&self) -> String {
        let default_port = matches!(
            (self.scheme.as_str(), self.port),
            ("https", 443) | ("http", 80)
        );
        let port = if default_port || self.port < 0 {
            String::new()
        } else {
            format!(":{}", self.port)
        };
        format!(
            "{}://{}{port}{}{}",
            self.scheme,
            self.host,
            self.path,
            self.query_string()
        )
    }
}

impl Default for Url {
    fn default() -> Self {
        Self {
            scheme: "https".to_owned(),
            host: "localhost".to_owned(),
            port: 443,
            path: "/".to_owned(),
            query: Vec::new(),
        }
    }
}

/// `IMessageBody`: the body of a request or response. Reading it without `preserveContent`
/// consumes it, as on the gateway.
#[derive(Debug, Clone, Default)]
pub struct Body {
    bytes: Arc<[u8]>,
    consumed: Cell<bool>,
}

impl Body {
    /// A body holding `bytes`.
    pub fn new(bytes: impl Into<Arc<[u8]>>) -> Self {
        Self {
            bytes: bytes.into(),
            consumed: Cell::new(false),
        }
    }

    /// The bytes, unless a read without `preserveContent` consumed them.
    pub fn read(&self, preserve_content: bool) -> Option<&[u8]> {
        if self.consumed.get() {
            return None;
        }
        if !preserve_content {
            self.consumed.set(true);
        }
        Some(&self.bytes)
    }

    /// The bytes regardless of consumption (for the host and the outcome).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// `context.Request`.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `Method`: `GET`, `POST`, ...
    pub method: String,
    /// `Url`: the URL the backend will receive (changed by `rewrite-uri`, `set-query-parameter`).
    pub url: Url,
    /// `OriginalUrl`: the URL the client sent.
    pub original_url: Url,
    /// `Headers`.
    pub headers: Headers,
    /// `IpAddress`: the caller's IP address.
    pub ip_address: String,
    /// `Body`, or `None` when the request has none.
    pub body: Option<Body>,
    /// `MatchedParameters`: template parameters of the matched operation.
    pub matched_parameters: Vec<(String, String)>,
    /// `Certificate`: the client certificate from the TLS handshake, or `None` (no certificate,
    /// negotiation disabled, or the renegotiation deadlock).
    pub certificate: Option<Arc<Certificate>>,
}

/// `context.Response`: the backend's response in outbound, the error response in on-error.
#[derive(Debug, Clone)]
pub struct Response {
    /// `StatusCode`.
    pub status_code: i32,
    /// `StatusReason`.
    pub status_reason: String,
    /// `Headers`.
    pub headers: Headers,
    /// `Body`.
    pub body: Option<Body>,
}

impl Response {
    /// `200 OK`, no headers, no body: what `return-response` starts from.
    pub fn ok() -> Self {
        Self::default()
    }

    /// A response with `status` and its standard reason phrase.
    pub fn with_status(status: u16) -> Self {
        Self {
            status_code: i32::from(status),
            status_reason: reason_phrase(status).to_owned(),
            ..Self::default()
        }
    }
}

impl Default for Response {
    /// An empty `200 OK`.
    fn default() -> Self {
        Self {
            status_code: 200,
            status_reason: "OK".to_owned(),
            headers: Headers::new(),
            body: None,
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
