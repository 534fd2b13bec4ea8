//! Signature verification algorithms for rustls-webpki, implemented on RustCrypto.
//!
//! rustls-webpki only matches AlgorithmIdentifiers and delegates the mathematics to a
//! [`SignatureVerificationAlgorithm`]. Its own implementations need *ring* or aws-lc-rs (C and
//! assembly); these are pure Rust (`rsa`, `p256`, `p384`, `ed25519-dalek`, `sha1`, `sha2`).
//!
//! The set is what .NET's chain builder accepts for certificate and CRL signatures:
//!
//! - RSA PKCS#1 v1.5 with SHA-1, SHA-256, SHA-384, SHA-512 (.NET still accepts `sha1RSA` chains),
//!   for moduli of 1024 to 8192 bits (the `rsa` crate's limits; OpenSSL has no minimum by default,
//!   so keys under 1024 bits are a deliberate divergence);
//! - RSA-PSS with SHA-256/384/512, MGF1 with the same hash and salt length equal to the hash
//!   length (the only parameter sets with a fixed encoding in `rustls_pki_types::alg_id`), for
//!   keys whose SubjectPublicKeyInfo says `rsaEncryption`;
//! - ECDSA on P-256 and P-384, each with SHA-1, SHA-256, SHA-384 and SHA-512;
//! - Ed25519 (RFC 8032 verification).
//!
//! The AlgorithmIdentifier values are the DER *contents* of the `AlgorithmIdentifier` SEQUENCE,
//! byte-exact as webpki compares them; the ones not in `rustls_pki_types::alg_id` (SHA-1 based)
//! are spelled out here.

use core::fmt;
use core::marker::PhantomData;

use rsa::pkcs1::DecodeRsaPublicKey;
use rustls_pki_types::alg_id;
use rustls_pki_types::{AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm};
use sha2::Digest;
use signature::Verifier;
use signature::hazmat::PrehashVerifier;

/// `sha1WithRSAEncryption` (1.2.840.113549.1.1.5) with NULL parameters.
const RSA_PKCS1_SHA1_ID: AlgorithmIdentifier = AlgorithmIdentifier::from_slice(&[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00,
]);

/// `ecdsa-with-SHA1` (1.2.840.10045.4.1), no parameters.
const ECDSA_SHA1_ID: AlgorithmIdentifier =
    AlgorithmIdentifier::from_slice(&[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01]);

/// A hash function used by a signature algorithm.
trait HashAlg: Digest + Send + Sync + 'static {
    /// Name for `Debug` output.
    const NAME: &'static str;
}

impl HashAlg for sha1::Sha1 {
    const NAME: &'static str = "SHA1";
}
impl HashAlg for sha2::Sha256 {
    const NAME: &'static str = "SHA256";
}
impl HashAlg for sha2::Sha384 {
    const NAME: &'static str = "SHA384";
}
impl HashAlg for sha2::Sha512 {
    const NAME: &'static str = "SHA512";
}

/// Parses a PKCS#1 `RSAPublicKey` (the `subjectPublicKey` of an `rsaEncryption` key), enforcing
/// the `rsa` crate's modulus limits (1024..=8192 bits).
fn rsa_public_key(public_key: &[u8]) -> Result<rsa::PublicKey, InvalidSignature> {
    rsa::PublicKey::from_pkcs1_der(public_key).map_err(|_| InvalidSignature)
}

/// RSASSA-PKCS1-v1_5 with hash `D`.
struct RsaPkcs1<D> {
    sig_alg: AlgorithmIdentifier,
    hash: PhantomData<fn() -> D>,
}

impl<D: HashAlg> fmt::Debug for RsaPkcs1<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RSA_PKCS1_{}", D::NAME)
    }
}

impl<D: HashAlg + rsa::pkcs1::der::oid::AssociatedOid> SignatureVerificationAlgorithm
    for RsaPkcs1<D>
{
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        let key = rsa_public_key(public_key)?;
        let hashed = D::digest(message);
        key.verify(rsa::Pkcs1v15Sign::new::<D>(), &hashed, signature)
            .map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::RSA_ENCRYPTION
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.sig_alg
    }
}

/// RSASSA-PSS with hash `D`, MGF1(`D`), salt length = hash length, `rsaEncryption` key.
struct RsaPss<D> {
    sig_alg: AlgorithmIdentifier,
    hash: PhantomData<fn() -> D>,
}

impl<D: HashAlg> fmt::Debug for RsaPss<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RSA_PSS_{}", D::NAME)
    }
}

impl<D: HashAlg + sha2::digest::FixedOutputReset> SignatureVerificationAlgorithm for RsaPss<D> {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        let key = rsa_public_key(public_key)?;
        let hashed = D::digest(message);
        let salt_len = <D as Digest>::output_size();
        key.verify(
            rsa::pss::Pss::<D>::new_with_salt(salt_len),
            &hashed,
            signature,
        )
        .map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::RSA_ENCRYPTION
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.sig_alg
    }
}

/// The two NIST curves supported, as an enum so one generic type covers both.
#[derive(Clone, Copy)]
enum Curve {
    P256,
    P384,
}

/// ECDSA on `curve` with hash `D` (signature is DER `Ecdsa-Sig-Value`).
struct Ecdsa<D> {
    curve: Curve,
    sig_alg: AlgorithmIdentifier,
    hash: PhantomData<fn() -> D>,
}

impl<D: HashAlg> fmt::Debug for Ecdsa<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let curve = match self.curve {
            Curve::P256 => "P256",
            Curve::P384 => "P384",
        };
        write!(f, "ECDSA_{curve}_{}", D::NAME)
    }
}

impl<D: HashAlg> SignatureVerificationAlgorithm for Ecdsa<D> {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        let prehash = D::digest(message);
        match self.curve {
            Curve::P256 => {
                let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(public_key)
                    .map_err(|_| InvalidSignature)?;
                let sig =
                    p256::ecdsa::Signature::from_der(signature).map_err(|_| InvalidSignature)?;
                key.verify_prehash(&prehash, &sig)
                    .map_err(|_| InvalidSignature)
            }
            Curve::P384 => {
                let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(public_key)
                    .map_err(|_| InvalidSignature)?;
                let sig =
                    p384::ecdsa::Signature::from_der(signature).map_err(|_| InvalidSignature)?;
                key.verify_prehash(&prehash, &sig)
                    .map_err(|_| InvalidSignature)
            }
        }
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        match self.curve {
            Curve::P256 => alg_id::ECDSA_P256,
            Curve::P384 => alg_id::ECDSA_P384,
        }
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.sig_alg
    }
}

/// Ed25519 (RFC 8032, cofactorless verification as OpenSSL does it).
struct Ed25519;

impl fmt::Debug for Ed25519 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ED25519")
    }
}

impl SignatureVerificationAlgorithm for Ed25519 {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        let key_bytes: &[u8; 32] = public_key.try_into().map_err(|_| InvalidSignature)?;
        let key =
            ed25519_dalek::VerifyingKey::from_bytes(key_bytes).map_err(|_| InvalidSignature)?;
        let sig = ed25519_dalek::Signature::from_slice(signature).map_err(|_| InvalidSignature)?;
        key.verify(message, &sig).map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ED25519
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ED25519
    }
}

macro_rules! algorithm {
    ($(#[$doc:meta])* $name:ident = $ty:ident<$hash:ty> { $($field:ident: $value:expr),* }) => {
        $(#[$doc])*
        pub static $name: &dyn SignatureVerificationAlgorithm = &$ty::<$hash> {
            $($field: $value,)*
            hash: PhantomData,
        };
    };
}

algorithm!(
    /// RSA PKCS#1 v1.5 with SHA-1 (`sha1WithRSAEncryption`).
    RSA_PKCS1_SHA1 = RsaPkcs1<sha1::Sha1> { sig_alg: RSA_PKCS1_SHA1_ID }
);
algorithm!(
    /// RSA PKCS#1 v1.5 with SHA-256 (`sha256WithRSAEncryption`).
    RSA_PKCS1_SHA256 = RsaPkcs1<sha2::Sha256> { sig_alg: alg_id::RSA_PKCS1_SHA256 }
);
algorithm!(
    /// RSA PKCS#1 v1.5 with SHA-384 (`sha384WithRSAEncryption`).
    RSA_PKCS1_SHA384 = RsaPkcs1<sha2::Sha384> { sig_alg: alg_id::RSA_PKCS1_SHA384 }
);
algorithm!(
    /// RSA PKCS#1 v1.5 with SHA-512 (`sha512WithRSAEncryption`).
    RSA_PKCS1_SHA512 = RsaPkcs1<sha2::Sha512> { sig_alg: alg_id::RSA_PKCS1_SHA512 }
);
algorithm!(
    /// RSA-PSS with SHA-256, MGF1-SHA-256, salt 32, on an `rsaEncryption` key.
    RSA_PSS_SHA256 = RsaPss<sha2::Sha256> { sig_alg: alg_id::RSA_PSS_SHA256 }
);
algorithm!(
    /// RSA-PSS with SHA-384, MGF1-SHA-384, salt 48, on an `rsaEncryption` key.
    RSA_PSS_SHA384 = RsaPss<sha2::Sha384> { sig_alg: alg_id::RSA_PSS_SHA384 }
);
algorithm!(
    /// RSA-PSS with SHA-512, MGF1-SHA-512, salt 64, on an `rsaEncryption` key.
    RSA_PSS_SHA512 = RsaPss<sha2::Sha512> { sig_alg: alg_id::RSA_PSS_SHA512 }
);
algorithm!(
    /// ECDSA P-256 with SHA-1 (`ecdsa-with-SHA1`).
    ECDSA_P256_SHA1 = Ecdsa<sha1::Sha1> { curve: Curve::P256, sig_alg: ECDSA_SHA1_ID }
);
algorithm!(
    /// ECDSA P-256 with SHA-256.
    ECDSA_P256_SHA256 = Ecdsa<sha2::Sha256> { curve: Curve::P256, sig_alg: alg_id::ECDSA_SHA256 }
);
algorithm!(
    /// ECDSA P-256 with SHA-384.
    ECDSA_P256_SHA384 = Ecdsa<sha2::Sha384> { curve: Curve::P256, sig_alg: alg_id::ECDSA_SHA384 }
);
algorithm!(
    /// ECDSA P-256 with SHA-512.
    ECDSA_P256_SHA512 = Ecdsa<sha2::Sha512> { curve: Curve::P256, sig_alg: alg_id::ECDSA_SHA512 }
);
algorithm!(
    /// ECDSA P-384 with SHA-1 (`ecdsa-with-SHA1`).
    ECDSA_P384_SHA1 = Ecdsa<sha1::Sha1> { curve: Curve::P384, sig_alg: ECDSA_SHA1_ID }
);
algorithm!(
    /// ECDSA P-384 with SHA-256.
    ECDSA_P384_SHA256 = Ecdsa<sha2::Sha256> { curve: Curve::P384, sig_alg: alg_id::ECDSA_SHA256 }
);
algorithm!(
    /// ECDSA P-384 with SHA-384.
    ECDSA_P384_SHA384 = Ecdsa<sha2::Sha384> { curve: Curve::P384, sig_alg: alg_id::ECDSA_SHA384 }
);
algorithm!(
    /// ECDSA P-384 with SHA-512.
    ECDSA_P384_SHA512 = Ecdsa<sha2::Sha512> { curve: Curve::P384, sig_alg: alg_id::ECDSA_SHA512 }
);

/// Ed25519 (`id-Ed25519`, RFC 8410).
pub static ED25519: &dyn SignatureVerificationAlgorithm = &Ed25519;

/// Every algorithm above, in the order webpki tries them (most common first).
pub static ALL: &[&dyn SignatureVerificationAlgorithm] = &[
    RSA_PKCS1_SHA256,
    ECDSA_P256_SHA256,
    ECDSA_P384_SHA384,
    RSA_PKCS1_SHA384,
    RSA_PKCS1_SHA512,
    RSA_PSS_SHA256,
    RSA_PSS_SHA384,
    RSA_PSS_SHA512,
    ED25519,
    ECDSA_P256_SHA384,
    ECDSA_P256_SHA512,
    ECDSA_P384_SHA256,
    ECDSA_P384_SHA512,
    RSA_PKCS1_SHA1,
    ECDSA_P256_SHA1,
    ECDSA_P384_SHA1,
];
