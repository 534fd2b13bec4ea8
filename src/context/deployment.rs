//! `context.Deployment`: what the APIM instance has uploaded (certificates, CA certificates,
//! CRLs) and its service facts. Built once, shared by every request behind an `Arc`.

use std::sync::Arc;

use crate::cert::certificate::Certificate;
use crate::cert::store::{Crl, StoreError, TrustStore};
use crate::cert::verify::{RevocationMode, VerifyError};

use super::EvaluationTime;

/// A certificate uploaded to the APIM instance, as `context.Deployment.Certificates` lists it.
#[derive(Debug, Clone)]
pub struct DeploymentCertificate {
    /// The certificate id (the dictionary key).
    pub id: Arc<str>,
    /// The certificate (the dictionary value).
    pub certificate: Arc<Certificate>,
}

/// What the APIM instance has configured: `context.Deployment`, and the CA certificates and CRLs
/// that `Verify()` uses. Build once with [`Deployment::builder`], share with `Arc`.
#[derive(Debug, Default)]
pub struct Deployment {
    /// `Region`: the gateway's region, e.g. `West Europe`.
    pub region: String,
    /// `ServiceName`: the APIM instance name.
    pub service_name: String,
    /// `ServiceId`: the instance's resource id.
    pub service_id: String,
    /// `GatewayId`: `managed` for the managed gateway.
    pub gateway_id: String,
    certificates: Vec<DeploymentCertificate>,
    trust_store: Option<TrustStore>,
    ca_certificates: Vec<Arc<Certificate>>,
}

impl Deployment {
    /// A deployment with no uploaded certificates: nothing verifies.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts building a deployment.
    pub fn builder() -> DeploymentBuilder {
        DeploymentBuilder::default()
    }

    /// `context.Deployment.Certificates`, in the order they were added.
    pub fn certificates(&self) -> &[DeploymentCertificate] {
        &self.certificates
    }

    /// The uploaded CA certificates (roots, then intermediates).
    pub fn ca_certificates(&self) -> &[Arc<Certificate>] {
        &self.ca_certificates
    }

    /// Whether `certificate` verifies (`Verify()` / `VerifyNoRevocation()`), from the cache
    /// without allocating when the answer is known.
    pub fn is_valid(
        &self,
        certificate: &Certificate,
        at: EvaluationTime,
        mode: RevocationMode,
    ) -> bool {
        self.trust_store.as_ref().is_some_and(|store| {
            store.is_valid(
                certificate.der(),
                certificate.thumbprint_bytes(),
                at.unix_seconds(),
                mode,
            )
        })
    }

    /// Verifies `certificate` against the uploaded CA certificates and CRLs at `at`
    /// (cached per certificate and mode within the window where the answer cannot change).
    pub fn verify(
        &self,
        certificate: &Certificate,
        at: EvaluationTime,
        mode: RevocationMode,
    ) -> Result<(), VerifyError> {
        match &self.trust_store {
            Some(store) => store.verify(
                certificate.der(),
                certificate.thumbprint_bytes(),
                at.unix_seconds(),
                mode,
            ),
            None => Err(VerifyError::UntrustedRoot),
        }
    }
}

/// Collects what an APIM instance has uploaded; [`DeploymentBuilder::build`] checks it all once.
#[derive(Debug, Default)]
pub struct DeploymentBuilder {
    region: String,
    service_name: String,
    service_id: String,
    gateway_id: Option<String>,
    certificates: Vec<DeploymentCertificate>,
    roots: Vec<Arc<Certificate>>,
    intermediates: Vec<Arc<Certificate>>,
    crls: Vec<Crl>,
}

impl DeploymentBuilder {
    /// Adds an uploaded certificate under `id` (`context.Deployment.Certificates[id]`).
    /// A later certificate with the same id replaces the earlier one, in place.
    #[must_use]
    pub fn certificate(mut self, id: impl Into<Arc<str>>, certificate: Arc<Certificate>) -> Self {
        let id = id.into();
        match self.certificates.iter_mut().find(|c| c.id == id) {
            Some(existing) => existing.certificate = certificate,
            None => self
                .certificates
                .push(DeploymentCertificate { id, certificate }),
        }
        self
    }

    /// Sets `context.Deployment.Region`.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// Sets `context.Deployment.ServiceName` (and `ServiceId`).
    #[must_use]
    pub fn service(mut self, name: impl Into<String>, id: impl Into<String>) -> Self {
        self.service_name = name.into();
        self.service_id = id.into();
        self
    }

    /// Sets `context.Deployment.GatewayId` (default `managed`).
    #[must_use]
    pub fn gateway_id(mut self, id: impl Into<String>) -> Self {
        self.gateway_id = Some(id.into());
        self
    }

    /// Adds an uploaded trusted root CA certificate.
    #[must_use]
    pub fn root(mut self, certificate: Arc<Certificate>) -> Self {
        self.roots.push(certificate);
        self
    }

    /// Adds an uploaded intermediate CA certificate (used to build chains, not trusted by itself).
    #[must_use]
    pub fn intermediate(mut self, certificate: Arc<Certificate>) -> Self {
        self.intermediates.push(certificate);
        self
    }

    /// Adds a certificate revocation list.
    #[must_use]
    pub fn crl(mut self, crl: Crl) -> Self {
        self.crls.push(crl);
        self
    }

    /// Builds the deployment and its trust store.
    ///
    /// # Errors
    /// A CA certificate the verifier cannot use as a trust anchor or intermediate.
    pub fn build(self) -> Result<Deployment, StoreError> {
        let mut store = TrustStore::builder();
        for root in &self.roots {
            store = store.add_root(root.der());
        }
        for intermediate in &self.intermediates {
            store = store.add_intermediate(intermediate.der());
        }
        let store = store.add_crls(self.crls).build()?;
        let mut ca_certificates = self.roots;
        ca_certificates.extend(self.intermediates);
        Ok(Deployment {
            region: self.region,
            service_name: self.service_name,
            service_id: self.service_id,
            gateway_id: self.gateway_id.unwrap_or_else(|| "managed".to_owned()),
            certificates: self.certificates,
            trust_store: Some(store),
            ca_certificates,
        })
    }
}
