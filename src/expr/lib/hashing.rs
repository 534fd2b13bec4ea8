//! `System.Security.Cryptography` hashing: `SHA1`, `SHA256`, `SHA384`, `SHA512` and `MD5`
//! (`.Create()`, the `…Managed`/`…CryptoServiceProvider` constructors, static `HashData`) and
//! the keyed `HMACSHA1/256/384/512` and `HMACMD5` (`new HMACSHA256(key)`, `Key`, static
//! `HashData(key, source)`), all with `ComputeHash(byte[])` and `ComputeHash(byte[], offset,
//! count)`. A hash object holds no state between calls (no `TransformBlock`), so `using` and
//! `Dispose()` are not needed.

use std::sync::Arc;

use hmac::{KeyInit, Mac};
use sha2::Digest;

use super::convert::bytes_of;
use super::string::{argument_null, int_of};
use super::{ConstructorDef, MemberDef, MethodDef, StaticMethodDef};
use crate::diagnostic::Span;
use crate::expr::eval::{Exception, ExceptionKind};
use crate::expr::types::{HashKind, StaticType, Type};
use crate::expr::value::Value;

/// The digest of `data` under `kind` (keyed with `key` for the HMAC kinds).
fn digest(kind: HashKind, key: &[u8], data: &[u8]) -> Vec<u8> {
    fn mac<M: Mac + KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
        // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
        match <M as KeyInit>::new_from_slice(key) {
            Ok(mut m) => {
                m.update(data);
                m.finalize().into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        }
    }
    match kind {
        HashKind::Sha1 => sha1::Sha1::digest(data).to_vec(),
        HashKind::Sha256 | HashKind::HashAlgorithm => sha2::Sha256::digest(data).to_vec(),
        HashKind::Sha384 => sha2::Sha384::digest(data).to_vec(),
        HashKind::Sha512 => sha2::Sha512::digest(data).to_vec(),
        HashKind::Md5 => md5::Md5::digest(data).to_vec(),
        HashKind::HmacSha1 => mac::<hmac::Hmac<sha1::Sha1>>(key, data),
        HashKind::HmacSha256 => mac::<hmac::Hmac<sha2::Sha256>>(key, data),
        HashKind::HmacSha384 => mac::<hmac::Hmac<sha2::Sha384>>(key, data),
        HashKind::HmacSha512 => mac::<hmac::Hmac<sha2::Sha512>>(key, data),
        HashKind::HmacMd5 => mac::<hmac::Hmac<md5::Md5>>(key, data),
    }
}

/// `HashSize` in bits.
fn hash_size(kind: HashKind) -> i32 {
    match kind {
        HashKind::Md5 | HashKind::HmacMd5 => 128,
        HashKind::Sha1 | HashKind::HmacSha1 => 160,
        HashKind::Sha256 | HashKind::HmacSha256 | HashKind::HashAlgorithm => 256,
        HashKind::Sha384 | HashKind::HmacSha384 => 384,
        HashKind::Sha512 | HashKind::HmacSha512 => 512,
    }
}

/// The runtime type name (`ToString()` of the object).
pub(crate) fn type_name(kind: HashKind) -> String {
    if kind.is_keyed() {
        format!("System.Security.Cryptography.{}", kind.name())
    } else {
        format!(
            "System.Security.Cryptography.{}+Implementation",
            kind.name()
        )
    }
}

fn hash_of<'v>(t: &'v Value<'_>) -> Option<(HashKind, &'v [u8])> {
    match t {
        Value::Hash(kind, key) => Some((*kind, key.as_deref().unwrap_or(&[]))),
        _ => None,
    }
}

fn bytes(b: Vec<u8>) -> Value<'static> {
    Value::ByteArray(Arc::from(b))
}

/// `ComputeHash(buffer, offset, count)` argument checks, as .NET words them.
fn slice(buffer: &[u8], offset: i64, count: i64) -> Result<&[u8], Exception> {
    let argument = |message: &str| {
        Exception::new(ExceptionKind::Argument, message.to_owned(), Span::default())
    };
    if offset < 0 {
        return Err(Exception::new(
            ExceptionKind::ArgumentOutOfRange,
            "Non-negative number required. (Parameter 'offset')",
            Span::default(),
        ));
    }
    let len = i64::try_from(buffer.len()).unwrap_or(i64::MAX);
    if count < 0 || count > len {
        return Err(argument("Value was invalid."));
    }
    if len - count < offset {
        return Err(argument(
            "Offset and length were out of bounds for the array or count is greater than the number of elements from index to the end of the source collection.",
        ));
    }
    let start = usize::try_from(offset).unwrap_or(0);
    let end = usize::try_from(offset + count).unwrap_or(0);
    buffer
        .get(start..end)
        .ok_or_else(|| argument("Value was invalid."))
}

fn compute<'a>(t: &Value<'a>, a: &[Value<'a>]) -> Result<Value<'a>, Exception> {
    let Some((kind, key)) = hash_of(t) else {
        return Ok(Value::Null);
    };
    let buffer = bytes_of(a.first()).ok_or_else(|| argument_null("buffer"))?;
    let data = if a.len() == 3 {
        slice(buffer, int_of(a.get(1)), int_of(a.get(2)))?
    } else {
        buffer
    };
    Ok(bytes(digest(kind, key, data)))
}

const B: Type = Type::ByteArray;
const ABSTRACT: Type = Type::HashAlgorithm(HashKind::HashAlgorithm);

pub(crate) const METHODS: &[MethodDef] = &[
    MethodDef {
        name: "ComputeHash",
        owner: ABSTRACT,
        params: &[B],
        result: B,
        call: |t, a, _| compute(t, a),
    },
    MethodDef {
        name: "ComputeHash",
        owner: ABSTRACT,
        params: &[B, Type::Int32, Type::Int32],
        result: B,
        call: |t, a, _| compute(t, a),
    },
    MethodDef {
        name: "Dispose",
        owner: ABSTRACT,
        params: &[],
        result: Type::Void,
        call: |_, _, _| Ok(Value::Null),
    },
    MethodDef {
        name: "Clear",
        owner: ABSTRACT,
        params: &[],
        result: Type::Void,
        call: |_, _, _| Ok(Value::Null),
    },
    MethodDef {
        name: "ToString",
        owner: ABSTRACT,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(super::string::owned(t.to_display_string())),
    },
];

fn key_member<'a>(t: &Value<'a>) -> Result<Value<'a>, Exception> {
    Ok(match t {
        Value::Hash(_, Some(key)) => Value::ByteArray(Arc::clone(key)),
        _ => Value::Null,
    })
}

macro_rules! keyed_members {
    ($($kind:ident),*) => {
        &[
            MemberDef {
                name: "HashSize",
                owner: ABSTRACT,
                ty: Type::Int32,
                get: |t, _| Ok(hash_of(t).map_or(Value::Null, |(k, _)| Value::Int(hash_size(k)))),
            },
            $(MemberDef {
                name: "Key",
                owner: Type::HashAlgorithm(HashKind::$kind),
                ty: B,
                get: |t, _| key_member(t),
            }),*
        ]
    };
}

pub(crate) const MEMBERS: &[MemberDef] =
    keyed_members!(HmacSha1, HmacSha256, HmacSha384, HmacSha512, HmacMd5);

macro_rules! unkeyed_statics {
    ($($kind:ident),*) => {
        &[$(
            StaticMethodDef {
                name: "Create",
                owner: StaticType::HashAlgorithm(HashKind::$kind),
                params: &[],
                result: Type::HashAlgorithm(HashKind::$kind),
                call: |_, _| Ok(Value::Hash(HashKind::$kind, None)),
            },
            StaticMethodDef {
                name: "HashData",
                owner: StaticType::HashAlgorithm(HashKind::$kind),
                params: &[B],
                result: B,
                call: |a, _| {
                    let source = bytes_of(a.first()).ok_or_else(|| argument_null("source"))?;
                    Ok(bytes(digest(HashKind::$kind, &[], source)))
                },
            },
        )*]
    };
}

macro_rules! keyed_statics {
    ($($kind:ident),*) => {
        &[$(
            StaticMethodDef {
                name: "HashData",
                owner: StaticType::HashAlgorithm(HashKind::$kind),
                params: &[B, B],
                result: B,
                call: |a, _| {
                    let key = bytes_of(a.first()).ok_or_else(|| argument_null("key"))?;
                    let source = bytes_of(a.get(1)).ok_or_else(|| argument_null("source"))?;
                    Ok(bytes(digest(HashKind::$kind, key, source)))
                },
            },
        )*]
    };
}

pub(crate) const STATIC_METHODS: &[StaticMethodDef] =
    unkeyed_statics!(Sha1, Sha256, Sha384, Sha512, Md5);
pub(crate) const KEYED_STATIC_METHODS: &[StaticMethodDef] =
    keyed_statics!(HmacSha1, HmacSha256, HmacSha384, HmacSha512, HmacMd5);

/// A random 64-byte key (`new HMACSHA256()`), or 128 bytes for the SHA-384/512 block size.
fn random_key(kind: HashKind) -> Result<Arc<[u8]>, Exception> {
    let size = if matches!(kind, HashKind::HmacSha384 | HashKind::HmacSha512) {
        128
    } else {
        64
    };
    let mut key = vec![0u8; size];
    getrandom::fill(&mut key).map_err(|e| {
        Exception::new(
            ExceptionKind::InvalidOperation,
            format!("No random source: {e}"),
            Span::default(),
        )
    })?;
    Ok(Arc::from(key))
}

macro_rules! constructors {
    ($(($name:literal, $kind:ident)),* ; $(($keyed:literal, $hmac:ident)),*) => {
        &[
            $(ConstructorDef {
                type_name: $name,
                params: &[],
                result: Type::HashAlgorithm(HashKind::$kind),
                call: |_, _| Ok(Value::Hash(HashKind::$kind, None)),
            },)*
            $(ConstructorDef {
                type_name: $keyed,
                params: &[B],
                result: Type::HashAlgorithm(HashKind::$hmac),
                call: |a, _| {
                    let key = bytes_of(a.first()).ok_or_else(|| argument_null("key"))?;
                    Ok(Value::Hash(HashKind::$hmac, Some(Arc::from(key))))
                },
            },
            ConstructorDef {
                type_name: $keyed,
                params: &[],
                result: Type::HashAlgorithm(HashKind::$hmac),
                call: |_, _| Ok(Value::Hash(HashKind::$hmac, Some(random_key(HashKind::$hmac)?))),
            },)*
        ]
    };
}

pub(crate) const CONSTRUCTORS: &[ConstructorDef] = constructors!(
    ("SHA1Managed", Sha1),
    ("SHA1CryptoServiceProvider", Sha1),
    ("SHA256Managed", Sha256),
    ("SHA256CryptoServiceProvider", Sha256),
    ("SHA384Managed", Sha384),
    ("SHA384CryptoServiceProvider", Sha384),
    ("SHA512Managed", Sha512),
    ("SHA512CryptoServiceProvider", Sha512),
    ("MD5CryptoServiceProvider", Md5);
    ("HMACSHA1", HmacSha1),
    ("HMACSHA256", HmacSha256),
    ("HMACSHA384", HmacSha384),
    ("HMACSHA512", HmacSha512),
    ("HMACMD5", HmacMd5)
);

/// The hash class a type name denotes (`SHA256`, `HMACSHA256`, `HashAlgorithm`).
pub(crate) fn kind_named(name: &str) -> Option<HashKind> {
    Some(match name {
        "HashAlgorithm" => HashKind::HashAlgorithm,
        "SHA1" | "SHA1Managed" => HashKind::Sha1,
        "SHA256" | "SHA256Managed" => HashKind::Sha256,
        "SHA384" | "SHA384Managed" => HashKind::Sha384,
        "SHA512" | "SHA512Managed" => HashKind::Sha512,
        "MD5" => HashKind::Md5,
        "HMACSHA1" => HashKind::HmacSha1,
        "HMACSHA256" => HashKind::HmacSha256,
        "HMACSHA384" => HashKind::HmacSha384,
        "HMACSHA512" => HashKind::HmacSha512,
        "HMACMD5" => HashKind::HmacMd5,
        _ => return None,
    })
}
