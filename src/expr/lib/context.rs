//! The `context` tree (spec `apim-policies.md` §5): `context.Request`, `.Response`,
//! `.Deployment`, `.Variables`, `.LastError`, `.Api`, ... and the dictionaries hanging off them
//! (headers, query, matched parameters, variables) with `GetValueOrDefault`, `ContainsKey`,
//! `Count` and indexers.

use std::borrow::Cow;
use std::sync::Arc;

use super::{GenericMethodDef, IndexerDef, MemberDef, MethodDef};
use crate::diagnostic::Span;
use crate::expr::convert;
use crate::expr::eval::{Exception, ExceptionKind};
use crate::expr::types::Type;
use crate::expr::value::{DateTime, Value};

/// A member reading one field of a context object; `None` fields read as `null`.
macro_rules! field {
    ($name:literal, $owner:ident => $ty:ident, |$v:ident: $variant:ident| $e:expr) => {
        MemberDef {
            name: $name,
            owner: Type::$owner,
            ty: Type::$ty,
            get: |t, _| match t {
                Value::$variant($v) => Ok($e),
                _ => Ok(Value::Null),
            },
        }
    };
}

/// A member of `context` itself.
macro_rules! root {
    ($name:literal => $ty:ident, |$c:ident| $e:expr) => {
        MemberDef {
            name: $name,
            owner: Type::Context,
            ty: Type::$ty,
            get: |t, _| match t {
                Value::Context($c) => Ok($e),
                _ => Ok(Value::Null),
            },
        }
    };
}

/// `DateTime.MinValue`, for dates the host did not set.
const MIN_DATE: DateTime = DateTime {
    ticks: 0,
    kind: crate::expr::value::DateTimeKind::Unspecified,
};

fn text(s: &str) -> Value<'_> {
    Value::Str(s)
}

fn opt_text(s: Option<&String>) -> Value<'_> {
    s.map_or(Value::Null, |s| Value::Str(s))
}

fn key_not_found(key: &str) -> Exception {
    Exception::new(
        ExceptionKind::KeyNotFound,
        Cow::Owned(format!(
            "The given key '{key}' was not present in the dictionary."
        )),
        Span::default(),
    )
}

fn argument_null(name: &'static str) -> Exception {
    Exception::new(
        ExceptionKind::ArgumentNull,
        Cow::Owned(format!("Value cannot be null. (Parameter '{name}')")),
        Span::default(),
    )
}

fn key_arg<'v>(args: &'v [Value<'_>]) -> Result<&'v str, Exception> {
    args.first()
        .and_then(Value::as_str)
        .ok_or_else(|| argument_null("key"))
}

/// The values of a string-values dictionary (headers or query) under `key`.
fn string_values<'a>(target: &Value<'a>, key: &str) -> Option<&'a [String]> {
    match target {
        Value::Headers(h) => h.get(key),
        Value::Query(q) => q
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_slice()),
        _ => None,
    }
}

fn count(n: usize) -> Value<'static> {
    Value::Int(i32::try_from(n).unwrap_or(i32::MAX))
}

pub(crate) const MEMBERS: &[MemberDef] = &[
    root!("Request" => Request, |c| Value::Request(c.request())),
    root!("Response" => Response, |c| Value::Response(c.response())),
    root!("Deployment" => Deployment, |c| Value::Deployment(c.deployment())),
    root!("Variables" => Variables, |c| Value::Variables(c.variables())),
    root!("LastError" => LastError, |c| c.last_error().map_or(Value::Null, Value::LastError)),
    root!("Api" => Api, |c| c.api().map_or(Value::Null, Value::Api)),
    root!("Operation" => Operation, |c| c.operation().map_or(Value::Null, Value::Operation)),
    root!("Product" => Product, |c| c.product().map_or(Value::Null, Value::Product)),
    root!("Subscription" => Subscription, |c| c.subscription().map_or(Value::Null, Value::Subscription)),
    root!("User" => User, |c| c.user().map_or(Value::Null, Value::User)),
    root!("RequestId" => Guid, |c| Value::Guid(c.request_id())),
    root!("Tracing" => Boolean, |c| Value::Bool(c.tracing())),
    root!("Timestamp" => DateTime, |c| Value::DateTime(DateTime::from_unix_seconds(c.time().unix_seconds()))),
    // context.Request
    field!("Certificate", Request => X509Certificate2, |r: Request| r.certificate.as_deref().map_or(Value::Null, Value::Certificate)),
    field!("Method", Request => String, |r: Request| text(&r.method)),
    field!("Headers", Request => StringValuesDictionary, |r: Request| Value::Headers(&r.headers)),
    field!("IpAddress", Request => String, |r: Request| text(&r.ip_address)),
    field!("Url", Request => Url, |r: Request| Value::Url(&r.url)),
    field!("OriginalUrl", Request => Url, |r: Request| Value::Url(&r.original_url)),
    field!("Body", Request => MessageBody, |r: Request| r.body.as_ref().map_or(Value::Null, Value::Body)),
    field!("MatchedParameters", Request => StringDictionary, |r: Request| Value::Pairs(&r.matched_parameters)),
    // context.Response
    field!("StatusCode", Response => Int32, |r: Response| Value::Int(r.status_code)),
    field!("StatusReason", Response => String, |r: Response| text(&r.status_reason)),
    field!("Headers", Response => StringValuesDictionary, |r: Response| Value::Headers(&r.headers)),
    field!("Body", Response => MessageBody, |r: Response| r.body.as_ref().map_or(Value::Null, Value::Body)),
    // IUrl
    field!("Scheme", Url => String, |u: Url| text(&u.scheme)),
    field!("Host", Url => String, |u: Url| text(&u.host)),
    field!("Port", Url => Int32, |u: Url| Value::Int(u.port)),
    field!("Path", Url => String, |u: Url| text(&u.path)),
    field!("Query", Url => StringValuesDictionary, |u: Url| Value::Query(&u.query)),
    field!("QueryString", Url => String, |u: Url| Value::String(Arc::from(u.query_string()))),
    // context.Deployment
    field!("Region", Deployment => String, |d: Deployment| text(&d.region)),
    field!("ServiceName", Deployment => String, |d: Deployment| text(&d.service_name)),
    field!("ServiceId", Deployment => String, |d: Deployment| text(&d.service_id)),
    field!("GatewayId", Deployment => String, |d: Deployment| text(&d.gateway_id)),
    field!("Certificates", Deployment => CertificateDictionary, |d: Deployment| Value::CertificateDictionary(d.certificates())),
    // context.LastError
    field!("Source", LastError => String, |e: LastError| text(&e.source)),
    field!("Reason", LastError => String, |e: LastError| opt_text(e.reason.as_ref())),
    field!("Message", LastError => String, |e: LastError| text(&e.message)),
    field!("Scope", LastError => String, |e: LastError| opt_text(e.scope.as_ref())),
    field!("Section", LastError => String, |e: LastError| opt_text(e.section.as_ref())),
    field!("Path", LastError => String, |e: LastError| opt_text(e.path.as_ref())),
    field!("PolicyId", LastError => String, |e: LastError| opt_text(e.policy_id.as_ref())),
    // context.Api, .Operation, .Product, .Subscription, .User
    field!("Id", Api => String, |a: Api| text(&a.id)),
    field!("Name", Api => String, |a: Api| text(&a.name)),
    field!("Path", Api => String, |a: Api| text(&a.path)),
    field!("Revision", Api => String, |a: Api| text(&a.revision)),
    field!("Version", Api => String, |a: Api| text(&a.version)),
    field!("IsCurrentRevision", Api => Boolean, |a: Api| Value::Bool(a.is_current_revision)),
    field!("Id", Operation => String, |o: Operation| text(&o.id)),
    field!("Method", Operation => String, |o: Operation| text(&o.method)),
    field!("Name", Operation => String, |o: Operation| text(&o.name)),
    field!("UrlTemplate", Operation => String, |o: Operation| text(&o.url_template)),
    field!("Id", Product => String, |p: Product| text(&p.id)),
    field!("Name", Product => String, |p: Product| text(&p.name)),
    field!("ApprovalRequired", Product => Boolean, |p: Product| Value::Bool(p.approval_required)),
    field!("SubscriptionRequired", Product => Boolean, |p: Product| Value::Bool(p.subscription_required)),
    field!("Id", Subscription => String, |s: Subscription| text(&s.id)),
    field!("Key", Subscription => String, |s: Subscription| text(&s.key)),
    field!("Name", Subscription => String, |s: Subscription| text(&s.name)),
    field!("PrimaryKey", Subscription => String, |s: Subscription| text(&s.primary_key)),
    field!("SecondaryKey", Subscription => String, |s: Subscription| text(&s.secondary_key)),
    field!("Id", User => String, |u: User| text(&u.id)),
    field!("Email", User => String, |u: User| text(&u.email)),
    field!("FirstName", User => String, |u: User| text(&u.first_name)),
    field!("LastName", User => String, |u: User| text(&u.last_name)),
    field!("Note", User => String, |u: User| text(&u.note)),
    root!("Elapsed" => TimeSpan, |c| Value::TimeSpan(c.elapsed_ticks())),
    field!("ServiceUrl", Api => Url, |a: Api| a.service_url.as_ref().map_or(Value::Null, Value::Url)),
    field!("Protocols", Api => StringArray, |a: Api| Value::StringSlice(&a.protocols)),
    field!("CreatedDate", Subscription => DateTime, |s: Subscription| Value::DateTime(s.created_date.unwrap_or(MIN_DATE))),
    field!("RegistrationDate", User => DateTime, |u: User| Value::DateTime(u.registration_date.unwrap_or(MIN_DATE))),
    // Dictionaries and arrays.
    field!("Count", StringValuesDictionary => Int32, |h: Headers| count(h.len())),
    field!("Count", StringDictionary => Int32, |p: Pairs| count(p.len())),
    field!("Count", Variables => Int32, |v: Variables| count(v.len())),
    MemberDef {
        name: "Length",
        owner: Type::StringArray,
        ty: Type::Int32,
        get: |t, _| match t {
            Value::StringSlice(a) => Ok(count(a.len())),
            Value::Strings(a) => Ok(count(a.len())),
            _ => Ok(Value::Null),
        },
    },
];

pub(crate) const METHODS: &[MethodDef] = &[
    MethodDef {
        name: "GetValueOrDefault",
        owner: Type::StringValuesDictionary,
        params: &[Type::String, Type::String],
        result: Type::String,
        call: |t, args, _| {
            let key = key_arg(args)?;
            Ok(match string_values(t, key) {
                Some(values) => Value::String(Arc::from(values.join(","))),
                None => args.get(1).cloned().unwrap_or(Value::Null),
            })
        },
    },
    MethodDef {
        name: "GetValueOrDefault",
        owner: Type::StringValuesDictionary,
        params: &[Type::String],
        result: Type::String,
        call: |t, args, _| {
            let key = key_arg(args)?;
            Ok(
                string_values(t, key)
                    .map_or(Value::Null, |v| Value::String(Arc::from(v.join(",")))),
            )
        },
    },
    MethodDef {
        name: "ContainsKey",
        owner: Type::StringValuesDictionary,
        params: &[Type::String],
        result: Type::Boolean,
        call: |t, args, _| Ok(Value::Bool(string_values(t, key_arg(args)?).is_some())),
    },
    MethodDef {
        name: "GetValueOrDefault",
        owner: Type::StringDictionary,
        params: &[Type::String, Type::String],
        result: Type::String,
        call: |t, args, _| {
            let key = key_arg(args)?;
            let Value::Pairs(pairs) = t else {
                return Ok(Value::Null);
            };
            Ok(
                match pairs.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
                    Some((_, v)) => Value::Str(v),
                    None => args.get(1).cloned().unwrap_or(Value::Null),
                },
            )
        },
    },
    MethodDef {
        name: "ContainsKey",
        owner: Type::StringDictionary,
        params: &[Type::String],
        result: Type::Boolean,
        call: |t, args, _| {
            let key = key_arg(args)?;
            Ok(Value::Bool(
                matches!(t, Value::Pairs(p) if p.iter().any(|(k, _)| k.eq_ignore_ascii_case(key))),
            ))
        },
    },
    MethodDef {
        name: "ContainsKey",
        owner: Type::Variables,
        params: &[Type::String],
        result: Type::Boolean,
        call: |t, args, _| {
            let key = key_arg(args)?;
            Ok(Value::Bool(
                matches!(t, Value::Variables(v) if v.iter().any(|(k, _)| &**k == key)),
            ))
        },
    },
    MethodDef {
        name: "GetValueOrDefault",
        owner: Type::Variables,
        params: &[Type::String],
        result: Type::Object,
        call: |t, args, _| {
            let key = key_arg(args)?;
            Ok(variable(t, key).unwrap_or(Value::Null))
        },
    },
    MethodDef {
        name: "Trace",
        owner: Type::Context,
        params: &[Type::String],
        result: Type::Void,
        // Traces go to the gateway's tracing output, which this crate does not model.
        call: |_, _, _| Ok(Value::Null),
    },
    MethodDef {
        name: "ToString",
        owner: Type::Url,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(Value::String(Arc::from(t.to_display_string()))),
    },
    MethodDef {
        name: "ToString",
        owner: Type::Guid,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(Value::String(Arc::from(t.to_display_string()))),
    },
];

fn variable<'a>(target: &Value<'a>, key: &str) -> Option<Value<'a>> {
    match target {
        Value::Variables(v) => v.iter().find(|(k, _)| &**k == key).map(|(_, v)| v.clone()),
        _ => None,
    }
}

/// `GetValueOrDefault<T>`: the stored value must be a `T` (APIM: "throws an exception if the
/// specified type doesn't match").
fn typed<'a>(value: Value<'a>, ty: Type) -> Result<Value<'a>, Exception> {
    if value.is_null() {
        return Ok(convert::default_of(ty));
    }
    convert::cast(value, ty)
}

pub(crate) const GENERIC_METHODS: &[GenericMethodDef] = &[
    GenericMethodDef {
        name: "GetValueOrDefault",
        owner: Type::Variables,
        params: &[Type::String],
        result: Type::TypeParameter,
        call: |t, args, ty, _| {
            let key = key_arg(args)?;
            match variable(t, key) {
                Some(v) => typed(v, ty),
                None => Ok(convert::default_of(ty)),
            }
        },
    },
    GenericMethodDef {
        name: "GetValueOrDefault",
        owner: Type::Variables,
        params: &[Type::String, Type::TypeParameter],
        result: Type::TypeParameter,
        call: |t, args, ty, _| {
            let key = key_arg(args)?;
            match variable(t, key) {
                Some(v) => typed(v, ty),
                None => Ok(args.get(1).cloned().unwrap_or(Value::Null)),
            }
        },
    },
    GenericMethodDef {
        name: "As",
        owner: Type::MessageBody,
        params: &[],
        result: Type::TypeParameter,
        call: |t, _, ty, _| body_as(t, ty, false),
    },
    GenericMethodDef {
        name: "As",
        owner: Type::MessageBody,
        params: &[Type::Boolean],
        result: Type::TypeParameter,
        call: |t, args, ty, _| body_as(t, ty, matches!(args.first(), Some(Value::Bool(true)))),
    },
];

/// `IMessageBody.As<T>(preserveContent)`: `string` for now (JSON and XML types come with the
/// JSON and XML families). Without `preserveContent`, the body is consumed.
fn body_as<'a>(target: &Value<'a>, ty: Type, preserve: bool) -> Result<Value<'a>, Exception> {
    let Value::Body(body) = target else {
        return Ok(Value::Null);
    };
    // A consumed body reads as empty, as the gateway's drained stream does.
    let text = body
        .read(preserve)
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    match ty {
        Type::String => Ok(Value::String(Arc::from(text.as_ref()))),
        Type::ByteArray => Ok(Value::ByteArray(Arc::from(text.as_bytes()))),
        Type::JObject | Type::JArray | Type::JToken => super::json::parse(&text, ty),
        Type::XDocument => super::xml::parse_document(&text),
        Type::XElement => super::xml::parse_document(&text).and_then(|d| match d {
            Value::XDocument(doc) => super::xml::root_value(&doc),
            other => Ok(other),
        }),
        _ => Err(Exception::new(
            ExceptionKind::InvalidOperation,
            format!("As<{ty}>() is not supported by apim-policy for message bodies."),
            Span::default(),
        )),
    }
}

pub(crate) const INDEXERS: &[IndexerDef] = &[
    IndexerDef {
        owner: Type::StringValuesDictionary,
        index: Type::String,
        result: Type::StringArray,
        get: |t, i| {
            let key = i.as_str().ok_or_else(|| argument_null("key"))?;
            string_values(t, key)
                .map(Value::StringSlice)
                .ok_or_else(|| key_not_found(key))
        },
    },
    IndexerDef {
        owner: Type::StringDictionary,
        index: Type::String,
        result: Type::String,
        get: |t, i| {
            let key = i.as_str().ok_or_else(|| argument_null("key"))?;
            match t {
                Value::Pairs(p) => p
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
                    .map(|(_, v)| Value::Str(v))
                    .ok_or_else(|| key_not_found(key)),
                _ => Ok(Value::Null),
            }
        },
    },
    IndexerDef {
        owner: Type::Variables,
        index: Type::String,
        result: Type::Object,
        get: |t, i| {
            let key = i.as_str().ok_or_else(|| argument_null("key"))?;
            variable(t, key).ok_or_else(|| key_not_found(key))
        },
    },
    IndexerDef {
        owner: Type::StringArray,
        index: Type::Int32,
        result: Type::String,
        get: |t, i| match (t, i) {
            (Value::StringSlice(items), Value::Int(n)) => usize::try_from(*n)
                .ok()
                .and_then(|n| items.get(n))
                .map(|s| Value::Str(s))
                .ok_or_else(|| {
                    Exception::new(
                        ExceptionKind::IndexOutOfRange,
                        "Index was outside the bounds of the array.",
                        Span::default(),
                    )
                }),
            (Value::Strings(items), Value::Int(n)) => usize::try_from(*n)
                .ok()
                .and_then(|n| items.get(n))
                .map(|s| {
                    s.as_ref()
                        .map_or(Value::Null, |s| Value::String(Arc::clone(s)))
                })
                .ok_or_else(|| {
                    Exception::new(
                        ExceptionKind::IndexOutOfRange,
                        "Index was outside the bounds of the array.",
                        Span::default(),
                    )
                }),
            _ => Ok(Value::Null),
        },
    },
];

/// The APIM interface a type name in a cast or declaration denotes (`(IResponse)x`,
/// `IUrl u = ...`): the context object types carry the interfaces' members.
pub(crate) fn interface(name: &str) -> Option<Type> {
    Some(match name {
        "IProxyRequestContext" | "IContext" => Type::Context,
        "IRequest" => Type::Request,
        "IResponse" => Type::Response,
        "IUrl" => Type::Url,
        "IMessageBody" => Type::MessageBody,
        "IApi" => Type::Api,
        "IOperation" => Type::Operation,
        "IProduct" => Type::Product,
        "ISubscription" => Type::Subscription,
        "IUser" => Type::User,
        "ILastError" => Type::LastError,
        "IDeployment" => Type::Deployment,
        _ => return None,
    })
}

/// The context object type of a context value (for `is`/`as` with the interface names).
pub(crate) fn interface_of(value: &Value<'_>) -> Option<Type> {
    Some(match value {
        Value::Context(_) => Type::Context,
        Value::Request(_) => Type::Request,
        Value::Response(_) => Type::Response,
        Value::Url(_) => Type::Url,
        Value::Body(_) => Type::MessageBody,
        Value::Api(_) => Type::Api,
        Value::Operation(_) => Type::Operation,
        Value::Product(_) => Type::Product,
        Value::Subscription(_) => Type::Subscription,
        Value::User(_) => Type::User,
        Value::LastError(_) => Type::LastError,
        Value::Deployment(_) => Type::Deployment,
        _ => return None,
    })
}
