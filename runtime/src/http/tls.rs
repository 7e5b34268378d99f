//! The TLS configuration: which roots are trusted (the compiled-in Mozilla roots, the operating
//! system's store, or both) plus the CA bundle.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::CertificateDer;

use super::{HttpError, HttpErrorKind};

/// Which certificate authorities a client trusts, before the CA bundle (`AWS_CA_BUNDLE`) adds
/// its own.
///
/// botocore trusts certifi's Mozilla bundle; the default here is the same list compiled in
/// (`webpki-roots`). The operating system's store (where corporate CAs are installed) needs the
/// runtime's `native-roots` feature: without it, choosing it fails when the client is built.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrustRoots {
    /// Mozilla's roots, compiled in.
    #[default]
    Mozilla,
    /// The operating system's store only (`SSL_CERT_FILE` and `SSL_CERT_DIR` replace it when
    /// set, as in OpenSSL).
    System,
    /// Both.
    MozillaAndSystem,
}

/// rustls with ring, the chosen roots and the CA bundle's certificates.
pub(crate) fn tls_config(roots: TrustRoots, ca_bundle: Option<&Path>) -> Result<rustls::ClientConfig, HttpError> {
    use rustls::pki_types::pem::PemObject;

    let mut store = rustls::RootCertStore::empty();
    if matches!(roots, TrustRoots::Mozilla | TrustRoots::MozillaAndSystem) {
        store.roots = webpki_roots::TLS_SERVER_ROOTS.to_vec();
    }
    if matches!(roots, TrustRoots::System | TrustRoots::MozillaAndSystem) {
        let (added, _unparsable) = store.add_parsable_certificates(system_roots()?);
        if added == 0 {
            return Err(HttpError::new(
                HttpErrorKind::Tls,
                "the operating system's trust store holds no certificate rustls can use",
            ));
        }
    }
    if let Some(path) = ca_bundle {
        let shown = path.display();
        let bad_bundle = |what: String| HttpError::new(HttpErrorKind::Tls, format!("CA bundle {shown}: {what}"));
        let certs = CertificateDer::pem_file_iter(path)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|e| bad_bundle(format!("could not be read: {e}")))?;
        let (added, _unparsable) = store.add_parsable_certificates(certs);
        if added == 0 {
            return Err(bad_bundle("holds no usable PEM certificate".to_owned()));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| HttpError::new(HttpErrorKind::Tls, "no usable TLS protocol version").with_source(e))?
        .with_root_certificates(store)
        .with_no_client_auth();
    Ok(config)
}

/// The operating system's certificates, or why there are none.
#[cfg(feature = "native-roots")]
fn system_roots() -> Result<Vec<CertificateDer<'static>>, HttpError> {
    let found = rustls_native_certs::load_native_certs();
    if found.certs.is_empty() {
        let why = match found.errors.first() {
            Some(error) => format!(": {error}"),
            None => String::new(),
        };
        return Err(HttpError::new(
            HttpErrorKind::Tls,
            format!("the operating system's trust store could not be loaded or is empty{why}"),
        ));
    }
    // Certificates that failed to load next to ones that did are skipped, as OpenSSL skips them.
    Ok(found.certs)
}

#[cfg(not(feature = "native-roots"))]
fn system_roots() -> Result<Vec<CertificateDer<'static>>, HttpError> {
    Err(HttpError::new(
        HttpErrorKind::Tls,
        "trusting the operating system's certificates needs the `native-roots` feature of the tucuxi crate",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mozilla_roots_by_default() {
        assert_eq!(TrustRoots::default(), TrustRoots::Mozilla);
        assert!(tls_config(TrustRoots::Mozilla, None).is_ok());
    }

    #[cfg(not(feature = "native-roots"))]
    #[test]
    fn the_system_store_without_the_feature_is_a_clear_error() {
        for roots in [TrustRoots::System, TrustRoots::MozillaAndSystem] {
            let err = tls_config(roots, None).unwrap_err();
            assert_eq!(err.kind(), HttpErrorKind::Tls);
            assert!(err.to_string().contains("`native-roots` feature"), "{err}");
        }
    }
}
