//! `context.LastError` (APIM's `ProxyError`): what went wrong, as on-error sees it.

use crate::expr::Exception;

/// `context.LastError`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LastError {
    /// `Source`: the policy element or pipeline step where the error happened.
    pub source: String,
    /// `Reason`: machine-friendly code, e.g. `ExpressionValueEvaluationFailure`.
    pub reason: Option<String>,
    /// `Message`: human-readable description.
    pub message: String,
    /// `Scope`: `global`, `workspace`, `product`, `api` or `operation`.
    pub scope: Option<String>,
    /// `Section`: `inbound`, `backend`, `outbound` or `on-error`.
    pub section: Option<String>,
    /// `Path`: `choose[1]/when[2]`-style path of the failing policy.
    pub path: Option<String>,
    /// `PolicyId`: the failing policy's `id` attribute.
    pub policy_id: Option<String>,
    /// The .NET exception behind an expression failure, if any (not part of APIM's type).
    pub exception: Option<Exception>,
}
