//! The ceiling of the datafile benchmark (`scripts/bench-server.sh`): a bare
//! hyper server that answers every request with the same prepared bytes
//! Halyard's datafile endpoint serves — ETag, 304 on a matching
//! `If-None-Match`, the same cache headers — and does nothing else.
//!
//! `cargo run --release -p control-plane --example ceiling -- <file> [address] [content-encoding]`

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{
    HeaderValue, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH,
};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::net::TcpListener;

/// What every response is made of.
struct Prepared {
    body: Bytes,
    etag: HeaderValue,
    encoding: Option<HeaderValue>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: ceiling <file> [address] [content-encoding]")?;
    let address = args.next().unwrap_or_else(|| "127.0.0.1:8090".to_owned());
    let body = Bytes::from(std::fs::read(&path)?);
    let prepared = Arc::new(Prepared {
        etag: HeaderValue::from_str(&format!("\"{:016x}\"", evaluator_core::xxh64(&body, 0)))?,
        encoding: args.next().map(HeaderValue::try_from).transpose()?,
        body,
    });
    let listener = TcpListener::bind(&address).await?;
    eprintln!(
        "ceiling: {} bytes of {path} on {address}",
        prepared.body.len()
    );
    loop {
        let (stream, _) = listener.accept().await?;
        let prepared = prepared.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let response = respond(&prepared, &request);
                async move { Ok::<_, Infallible>(response) }
            });
            // A client closing its connection is not an error worth reporting.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn respond(prepared: &Prepared, request: &Request<Incoming>) -> Response<Full<Bytes>> {
    let unchanged = request
        .headers()
        .get(IF_NONE_MATCH)
        .is_some_and(|tag| tag == prepared.etag);
    let mut response = if unchanged {
        let mut response = Response::new(Full::default());
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        response
    } else {
        let mut response = Response::new(Full::new(prepared.body.clone()));
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(encoding) = &prepared.encoding {
            headers.insert(CONTENT_ENCODING, encoding.clone());
        }
        response
    };
    let headers = response.headers_mut();
    headers.insert(ETAG, prepared.etag.clone());
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static(
            "public, max-age=10, stale-while-revalidate=60, stale-if-error=86400",
        ),
    );
    response
}
