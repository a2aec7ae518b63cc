//! The exporter: one `POST /api/v2/spans` per batch, over a hyper client
//! running in kit's exporter thread's runtime.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use opentelemetry_http::hyper::HyperClient;
use opentelemetry_http::HttpClient;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use opentelemetry_sdk::Resource;

use super::encode::encode;

/// Spans to a Zipkin collector.
pub(crate) struct ZipkinExporter {
    client: HyperClient,
    endpoint: http::Uri,
    resource: Resource,
}

impl fmt::Debug for ZipkinExporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZipkinExporter")
            .field("endpoint", &self.endpoint)
            .finish()
    }
}

impl ZipkinExporter {
    /// An exporter to `endpoint` (the full URL of `/api/v2/spans`); each
    /// export within `timeout`. Must be made inside a tokio runtime.
    pub(crate) fn new(endpoint: &str, timeout: Duration) -> Result<Self, String> {
        let endpoint: http::Uri = endpoint
            .parse()
            .map_err(|e| format!("bad Zipkin endpoint {endpoint:?}: {e}"))?;
        if endpoint.scheme_str() != Some("http") {
            return Err(format!(
                "the Zipkin endpoint must be an http:// URL, not {endpoint}"
            ));
        }
        Ok(ZipkinExporter {
            client: HyperClient::with_default_connector(timeout, None),
            endpoint,
            resource: Resource::builder_empty().build(),
        })
    }
}

impl SpanExporter for ZipkinExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let body = encode(&batch, &self.resource);
        let request = http::Request::post(self.endpoint.clone())
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(Bytes::from(body))
            .map_err(|e| OTelSdkError::InternalFailure(e.to_string()))?;
        let response = self
            .client
            .send_bytes(request)
            .await
            .map_err(|e| OTelSdkError::InternalFailure(format!("zipkin: {e}")))?;
        if response.status().is_success() {
            Ok(())
        } else {
            let body = String::from_utf8_lossy(response.body());
            let body: String = body.chars().take(512).collect();
            Err(OTelSdkError::InternalFailure(format!(
                "zipkin answered {}: {body}",
                response.status()
            )))
        }
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.resource = resource.clone();
    }
}
