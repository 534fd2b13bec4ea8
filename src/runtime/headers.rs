//! HTTP headers as `set-header` changes them: names compare case-insensitively, order is kept,
//! and each `exists-action` does what APIM documents.

use crate::policy::ExistsAction;

/// An ordered, case-insensitive header map with multiple values per name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    entries: Vec<(String, Vec<String>)>,
}

impl Headers {
    /// The values of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// All headers in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v.as_slice()))
    }

    /// Whether there are no headers.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Applies a `set-header` with `action` and `values`.
    pub fn apply(&mut self, name: &str, action: ExistsAction, values: Vec<String>) {
        let existing = self
            .entries
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(name));
        match (action, existing) {
            (ExistsAction::Delete, Some(i)) => {
                self.entries.remove(i);
            }
            (ExistsAction::Delete, None) | (ExistsAction::Skip, Some(_)) => {}
            (ExistsAction::Append, Some(i)) => {
                if let Some((_, v)) = self.entries.get_mut(i) {
                    v.extend(values);
                }
            }
            (ExistsAction::Override, Some(i)) => {
                if let Some((_, v)) = self.entries.get_mut(i) {
                    *v = values;
                }
            }
            (ExistsAction::Override | ExistsAction::Skip | ExistsAction::Append, None) => {
                self.entries.push((name.to_owned(), values));
            }
        }
    }

    /// `{"Name": ["v1", "v2"], ...}`.
    pub fn to_json(&self) -> serde_json::Value {
        let map: serde_json::Map<String, serde_json::Value> = self
            .entries
            .iter()
            .map(|(n, v)| (n.clone(), serde_json::json!(v)))
            .collect();
        serde_json::Value::Object(map)
    }
}
