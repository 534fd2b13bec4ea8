//! The seed conditions: the `condition` of every `<when>` in the seed policies
//! (tests/data/policies) that load, decoded by the crate's XML reader, without `@(` `)`.
//! Shared by `tests/allocation.rs` and the benches (included by path).
#![allow(dead_code)]

use std::path::Path;

use apim_policy::policy::Policy;
use apim_policy::xml::{Element, XmlLimits, parse_document};

fn collect(element: &Element, out: &mut Vec<String>) {
    if element.name == "when"
        && let Some(a) = element.attribute("condition")
    {
        let text = a.value.as_str().trim();
        if let Some(inner) = text.strip_prefix("@(").and_then(|t| t.strip_suffix(')')) {
            out.push(inner.to_owned());
        }
    }
    for child in element.child_elements() {
        collect(child, out);
    }
}

/// `(file name, policy text)` of every seed policy that loads, sorted by name.
pub fn seed_policies() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/policies");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .filter(|(_, text)| Policy::load(text).is_ok())
        .collect();
    out.sort();
    out
}

/// `(file name, condition)` for every `<when>` condition of every loading seed policy.
pub fn seed_conditions() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, text) in seed_policies() {
        let root = parse_document(&text, &XmlLimits::default()).unwrap();
        let mut conditions = Vec::new();
        collect(&root, &mut conditions);
        for c in conditions {
            out.push((name.clone(), c));
        }
    }
    out
}
