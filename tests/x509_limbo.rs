//! x509-limbo conformance runner for `cert::verify::verify_general`.
//!
//! Runs every case of tests/data/x509-limbo/limbo.json.gz (see the README there) and classifies
//! it as *pass* (our answer equals the expected one), *known divergence* (listed with a reason
//! in tests/data/x509-limbo/divergences.txt) or *unexpected*. The test fails only on unexpected
//! cases; ledger entries that now pass are reported (so the ledger can be tightened) but do not
//! fail it.
//!
//! Each case's inputs map onto the verifier as follows: trusted certs → roots (those webpki
//! cannot use as anchors are dropped), untrusted intermediates → extra intermediates, CRLs →
//! [`RevocationMode::Online`] (no CRLs → no revocation check), `validation_time` → `at` (null →
//! 2026-06-29T00:00:00Z, inside the validity of every such case), the case's EKU (or serverAuth /
//! clientAuth by `validation_kind`) → required-if-present EKU, `expected_peer_name` (DNS or IP)
//! → subject-name check, `max_chain_depth` → maximum number of intermediates (self-issued ones
//! not counted, as RFC 5280 counts path length), CRLs → `ExcludeRoot` scope (.NET's default).
//!
//! `divergences.txt` says for each listed case what .NET (OpenSSL 3 with .NET's flags) does;
//! `openssl-verify.py` next to it reproduces the OpenSSL evidence.
//!
//! Two modes. The main pass sets `skip_cn_name_constraints` (name constraints apply to the SAN
//! and subject DN only, the RFC 5280 / webpki reading) and is compared against
//! `divergences.txt`. Then every case the main pass accepted and whose CA certificates carry
//! nameConstraints is rerun in .NET mode (the `verify_chain` default: OpenSSL's
//! `NAME_CONSTRAINTS_check_CN` also constrains a host-like CN of a leaf without SAN dNSName);
//! every case that mode rejects must be listed in `divergences-dotnet-cn.txt`.
//!
//! Set `LIMBO_WRITE_UNEXPECTED=path` to write the unexpected cases in ledger format.

use std::collections::BTreeMap;
use std::io::Read;

use apim_policy::cert::store::{Crl, TrustStore};
use apim_policy::cert::verify::{
    GeneralOptions, RevocationMode, RevocationScope, VerifyError, verify_general,
};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use serde_json::Value;

const SERVER_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
const CLIENT_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];
/// Used when a case has no validation time: 2026-06-29T00:00:00Z.
const DEFAULT_TIME: i64 = 1_782_691_200;

fn data(name: &str) -> String {
    format!(
        "{}/tests/data/x509-limbo/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn pem_der(pem: &str) -> Option<Vec<u8>> {
    CertificateDer::from_pem_slice(pem.as_bytes())
        .ok()
        .map(|c| c.as_ref().to_vec())
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Runs one case; `Ok` means the chain was accepted (limbo's SUCCESS). `skip_cn` is
/// [`GeneralOptions::skip_cn_name_constraints`].
fn run(tc: &Value, skip_cn: bool) -> Result<(), String> {
    let mut builder = TrustStore::builder().cache_capacity(0);
    for pem in strings(&tc["trusted_certs"]) {
        let Some(der) = pem_der(pem) else { continue };
        if TrustStore::builder().add_root(&der).build().is_ok() {
            builder = builder.add_root(&der);
        }
    }
    let crl_pems = strings(&tc["crls"]);
    for pem in &crl_pems {
        if let Ok(crls) = Crl::load(pem.as_bytes()) {
            builder = builder.add_crls(crls);
        }
    }
    let store = builder.build().map_err(|e| format!("store: {e}"))?;
    let leaf = pem_der(tc["peer_certificate"].as_str().unwrap_or_default())
        .ok_or_else(|| "peer certificate is not PEM".to_string())?;
    let intermediates: Vec<Vec<u8>> = strings(&tc["untrusted_intermediates"])
        .into_iter()
        .filter_map(pem_der)
        .collect();
    let intermediate_refs: Vec<&[u8]> = intermediates.iter().map(Vec::as_slice).collect();
    let at = match tc["validation_time"].as_str() {
        Some(s) => time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
            .map_err(|e| format!("validation_time {s}: {e}"))?
            .unix_timestamp(),
        None => DEFAULT_TIME,
    };
    let ekus = strings(&tc["extended_key_usage"]);
    let client = ekus.contains(&"clientAuth")
        || (!ekus.contains(&"serverAuth") && tc["validation_kind"] == "CLIENT");
    let required_eku = if client { CLIENT_AUTH } else { SERVER_AUTH };
    let name = match tc["expected_peer_name"]["kind"].as_str() {
        Some("DNS") | Some("IP") => tc["expected_peer_name"]["value"].as_str(),
        _ => None,
    };
    let options = GeneralOptions {
        at,
        extra_intermediates: &intermediate_refs,
        revocation: (!crl_pems.is_empty()).then_some(RevocationMode::Online),
        required_eku: Some(required_eku),
        eku_must_be_present: false,
        subject_name: name,
        max_intermediates: tc["max_chain_depth"]
            .as_u64()
            .and_then(|d| usize::try_from(d).ok()),
        revocation_scope: RevocationScope::ExcludeRoot,
        skip_cn_name_constraints: skip_cn,
    };
    verify_general(&leaf, &store, &options).map_err(|e: VerifyError| format!("{e:?}"))
}

/// Whether some CA certificate of the case carries a nameConstraints extension (OID 2.5.29.30
/// in its DER), the only cases the CN check can change.
fn has_name_constraints(tc: &Value) -> bool {
    const NC_OID: &[u8] = &[0x06, 0x03, 0x55, 0x1d, 0x1e];
    strings(&tc["trusted_certs"])
        .into_iter()
        .chain(strings(&tc["untrusted_intermediates"]))
        .filter_map(pem_der)
        .any(|der| der.windows(NC_OID.len()).any(|w| w == NC_OID))
}

fn load_ledger(name: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(data(name)).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (id, reason) = l.split_once('\t').unwrap_or((l, ""));
            (id.trim().to_string(), reason.trim().to_string())
        })
        .collect()
}

#[test]
fn x509_limbo() {
    let mut gz = flate2::read::GzDecoder::new(std::fs::File::open(data("limbo.json.gz")).unwrap());
    let mut json = String::new();
    gz.read_to_string(&mut json).unwrap();
    let suite: Value = serde_json::from_str(&json).unwrap();
    let cases = suite["testcases"].as_array().unwrap();
    assert!(cases.len() > 9000, "suite has only {} cases", cases.len());
    let ledger = load_ledger("divergences.txt");
    let dotnet_ledger = load_ledger("divergences-dotnet-cn.txt");

    let (mut pass, mut known, mut dotnet_known) = (0usize, 0usize, 0usize);
    let mut dotnet_runs = 0usize;
    let started = std::time::Instant::now();
    let mut unexpected = Vec::new();
    let mut stale = Vec::new();
    for tc in cases {
        let id = tc["id"].as_str().unwrap();
        let expected_success = tc["expected_result"] == "SUCCESS";
        let result = run(tc, true);
        // .NET mode: the same with the CN name-constraint check (the verify_chain default). It
        // can only turn an acceptance into a rejection, and only under name constraints.
        if result.is_ok() && has_name_constraints(tc) {
            dotnet_runs += 1;
            let dotnet = run(tc, false);
            match (dotnet.is_ok(), dotnet_ledger.contains_key(id)) {
                (true, false) => {}
                (true, true) => stale.push(format!("{id} (divergences-dotnet-cn.txt)")),
                (false, true) => dotnet_known += 1,
                (false, false) => unexpected.push(format!(
                    "{id}\t.NET mode (CN name constraints) differs: {}",
                    dotnet.err().unwrap_or_default()
                )),
            }
        } else if dotnet_ledger.contains_key(id) {
            stale.push(format!("{id} (divergences-dotnet-cn.txt)"));
        }
        let matches = result.is_ok() == expected_success;
        match (matches, ledger.contains_key(id)) {
            (true, false) => pass += 1,
            (true, true) => {
                pass += 1;
                stale.push(id.to_string());
            }
            (false, true) => known += 1,
            (false, false) => unexpected.push(format!(
                "{id}\texpected {} got {}",
                tc["expected_result"].as_str().unwrap_or("?"),
                match &result {
                    Ok(()) => "SUCCESS".to_string(),
                    Err(e) => format!("FAILURE ({e})"),
                }
            )),
        }
    }
    eprintln!(
        "x509-limbo: {} cases: {pass} pass, {known} known divergences, {} unexpected, {} ledger entries now pass; .NET mode: {dotnet_runs} reruns, {dotnet_known} known CN name-constraint divergences; {:.1} s",
        cases.len(),
        unexpected.len(),
        stale.len(),
        started.elapsed().as_secs_f64()
    );
    for id in &stale {
        eprintln!("ledger entry now passes: {id}");
    }
    if let Ok(path) = std::env::var("LIMBO_WRITE_UNEXPECTED") {
        std::fs::write(path, unexpected.join("\n") + "\n").unwrap();
    }
    let unknown_ids: Vec<&String> = ledger
        .keys()
        .chain(dotnet_ledger.keys())
        .filter(|id| !cases.iter().any(|tc| tc["id"] == id.as_str()))
        .collect();
    assert!(
        unknown_ids.is_empty(),
        "ledger ids not in the suite: {unknown_ids:?}"
    );
    assert!(
        unexpected.is_empty(),
        "{} unexpected results:\n{}",
        unexpected.len(),
        unexpected
            .iter()
            .take(100)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
