//! Facts about the matched API, operation, product, subscription and user (`context.Api`, ...),
//! supplied by the host once per configuration and shared.

/// `context.Api`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Api {
    /// `Id`.
    pub id: String,
    /// `Name`.
    pub name: String,
    /// `Path`.
    pub path: String,
    /// `Revision`.
    pub revision: String,
    /// `Version`.
    pub version: String,
    /// `IsCurrentRevision`.
    pub is_current_revision: bool,
    /// `ServiceUrl`: the backend base URL (`null` when not set).
    pub service_url: Option<super::Url>,
    /// `Protocols`: `http`, `https`, `ws`, `wss`.
    pub protocols: Vec<String>,
}

/// `context.Operation`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Operation {
    /// `Id`.
    pub id: String,
    /// `Method`.
    pub method: String,
    /// `Name`.
    pub name: String,
    /// `UrlTemplate`.
    pub url_template: String,
}

/// `context.Product`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Product {
    /// `Id`.
    pub id: String,
    /// `Name`.
    pub name: String,
    /// `ApprovalRequired`.
    pub approval_required: bool,
    /// `SubscriptionRequired`.
    pub subscription_required: bool,
}

/// `context.Subscription`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subscription {
    /// `Id`.
    pub id: String,
    /// `Key`.
    pub key: String,
    /// `Name`.
    pub name: String,
    /// `PrimaryKey`.
    pub primary_key: String,
    /// `SecondaryKey`.
    pub secondary_key: String,
    /// `CreatedDate` (`DateTime.MinValue` when not set).
    pub created_date: Option<crate::expr::value::DateTime>,
}

/// `context.User`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct User {
    /// `Id`.
    pub id: String,
    /// `Email`.
    pub email: String,
    /// `FirstName`.
    pub first_name: String,
    /// `LastName`.
    pub last_name: String,
    /// `Note`.
    pub note: String,
    /// `RegistrationDate` (`DateTime.MinValue` when not set).
    pub registration_date: Option<crate::expr::value::DateTime>,
}
