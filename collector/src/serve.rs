//! Accepting and keeping connections: our own accept loop over hyper's HTTP/1 server, so a
//! client cannot hold the collector's sockets (and file descriptors) forever.
//!
//! `axum::serve` has no timeouts at all: an idle socket, headers trickled a byte every two
//! seconds or a body trickled the same way were held for as long as the client liked, and a
//! handful of them exhausted a low file limit. Here every connection has
//!
//! - a **header-read timeout** ([`Timeouts::header_read`]): the request head must arrive
//!   whole within it, counted from the moment the connection waits for a request, so it is
//!   also the keep-alive idle time between two requests (hyper's `header_read_timeout`);
//! - a **body-read timeout** ([`Timeouts::body_read`]): the whole body, from the head on,
//!   or the read fails with [`BodyTimeout`] (the API answers 408);
//! - an **idle timeout** ([`Timeouts::idle`]): no byte read or written for that long and the
//!   connection is closed, whatever it was doing (a client that stops reading its answer);
//!
//! plus a cap on concurrent connections per client address (more are closed at once), and
//! an accept loop that survives running out of file descriptors: it backs off, and sheds
//! the connection waiting in the backlog (accept and close) with a descriptor kept in
//! reserve for that, so clients are told instead of hanging and the loop keeps accepting as
//! soon as descriptors free up.
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::{Body as HttpBody, Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// How long a client may take, per connection (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// The request head, whole, from the moment the connection waits for one.
    pub header_read: Duration,
    /// The request body, whole, from the moment its head was read.
    pub body_read: Duration,
    /// Without a byte read or written.
    pub idle: Duration,
}

/// The default timeouts: generous for a phone on a poor network (a submission is a few KB),
/// short enough that a client holding sockets open gains little.
pub const DEFAULT_TIMEOUTS: Timeouts = Timeouts {
    header_read: Duration::from_secs(10),
    body_read: Duration::from_secs(20),
    idle: Duration::from_secs(60),
};

/// Most connections open at once from one address by default (`--max-connections-per-ip`):
/// a browser opens six per host, a handful of tabs and a shared office address stay below.
pub const DEFAULT_PER_ADDRESS: usize = 32;

/// The connection limits the accept loop applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// The timeouts of each connection.
    pub timeouts: Timeouts,
    /// Most concurrent connections from one address; 0 means no cap.
    pub per_address: usize,
}

/// The body took longer than [`Timeouts::body_read`] to arrive.
#[derive(Debug, thiserror::Error)]
#[error("the request body was not received within {0:?}")]
pub struct BodyTimeout(pub Duration);

/// Serves `app` on `listener` until `shutdown` resolves, then stops accepting, lets every
/// connection finish its request in flight (idle ones close at once) and returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let counts = Arc::new(Mutex::new(HashMap::<IpAddr, usize>::new()));
    let mut reserve = Reserve::open();
    let mut backoff = Backoff::default();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => {
                    backoff.reset();
                    pair
                }
                Err(e) if is_connection_error(&e) => continue,
                Err(e) => {
                    if is_out_of_files(&e) {
                        reserve.shed(&listener);
                    }
                    backoff.wait(&e).await;
                    continue;
                }
            },
        };
        let ip = crate::ratelimit::canonical(peer.ip());
        let Some(slot) = Slot::take(&counts, ip, limits.per_address) else {
            tracing::debug!(%ip, "connection closed at once: too many from this address");
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let stopped = stopped.clone();
        tokio::spawn(async move {
            connection(stream, peer, app, limits.timeouts, stopped).await;
            drop(slot);
        });
    }
    drop(listener);
    let _ = stop.send(true);
    drop(stopped);
    // Resolves once every connection task dropped its receiver.
    stop.closed().await;
    Ok(())
}

/// One connection, from accept to close.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    timeouts: Timeouts,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    let started = Instant::now();
    let activity = Arc::new(AtomicU64::new(0));
    let io = TokioIo::new(Watched {
        inner: stream,
        started,
        activity: Arc::clone(&activity),
    });
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let mut app = app.clone();
        let (mut parts, body) = req.into_parts();
        parts.extensions.insert(ConnectInfo(peer));
        let body = axum::body::Body::new(Deadline::new(body, timeouts.body_read));
        let req = hyper::Request::from_parts(parts, body);
        async move { tower::Service::call(&mut app, req).await }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.header_read)
        .serve_connection(io, service);
    tokio::pin!(conn);
    let mut shutting_down = false;
    loop {
        let last = Duration::from_millis(activity.load(Ordering::Relaxed));
        let idle_at = tokio::time::Instant::from_std(started + last + timeouts.idle);
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                }
                return;
            }
            () = tokio::time::sleep_until(idle_at) => {
                let now = started.elapsed();
                let last = Duration::from_millis(activity.load(Ordering::Relaxed));
                if now.saturating_sub(last) >= timeouts.idle {
                    tracing::debug!(%peer, "connection closed: idle");
                    return;
                }
            }
            changed = stopped.changed(), if !shutting_down => {
                let _ = changed;
                shutting_down = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// A stream that notes when it last moved a byte, for the idle timeout.
struct Watched {
    inner: TcpStream,
    started: Instant,
    /// Milliseconds from `started` to the last byte read or written.
    activity: Arc<AtomicU64>,
}

impl Watched {
    fn touch(&self) {
        let ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.activity.store(ms, Ordering::Relaxed);
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.touch();
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// A request body that fails with [`BodyTimeout`] once its time is up.
struct Deadline<B> {
    inner: B,
    limit: Duration,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

impl<B> Deadline<B> {
    fn new(inner: B, limit: Duration) -> Deadline<B> {
        Deadline {
            inner,
            limit,
            sleep: Box::pin(tokio::time::sleep(limit)),
        }
    }
}

impl<B> HttpBody for Deadline<B>
where
    B: HttpBody + Unpin,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Data = B::Data;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, Self::Error>>> {
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(frame) => Poll::Ready(frame.map(|f| f.map_err(Into::into))),
            Poll::Pending => match self.sleep.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimeout(self.limit))))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// True when `error` (or what caused it) is a [`BodyTimeout`].
pub fn is_body_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<BodyTimeout>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// One address's share of the per-address cap, given back on drop.
struct Slot {
    counts: Arc<Mutex<HashMap<IpAddr, usize>>>,
    ip: IpAddr,
}

impl Slot {
    /// A slot for `ip`, or `None` when it already has `cap` connections (0: no cap).
    fn take(counts: &Arc<Mutex<HashMap<IpAddr, usize>>>, ip: IpAddr, cap: usize) -> Option<Slot> {
        let mut map = counts.lock().unwrap_or_else(|p| p.into_inner());
        let n = map.entry(ip).or_insert(0);
        if cap > 0 && *n >= cap {
            return None;
        }
        *n += 1;
        Some(Slot {
            counts: Arc::clone(counts),
            ip,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// A file descriptor kept for the moment there is none left: freeing it lets the loop
/// accept one waiting connection and close it at once.
struct Reserve(Option<std::fs::File>);

impl Reserve {
    fn open() -> Reserve {
        Reserve(std::fs::File::open("/dev/null").ok())
    }

    /// Accepts and closes one connection waiting in the backlog, if any.
    fn shed(&mut self, listener: &TcpListener) {
        self.0 = None;
        let mut cx = Context::from_waker(futures_util::task::noop_waker_ref());
        if let Poll::Ready(Ok((stream, peer))) = listener.poll_accept(&mut cx) {
            tracing::debug!(%peer, "connection shed: no file descriptor left");
            drop(stream);
        }
        *self = Reserve::open();
    }
}

/// The wait after an accept failure: 10 ms, doubling up to 1 s, logged at most once a
/// second (the loop may fail thousands of times while the file limit is reached).
#[derive(Default)]
struct Backoff {
    delay: Duration,
    logged: Option<Instant>,
}

impl Backoff {
    const FIRST: Duration = Duration::from_millis(10);
    const MAX: Duration = Duration::from_secs(1);

    fn reset(&mut self) {
        self.delay = Duration::ZERO;
    }

    async fn wait(&mut self, error: &io::Error) {
        self.delay = (self.delay * 2).clamp(Self::FIRST, Self::MAX);
        if self
            .logged
            .is_none_or(|at| at.elapsed() >= Duration::from_secs(1))
        {
            tracing::warn!(%error, retry_in = ?self.delay, "accept failed; still accepting");
            self.logged = Some(Instant::now());
        }
        tokio::time::sleep(self.delay).await;
    }
}

/// Errors about one connection, not about the listener (the next accept may well work).
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// EMFILE or ENFILE: no file descriptor for the process or the system.
fn is_out_of_files(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(23 | 24))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_cap_each_address() {
        let counts = Arc::new(Mutex::new(HashMap::new()));
        let a: IpAddr = [192, 0, 2, 1].into();
        let b: IpAddr = [192, 0, 2, 2].into();
        let first = Slot::take(&counts, a, 2).unwrap();
        let _second = Slot::take(&counts, a, 2).unwrap();
        assert!(Slot::take(&counts, a, 2).is_none());
        assert!(
            Slot::take(&counts, b, 2).is_some(),
            "another address has its own"
        );
        drop(first);
        assert!(Slot::take(&counts, a, 2).is_some(), "given back on close");
        assert!((0..100).all(|_| Slot::take(&counts, a, 0).map(std::mem::forget).is_some()));
    }

    #[test]
    fn body_timeouts_are_found_in_the_chain() {
        #[derive(Debug, thiserror::Error)]
        #[error("wrapped")]
        struct Wrapper(#[source] BodyTimeout);
        let e = Wrapper(BodyTimeout(Duration::from_secs(1)));
        assert!(is_body_timeout(&e));
        assert!(!is_body_timeout(&io::Error::other("no")));
    }
}
