//! SpanData to Zipkin v2 JSON; see the [module docs](super).

use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use opentelemetry::trace::{SpanKind, Status};
use opentelemetry::{Array, KeyValue, StringValue, Value};
use opentelemetry_sdk::trace::SpanData;
use opentelemetry_sdk::Resource;
use serde_json::{json, Map, Value as Json};

/// The JSON array of `spans`, as Zipkin's `POST /api/v2/spans` takes it,
/// for the service `resource` describes.
///
/// ```
/// use opentelemetry::trace::{Tracer, TracerProvider};
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
///
/// let exporter = InMemorySpanExporter::default();
/// let provider = SdkTracerProvider::builder().with_simple_exporter(exporter.clone()).build();
/// provider.tracer("kit-test").in_span("sum", |_| {});
/// let resource = opentelemetry_sdk::Resource::builder_empty().with_service_name("addsvc").build();
/// let body = kit_tracing::zipkin::encode(&exporter.get_finished_spans().unwrap(), &resource);
/// let spans: serde_json::Value = serde_json::from_slice(&body).unwrap();
/// assert_eq!(spans[0]["name"], "sum");
/// assert_eq!(spans[0]["localEndpoint"]["serviceName"], "addsvc");
/// assert!(spans[0].get("kind").is_none());
/// ```
pub fn encode(spans: &[SpanData], resource: &Resource) -> Vec<u8> {
    let service = resource
        .get(&opentelemetry::Key::from_static_str("service.name"))
        .map(|v| v.to_string())
        .unwrap_or_else(|| "unknown_service".to_owned());
    let resource_tags: Vec<(String, String)> = resource
        .iter()
        .filter(|(k, _)| k.as_str() != "service.name")
        .map(|(k, v)| (k.to_string(), tag(v)))
        .collect();
    let spans: Vec<Json> = spans
        .iter()
        .map(|s| span(s, &service, &resource_tags))
        .collect();
    serde_json::to_vec(&spans).unwrap_or_else(|_| b"[]".to_vec())
}

fn span(s: &SpanData, service: &str, resource_tags: &[(String, String)]) -> Json {
    let mut out = Map::new();
    out.insert(
        "traceId".into(),
        s.span_context.trace_id().to_string().into(),
    );
    out.insert("id".into(), s.span_context.span_id().to_string().into());
    if s.parent_span_id != opentelemetry::trace::SpanId::INVALID {
        out.insert("parentId".into(), s.parent_span_id.to_string().into());
    }
    out.insert("name".into(), s.name.to_string().into());
    let kind = match s.span_kind {
        SpanKind::Server => Some("SERVER"),
        SpanKind::Client => Some("CLIENT"),
        SpanKind::Producer => Some("PRODUCER"),
        SpanKind::Consumer => Some("CONSUMER"),
        SpanKind::Internal => None,
    };
    if let Some(kind) = kind {
        out.insert("kind".into(), kind.into());
    }
    let start = nanos(s.start_time);
    out.insert("timestamp".into(), micros(start).into());
    let length = nanos(s.end_time).saturating_sub(start);
    out.insert("duration".into(), micros(length).max(1).into());
    out.insert("localEndpoint".into(), json!({ "serviceName": service }));
    if let Some(remote) = remote_endpoint(s) {
        out.insert("remoteEndpoint".into(), remote);
    }

    let mut tags = Map::new();
    for (k, v) in resource_tags {
        tags.insert(k.clone(), v.clone().into());
    }
    for KeyValue { key, value, .. } in &s.attributes {
        tags.insert(key.to_string(), tag(value).into());
    }
    let scope = &s.instrumentation_scope;
    if !scope.name().is_empty() {
        tags.insert("otel.scope.name".into(), scope.name().into());
    }
    if let Some(version) = scope.version() {
        tags.insert("otel.scope.version".into(), version.into());
    }
    match &s.status {
        Status::Unset => {}
        Status::Ok => {
            tags.insert("otel.status_code".into(), "OK".into());
        }
        Status::Error { description } => {
            tags.insert("otel.status_code".into(), "ERROR".into());
            tags.insert("error".into(), description.to_string().into());
        }
    }
    if !tags.is_empty() {
        out.insert("tags".into(), Json::Object(tags));
    }

    let mut annotations: Vec<Json> = Vec::with_capacity(s.events.len());
    for event in s.events.iter() {
        let value = if event.attributes.is_empty() {
            event.name.to_string()
        } else {
            let attrs: Map<String, Json> = event
                .attributes
                .iter()
                .map(|kv| (kv.key.to_string(), json_value(&kv.value)))
                .collect();
            json!({ event.name.as_ref(): attrs }).to_string()
        };
        let annotation = json!({ "timestamp": micros(nanos(event.timestamp)), "value": value });
        if !annotations.contains(&annotation) {
            annotations.push(annotation);
        }
    }
    if !annotations.is_empty() {
        out.insert("annotations".into(), Json::Array(annotations));
    }
    Json::Object(out)
}

/// The peer of the call: for client and producer spans the server, for
/// server and consumer spans the client.
fn remote_endpoint(s: &SpanData) -> Option<Json> {
    let get = |key: &str| {
        s.attributes
            .iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| &kv.value)
    };
    let (address, port) = match s.span_kind {
        SpanKind::Client | SpanKind::Producer => ("server.address", "server.port"),
        SpanKind::Server | SpanKind::Consumer => ("client.address", "client.port"),
        SpanKind::Internal => return None,
    };
    let mut out = Map::new();
    if let Some(name) = get("peer.service") {
        out.insert("serviceName".into(), name.to_string().into());
    }
    if let Some(address) = get(address).map(|v| v.to_string()) {
        match address.parse::<IpAddr>() {
            Ok(IpAddr::V4(ip)) => {
                out.insert("ipv4".into(), ip.to_string().into());
            }
            Ok(IpAddr::V6(ip)) => {
                out.insert("ipv6".into(), ip.to_string().into());
            }
            Err(_) => {
                out.entry("serviceName").or_insert(address.into());
            }
        }
    }
    if let Some(Value::I64(port)) = get(port) {
        if let Ok(port) = u16::try_from(*port) {
            out.insert("port".into(), port.into());
        }
    }
    (!out.is_empty()).then_some(Json::Object(out))
}

/// An attribute value as a Zipkin tag: a string; arrays as a JSON array
/// of strings.
fn tag(value: &Value) -> String {
    match value {
        Value::Array(array) => {
            let items: Vec<String> = match array {
                Array::Bool(v) => v.iter().map(|x| x.to_string()).collect(),
                Array::I64(v) => v.iter().map(|x| x.to_string()).collect(),
                Array::F64(v) => v.iter().map(|x| x.to_string()).collect(),
                Array::String(v) => v.iter().map(StringValue::to_string).collect(),
                _ => vec![array.to_string()],
            };
            serde_json::to_string(&items).unwrap_or_default()
        }
        other => other.to_string(),
    }
}

/// An attribute value inside an annotation's JSON.
fn json_value(value: &Value) -> Json {
    match value {
        Value::Bool(b) => (*b).into(),
        Value::I64(i) => (*i).into(),
        Value::F64(f) => serde_json::Number::from_f64(*f)
            .map(Json::Number)
            .unwrap_or_else(|| f.to_string().into()),
        other => tag(other).into(),
    }
}

fn nanos(t: SystemTime) -> u128 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

/// Nanoseconds to the nearest microsecond.
fn micros(nanos: u128) -> u64 {
    u64::try_from((nanos + 500) / 1000).unwrap_or(u64::MAX)
}
