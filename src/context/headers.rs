//! HTTP headers as APIM exposes them (`IReadOnlyDictionary<string, string[]>`): names compare
//! case-insensitively, insertion order is kept, and a name holds one or more values.

/// An ordered, case-insensitive header map with multiple values per name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    entries: Vec<(String, Vec<String>)>,
}

impl Headers {
    /// No headers.
    pub fn new() -> Self {
        Self::default()
    }

    /// The values of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// Whether `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// `GetValueOrDefault(name, default)`: the values joined with `,`, or `default`.
    pub fn joined(&self, name: &str) -> Option<String> {
        self.get(name).map(|v| v.join(","))
    }

    /// All headers in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v.as_slice()))
    }

    /// How many names.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no headers.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Replaces the values of `name` (adding it at the end when absent).
    pub fn set(&mut self, name: &str, values: Vec<String>) {
        match self
            .entries
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some((_, v)) => *v = values,
            None => self.entries.push((name.to_owned(), values)),
        }
    }

    /// Adds values to `name` (adding it at the end when absent).
    pub fn append(&mut self, name: &str, values: Vec<String>) {
        match self
            .entries
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some((_, v)) => v.extend(values),
            None => self.entries.push((name.to_owned(), values)),
        }
    }

    /// Removes `name`.
    pub fn remove(&mut self, name: &str) {
        self.entries.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
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

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Headers {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        let mut headers = Headers::new();
        for (name, value) in iter {
            headers.append(&name.into(), vec![value.into()]);
        }
        headers
    }
}
