//! The .NET surface APIM allows in expressions, one file a family. Each family lists its members
//! and methods in tables the compiler searches at load; evaluation only calls the function
//! pointers it found.

use super::eval::{
    GenericMethodFn, IndexerFn, MemberFn, MethodFn, OutMethodFn, StaticFn, StaticMethodFn,
};
use super::types::{StaticType, Type};

mod basic;
mod certificate;
mod context;
mod datetime;
mod json;
mod linq;
mod string;
mod uri;
mod web;

mod char;
mod convert;
mod encoding;
mod guid;
mod math;
mod numbers;
mod random;

mod collections;
pub use collections::Collection;
pub(crate) use collections::{
    CollectionCall, CollectionMethod, clr_name, collect, create_add, create_pair, create_set,
    create_sized, indexed, indexer as collection_indexer, is_instance as collection_is_instance,
    member as collection_member, methods as collection_methods, modified,
    out_method as collection_out_method, pair, setter as collection_setter,
    version as collection_version,
};

mod decimal;
mod enums;
mod xml;

pub(crate) use datetime::{format_offset, offset_ordering};
pub(crate) use decimal::ordering as decimal_ordering;
pub(crate) use decimal::{compare_operator, format_decimal};
pub(crate) use decimal::{from_number as decimal_from_number, to_number as decimal_to_number};
pub(crate) use decimal::{
    literal as decimal_literal_node, negate as decimal_negate, parse_literal as decimal_literal,
};
mod hashing;
mod jwt;
mod object;
mod regex;

pub use jwt::Jwt;
pub(crate) use regex::options_operator as regex_options_operator;
pub use regex::{CompiledRegex, RegexMatch};

pub(crate) use context::interface as context_interface;
pub(crate) use context::interface_of as context_interface_of;
pub use encoding::TextEncoding;
pub(crate) use enums::{enum_number, enum_value};
pub(crate) use enums::{full_type_name, is_enum, type_of};
pub use xml::{XAttribute, XDocument, XElement, XName};
pub(crate) use xml::{conversion as xml_conversion, convert_value as xml_convert};

/// Whether `(to)from` is an explicit numeric conversion involving `decimal` or an enum.
pub(crate) fn is_extra_numeric_conversion(from: Type, to: Type) -> bool {
    let numeric = |t: Type| t.is_numeric() || t == Type::Decimal;
    ((from == Type::Decimal || to == Type::Decimal) && numeric(from) && numeric(to))
        || enums::is_enum_conversion(from, to)
}
pub use json::JsonNode;
pub(crate) use numbers::{format_double, format_value};
pub(crate) use string::{midpoint_rounding_name, split_options_name, string_comparison_name};
pub use uri::UriValue;
pub(crate) use uri::uri_to_string;
pub(crate) use xml::{document_text as xml_document_text, element_text as xml_element_text};

/// An instance property or field.
pub(crate) struct MemberDef {
    pub name: &'static str,
    pub owner: Type,
    pub ty: Type,
    pub get: MemberFn,
}

/// One overload of an instance method.
pub(crate) struct MethodDef {
    pub name: &'static str,
    pub owner: Type,
    pub params: &'static [Type],
    pub result: Type,
    pub call: MethodFn,
}

/// A static property or field.
pub(crate) struct StaticDef {
    pub name: &'static str,
    pub owner: StaticType,
    pub ty: Type,
    pub get: StaticFn,
}

/// One overload of a static method.
pub(crate) struct StaticMethodDef {
    pub name: &'static str,
    pub owner: StaticType,
    pub params: &'static [Type],
    pub result: Type,
    pub call: StaticMethodFn,
}

/// One overload of a generic method with one type parameter; `Type::TypeParameter` in
/// `params`/`result` stands for the type argument.
pub(crate) struct GenericMethodDef {
    pub name: &'static str,
    pub owner: Type,
    pub params: &'static [Type],
    pub result: Type,
    pub call: GenericMethodFn,
}

/// An indexer `owner[index]`.
pub(crate) struct IndexerDef {
    pub owner: Type,
    pub index: Type,
    pub result: Type,
    pub get: IndexerFn,
}

/// A static method whose last parameter is `out` (`int.TryParse(s, out var n)`): `call` gets
/// the other arguments and returns the result and the value for the `out` variable.
pub(crate) struct OutMethodDef {
    pub name: &'static str,
    pub owner: StaticType,
    pub params: &'static [Type],
    pub out: Type,
    pub result: Type,
    pub call: OutMethodFn,
}

/// A constructor `new T(args)` of a non-exception type.
pub(crate) struct ConstructorDef {
    pub type_name: &'static str,
    pub params: &'static [Type],
    pub result: Type,
    pub call: StaticMethodFn,
}

const OUT_TABLES: &[&[OutMethodDef]] = &[
    numbers::OUT_METHODS,
    guid::OUT_METHODS,
    decimal::OUT_METHODS,
    enums::OUT_METHODS,
    datetime::OFFSET_OUT_METHODS,
];
/// An indexer's setter `owner[index] = value`: `set` gets the index and the value as its
/// arguments. (`value` is the type the setter takes.)
pub(crate) struct IndexSetterDef {
    pub owner: Type,
    pub index: Type,
    pub value: Type,
    pub set: MethodFn,
}

const INDEX_SETTER_TABLES: &[&[IndexSetterDef]] = &[json::INDEX_SETTERS];

/// The indexer setters of `owner` (or of its base class).
pub(crate) fn index_setters(owner: Type) -> impl Iterator<Item = &'static IndexSetterDef> {
    lineage(owner).flat_map(|ty| {
        INDEX_SETTER_TABLES
            .iter()
            .flat_map(|t| t.iter())
            .filter(move |m| m.owner == ty)
    })
}

pub(crate) use json::converts_to_token;
pub(crate) use linq::{
    LinqEnv, LinqEx, LinqExInfo, ex_operator as linq_ex_operator, run_ex as linq_run_ex,
};
/// An extension method on `owner` whose last parameter is `out` (`s.TryParseJwt(out var jwt)`):
/// `call` gets the receiver followed by the other arguments, and returns the result and the
/// value for the `out` variable.
pub(crate) struct ExtensionOutMethodDef {
    pub name: &'static str,
    pub owner: Type,
    pub params: &'static [Type],
    pub out: Type,
    pub result: Type,
    pub call: OutMethodFn,
}

const EXTENSION_OUT_TABLES: &[&[ExtensionOutMethodDef]] =
    &[jwt::EXTENSION_OUT_METHODS, basic::EXTENSION_OUT_METHODS];
const CONSTRUCTOR_TABLES: &[&[ConstructorDef]] = &[
    random::CONSTRUCTORS,
    json::CONSTRUCTORS,
    regex::CONSTRUCTORS,
    hashing::CONSTRUCTORS,
    datetime::CONSTRUCTORS,
    uri::CONSTRUCTORS,
];

/// The overloads of `out`-parameter extension method `name` on `owner`.
pub(crate) fn extension_out_methods(
    owner: Type,
    name: &str,
) -> impl Iterator<Item = &'static ExtensionOutMethodDef> {
    let name = name.to_owned();
    EXTENSION_OUT_TABLES
        .iter()
        .flat_map(|t| t.iter())
        .filter(move |m| m.owner == owner && m.name == name)
}

/// The hash algorithm type a type name denotes (`SHA256`, `HMACSHA256`, `HashAlgorithm`).
pub(crate) fn hash_type(name: &str) -> Option<Type> {
    hashing::kind_named(name).map(Type::HashAlgorithm)
}

/// `ToString()` of the regex, hash and JWT values.
pub(crate) fn library_display(value: &super::value::Value<'_>) -> String {
    use super::value::Value;
    match value {
        Value::Hash(kind, _) => hashing::type_name(*kind),
        Value::Jwt(_) => {
            "Microsoft.WindowsAzure.ApiManagement.Proxy.Gateway.Policies.Expressions.Jwt".to_owned()
        }
        Value::JwtClaims(_) => {
            "System.Collections.Generic.Dictionary`2[System.String,System.String[]]".to_owned()
        }
        other => regex::display(other),
    }
}

pub(crate) use json::{build_array as json_array, build_object as json_object};

/// The overloads of static `out`-parameter method `name` on `owner`.
pub(crate) fn out_methods(
    owner: StaticType,
    name: &str,
) -> impl Iterator<Item = &'static OutMethodDef> {
    let name = name.to_owned();
    OUT_TABLES
        .iter()
        .flat_map(|t| t.iter())
        .filter(move |m| m.owner == owner && m.name == name)
}

/// The constructors of the type written `name` (last segment of its path).
pub(crate) fn constructors(name: &str) -> impl Iterator<Item = &'static ConstructorDef> {
    let name = name.to_owned();
    CONSTRUCTOR_TABLES
        .iter()
        .flat_map(|t| t.iter())
        .filter(move |m| m.type_name == name)
}

/// The array type with elements of `element`, and the function building one from its items
/// (`new char[] { ',', ';' }`).
pub(crate) fn array_constructor(element: Type) -> Option<(Type, StaticMethodFn)> {
    string::array_constructor(element)
}

const GENERIC_TABLES: &[&[GenericMethodDef]] = &[
    context::GENERIC_METHODS,
    json::GENERIC_METHODS,
    regex::GENERIC_METHODS,
];
const INDEXER_TABLES: &[&[IndexerDef]] = &[
    context::INDEXERS,
    certificate::INDEXERS,
    string::INDEXERS,
    json::INDEXERS,
    regex::INDEXERS,
    jwt::INDEXERS,
];

pub(crate) use certificate::{hash_algorithm_name, key_usage_flags_text};
pub(crate) use datetime::{day_of_week_name, format_datetime, format_timespan, operator};
pub(crate) use json::{convert as json_convert, json_to_string};
pub(crate) use linq::{LinqArg, LinqOp, comparison, element_type, item_at, sequence_of};
pub(crate) use linq::{operator as linq_operator, run as linq_run};

/// The overloads of generic method `name` on `owner`.
pub(crate) fn generic_methods(
    owner: Type,
    name: &str,
) -> impl Iterator<Item = &'static GenericMethodDef> {
    let name = name.to_owned();
    lineage(owner).flat_map(move |ty| {
        let name = name.clone();
        GENERIC_TABLES
            .iter()
            .flat_map(|t| t.iter())
            .filter(move |m| m.owner == ty && m.name == name)
    })
}

/// The indexers of `owner`.
pub(crate) fn indexers(owner: Type) -> impl Iterator<Item = &'static IndexerDef> {
    lineage(owner).flat_map(|ty| {
        INDEXER_TABLES
            .iter()
            .flat_map(|t| t.iter())
            .filter(move |m| m.owner == ty)
    })
}

const MEMBER_TABLES: &[&[MemberDef]] = &[
    context::MEMBERS,
    certificate::MEMBERS,
    string::MEMBERS,
    linq::MEMBERS,
    datetime::MEMBERS,
    json::MEMBERS,
    basic::MEMBERS,
    char::MEMBERS,
    datetime::OFFSET_MEMBERS,
    xml::MEMBERS,
    enums::MEMBERS,
    regex::MEMBERS,
    hashing::MEMBERS,
    jwt::MEMBERS,
    uri::MEMBERS,
];
const METHOD_TABLES: &[&[MethodDef]] = &[
    context::METHODS,
    certificate::METHODS,
    string::METHODS,
    datetime::METHODS,
    json::METHODS,
    json::CHANGE_METHODS,
    basic::METHODS,
    string::ENUM_METHODS,
    char::METHODS,
    numbers::METHODS,
    numbers::TO_STRING_METHODS,
    encoding::METHODS,
    guid::METHODS,
    random::METHODS,
    decimal::METHODS,
    datetime::OFFSET_METHODS,
    xml::METHODS,
    xml::DOCUMENT_METHODS,
    xml::ELEMENT_METHODS,
    enums::METHODS,
    regex::METHODS,
    hashing::METHODS,
    jwt::METHODS,
    uri::METHODS,
    object::METHODS,
];
const STATIC_TABLES: &[&[StaticDef]] = &[
    datetime::STATICS,
    string::STATICS,
    certificate::STATICS,
    json::STATICS,
    numbers::STATICS,
    math::STATICS,
    encoding::STATICS,
    guid::STATICS,
    collections::STATICS,
    decimal::STATICS,
    datetime::OFFSET_STATICS,
    enums::STATICS,
    regex::STATICS,
    convert::BIT_CONVERTER_STATICS,
];
const STATIC_METHOD_TABLES: &[&[StaticMethodDef]] = &[
    string::STATIC_METHODS,
    datetime::STATIC_METHODS,
    json::STATIC_METHODS,
    web::STATIC_METHODS,
    char::STATIC_METHODS,
    numbers::STATIC_METHODS,
    math::STATIC_METHODS,
    convert::STATIC_METHODS,
    encoding::STATIC_METHODS,
    guid::STATIC_METHODS,
    decimal::STATIC_METHODS,
    datetime::OFFSET_STATIC_METHODS,
    enums::STATIC_METHODS,
    xml::STATIC_METHODS,
    regex::STATIC_METHODS,
    hashing::STATIC_METHODS,
    hashing::KEYED_STATIC_METHODS,
    convert::BIT_CONVERTER_METHODS,
];

/// The base class whose members a type inherits (`JObject` → `JToken`, typed extensions →
/// `X509Extension`).
pub(crate) fn base_of(ty: Type) -> Option<Type> {
    match ty {
        Type::JObject | Type::JArray | Type::JValue | Type::JProperty => Some(Type::JToken),
        Type::X509BasicConstraintsExtension
        | Type::X509KeyUsageExtension
        | Type::X509EnhancedKeyUsageExtension
        | Type::X509SubjectKeyIdentifierExtension => Some(Type::X509Extension),
        Type::Match => Some(Type::Group),
        Type::HashAlgorithm(kind) if kind != super::types::HashKind::HashAlgorithm => {
            Some(Type::HashAlgorithm(super::types::HashKind::HashAlgorithm))
        }
        _ => None,
    }
}

/// `owner` and its base class, most derived first.
fn lineage(owner: Type) -> impl Iterator<Item = Type> {
    std::iter::once(owner).chain(base_of(owner))
}

/// The instance member `name` of `owner` (or of its base class).
pub(crate) fn member(owner: Type, name: &str) -> Option<&'static MemberDef> {
    lineage(owner).find_map(|ty| {
        MEMBER_TABLES
            .iter()
            .flat_map(|t| t.iter())
            .find(|m| m.owner == ty && m.name == name)
    })
}

/// The overloads of instance method `name` on `owner`.
pub(crate) fn methods(owner: Type, name: &str) -> impl Iterator<Item = &'static MethodDef> {
    let name = name.to_owned();
    // Every type inherits `System.Object`'s ToString/Equals/GetHashCode/GetType last.
    let object = (owner != Type::Object && owner != Type::Void && owner != Type::Null)
        .then_some(Type::Object);
    lineage(owner).chain(object).flat_map(move |ty| {
        let name = name.clone();
        METHOD_TABLES
            .iter()
            .flat_map(|t| t.iter())
            .filter(move |m| m.owner == ty && m.name == name)
    })
}

/// The static member `name` of `owner`.
pub(crate) fn static_member(owner: StaticType, name: &str) -> Option<&'static StaticDef> {
    STATIC_TABLES
        .iter()
        .flat_map(|t| t.iter())
        .find(|m| m.owner == owner && m.name == name)
}

/// The overloads of static method `name` on `owner`.
pub(crate) fn static_methods(
    owner: StaticType,
    name: &str,
) -> impl Iterator<Item = &'static StaticMethodDef> {
    let name = name.to_owned();
    STATIC_METHOD_TABLES
        .iter()
        .flat_map(|t| t.iter())
        .filter(move |m| m.owner == owner && m.name == name)
}

/// The type a simple name denotes when used in front of `.` (`string.IsNullOrEmpty`,
/// `DateTime.Now`, `System.DateTime.UtcNow`).
pub(crate) fn type_name(path: &[&str]) -> Option<StaticType> {
    let name = match path {
        [name] => *name,
        ["System", name] => *name,
        ["System", "Text", "RegularExpressions", name] => *name,
        ["System", "Security", "Cryptography", name] => *name,
        _ => return None,
    };
    Some(match name {
        "string" | "String" => StaticType::String,
        "DateTime" => StaticType::DateTime,
        "TimeSpan" => StaticType::TimeSpan,
        "WebUtility" => StaticType::WebUtility,
        "Uri" => StaticType::Uri,
        "JObject" => StaticType::JObject,
        "JArray" => StaticType::JArray,
        "JToken" => StaticType::JToken,
        "Formatting" => StaticType::Formatting,
        "bool" | "Boolean" => StaticType::Boolean,
        "int" | "Int32" => StaticType::Int32,
        "X509NameType" => StaticType::X509NameType,
        "HashAlgorithmName" => StaticType::HashAlgorithmName,
        "X509KeyUsageFlags" => StaticType::X509KeyUsageFlags,
        "Convert" => StaticType::Convert,
        "char" | "Char" => StaticType::Char,
        "long" | "Int64" => StaticType::Int64,
        "double" | "Double" => StaticType::Double,
        "Math" => StaticType::Math,
        "Encoding" => StaticType::Encoding,
        "BitConverter" => StaticType::BitConverter,
        "Guid" => StaticType::Guid,
        "StringComparison" => StaticType::StringComparison,
        "StringSplitOptions" => StaticType::StringSplitOptions,
        "MidpointRounding" => StaticType::MidpointRounding,
        "StringComparer" => StaticType::StringComparer,
        "DateTimeOffset" => StaticType::DateTimeOffset,
        "decimal" | "Decimal" => StaticType::Decimal,
        "DayOfWeek" => StaticType::DayOfWeek,
        "Enum" => StaticType::Enum,
        "XDocument" => StaticType::XDocument,
        "XElement" => StaticType::XElement,
        "XNamespace" => StaticType::XNamespace,
        "Regex" => StaticType::Regex,
        "RegexOptions" => StaticType::RegexOptions,
        other => return hashing::kind_named(other).map(StaticType::HashAlgorithm),
    })
}

/// The type a namespace-qualified name denotes (`Newtonsoft.Json.Linq.JObject`,
/// `Newtonsoft.Json.Formatting`, `System.Net.WebUtility`, `System.Text.Encoding`), or a simple
/// or `System.`-qualified one as [`type_name`] resolves it.
pub(crate) fn qualified_type_name(path: &[&str]) -> Option<StaticType> {
    match path {
        [
            "Newtonsoft",
            "Json",
            "Linq",
            name @ ("JObject" | "JArray" | "JToken"),
        ]
        | ["Newtonsoft", "Json", name @ "Formatting"]
        | ["System", "Net", name @ "WebUtility"]
        | ["System", "Text", name @ "Encoding"] => type_name(&[name]),
        _ => type_name(path),
    }
}

/// .NET types that exist but APIM forbids in expressions (a helpful message instead of
/// "does not exist").
pub(crate) fn is_forbidden_type(name: &str) -> bool {
    matches!(
        name,
        "File"
            | "Directory"
            | "Path"
            | "Environment"
            | "Process"
            | "Thread"
            | "Task"
            | "Activator"
            | "AppDomain"
            | "Assembly"
            | "Type"
            | "HttpClient"
            | "WebClient"
            | "Console"
            | "GC"
            | "Marshal"
            | "X509Chain"
            | "X509Store"
    )
}
