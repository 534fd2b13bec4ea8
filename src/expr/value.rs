//! Runtime values of expressions.
//!
//! A [`Value`] borrows what it can from the compiled program and the request context (`'a`), so
//! reading a certificate's thumbprint or a string literal copies a pointer, never the text.
//! Only strings computed at run time are owned (shared, `Arc<str>`).

use std::sync::Arc;

use crate::cert::certificate::Certificate;
use crate::context::{
    Api, Body, Context, Deployment, DeploymentCertificate, Headers, LastError, Operation, Product,
    Request, Response, Subscription, Url, User,
};

/// .NET `DateTime` ticks (100 ns) between 0001-01-01 and 1970-01-01.
pub const UNIX_EPOCH_TICKS: i64 = 621_355_968_000_000_000;

/// Largest `DateTime` tick count (9999-12-31T23:59:59.9999999).
pub const MAX_TICKS: i64 = 3_155_378_975_999_999_999;

/// `DateTimeKind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateTimeKind {
    /// `Unspecified`
    Unspecified,
    /// `Utc`
    Utc,
    /// `Local` (the gateway's zone, taken as UTC)
    Local,
}

/// A .NET `DateTime`: ticks of 100 ns since 0001-01-01T00:00:00, and its kind. Comparisons
/// look at the ticks only, as .NET's do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    /// 100-ns ticks since 0001-01-01.
    pub ticks: i64,
    /// `Kind`.
    pub kind: DateTimeKind,
}

impl DateTime {
    /// The UTC `DateTime` of a Unix time in seconds (saturating at the .NET range).
    pub fn from_unix_seconds(seconds: i64) -> Self {
        let ticks = seconds
            .saturating_mul(10_000_000)
            .saturating_add(UNIX_EPOCH_TICKS);
        Self {
            ticks: ticks.clamp(0, MAX_TICKS),
            kind: DateTimeKind::Utc,
        }
    }

    /// The same instant with another kind.
    pub fn with_kind(self, kind: DateTimeKind) -> Self {
        Self { kind, ..self }
    }
}

/// A .NET `DateTimeOffset`: the clock time (100-ns ticks since 0001-01-01) and its offset
/// from UTC in minutes. Comparisons look at the UTC instant, as .NET's do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTimeOffset {
    /// Clock ticks (the `DateTime` property).
    pub ticks: i64,
    /// Offset from UTC in minutes (-840..=840).
    pub offset_minutes: i16,
}

impl DateTimeOffset {
    /// Ticks of the UTC instant (`UtcTicks`).
    pub fn utc_ticks(self) -> i64 {
        self.ticks - i64::from(self.offset_minutes) * 600_000_000
    }
}

/// A value an expression produces.
#[derive(Debug, Clone)]
pub enum Value<'a> {
    /// `null`
    Null,
    /// `bool`
    Bool(bool),
    /// `int`
    Int(i32),
    /// `long`
    Long(i64),
    /// `double`
    Double(f64),
    /// `char`
    Char(char),
    /// A `string` borrowed from the program or the context.
    Str(&'a str),
    /// A `string` computed at run time.
    String(Arc<str>),
    /// `DateTime`
    DateTime(DateTime),
    /// `context`
    Context(&'a Context),
    /// `context.Request`
    Request(&'a Request),
    /// `context.Deployment`
    Deployment(&'a Deployment),
    /// An `X509Certificate2`.
    Certificate(&'a Certificate),
    /// An `X500DistinguishedName`, holding its `.Name`.
    DistinguishedName(&'a str),
    /// `context.Deployment.Certificates`
    CertificateDictionary(&'a [DeploymentCertificate]),
    /// One `KeyValuePair<string, X509Certificate2>` of it.
    CertificateEntry(&'a DeploymentCertificate),
    /// A `string[]` borrowed from the context (header values).
    StringSlice(&'a [String]),
    /// A `Guid`, as its 16 bytes in .NET's `ToByteArray` order.
    Guid([u8; 16]),
    /// Request or response headers (`IReadOnlyDictionary<string, string[]>`).
    Headers(&'a Headers),
    /// A URL query (`IReadOnlyDictionary<string, string[]>`).
    Query(&'a [(String, Vec<String>)]),
    /// `context.Request.MatchedParameters`.
    Pairs(&'a [(String, String)]),
    /// `context.Variables`.
    Variables(&'a [(Arc<str>, Value<'static>)]),
    /// `context.Response`.
    Response(&'a Response),
    /// An `IUrl`.
    Url(&'a Url),
    /// An `IMessageBody`.
    Body(&'a Body),
    /// `context.LastError`.
    LastError(&'a LastError),
    /// `context.Api`.
    Api(&'a Api),
    /// `context.Operation`.
    Operation(&'a Operation),
    /// `context.Product`.
    Product(&'a Product),
    /// `context.Subscription`.
    Subscription(&'a Subscription),
    /// `context.User`.
    User(&'a User),
    /// A `byte[]` borrowed from a certificate.
    Bytes(&'a [u8]),
    /// A `byte[]` computed at run time.
    ByteArray(Arc<[u8]>),
    /// A `byte`.
    Byte(u8),
    /// An `Oid`: `Value` and `FriendlyName`.
    Oid(&'a str, Option<&'static str>),
    /// An `OidCollection`.
    Oids(&'a [crate::cert::oids::Oid]),
    /// A certificate's `PublicKey`.
    PublicKey(&'a Certificate),
    /// `AsnEncodedData` of a certificate's public key: the key value (`true`) or its
    /// parameters (`false`).
    AsnEncoded(&'a Certificate, bool),
    /// `X509ExtensionCollection`.
    Extensions(&'a [crate::cert::extension::Extension]),
    /// An `X509Extension` (or a typed subclass).
    Extension(&'a crate::cert::extension::Extension),
    /// `X509KeyUsageFlags` bits.
    KeyUsageFlags(u32),
    /// An `X509NameType`.
    NameType(crate::cert::certificate::X509NameType),
    /// A `HashAlgorithmName`.
    HashAlgorithm(crate::cert::certificate::HashAlgorithmName),
    /// A `TimeSpan`, in 100-ns ticks.
    TimeSpan(i64),
    /// A `DayOfWeek` (0 = Sunday).
    DayOfWeek(u8),
    /// A Newtonsoft `JToken` (object, array or value).
    Json(Arc<serde_json::Value>),
    /// A `JTokenType`.
    JsonType(&'static str),
    /// `Formatting.None` (false) or `Formatting.Indented` (true).
    Formatting(bool),
    /// A sequence produced by LINQ (`Where`, `Select`, `ToArray`, ...).
    Sequence(Arc<[Value<'a>]>),
    /// A `string[]` computed at run time (`Split`); `None` items are `null`.
    Strings(Arc<[Option<Arc<str>>]>),
    /// A `char[]`.
    Chars(Arc<[char]>),
    /// A `StringComparison` member, by its .NET value.
    StringComparison(u8),
    /// A `StringSplitOptions` value (flags: 1 = RemoveEmptyEntries, 2 = TrimEntries).
    SplitOptions(u8),
    /// A `MidpointRounding` member, by its .NET value.
    MidpointRounding(u8),
    /// A `System.Random`: its generator state.
    Random(Arc<std::sync::atomic::AtomicU64>),
    /// A `System.Text.Encoding`.
    Encoding(crate::expr::lib::TextEncoding),
    /// APIM's `BasicAuthCredentials`: user id and password.
    Basic(Arc<(Arc<str>, Arc<str>)>),
    /// A `List<T>`, `T[]`, `HashSet<T>` or `Dictionary<K, V>`: a shared, mutable .NET
    /// reference object.
    Collection(Arc<crate::expr::lib::Collection>),
    /// A `KeyValuePair<K, V>`: key and value.
    KeyValuePair(Arc<(Value<'a>, Value<'a>)>),
    /// A `StringComparer`: ordinal, ignoring case (`true`) or not.
    StringComparer(bool),
    /// A `DateTimeOffset`.
    DateTimeOffset(DateTimeOffset),
    /// A `decimal`.
    Decimal(rust_decimal::Decimal),
    /// An `XDocument`.
    XDocument(Arc<crate::expr::lib::XDocument>),
    /// An `XElement`.
    XElement(Arc<crate::expr::lib::XElement>),
    /// An `XAttribute`.
    XAttribute(Arc<crate::expr::lib::XAttribute>),
    /// An `XName`.
    XName(Arc<crate::expr::lib::XName>),
    /// An `XNamespace`: its URI.
    XNamespace(Arc<str>),
    /// A `System.Type` (`typeof(T)`), by its full name.
    SystemType(&'a str),
    /// A live Newtonsoft `JToken` (a reference into a JSON tree that can change).
    JsonNode(crate::expr::lib::JsonNode),
    /// A compiled `Regex`.
    Regex(Arc<crate::expr::lib::CompiledRegex>),
    /// A regex `Match`.
    Match(Arc<crate::expr::lib::RegexMatch>),
    /// A `Group` of a match: the match and the group's .NET number.
    Group(Arc<crate::expr::lib::RegexMatch>, u32),
    /// `RegexOptions` flags.
    RegexOptions(u32),
    /// A hash algorithm object, with its key for the HMAC kinds.
    Hash(crate::expr::types::HashKind, Option<Arc<[u8]>>),
    /// APIM's `Jwt`.
    Jwt(Arc<crate::expr::lib::Jwt>),
    /// `Jwt.Claims`.
    JwtClaims(Arc<crate::expr::lib::Jwt>),
    /// A `System.Uri`.
    Uri(Arc<crate::expr::lib::UriValue>),
}

impl<'a> Value<'a> {
    /// The text of a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The same value without borrows, for storing beyond the evaluation (`context.Variables`).
    /// `None` for values that only exist inside the request context (certificates, the
    /// `context` objects), which APIM does not let `set-variable` store either.
    pub fn to_static(&self) -> Option<Value<'static>> {
        Some(match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::Long(i) => Value::Long(*i),
            Value::Double(d) => Value::Double(*d),
            Value::Char(c) => Value::Char(*c),
            Value::Str(s) => Value::String(Arc::from(*s)),
            Value::String(s) => Value::String(Arc::clone(s)),
            Value::DateTime(d) => Value::DateTime(*d),
            Value::Guid(g) => Value::Guid(*g),
            Value::Bytes(b) => Value::ByteArray(Arc::from(*b)),
            Value::ByteArray(b) => Value::ByteArray(Arc::clone(b)),
            Value::Byte(b) => Value::Byte(*b),
            Value::KeyUsageFlags(f) => Value::KeyUsageFlags(*f),
            Value::NameType(t) => Value::NameType(*t),
            Value::HashAlgorithm(h) => Value::HashAlgorithm(*h),
            Value::TimeSpan(t) => Value::TimeSpan(*t),
            Value::DayOfWeek(d) => Value::DayOfWeek(*d),
            Value::Json(j) => Value::Json(Arc::clone(j)),
            Value::JsonType(t) => Value::JsonType(t),
            Value::Formatting(f) => Value::Formatting(*f),
            Value::Basic(c) => Value::Basic(Arc::clone(c)),
            Value::Sequence(items) => {
                let items: Option<Vec<Value<'static>>> =
                    items.iter().map(Value::to_static).collect();
                Value::Sequence(Arc::from(items?))
            }
            Value::Strings(a) => Value::Strings(Arc::clone(a)),
            Value::Chars(a) => Value::Chars(Arc::clone(a)),
            Value::StringComparison(c) => Value::StringComparison(*c),
            Value::SplitOptions(o) => Value::SplitOptions(*o),
            Value::MidpointRounding(m) => Value::MidpointRounding(*m),
            Value::Random(r) => Value::Random(Arc::clone(r)),
            Value::Encoding(e) => Value::Encoding(*e),
            Value::Collection(c) => Value::Collection(Arc::clone(c)),
            Value::KeyValuePair(pair) => {
                crate::expr::lib::pair(pair.0.to_static()?, pair.1.to_static()?)
            }
            Value::StringComparer(i) => Value::StringComparer(*i),
            Value::DateTimeOffset(d) => Value::DateTimeOffset(*d),
            Value::Decimal(d) => Value::Decimal(*d),
            Value::XDocument(x) => Value::XDocument(Arc::clone(x)),
            Value::XElement(x) => Value::XElement(Arc::clone(x)),
            Value::XAttribute(x) => Value::XAttribute(Arc::clone(x)),
            Value::XName(x) => Value::XName(Arc::clone(x)),
            Value::XNamespace(x) => Value::XNamespace(Arc::clone(x)),
            Value::SystemType(_) => return None,
            Value::JsonNode(n) => Value::JsonNode(n.clone()),
            Value::Regex(r) => Value::Regex(Arc::clone(r)),
            Value::Match(m) => Value::Match(Arc::clone(m)),
            Value::Group(m, n) => Value::Group(Arc::clone(m), *n),
            Value::RegexOptions(o) => Value::RegexOptions(*o),
            Value::Hash(k, key) => Value::Hash(*k, key.clone()),
            Value::Jwt(j) => Value::Jwt(Arc::clone(j)),
            Value::JwtClaims(j) => Value::JwtClaims(Arc::clone(j)),
            Value::Uri(u) => Value::Uri(Arc::clone(u)),
            Value::Context(_)
            | Value::Request(_)
            | Value::Deployment(_)
            | Value::Certificate(_)
            | Value::DistinguishedName(_)
            | Value::CertificateDictionary(_)
            | Value::CertificateEntry(_)
            | Value::StringSlice(_)
            | Value::Headers(_)
            | Value::Query(_)
            | Value::Pairs(_)
            | Value::Variables(_)
            | Value::Response(_)
            | Value::Url(_)
            | Value::Body(_)
            | Value::LastError(_)
            | Value::Api(_)
            | Value::Operation(_)
            | Value::Product(_)
            | Value::Subscription(_)
            | Value::User(_)
            | Value::Oid(..)
            | Value::Oids(_)
            | Value::PublicKey(_)
            | Value::AsnEncoded(..)
            | Value::Extensions(_)
            | Value::Extension(_) => return None,
        })
    }

    /// The text .NET's `ToString()` / string conversion gives for simple values, as a policy
    /// attribute receives it.
    pub fn to_display_string(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(true) => "True".to_owned(),
            Value::Bool(false) => "False".to_owned(),
            Value::Int(i) => i.to_string(),
            Value::Long(i) => i.to_string(),
            Value::Double(d) => crate::expr::lib::format_double(*d),
            Value::Char(c) => c.to_string(),
            Value::Str(s) => (*s).to_owned(),
            Value::String(s) => s.to_string(),
            Value::DateTime(d) => crate::expr::lib::format_datetime(*d, "G"),
            Value::TimeSpan(t) => crate::expr::lib::format_timespan(*t),
            Value::DayOfWeek(d) => crate::expr::lib::day_of_week_name(*d).to_owned(),
            Value::Json(j) => crate::expr::lib::json_to_string(j, true),
            Value::JsonNode(n) => n.to_text(true),
            Value::JsonType(t) => (*t).to_owned(),
            Value::Formatting(true) => "Indented".to_owned(),
            Value::Formatting(false) => "None".to_owned(),
            Value::Sequence(_) => "System.Collections.Generic.List`1".to_owned(),
            Value::Basic(_) => "Microsoft.WindowsAzure.ApiManagement.Proxy.Gateway.Policies.Expressions.BasicAuthCredentials".to_owned(),
            Value::Context(_) => "Microsoft.WindowsAzure.ApiManagement.Proxy.Gateway.Policies.Expressions.ProxyRequestContext".to_owned(),
            Value::Request(_) => "Microsoft.WindowsAzure.ApiManagement.Proxy.Gateway.Policies.Expressions.Request".to_owned(),
            Value::Deployment(_) => "Microsoft.WindowsAzure.ApiManagement.Proxy.Gateway.Policies.Expressions.Deployment".to_owned(),
            Value::Certificate(_) => {
                "System.Security.Cryptography.X509Certificates.X509Certificate2".to_owned()
            }
            Value::DistinguishedName(_) => "System.Security.Cryptography.X509Certificates.X500DistinguishedName".to_owned(),
            Value::CertificateDictionary(_) => "System.Collections.Generic.Dictionary`2[System.String,System.Security.Cryptography.X509Certificates.X509Certificate2]".to_owned(),
            Value::CertificateEntry(e) => format!("[{}, {}]", e.id, "System.Security.Cryptography.X509Certificates.X509Certificate2"),
            Value::StringSlice(_) => "System.String[]".to_owned(),
            Value::Bytes(_) | Value::ByteArray(_) => "System.Byte[]".to_owned(),
            Value::Byte(b) => b.to_string(),
            Value::Oid(..) => "System.Security.Cryptography.Oid".to_owned(),
            Value::Oids(_) => "System.Security.Cryptography.OidCollection".to_owned(),
            Value::PublicKey(_) => "System.Security.Cryptography.X509Certificates.PublicKey".to_owned(),
            Value::AsnEncoded(..) => "System.Security.Cryptography.AsnEncodedData".to_owned(),
            Value::Extensions(_) => "System.Security.Cryptography.X509Certificates.X509ExtensionCollection".to_owned(),
            Value::Extension(e) => extension_type_name(e).to_owned(),
            Value::KeyUsageFlags(f) => crate::expr::lib::key_usage_flags_text(*f),
            Value::NameType(t) => format!("{t:?}"),
            Value::HashAlgorithm(h) => crate::expr::lib::hash_algorithm_name(*h).to_owned(),
            Value::Guid(g) => format_guid(g),
            Value::Url(u) => u.to_url_string(),
            Value::Headers(_) | Value::Query(_) => "System.Collections.Generic.Dictionary`2[System.String,System.String[]]".to_owned(),
            Value::Pairs(_) => "System.Collections.Generic.Dictionary`2[System.String,System.String]".to_owned(),
            Value::Variables(_) => "System.Collections.Generic.Dictionary`2[System.String,System.Object]".to_owned(),
            Value::Strings(_) => "System.String[]".to_owned(),
            Value::Chars(_) => "System.Char[]".to_owned(),
            Value::StringComparison(c) => crate::expr::lib::string_comparison_name(*c).to_owned(),
            Value::SplitOptions(o) => crate::expr::lib::split_options_name(*o),
            Value::MidpointRounding(m) => crate::expr::lib::midpoint_rounding_name(*m).to_owned(),
            Value::Random(_) => "System.Random".to_owned(),
            Value::Uri(u) => crate::expr::lib::uri_to_string(u),
            Value::Encoding(e) => e.type_name().to_owned(),
            Value::Collection(c) => crate::expr::lib::clr_name(c.ty),
            Value::KeyValuePair(pair) => {
                format!("[{}, {}]", pair.0.to_display_string(), pair.1.to_display_string())
            }
            Value::StringComparer(true) => "System.OrdinalIgnoreCaseComparer".to_owned(),
            Value::StringComparer(false) => "System.OrdinalComparer".to_owned(),
            Value::DateTimeOffset(d) => crate::expr::lib::format_offset(*d, ""),
            Value::Decimal(d) => crate::expr::lib::format_decimal(*d),
            Value::XDocument(x) => crate::expr::lib::xml_document_text(x),
            Value::XElement(x) => crate::expr::lib::xml_element_text(x),
            Value::XAttribute(x) => x.to_string(),
            Value::XName(x) => x.to_string(),
            Value::XNamespace(x) => x.to_string(),
            Value::SystemType(name) => (*name).to_owned(),
            Value::Regex(_)
            | Value::Match(_)
            | Value::Group(..)
            | Value::RegexOptions(_)
            | Value::Hash(..)
            | Value::Jwt(_)
            | Value::JwtClaims(_) => crate::expr::lib::library_display(self),
            Value::Response(_) | Value::Body(_) | Value::LastError(_) | Value::Api(_) | Value::Operation(_) | Value::Product(_) | Value::Subscription(_) | Value::User(_) => "Microsoft.WindowsAzure.ApiManagement.Proxy.Gateway.Policies.Expressions".to_owned(),
        }
    }
}

/// The .NET type name of an extension object (`ToString()` of an `X509Extension`).
fn extension_type_name(e: &crate::cert::extension::Extension) -> &'static str {
    use crate::cert::extension::ExtensionKind;
    match e.kind {
        ExtensionKind::Plain => "System.Security.Cryptography.X509Certificates.X509Extension",
        ExtensionKind::BasicConstraints(_) => {
            "System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension"
        }
        ExtensionKind::KeyUsage(_) => {
            "System.Security.Cryptography.X509Certificates.X509KeyUsageExtension"
        }
        ExtensionKind::EnhancedKeyUsage(_) => {
            "System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension"
        }
        ExtensionKind::SubjectKeyIdentifier(_) => {
            "System.Security.Cryptography.X509Certificates.X509SubjectKeyIdentifierExtension"
        }
    }
}

/// `Guid.ToString()`: `D` format, lower-case hex, from .NET's mixed-endian byte order.
pub fn format_guid(bytes: &[u8; 16]) -> String {
    let [a0, a1, a2, a3, b0, b1, c0, c1, rest @ ..] = *bytes;
    let mut out = String::with_capacity(36);
    for b in [a3, a2, a1, a0] {
        out.push_str(&format!("{b:02x}"));
    }
    out.push('-');
    for b in [b1, b0] {
        out.push_str(&format!("{b:02x}"));
    }
    out.push('-');
    for b in [c1, c0] {
        out.push_str(&format!("{b:02x}"));
    }
    out.push('-');
    for (i, b) in rest.iter().enumerate() {
        if i == 2 {
            out.push('-');
        }
        out.push_str(&format!("{b:02x}"));
    }
    out
}
