//! OTLP over gRPC (tonic, on a single-threaded tokio runtime the exporter
//! thread owns, made on that thread at its first push) or HTTP/protobuf
//! (`POST /v1/metrics`). Temporality is cumulative, so a push that fails
//! loses nothing the next one does not carry.

mod delta;
mod encode;

use std::io;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_client::MetricsServiceClient;
use prost::Message;
use tonic::transport::Channel;

use crate::config::Temporality;
use crate::exporter::{Flush, PushFailure, Pusher, Sent};
use crate::http::{expect_success, request};
use delta::DeltaState;
use encode::Source;

fn now_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos().min(u128::from(u64::MAX)) as u64)
}

/// An error and its causes, `: `-separated.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The gRPC side: made on the exporter thread, kept between pushes.
struct Grpc {
    runtime: tokio::runtime::Runtime,
    client: Option<MetricsServiceClient<Channel>>,
}

/// The OTLP pusher.
pub(crate) struct OtlpPusher {
    addr: String,
    http: bool,
    grpc: Option<Grpc>,
    source: Source,
    temporality: Temporality,
    deltas: DeltaState,
}

impl OtlpPusher {
    /// To `addr` (`host:port`), over HTTP/protobuf when `http`, else gRPC.
    pub(crate) fn new(
        addr: String,
        http: bool,
        temporality: Temporality,
        prefix: Option<String>,
    ) -> Self {
        let service_name = std::env::var("OTEL_SERVICE_NAME")
            .ok()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "unknown_service".into());
        OtlpPusher {
            addr,
            http,
            grpc: None,
            source: Source {
                service_name,
                prefix: prefix.unwrap_or_default(),
                start_nanos: now_nanos(),
            },
            temporality,
            deltas: DeltaState::default(),
        }
    }

    fn export_grpc(
        &mut self,
        body: opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest,
        timeout: Duration,
    ) -> io::Result<()> {
        if self.grpc.is_none() {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            self.grpc = Some(Grpc {
                runtime,
                client: None,
            });
        }
        let grpc = self.grpc.as_mut().expect("just made");
        let addr = &self.addr;
        let client = &mut grpc.client;
        let result = grpc.runtime.block_on(async {
            tokio::time::timeout(timeout, async {
                if client.is_none() {
                    let endpoint =
                        tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
                            .map_err(io::Error::other)?
                            .connect_timeout(timeout);
                    let channel = endpoint.connect().await.map_err(|e| {
                        io::Error::other(format!(
                            "cannot connect to the OTLP receiver: {}",
                            chain(&e)
                        ))
                    })?;
                    *client = Some(MetricsServiceClient::new(channel));
                }
                let c = client.as_mut().expect("connected");
                c.export(body).await.map(|_| ()).map_err(|status| {
                    io::Error::other(format!(
                        "OTLP receiver answered {}: {}",
                        status.code(),
                        status.message()
                    ))
                })
            })
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "OTLP export timed out"))?
        });
        if result.is_err() {
            // Start over on a new connection next time.
            grpc.client = None;
        }
        result
    }
}

impl Pusher for OtlpPusher {
    fn name(&self) -> &'static str {
        if self.http {
            "otlp+http"
        } else {
            "otlp"
        }
    }

    fn push(&mut self, flush: &Flush<'_>, timeout: Duration) -> Result<Sent, PushFailure> {
        let now = now_nanos();
        let body = match self.temporality {
            Temporality::Cumulative => encode::request(
                flush.snapshot,
                &self.source,
                self.source.start_nanos,
                now,
                self.temporality,
            ),
            Temporality::Delta => encode::request(
                &self.deltas.deltas(flush.snapshot),
                &self.source,
                self.deltas.since(self.source.start_nanos),
                now,
                self.temporality,
            ),
        };
        if self.http {
            let headers = [("Content-Type", "application/x-protobuf")];
            let response = request(
                "POST",
                &self.addr,
                "/v1/metrics",
                &headers,
                &body.encode_to_vec(),
                timeout,
            )?;
            expect_success("OTLP receiver", response)?;
        } else {
            self.export_grpc(body, timeout)?;
        }
        if self.temporality == Temporality::Delta {
            self.deltas.delivered(flush.snapshot, now);
        }
        Ok(Sent::default())
    }
}
