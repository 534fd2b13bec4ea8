//! STUB until the trust store lands (replaced at merge).
#![allow(missing_docs, dead_code)]
use crate::cert::verify::{RevocationMode, VerifyError};
use thiserror::Error;
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("bad: {0}")]
    Bad(String),
}
#[derive(Debug)]
pub struct Crl;
impl Crl {
    pub fn load(_bytes: &[u8]) -> Result<Vec<Crl>, StoreError> {
        Ok(vec![])
    }
}
#[derive(Debug, Default)]
pub struct TrustStore;
#[derive(Debug, Default)]
pub struct TrustStoreBuilder;
impl TrustStore {
    pub fn builder() -> TrustStoreBuilder {
        TrustStoreBuilder
    }
    pub fn verify(
        &self,
        _leaf_der: &[u8],
        _t: &[u8; 20],
        _at: i64,
        _m: RevocationMode,
    ) -> Result<(), VerifyError> {
        Err(VerifyError::UntrustedRoot)
    }
}
impl TrustStoreBuilder {
    pub fn add_root(self, _der: &[u8]) -> Result<Self, StoreError> {
        Ok(self)
    }
    pub fn add_intermediate(self, _der: &[u8]) -> Result<Self, StoreError> {
        Ok(self)
    }
    pub fn add_crl(self, _crl: Crl) -> Self {
        self
    }
    pub fn build(self) -> Result<TrustStore, StoreError> {
        Ok(TrustStore)
    }
}
