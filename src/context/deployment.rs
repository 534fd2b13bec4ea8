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
            certificates: self.certificates,
            trust_store: Some(store),
            ca_certificates,
        })
    }
}
