//! The per-request `context` that policy expressions read, and what the host supplies to build it.
//!
//! A [`Deployment`] (uploaded certificates, CA trust store and CRLs, service facts) is built once
//! and shared behind an `Arc`; a [`Context`] is built per request and only points at shared parts,
//! so building one costs a few small moves.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::cert::certificate::Certificate;
use crate::cert::store::{Crl, StoreError, TrustStore};
use crate::cert::verify::{RevocationMode, VerifyError};

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

/// The point in time a request is evaluated at (`Verify()` checks validity against it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EvaluationTime {
    unix_seconds: i64,
}

impl EvaluationTime {
    /// The current time.
    pub fn now() -> Self {
        Self::from(SystemTime::now())
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub const fn from_unix_seconds(unix_seconds: i64) -> Self {
        Self { unix_seconds }
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub const fn unix_seconds(self) -> i64 {
        self.unix_seconds
    }
}

impl From<SystemTime> for EvaluationTime {
    fn from(time: SystemTime) -> Self {
        let unix_seconds = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_secs())
                .map(|s| -s)
                .unwrap_or(i64::MIN),
        };
        Self { unix_seconds }
    }
}

/// The incoming request as `context.Request` shows it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `context.Request.Certificate`: the client certificate presented in the TLS handshake, or
    /// `None` (no certificate, negotiation disabled, or the renegotiation deadlock).
    pub certificate: Option<Arc<Certificate>>,
}

/// `context`: everything one request's policy expressions can read.
#[derive(Debug, Clone)]
pub struct Context {
    request: Request,
    deployment: Arc<Deployment>,
    time: EvaluationTime,
}

impl Context {
    /// A context for a request with no client certificate, evaluated now.
    pub fn new(deployment: Arc<Deployment>) -> Self {
        Self {
            request: Request::default(),
            deployment,
            time: EvaluationTime::now(),
        }
    }

    /// Sets the presented client certificate.
    pub fn with_client_certificate(mut self, certificate: Option<Arc<Certificate>>) -> Self {
        self.request.certificate = certificate;
        self
    }

    /// Sets the evaluation time (default: when the context was created).
    pub fn at(mut self, time: impl Into<EvaluationTime>) -> Self {
        self.time = time.into();
        self
    }

    /// `context.Request`.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// `context.Deployment`.
    pub fn deployment(&self) -> &Deployment {
        &self.deployment
    }

    /// The evaluation time.
    pub fn time(&self) -> EvaluationTime {
        self.time
    }
}
