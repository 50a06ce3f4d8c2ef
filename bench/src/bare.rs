//! The bare server: hyper's HTTP/1 server on tokio's multi-thread runtime
//! (as ssm-server's axum uses), reading each request body and answering with
//! one fixed small JSON body. No routing, no parsing, no logging: what is
//! left is the cost of the transport on this machine.
//!
//! With `--rest-json` it answers what the Bookshelf example answers to the
//! restJson1 benchmark's GetBook (`crate::rest_json`), header for header in
//! the same order (`X-Amzn-RequestId` a fixed id of the same length), and
//! sets TCP_NODELAY as the runtime's `serve` does.

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE, ETAG};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// About the size of a CreateMaintenanceWindow answer.
pub const BODY: &[u8] = br#"{"WindowId":"mw-0123456789abcdef0"}"#;

/// What the bare server answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// [`BODY`] as awsJson 1.1.
    AwsJson,
    /// The Bookshelf's GetBook answer (`crate::rest_json::BOOK_BODY`).
    RestJson,
}

pub async fn serve(listen: SocketAddr, kind: Answer) -> Result<(), String> {
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    eprintln!("listening on http://{addr}");
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                eprintln!("accept failed: {e}");
                continue;
            }
        };
        // awsJson: like axum::serve's defaults, TCP_NODELAY is not set (the
        // figures of issue 3 on were measured so); restJson1: as the
        // runtime's `serve`, which sets it.
        if kind == Answer::RestJson {
            let _ = stream.set_nodelay(true);
        }
        tokio::spawn(async move {
            let service = service_fn(move |request| answer(request, kind));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");

async fn answer(
    request: Request<Incoming>,
    kind: Answer,
) -> Result<Response<Full<Bytes>>, Infallible> {
    // Read the body as a real server must.
    let _ = request.into_body().collect().await;
    let response = match kind {
        Answer::AwsJson => {
            let mut response = Response::new(Full::new(Bytes::from_static(BODY)));
            response.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-amz-json-1.1"),
            );
            response
        }
        Answer::RestJson => {
            let body = Bytes::from_static(crate::rest_json::BOOK_BODY.as_bytes());
            let mut response = Response::new(Full::new(body));
            let headers = response.headers_mut();
            headers.insert(ETAG, HeaderValue::from_static(crate::rest_json::BOOK_ETAG));
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            headers.insert(
                REQUEST_ID,
                HeaderValue::from_static("00000000-0000-4000-8000-000000000000"),
            );
            response
        }
    };
    Ok(response)
}
