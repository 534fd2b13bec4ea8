//! Named values: `{{name}}` placeholders replaced by their values before a policy is parsed,
//! as APIM does, with a map from the substituted text back to the original so every error
//! still points at the text the user wrote.

use std::collections::HashMap;

/// A replaced placeholder: where it stands in the substituted and in the original text.
#[derive(Debug, Clone, Copy)]
struct Replacement {
    substituted_start: usize,
    substituted_len: usize,
    original_start: usize,
    original_len: usize,
}

/// A text after named-value substitution.
#[derive(Debug, Clone)]
pub(crate) struct Substituted {
    /// The text with every `{{name}}` replaced.
    pub text: String,
    replacements: Vec<Replacement>,
}

impl Substituted {
    /// The text unchanged (no placeholders).
    pub(crate) fn unchanged(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            replacements: Vec::new(),
        }
    }

    /// The offset in the original text of byte `offset` of the substituted text. A byte inside
    /// a substituted value maps to the start of its `{{name}}`.
    pub(crate) fn original_offset(&self, offset: usize) -> usize {
        let mut shift: isize = 0;
        for r in &self.replacements {
            if offset < r.substituted_start {
                break;
            }
            if offset < r.substituted_start + r.substituted_len {
                return r.original_start;
            }
            shift += r.original_len as isize - r.substituted_len as isize;
        }
        offset.saturating_add_signed(shift)
    }
}

/// Whether `name` is a valid named-value name (letters, digits, `.`, `-`, `_`).
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// Replaces every `{{name}}` in `text`. Errors: `(offset, name)` of each placeholder whose
/// name has no value.
pub(crate) fn substitute(
    text: &str,
    values: &HashMap<String, String>,
) -> Result<Substituted, Vec<(usize, String)>> {
    let mut out = String::with_capacity(text.len());
    let mut replacements = Vec::new();
    let mut missing = Vec::new();
    let mut rest = text;
    let mut consumed = 0usize;
    while let Some(open) = rest.find("{{") {
        let after = rest.get(open + 2..).unwrap_or("");
        let Some(close) = after.find("}}") else {
            break;
        };
        let name = after.get(..close).unwrap_or("");
        let start = consumed + open;
        let whole = close + 4;
        if !valid_name(name) {
            // Not a placeholder (`{{` in code): keep the first brace and move on.
            out.push_str(rest.get(..open + 1).unwrap_or(""));
            rest = rest.get(open + 1..).unwrap_or("");
            consumed += open + 1;
            continue;
        }
        out.push_str(rest.get(..open).unwrap_or(""));
        match values.get(name) {
            Some(value) => {
                replacements.push(Replacement {
                    substituted_start: out.len(),
                    substituted_len: value.len(),
                    original_start: start,
                    original_len: whole,
                });
                out.push_str(value);
            }
            None => {
                missing.push((start, name.to_owned()));
                out.push_str(rest.get(open..open + whole).unwrap_or(""));
            }
        }
        rest = rest.get(open + whole..).unwrap_or("");
        consumed += open + whole;
    }
    out.push_str(rest);
    if missing.is_empty() {
        Ok(Substituted {
            text: out,
            replacements,
        })
    } else {
        Err(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitutes_and_maps_offsets_back() {
        let values = HashMap::from([
            ("a".to_owned(), "XYZW".to_owned()),
            ("b-2".to_owned(), String::new()),
        ]);
        let s = substitute("1{{a}}2{{b-2}}3", &values).unwrap();
        assert_eq!(s.text, "1XYZW23");
        assert_eq!(s.original_offset(0), 0);
        assert_eq!(s.original_offset(2), 1); // inside the value
        assert_eq!(s.original_offset(5), 6); // the '2'
        assert_eq!(s.original_offset(6), 14); // the '3'
        assert_eq!(
            substitute("{{missing}} {{a}}", &values).unwrap_err(),
            vec![(0, "missing".to_owned())]
        );
        assert_eq!(
            substitute("$\"{{ x }}\"", &values).unwrap().text,
            "$\"{{ x }}\""
        );
    }
}
