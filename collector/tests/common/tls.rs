//! TLS for the tests: a throwaway CA made with the `openssl` command, and a real https
//! webhook receiver (rustls, the same library the collector uses as a client, on the server
//! side) that records what it got and every handshake it refused.
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls;

use super::{serve_request, Delivery, TempDir};

/// A throwaway CA and a certificate it signed for `localhost` and `127.0.0.1`, made with the
/// `openssl` command: `(dir, ca.pem, leaf.pem, leaf.key)`.
pub fn test_certificates() -> (TempDir, PathBuf, PathBuf, PathBuf) {
    let dir = TempDir::new("tls");
    let d = dir.path();
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(d)
            .output()
            .expect("the openssl command is needed for the TLS tests");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    run(&[
        &["req", "-x509"][..],
        &ec,
        &[
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Allo test CA",
        ],
    ]
    .concat());
    run(&[
        &["req"][..],
        &ec,
        &[
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=localhost",
        ],
    ]
    .concat());
    std::fs::write(
        d.join("leaf.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "leaf.pem",
        "-days",
        "2",
        "-extfile",
        "leaf.ext",
    ]);
    let (ca, cert, key) = (d.join("ca.pem"), d.join("leaf.pem"), d.join("leaf.key"));
    (dir, ca, cert, key)
}

/// An https webhook receiver on 127.0.0.1 serving `cert`: answers every request 200 and
/// records it; a client that gives up during the handshake (an untrusted certificate) is
/// recorded in `refused` with rustls's reason. Stops on drop.
pub struct TlsReceiver {
    pub addr: SocketAddr,
    deliveries: Arc<Mutex<Vec<Delivery>>>,
    refused: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl TlsReceiver {
    pub fn start(cert: &Path, key: &Path) -> TlsReceiver {
        let chain = CertificateDer::pem_file_iter(cert)
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let key = PrivateKeyDer::from_pem_file(key).unwrap();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let deliveries = Arc::new(Mutex::new(Vec::new()));
        let refused = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (d, r, s) = (
            Arc::clone(&deliveries),
            Arc::clone(&refused),
            Arc::clone(&stop),
        );
        std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((tcp, _)) => match serve_tls(&config, tcp) {
                        Ok(Some(delivery)) => d.lock().unwrap().push(delivery),
                        Ok(None) => {}
                        Err(reason) => r.lock().unwrap().push(reason),
                    },
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        TlsReceiver {
            addr,
            deliveries,
            refused,
            stop,
        }
    }

    /// The webhook URL, by name (`localhost`), as the certificate says.
    pub fn url(&self) -> String {
        format!("https://localhost:{}/hook", self.addr.port())
    }

    pub fn received(&self) -> Vec<Delivery> {
        self.deliveries.lock().unwrap().clone()
    }

    /// Why each refused connection failed its handshake, in order.
    pub fn refused(&self) -> Vec<String> {
        self.refused.lock().unwrap().clone()
    }
}

impl Drop for TlsReceiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// One connection: the handshake (its failure is the `Err`), then one request.
fn serve_tls(
    config: &Arc<rustls::ServerConfig>,
    mut tcp: TcpStream,
) -> Result<Option<Delivery>, String> {
    tcp.set_nonblocking(false).map_err(|e| e.to_string())?;
    tcp.set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    let mut conn = rustls::ServerConnection::new(Arc::clone(config)).map_err(|e| e.to_string())?;
    while conn.is_handshaking() {
        conn.complete_io(&mut tcp).map_err(|e| e.to_string())?;
    }
    let server_name = conn.server_name().map(str::to_owned);
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    let delivery = serve_request(&mut tls).map(|d| Delivery {
        tls_server_name: server_name,
        ..d
    });
    tls.conn.send_close_notify();
    let _ = tls.conn.complete_io(&mut tls.sock);
    Ok(delivery)
}
