//! A gRPC endpoint on 127.0.0.1 (HTTP/2, hyper) that answers every call
//! with the status its [`Answer`] holds: an error as a trailers-only
//! response (`grpc-status`, `grpc-message: broken`), `0` as an empty
//! message then `grpc-status: 0` — what an OTLP export expects (its
//! response messages are all optional fields). It counts the calls.

use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Either, Empty, StreamBody};
use hyper::body::Frame;
use hyper_util::rt::{TokioExecutor, TokioIo};

/// What the endpoint answers now, and how many calls it had.
#[derive(Clone, Default)]
pub(crate) struct Answer {
    status: Arc<AtomicU8>,
    calls: Arc<AtomicU64>,
}

impl Answer {
    /// Answer `code` (a gRPC status code) from now on.
    pub(crate) fn set(&self, code: u8) {
        self.status.store(code, Ordering::SeqCst);
    }

    /// The calls answered so far.
    #[allow(dead_code)] // not every including test counts them
    pub(crate) fn calls(&self) -> u64 {
        self.calls.load(Ordering::SeqCst)
    }
}

/// A fixed list of frames as a stream.
type Frames = tokio_stream::Iter<std::vec::IntoIter<Result<Frame<Bytes>, Infallible>>>;
type Body = Either<Empty<Bytes>, StreamBody<Frames>>;

/// The endpoint, answering `code` until told otherwise; its port.
pub(crate) fn grpc_answering(code: u8) -> (u16, Answer) {
    let answer = Answer::default();
    answer.set(code);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let shared = answer.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            while let Ok((stream, _)) = listener.accept().await {
                let answer = shared.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(
                        move |request: http::Request<hyper::body::Incoming>| {
                            let answer = answer.clone();
                            async move {
                                let _ = request.into_body().collect().await;
                                answer.calls.fetch_add(1, Ordering::SeqCst);
                                let code = answer.status.load(Ordering::SeqCst);
                                let response = http::Response::builder()
                                    .header("content-type", "application/grpc");
                                let response = if code == 0 {
                                    let mut trailers = http::HeaderMap::new();
                                    trailers.insert("grpc-status", "0".parse().unwrap());
                                    let frames = vec![
                                        Ok(Frame::data(Bytes::from_static(&[0, 0, 0, 0, 0]))),
                                        Ok(Frame::trailers(trailers)),
                                    ];
                                    response.body(Either::Right(StreamBody::new(
                                        tokio_stream::iter(frames),
                                    )))
                                } else {
                                    response
                                        .header("grpc-status", code.to_string())
                                        .header("grpc-message", "broken")
                                        .body(Either::Left(Empty::new()))
                                };
                                Ok::<_, Infallible>(response.unwrap() as http::Response<Body>)
                            }
                        },
                    );
                    let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    (port, answer)
}
