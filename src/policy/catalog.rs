//! APIM's policy catalog: every policy element name and the sections it may stand in
//! (spec `apim-policies.md` §2.6, from Microsoft's per-policy "Policy sections" lines).

/// A policy section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// `<inbound>`
    Inbound,
    /// `<backend>`
    Backend,
    /// `<outbound>`
    Outbound,
    /// `<on-error>`
    OnError,
}

impl Section {
    /// The element name, also `context.LastError.Section`.
    pub fn name(self) -> &'static str {
        match self {
            Section::Inbound => "inbound",
            Section::Backend => "backend",
            Section::Outbound => "outbound",
            Section::OnError => "on-error",
        }
    }

    /// The section an element name denotes.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "inbound" => Section::Inbound,
            "backend" => Section::Backend,
            "outbound" => Section::Outbound,
            "on-error" => Section::OnError,
            _ => return None,
        })
    }

    fn bit(self) -> u8 {
        match self {
            Section::Inbound => I,
            Section::Backend => B,
            Section::Outbound => O,
            Section::OnError => E,
        }
    }
}

const I: u8 = 1;
const B: u8 = 2;
const O: u8 = 4;
const E: u8 = 8;
const ALL: u8 = I | B | O | E;
/// GraphQL resolver policies: valid in no ordinary section.
const RESOLVER: u8 = 0;

const CATALOG: &[(&str, u8)] = &[
    ("base", ALL),
    ("cache-lookup-value", ALL),
    ("cache-store-value", ALL),
    ("cache-remove-value", ALL),
    ("choose", ALL),
    ("emit-metric", ALL),
    ("find-and-replace", ALL),
    ("include-fragment", ALL),
    ("limit-concurrency", ALL),
    ("log-to-eventhub", ALL),
    ("retry", ALL),
    ("return-response", ALL),
    ("send-request", ALL),
    ("send-one-way-request", ALL),
    ("set-header", ALL),
    ("set-status", ALL),
    ("set-variable", ALL),
    ("trace", ALL),
    ("authentication-basic", I),
    ("authentication-certificate", I),
    ("authentication-managed-identity", I),
    ("get-authorization-context", I),
    ("azure-openai-emit-token-metric", I),
    ("azure-openai-token-limit", I),
    ("azure-openai-semantic-cache-lookup", I),
    ("llm-emit-token-metric", I),
    ("llm-token-limit", I),
    ("llm-semantic-cache-lookup", I),
    ("validate-client-certificate", I),
    ("validate-jwt", I),
    ("validate-azure-ad-token", I),
    ("validate-graphql-request", I),
    ("validate-odata-request", I),
    ("validate-parameters", I),
    ("cache-lookup", I),
    ("check-header", I),
    ("cors", I),
    ("cross-domain", I),
    ("ip-filter", I),
    ("proxy", I),
    ("publish-to-dapr", I),
    ("quota", I),
    ("quota-by-key", I),
    ("rate-limit", I),
    ("rate-limit-by-key", I),
    ("rewrite-uri", I),
    ("forward-request", B),
    ("cache-store", O),
    ("jsonp", O),
    ("azure-openai-semantic-cache-store", O),
    ("llm-semantic-cache-store", O),
    ("set-body", I | B | O),
    ("wait", I | B | O),
    ("set-backend-service", I | B),
    ("set-query-parameter", I | B),
    ("invoke-dapr-binding", I | O | E),
    ("json-to-xml", I | O | E),
    ("xml-to-json", I | O | E),
    ("send-service-bus-message", I | O | E),
    ("validate-content", I | O | E),
    ("mock-response", I | O | E),
    ("llm-content-safety", I | O),
    ("redirect-content-urls", I | O),
    ("xsl-transform", I | O),
    ("set-method", I | E),
    ("validate-headers", O | E),
    ("validate-status-code", O | E),
    ("sql-data-source", RESOLVER),
    ("cosmosdb-data-source", RESOLVER),
    ("http-data-source", RESOLVER),
    ("publish-event", RESOLVER),
];

/// Whether `name` is an APIM policy, and if so, whether it may stand in `section`.
pub fn allowed_in(name: &str, section: Section) -> Option<bool> {
    CATALOG
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, sections)| sections & section.bit() != 0)
}

/// The sections `name` may stand in, for messages.
pub fn sections_of(name: &str) -> Vec<&'static str> {
    let Some((_, bits)) = CATALOG.iter().find(|(n, _)| *n == name) else {
        return Vec::new();
    };
    [
        Section::Inbound,
        Section::Backend,
        Section::Outbound,
        Section::OnError,
    ]
    .into_iter()
    .filter(|s| bits & s.bit() != 0)
    .map(Section::name)
    .collect()
}
