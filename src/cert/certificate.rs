//! STUB until the certificate model lands (replaced at merge).
#![allow(missing_docs, dead_code)]
use thiserror::Error;
#[derive(Debug, Error)]
pub enum CertError {
    #[error("bad certificate: {0}")]
    Der(String),
}
#[derive(Debug)]
pub struct Certificate {
    der: Vec<u8>,
    thumb: [u8; 20],
}
impl Certificate {
    pub fn from_der(der: &[u8]) -> Result<Certificate, CertError> {
        Ok(Certificate {
            der: der.to_vec(),
            thumb: [0; 20],
        })
    }
    pub fn load(bytes: &[u8]) -> Result<Vec<Certificate>, CertError> {
        Ok(vec![Self::from_der(bytes)?])
    }
    pub fn subject(&self) -> &str {
        ""
    }
    pub fn issuer(&self) -> &str {
        ""
    }
    pub fn thumbprint(&self) -> &str {
        ""
    }
    pub fn thumbprint_bytes(&self) -> &[u8; 20] {
        &self.thumb
    }
    pub fn serial_number(&self) -> &str {
        ""
    }
    pub fn not_before(&self) -> i64 {
        0
    }
    pub fn not_after(&self) -> i64 {
        0
    }
    pub fn version(&self) -> i32 {
        3
    }
    pub fn der(&self) -> &[u8] {
        &self.der
    }
}
