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
    /// `System.Uri`
    Uri,
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
        if let Type::Sequence(element) = self {
            return write!(f, "IEnumerable<{element}>");
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
        };
        f.write_str(name)
    }
}
