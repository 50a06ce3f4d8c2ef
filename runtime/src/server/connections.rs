//! Accepting and keeping connections: the cap, the header and idle
//! timeouts, and a graceful stop.

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

use super::Handler;

/// Connection-level limits.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// Time a client has to send a request's headers, counted from when the
    /// server starts waiting for them; also closes keep-alive connections
    /// unused this long.
    pub header_timeout: Duration,
    /// Time a connection may go without a byte read or written while a
    /// request is under way (a stalled upload or download).
    pub idle_timeout: Duration,
    /// Connections served at once; more wait in the listen backlog.
    pub max_connections: u32,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
        }
    }
}

/// Serves `handler` on `listener` until `shutdown` completes, then stops
/// accepting, lets every open connection finish the request it is on, and
/// returns.
///
/// A loop of our own, not a framework's: `axum::serve`, for one, leaves
/// hyper without a timer, so there is no header-read timeout, and it has no
/// connection cap; a client that sends half a request line would hold a
/// connection and its task forever.
pub async fn serve<H: Handler>(
    listener: TcpListener,
    handler: Arc<H>,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections as usize));
    let (stopping, stop_signal) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    loop {
        // The slot is taken before accepting so that, at the cap, further
        // clients wait in the kernel's backlog instead of costing a task
        // and buffers here.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot,
            () = &mut shutdown => break,
        };
        let Ok(slot) = slot else { break };
        let stream = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match stream {
            Ok(accepted) => accepted,
            Err(error) => {
                accept_failed(error).await;
                continue;
            }
        };
        // Responses are small and written whole; Nagle would only delay them.
        let _ = stream.set_nodelay(true);
        let io = TokioIo::new(IdleTimeout::new(stream, limits.idle_timeout));
        let handler = handler.clone();
        let service = hyper::service::service_fn(move |request| {
            let handler = handler.clone();
            async move { Ok::<_, std::convert::Infallible>(handler.handle(peer, request).await) }
        });
        let connection = http.serve_connection(io, service);
        let mut stop_signal = stop_signal.clone();
        tokio::spawn(async move {
            let mut connection = pin!(connection);
            let stop = async move {
                let _ = stop_signal.wait_for(|stop| *stop).await;
            };
            tokio::select! {
                _ = connection.as_mut() => {}
                () = stop => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
            drop(slot);
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    // Each connection holds its slot until it ends: getting all of them
    // back means every connection has finished.
    let _ = slots.acquire_many(limits.max_connections).await;
}

/// What hyper 0.14's server did: errors about one connection are that
/// client's problem; others (out of file descriptors) may pass, so wait a
/// moment rather than spin.
async fn accept_failed(error: std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "accept failed");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// A connection that fails with `TimedOut` once it has waited `limit`
/// without reading or writing a byte. hyper's header timeout covers a
/// request's head and the wait between requests; this covers the rest of a
/// request, a body upload or a response download that stalls.
struct IdleTimeout<T> {
    io: T,
    limit: Duration,
    /// When a byte last moved. Progress only notes the time; the timer is
    /// moved when it fires early, so a busy connection does not touch the
    /// timer wheel on every read and write.
    last_progress: tokio::time::Instant,
    // Boxed so the wrapper stays `Unpin`, which hyper requires of its IO.
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl<T: Unpin> IdleTimeout<T> {
    fn new(io: T, limit: Duration) -> Self {
        Self {
            io,
            limit,
            last_progress: tokio::time::Instant::now(),
            deadline: Box::pin(tokio::time::sleep(limit)),
        }
    }

    /// Notes progress; reports a timeout when the connection is waiting and
    /// nothing has moved for `limit`.
    fn watch<R>(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        poll: impl FnOnce(Pin<&mut T>, &mut Context<'_>) -> Poll<std::io::Result<R>>,
    ) -> Poll<std::io::Result<R>> {
        let this = self.get_mut();
        match poll(Pin::new(&mut this.io), cx) {
            Poll::Ready(result) => {
                this.last_progress = tokio::time::Instant::now();
                Poll::Ready(result)
            }
            Poll::Pending => loop {
                match this.deadline.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(()) => {
                        let due = this.last_progress + this.limit;
                        if due <= tokio::time::Instant::now() {
                            return Poll::Ready(Err(std::io::ErrorKind::TimedOut.into()));
                        }
                        // Fired for an older wait: wait out the rest of this one.
                        this.deadline.as_mut().reset(due);
                    }
                }
            },
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for IdleTimeout<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        self.watch(cx, |io, cx| io.poll_read(cx, buf))
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for IdleTimeout<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.watch(cx, |io, cx| io.poll_write(cx, buf))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.watch(cx, |io, cx| io.poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.watch(cx, |io, cx| io.poll_shutdown(cx))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        self.watch(cx, |io, cx| io.poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}
