//! The static types the compiler checks expressions against, named as .NET names them.

use std::fmt;

/// A type an expression can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Type {
    /// `object`: statically unknown reference.
    Object,
    /// The type of the `null` literal.
    Null,
    /// `void`: a call with no value.
    Void,
    /// `bool`
    Boolean,
    /// `int`
    Int32,
    /// `long`
    Int64,
    /// `double`
    Double,
    /// `char`
    Char,
    /// `string`
    String,
    /// `DateTime`
    DateTime,
    /// `IProxyRequestContext`: `context`.
    Context,
    /// `IRequest`: `context.Request`.
    Request,
    /// `IDeployment`: `context.Deployment`.
    Deployment,
    /// `X509Certificate2`
    X509Certificate2,
    /// `X500DistinguishedName`
    X500DistinguishedName,
    /// `IReadOnlyDictionary<string, X509Certificate2>`: `context.Deployment.Certificates`.
    CertificateDictionary,
    /// `KeyValuePair<string, X509Certificate2>`: an item of the above.
    CertificateEntry,
    /// `string[]`
    StringArray,
    /// `Guid`
    Guid,
    /// `IReadOnlyDictionary<string, string[]>`: request/response headers, URL query.
    StringValuesDictionary,
    /// `IReadOnlyDictionary<string, string>`: `context.Request.MatchedParameters`.
    StringDictionary,
    /// `IReadOnlyDictionary<string, object>`: `context.Variables`.
    Variables,
    /// `IResponse`: `context.Response`.
    Response,
    /// `IUrl`
    Url,
    /// `IMessageBody`
    MessageBody,
    /// `ProxyError`: `context.LastError`.
    LastError,
    /// `IApi`
    Api,
    /// `IOperation`
    Operation,
    /// `IProduct`
    Product,
    /// `ISubscription`
    Subscription,
    /// `IUser`
    User,
    /// The type parameter `T` of a generic method, in library signatures only.
    TypeParameter,
    /// `byte[]`
    ByteArray,
    /// `byte`
    Byte,
    /// `Oid`
    Oid,
    /// `OidCollection`
    OidCollection,
    /// `PublicKey`
    PublicKey,
    /// `AsnEncodedData` (`PublicKey.EncodedKeyValue`, `.EncodedParameters`)
    AsnEncodedData,
    /// `X509ExtensionCollection`
    X509ExtensionCollection,
    /// `X509Extension`
    X509Extension,
    /// `X509BasicConstraintsExtension`
    X509BasicConstraintsExtension,
    /// `X509KeyUsageExtension`
    X509KeyUsageExtension,
    /// `X509EnhancedKeyUsageExtension`
    X509EnhancedKeyUsageExtension,
    /// `X509SubjectKeyIdentifierExtension`
    X509SubjectKeyIdentifierExtension,
    /// `X509KeyUsageFlags`
    X509KeyUsageFlags,
    /// `X509NameType`
    X509NameType,
    /// `HashAlgorithmName`
    HashAlgorithmName,
    /// `Exception` (a caught exception; its value is the message)
    Exception,
    /// `TimeSpan`
    TimeSpan,
    /// `DayOfWeek`
    DayOfWeek,
    /// Newtonsoft `JToken`
    JToken,
    /// Newtonsoft `JObject`
    JObject,
    /// Newtonsoft `JArray`
    JArray,
    /// Newtonsoft `JValue`
    JValue,
    /// Newtonsoft `JTokenType`
    JTokenType,
    /// Newtonsoft `Formatting`
    Formatting,
    /// `IEnumerable<T>`: what LINQ operators produce.
    Sequence(&'static Type),
    /// Newtonsoft `JProperty`
    JProperty,
    /// APIM's `BasicAuthCredentials`
    BasicAuthCredentials,
    /// A type named in an expression to reach its static members (`DateTime.Now`, `string.IsNullOrEmpty`).
    TypeName(StaticType),
    /// `char[]`
    CharArray,
    /// `StringComparison`
    StringComparison,
    /// `StringSplitOptions`
    StringSplitOptions,
    /// `MidpointRounding`
    MidpointRounding,
    /// `System.Random`
    Random,
    /// `System.Text.Encoding` (`Encoding.UTF8`, `.ASCII`, `.Unicode`)
    Encoding,
    /// `T[]` for element types other than `string`, `byte` and `char` (which keep their own
    /// variants).
    Array(&'static Type),
    /// `List<T>`
    List(&'static Type),
    /// `HashSet<T>`
    HashSet(&'static Type),
    /// `Dictionary<TKey, TValue>`
    Dictionary(&'static (Type, Type)),
    /// `KeyValuePair<TKey, TValue>`
    KeyValuePair(&'static (Type, Type)),
    /// `StringComparer` (`StringComparer.OrdinalIgnoreCase` for dictionaries and sets)
    StringComparer,
    /// `DateTimeOffset`
    DateTimeOffset,
    /// `decimal`
    Decimal,
    /// `System.Xml.Linq.XDocument`
    XDocument,
    /// `System.Xml.Linq.XElement`
    XElement,
    /// `System.Xml.Linq.XAttribute`
    XAttribute,
    /// `System.Xml.Linq.XName`
    XName,
    /// `System.Xml.Linq.XNamespace`
    XNamespace,
    /// `System.Type` (`typeof(T)`)
    SystemType,
    /// `System.Text.RegularExpressions.Regex`
    Regex,
    /// `System.Text.RegularExpressions.Match`
    Match,
    /// `System.Text.RegularExpressions.Group`
    Group,
    /// `System.Text.RegularExpressions.GroupCollection`
    GroupCollection,
    /// `System.Text.RegularExpressions.MatchCollection`
    MatchCollection,
    /// `System.Text.RegularExpressions.RegexOptions`
    RegexOptions,
    /// A `System.Security.Cryptography` hash algorithm object (`SHA256`, `HMACSHA256`, ...).
    HashAlgorithm(HashKind),
    /// APIM's `Jwt` (`AsJwt()`)
    Jwt,
    /// `Jwt.Claims`: `IReadOnlyDictionary<string, string[]>`
    JwtClaims,
    /// `System.Uri`
    Uri,
    /// `Nullable<T>` / `T?` of a value type `T`: with no value it is `Value::Null`, with a
    /// value just the value; the static type drives `HasValue`, `Value` and lifted operators.
    Nullable(&'static Type),
}

/// Types whose static members expressions may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StaticType {
    /// `System.String` / `string`
    String,
    /// `System.DateTime`
    DateTime,
    /// `System.Boolean` / `bool`
    Boolean,
    /// `System.Int32` / `int`
    Int32,
    /// `X509NameType`
    X509NameType,
    /// `HashAlgorithmName`
    HashAlgorithmName,
    /// `X509KeyUsageFlags`
    X509KeyUsageFlags,
    /// `System.Convert`
    Convert,
    /// `System.TimeSpan`
    TimeSpan,
    /// `JObject` (for `JObject.Parse`)
    JObject,
    /// `JArray`
    JArray,
    /// `JToken`
    JToken,
    /// `Formatting`
    Formatting,
    /// `System.Char` / `char`
    Char,
    /// `System.Int64` / `long`
    Int64,
    /// `System.Double` / `double`
    Double,
    /// `System.Math`
    Math,
    /// `System.Text.Encoding`
    Encoding,
    /// `System.BitConverter`
    BitConverter,
    /// `System.Guid`
    Guid,
    /// `System.StringComparison`
    StringComparison,
    /// `System.StringSplitOptions`
    StringSplitOptions,
    /// `System.MidpointRounding`
    MidpointRounding,
    /// `System.Net.WebUtility`
    WebUtility,
    /// `System.Uri`
    Uri,
    /// `System.StringComparer`
    StringComparer,
    /// `System.DateTimeOffset`
    DateTimeOffset,
    /// `System.Decimal` / `decimal`
    Decimal,
    /// `System.DayOfWeek`
    DayOfWeek,
    /// `System.Enum`
    Enum,
    /// `XDocument`
    XDocument,
    /// `XElement`
    XElement,
    /// `XNamespace`
    XNamespace,
    /// `System.Text.RegularExpressions.Regex`
    Regex,
    /// `System.Text.RegularExpressions.RegexOptions`
    RegexOptions,
    /// A hash algorithm class (`SHA256.Create()`, `SHA256.HashData`)
    HashAlgorithm(HashKind),
}

/// The `System.Security.Cryptography` hash algorithm classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashKind {
    /// The abstract `HashAlgorithm`.
    HashAlgorithm,
    /// `SHA1`
    Sha1,
    /// `SHA256`
    Sha256,
    /// `SHA384`
    Sha384,
    /// `SHA512`
    Sha512,
    /// `MD5`
    Md5,
    /// `HMACSHA1`
    HmacSha1,
    /// `HMACSHA256`
    HmacSha256,
    /// `HMACSHA384`
    HmacSha384,
    /// `HMACSHA512`
    HmacSha512,
    /// `HMACMD5`
    HmacMd5,
}

impl HashKind {
    /// The .NET class name.
    pub fn name(self) -> &'static str {
        match self {
            HashKind::HashAlgorithm => "HashAlgorithm",
            HashKind::Sha1 => "SHA1",
            HashKind::Sha256 => "SHA256",
            HashKind::Sha384 => "SHA384",
            HashKind::Sha512 => "SHA512",
            HashKind::Md5 => "MD5",
            HashKind::HmacSha1 => "HMACSHA1",
            HashKind::HmacSha256 => "HMACSHA256",
            HashKind::HmacSha384 => "HMACSHA384",
            HashKind::HmacSha512 => "HMACSHA512",
            HashKind::HmacMd5 => "HMACMD5",
        }
    }

    /// Whether this is a keyed (HMAC) algorithm.
    pub fn is_keyed(self) -> bool {
        matches!(
            self,
            HashKind::HmacSha1
                | HashKind::HmacSha256
                | HashKind::HmacSha384
                | HashKind::HmacSha512
                | HashKind::HmacMd5
        )
    }
}

impl Type {
    /// Whether a value of this type can be `null` (reference types).
    pub fn is_reference(self) -> bool {
        matches!(
            self,
            Type::Object
                | Type::Null
                | Type::String
                | Type::Context
                | Type::Request
                | Type::Deployment
                | Type::X509Certificate2
                | Type::X500DistinguishedName
                | Type::CertificateDictionary
                | Type::StringArray
                | Type::StringValuesDictionary
                | Type::StringDictionary
                | Type::Variables
                | Type::Response
                | Type::Url
                | Type::MessageBody
                | Type::LastError
                | Type::Api
                | Type::Operation
                | Type::Product
                | Type::Subscription
                | Type::User
                | Type::ByteArray
                | Type::Oid
                | Type::OidCollection
                | Type::PublicKey
                | Type::AsnEncodedData
                | Type::X509ExtensionCollection
                | Type::X509Extension
                | Type::X509BasicConstraintsExtension
                | Type::X509KeyUsageExtension
                | Type::X509EnhancedKeyUsageExtension
                | Type::X509SubjectKeyIdentifierExtension
                | Type::Exception
                | Type::JToken
                | Type::JObject
                | Type::JArray
                | Type::JValue
                | Type::Sequence(_)
                | Type::CharArray
                | Type::Random
                | Type::Encoding
                | Type::Array(_)
                | Type::List(_)
                | Type::HashSet(_)
                | Type::Dictionary(_)
                | Type::StringComparer
                | Type::XDocument
                | Type::XElement
                | Type::XAttribute
                | Type::XName
                | Type::XNamespace
                | Type::SystemType
                | Type::BasicAuthCredentials
                | Type::Regex
                | Type::Match
                | Type::Group
                | Type::GroupCollection
                | Type::MatchCollection
                | Type::HashAlgorithm(_)
                | Type::Jwt
                | Type::JwtClaims
                | Type::Uri
        )
    }

    /// Whether this is a numeric type.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            Type::Int32 | Type::Int64 | Type::Double | Type::Char | Type::Byte
        )
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Sequence(element) => return write!(f, "IEnumerable<{element}>"),
            Type::Array(element) => return write!(f, "{element}[]"),
            Type::List(element) => return write!(f, "List<{element}>"),
            Type::HashSet(element) => return write!(f, "HashSet<{element}>"),
            Type::Dictionary((key, value)) => return write!(f, "Dictionary<{key}, {value}>"),
            Type::KeyValuePair((key, value)) => {
                return write!(f, "KeyValuePair<{key}, {value}>");
            }
            Type::Nullable(inner) => return write!(f, "{inner}?"),
            _ => {}
        }
        let name = match self {
            Type::Object => "object",
            Type::Null => "<null>",
            Type::Void => "void",
            Type::Boolean => "bool",
            Type::Int32 => "int",
            Type::Int64 => "long",
            Type::Double => "double",
            Type::Char => "char",
            Type::String => "string",
            Type::DateTime => "DateTime",
            Type::Context => "IProxyRequestContext",
            Type::Request => "IRequest",
            Type::Deployment => "IDeployment",
            Type::X509Certificate2 => "X509Certificate2",
            Type::X500DistinguishedName => "X500DistinguishedName",
            Type::CertificateDictionary => "IReadOnlyDictionary<string, X509Certificate2>",
            Type::CertificateEntry => "KeyValuePair<string, X509Certificate2>",
            Type::StringArray => "string[]",
            Type::Guid => "Guid",
            Type::StringValuesDictionary => "IReadOnlyDictionary<string, string[]>",
            Type::StringDictionary => "IReadOnlyDictionary<string, string>",
            Type::Variables => "IReadOnlyDictionary<string, object>",
            Type::Response => "IResponse",
            Type::Url => "IUrl",
            Type::MessageBody => "IMessageBody",
            Type::LastError => "ProxyError",
            Type::Api => "IApi",
            Type::Operation => "IOperation",
            Type::Product => "IProduct",
            Type::Subscription => "ISubscription",
            Type::User => "IUser",
            Type::TypeParameter => "T",
            Type::ByteArray => "byte[]",
            Type::Byte => "byte",
            Type::Oid => "Oid",
            Type::OidCollection => "OidCollection",
            Type::PublicKey => "PublicKey",
            Type::AsnEncodedData => "AsnEncodedData",
            Type::X509ExtensionCollection => "X509ExtensionCollection",
            Type::X509Extension => "X509Extension",
            Type::X509BasicConstraintsExtension => "X509BasicConstraintsExtension",
            Type::X509KeyUsageExtension => "X509KeyUsageExtension",
            Type::X509EnhancedKeyUsageExtension => "X509EnhancedKeyUsageExtension",
            Type::X509SubjectKeyIdentifierExtension => "X509SubjectKeyIdentifierExtension",
            Type::X509KeyUsageFlags | Type::TypeName(StaticType::X509KeyUsageFlags) => {
                "X509KeyUsageFlags"
            }
            Type::X509NameType | Type::TypeName(StaticType::X509NameType) => "X509NameType",
            Type::HashAlgorithmName | Type::TypeName(StaticType::HashAlgorithmName) => {
                "HashAlgorithmName"
            }
            Type::TypeName(StaticType::Convert) => "Convert",
            Type::Exception => "Exception",
            Type::TimeSpan | Type::TypeName(StaticType::TimeSpan) => "TimeSpan",
            Type::DayOfWeek => "DayOfWeek",
            Type::JToken | Type::TypeName(StaticType::JToken) => "JToken",
            Type::JObject | Type::TypeName(StaticType::JObject) => "JObject",
            Type::JArray | Type::TypeName(StaticType::JArray) => "JArray",
            Type::JValue => "JValue",
            Type::JTokenType => "JTokenType",
            Type::Formatting | Type::TypeName(StaticType::Formatting) => "Formatting",
            Type::Sequence(_) => "IEnumerable",
            Type::JProperty => "JProperty",
            Type::BasicAuthCredentials => "BasicAuthCredentials",
            Type::TypeName(StaticType::WebUtility) => "WebUtility",
            Type::TypeName(StaticType::Uri) | Type::Uri => "Uri",
            Type::TypeName(StaticType::String) => "string",
            Type::TypeName(StaticType::DateTime) => "DateTime",
            Type::TypeName(StaticType::Boolean) => "bool",
            Type::TypeName(StaticType::Int32) => "int",
            Type::CharArray => "char[]",
            Type::StringComparison | Type::TypeName(StaticType::StringComparison) => {
                "StringComparison"
            }
            Type::StringSplitOptions | Type::TypeName(StaticType::StringSplitOptions) => {
                "StringSplitOptions"
            }
            Type::MidpointRounding | Type::TypeName(StaticType::MidpointRounding) => {
                "MidpointRounding"
            }
            Type::Random => "Random",
            Type::Encoding | Type::TypeName(StaticType::Encoding) => "Encoding",
            Type::TypeName(StaticType::Char) => "char",
            Type::TypeName(StaticType::Int64) => "long",
            Type::TypeName(StaticType::Double) => "double",
            Type::TypeName(StaticType::Math) => "Math",
            Type::TypeName(StaticType::BitConverter) => "BitConverter",
            Type::TypeName(StaticType::Guid) => "Guid",
            Type::StringComparer | Type::TypeName(StaticType::StringComparer) => "StringComparer",
            Type::Array(_)
            | Type::List(_)
            | Type::HashSet(_)
            | Type::Dictionary(_)
            | Type::KeyValuePair(_)
            | Type::Nullable(_) => "",
            Type::DateTimeOffset | Type::TypeName(StaticType::DateTimeOffset) => "DateTimeOffset",
            Type::Decimal | Type::TypeName(StaticType::Decimal) => "decimal",
            Type::TypeName(StaticType::DayOfWeek) => "DayOfWeek",
            Type::TypeName(StaticType::Enum) => "Enum",
            Type::XDocument | Type::TypeName(StaticType::XDocument) => "XDocument",
            Type::XElement | Type::TypeName(StaticType::XElement) => "XElement",
            Type::XAttribute => "XAttribute",
            Type::XName => "XName",
            Type::XNamespace | Type::TypeName(StaticType::XNamespace) => "XNamespace",
            Type::SystemType => "Type",
            Type::Regex | Type::TypeName(StaticType::Regex) => "Regex",
            Type::Match => "Match",
            Type::Group => "Group",
            Type::GroupCollection => "GroupCollection",
            Type::MatchCollection => "MatchCollection",
            Type::RegexOptions | Type::TypeName(StaticType::RegexOptions) => "RegexOptions",
            Type::HashAlgorithm(kind) | Type::TypeName(StaticType::HashAlgorithm(kind)) => {
                kind.name()
            }
            Type::Jwt => "Jwt",
            Type::JwtClaims => "IReadOnlyDictionary<string, string[]>",
        };
        f.write_str(name)
    }
}

/// Most distinct constructed generic types (`List<T>`, `T[]`, ...) one process interns: every
/// written or inferred type is interned once and lives for the process, so hostile policies
/// must not be able to grow the table without bound.
pub const MAX_INTERNED_TYPES: usize = 4096;

/// The interned types and type pairs.
#[derive(Default)]
struct Interned {
    types: std::collections::HashMap<Type, &'static Type>,
    pairs: std::collections::HashMap<(Type, Type), &'static (Type, Type)>,
}

fn interned() -> std::sync::MutexGuard<'static, Interned> {
    static TABLE: std::sync::OnceLock<std::sync::Mutex<Interned>> = std::sync::OnceLock::new();
    TABLE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The `'static` reference to `ty` that generic types (`List<T>`, `IEnumerable<T>`) hold;
/// `None` once [`MAX_INTERNED_TYPES`] distinct types exist.
pub fn intern(ty: Type) -> Option<&'static Type> {
    let mut table = interned();
    if let Some(found) = table.types.get(&ty) {
        return Some(found);
    }
    if table.types.len() + table.pairs.len() >= MAX_INTERNED_TYPES {
        return None;
    }
    let leaked: &'static Type = Box::leak(Box::new(ty));
    table.types.insert(ty, leaked);
    Some(leaked)
}

/// The `'static` reference to a `(TKey, TValue)` pair (`Dictionary<K, V>`); `None` once
/// [`MAX_INTERNED_TYPES`] distinct types exist.
pub fn intern_pair(key: Type, value: Type) -> Option<&'static (Type, Type)> {
    let mut table = interned();
    if let Some(found) = table.pairs.get(&(key, value)) {
        return Some(found);
    }
    if table.types.len() + table.pairs.len() >= MAX_INTERNED_TYPES {
        return None;
    }
    let leaked: &'static (Type, Type) = Box::leak(Box::new((key, value)));
    table.pairs.insert((key, value), leaked);
    Some(leaked)
}

impl Type {
    /// Whether `null` converts to this type: reference types and `T?`.
    pub fn accepts_null(self) -> bool {
        self.is_reference() || matches!(self, Type::Nullable(_))
    }

    /// `T` of `T?`; any other type unchanged.
    pub fn underlying(self) -> Type {
        match self {
            Type::Nullable(inner) => *inner,
            other => other,
        }
    }
}

/// `T?` of a value type `T` (`T` itself for reference types and for `T?`); `None` once
/// [`MAX_INTERNED_TYPES`] distinct types exist.
pub fn nullable_of(inner: Type) -> Option<Type> {
    if inner.accepts_null() || matches!(inner, Type::Void | Type::TypeName(_)) {
        return Some(inner);
    }
    Some(Type::Nullable(intern(inner)?))
}

/// `T[]`: the dedicated variants for `string[]`, `byte[]` and `char[]`, `Type::Array` otherwise.
pub fn array_of(element: Type) -> Option<Type> {
    Some(match element {
        Type::String => Type::StringArray,
        Type::Byte => Type::ByteArray,
        Type::Char => Type::CharArray,
        other => Type::Array(intern(other)?),
    })
}
