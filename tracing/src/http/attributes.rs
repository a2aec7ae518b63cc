//! The OpenTelemetry semantic-convention attributes both HTTP layers
//! write, read from requests and responses.

use http::{HeaderMap, Method, Uri};
use opentelemetry::trace::{SpanRef, Status};
use opentelemetry::KeyValue;

/// `http.request.method` (a known method, else `_OTHER`), plus
/// `http.request.method_original` for an unknown one.
pub(crate) fn method(method: &Method, into: &mut Vec<KeyValue>) -> &'static str {
    let known = match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::CONNECT => "CONNECT",
        Method::OPTIONS => "OPTIONS",
        Method::TRACE => "TRACE",
        Method::PATCH => "PATCH",
        _ => {
            into.push(KeyValue::new(
                "http.request.method_original",
                method.as_str().to_owned(),
            ));
            "_OTHER"
        }
    };
    into.push(KeyValue::new("http.request.method", known));
    known
}

/// `server.address` and `server.port` from an authority (`host`,
/// `host:port`, `[v6]:port`), the port defaulting to the scheme's.
pub(crate) fn server(authority: &str, default_port: Option<u16>, into: &mut Vec<KeyValue>) {
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, port.parse().ok()),
        _ => (authority, None),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return;
    }
    into.push(KeyValue::new("server.address", host.to_owned()));
    if let Some(port) = port.or(default_port) {
        into.push(KeyValue::new("server.port", i64::from(port)));
    }
}

/// The default port of `scheme`.
pub(crate) fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// The protocol version, as `network.protocol.version` writes it.
pub(crate) fn protocol_version(version: http::Version) -> Option<&'static str> {
    match version {
        http::Version::HTTP_10 => Some("1.0"),
        http::Version::HTTP_11 => Some("1.1"),
        http::Version::HTTP_2 => Some("2"),
        http::Version::HTTP_3 => Some("3"),
        _ => None,
    }
}

/// Whether the request is a gRPC call.
pub(crate) fn is_grpc(headers: &HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/grpc"))
}

/// `rpc.system`, `rpc.service` and `rpc.method` of a gRPC call to `uri`
/// (`/package.Service/Method`); the span name `package.Service/Method`.
pub(crate) fn grpc(uri: &Uri, into: &mut Vec<KeyValue>) -> Option<String> {
    into.push(KeyValue::new("rpc.system", "grpc"));
    let path = uri.path().strip_prefix('/')?;
    let (service, method) = path.split_once('/')?;
    if service.is_empty() || method.is_empty() || method.contains('/') {
        return None;
    }
    into.push(KeyValue::new("rpc.service", service.to_owned()));
    into.push(KeyValue::new("rpc.method", method.to_owned()));
    Some(path.to_owned())
}

/// The gRPC status code in `headers` (a trailers-only response, or the
/// trailers), if there is one.
pub(crate) fn grpc_status(headers: &HeaderMap) -> Option<i64> {
    headers
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// Records a gRPC status on `span`: any code but 0 (OK) is an error, with
/// `grpc-message` as its description when there is one.
pub(crate) fn record_grpc_status(span: &SpanRef<'_>, code: i64, headers: &HeaderMap) {
    span.set_attribute(KeyValue::new("rpc.grpc.status_code", code));
    if code != 0 {
        let message = headers
            .get("grpc-message")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        span.set_attribute(KeyValue::new("error.type", code.to_string()));
        span.set_status(Status::error(message.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(f: impl FnOnce(&mut Vec<KeyValue>)) -> Vec<(String, String)> {
        let mut v = Vec::new();
        f(&mut v);
        v.into_iter()
            .map(|kv| (kv.key.to_string(), kv.value.to_string()))
            .collect()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn server_address_and_port_from_any_authority() {
        type Case = (
            &'static str,
            Option<u16>,
            &'static [(&'static str, &'static str)],
        );
        let cases: &[Case] = &[
            (
                "example.com",
                Some(80),
                &[("server.address", "example.com"), ("server.port", "80")],
            ),
            (
                "example.com:8080",
                Some(80),
                &[("server.address", "example.com"), ("server.port", "8080")],
            ),
            (
                "127.0.0.1:9",
                None,
                &[("server.address", "127.0.0.1"), ("server.port", "9")],
            ),
            (
                "[::1]:8443",
                None,
                &[("server.address", "::1"), ("server.port", "8443")],
            ),
            (
                "[::1]",
                Some(443),
                &[("server.address", "::1"), ("server.port", "443")],
            ),
            (
                "user:pw@host:1",
                None,
                &[("server.address", "host"), ("server.port", "1")],
            ),
            ("host:notaport", None, &[("server.address", "host")]),
            ("", Some(80), &[]),
        ];
        for (authority, default, want) in cases {
            assert_eq!(
                attrs(|v| server(authority, *default, v)),
                pairs(want),
                "{authority}"
            );
        }
    }

    #[test]
    fn unknown_methods_are_other_with_the_original_kept() {
        assert_eq!(
            attrs(|v| {
                method(&Method::from_bytes(b"PURGE").unwrap(), v);
            }),
            pairs(&[
                ("http.request.method_original", "PURGE"),
                ("http.request.method", "_OTHER")
            ])
        );
        assert_eq!(
            attrs(|v| {
                method(&Method::PATCH, v);
            }),
            pairs(&[("http.request.method", "PATCH")])
        );
    }

    #[test]
    fn grpc_paths_name_service_and_method() {
        let uri: Uri = "/addsvc.Add/Sum".parse().unwrap();
        let mut v = Vec::new();
        assert_eq!(grpc(&uri, &mut v).as_deref(), Some("addsvc.Add/Sum"));
        assert_eq!(v.len(), 3);
        for bad in ["/", "/onlyservice", "/a/b/c", "//m"] {
            let mut v = Vec::new();
            assert_eq!(grpc(&bad.parse().unwrap(), &mut v), None, "{bad}");
            assert_eq!(v.len(), 1, "{bad}: only rpc.system");
        }
    }
}
