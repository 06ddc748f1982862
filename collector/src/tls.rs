//! The TLS client settings shared by every outgoing connection: SMTP `STARTTLS` and https
//! webhooks.
//!
//! rustls on the `ring` provider (no OpenSSL, no cmake) with Mozilla's roots compiled in, so
//! a bare container without a system certificate store still verifies public servers. An
//! owner with an internal CA adds it with a PEM file (`--smtp-ca-file`,
//! `--webhook-ca-file`). The file is read once, at start: a missing or broken file stops the
//! collector with one clear line instead of failing every delivery later.
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use tokio_rustls::rustls;

/// Why the TLS settings could not be built. Each names the flag and the file, because the
/// message is what the owner sees on stderr at start-up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The CA file could not be read, or its PEM is broken.
    #[error("{flag} {}: {reason}", path.display())]
    CaFileUnreadable {
        /// The flag that named the file, e.g. `--webhook-ca-file`.
        flag: &'static str,
        /// The file.
        path: PathBuf,
        /// What went wrong, from the PEM reader.
        reason: String,
    },
    /// The file holds no `CERTIFICATE` block (a key or an empty file given by mistake).
    #[error("{flag} {}: no PEM certificate in it", path.display())]
    NoCertificate {
        /// The flag that named the file.
        flag: &'static str,
        /// The file.
        path: PathBuf,
    },
    /// A certificate in the file is not one rustls can use as a trust anchor.
    #[error("{flag} {}: {reason}", path.display())]
    BadCertificate {
        /// The flag that named the file.
        flag: &'static str,
        /// The file.
        path: PathBuf,
        /// Why the certificate was refused.
        reason: String,
    },
    /// rustls refused the protocol set-up itself (not expected with the `ring` provider).
    #[error("TLS set-up: {0}")]
    Setup(String),
}

/// The client settings: Mozilla's roots plus the certificates in `ca_file`; `flag` is the
/// option that named the file, for the error message.
pub fn client_config(
    ca_file: Option<&Path>,
    flag: &'static str,
) -> Result<Arc<rustls::ClientConfig>, TlsError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_file {
        let unreadable = |reason: String| TlsError::CaFileUnreadable {
            flag,
            path: path.to_owned(),
            reason,
        };
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| unreadable(e.to_string()))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| unreadable(e.to_string()))?;
        if certs.is_empty() {
            return Err(TlsError::NoCertificate {
                flag,
                path: path.to_owned(),
            });
        }
        for cert in certs {
            roots.add(cert).map_err(|e| TlsError::BadCertificate {
                flag,
                path: path.to_owned(),
                reason: e.to_string(),
            })?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| TlsError::Setup(e.to_string()))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A self-contained directory for one test's files.
    fn scratch(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("allo-tls-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn mozilla_roots_without_a_file() {
        assert!(client_config(None, "--webhook-ca-file").is_ok());
    }

    #[test]
    fn bad_ca_files_name_the_flag_and_the_file() {
        let dir = scratch("bad");
        let missing = dir.join("missing.pem");
        let e = client_config(Some(&missing), "--webhook-ca-file").unwrap_err();
        assert!(matches!(e, TlsError::CaFileUnreadable { .. }), "{e:?}");
        let shown = e.to_string();
        assert!(
            shown.starts_with("--webhook-ca-file ") && shown.contains("missing.pem"),
            "{shown}"
        );

        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let e = client_config(Some(&empty), "--smtp-ca-file").unwrap_err();
        assert!(matches!(e, TlsError::NoCertificate { .. }), "{e:?}");
        assert!(e.to_string().contains("no PEM certificate"), "{e}");

        let garbage = dir.join("garbage.pem");
        std::fs::write(
            &garbage,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let e = client_config(Some(&garbage), "--webhook-ca-file").unwrap_err();
        assert!(matches!(e, TlsError::BadCertificate { .. }), "{e:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
