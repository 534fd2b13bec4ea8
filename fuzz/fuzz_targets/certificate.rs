//! Bytes → `Certificate::load` (both name styles) and every accessor, `Verify()` against the
//! test PKI, the certificate as an uploaded root, and `Crl::load` with its accessors.
#![no_main]

#[path = "common.rs"]
mod common;

use std::sync::{Arc, OnceLock};

use apim_policy::cert::certificate::{Certificate, X509NameType};
use apim_policy::cert::issuer::is_issued_by;
use apim_policy::cert::name::{NameFlags, NameStyle};
use apim_policy::cert::store::{Crl, TrustStore};
use apim_policy::cert::verify::RevocationMode;
use apim_policy::context::{Deployment, EvaluationTime};
use libfuzzer_sys::fuzz_target;

fn fixtures() -> &'static (Arc<Deployment>, Vec<Arc<Certificate>>) {
    static F: OnceLock<(Arc<Deployment>, Vec<Arc<Certificate>>)> = OnceLock::new();
    F.get_or_init(|| {
        (
            common::deployment(1),
            vec![common::root(), common::intermediate(), common::good()],
        )
    })
}

const FLAGS: [u32; 5] = [0, 0x1, 0x10 | 0x1, 0x100, 0x40 | 0x20 | 0x80];

fn exercise(cert: &Certificate) {
    let (deployment, cas) = fixtures();
    let _ = (
        cert.style(),
        cert.der().len(),
        cert.subject(),
        cert.issuer(),
    );
    let _ = (cert.subject_name_der(), cert.issuer_name_der());
    for dn in [cert.subject_dn(), cert.issuer_dn()].into_iter().flatten() {
        for bits in FLAGS {
            if let Ok(flags) = NameFlags::from_bits(bits) {
                let _ = dn.format(flags, NameStyle::Windows);
                let _ = dn.format(flags, NameStyle::Linux);
            }
        }
        let _ = dn.name(cert.style());
        let _ = dn.equivalent(dn);
        let _ = dn.attributes().count();
        let _ = dn.text_values("2.5.4.3").count();
    }
    let _ = (
        cert.thumbprint(),
        cert.thumbprint_bytes(),
        cert.serial_number(),
    );
    let _ = (
        cert.serial_number_bytes(),
        cert.not_before(),
        cert.not_after(),
    );
    let _ = (cert.version(), cert.signature_algorithm_oid());
    let _ = cert.signature_algorithm_friendly_name();
    let _ = (cert.public_key_oid(), cert.public_key_friendly_name());
    let _ = (cert.public_key_parameters(), cert.public_key());
    let _ = (
        cert.extensions().len(),
        cert.dns_names(),
        cert.common_names(),
    );
    for t in X509NameType::ALL {
        let _ = cert.get_name_info(t, false);
        let _ = cert.get_name_info(t, true);
    }
    let at = EvaluationTime::from_unix_seconds(common::AT);
    for mode in [RevocationMode::Online, RevocationMode::NoCheck] {
        let _ = deployment.verify(cert, at, mode);
    }
    for ca in cas {
        let _ = is_issued_by(cert, ca);
        let _ = is_issued_by(ca, cert);
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(certs) = Certificate::load(data) {
        for cert in &certs {
            exercise(cert);
            // The certificate uploaded as a root and as an intermediate, then verified.
            if let Ok(store) = TrustStore::builder()
                .add_root(cert.der())
                .add_intermediate(cert.der())
                .cache_capacity(0)
                .build()
            {
                for mode in [RevocationMode::Online, RevocationMode::NoCheck] {
                    let _ = store.verify(cert.der(), cert.thumbprint_bytes(), common::AT, mode);
                    let good = &fixtures().1[2];
                    let _ = store.verify(good.der(), good.thumbprint_bytes(), common::AT, mode);
                }
            }
        }
    }
    if let Ok(certs) = Certificate::load_with_style(data, NameStyle::Linux) {
        for cert in &certs {
            exercise(cert);
        }
    }
    if let Ok(crls) = Crl::load(data) {
        for crl in &crls {
            let _ = (crl.this_update(), crl.next_update(), crl.issuer());
            let _ = crl.is_current(common::AT);
        }
        // CRLs uploaded with the main chain, then the good leaf verified.
        let (_, cas) = fixtures();
        if let Ok(store) = TrustStore::builder()
            .add_root(cas[0].der())
            .add_intermediate(cas[1].der())
            .add_crls(crls)
            .cache_capacity(0)
            .build()
        {
            let good = &cas[2];
            let _ = store.verify(
                good.der(),
                good.thumbprint_bytes(),
                common::AT,
                RevocationMode::Online,
            );
        }
    }
});
