//! The Prometheus text format: exact bytes, and `promtool check metrics`
//! (the real tool, from Debian's `prometheus` package) on kit's output —
//! clean for conventional names, never a parse error for odd ones.

use kit_metrics::{prometheus, Provider};

#[path = "common/promtool.rs"]
mod promtool;
use promtool::promtool;

#[test]
fn the_text_format_is_sorted_and_exact() {
    let provider = Provider::builder().const_label("svc", "add").build();
    let latency = provider
        .histogram("request_duration_seconds")
        .help("Request latency.")
        .labels(&["method"])
        .buckets(&[0.1, 1.0])
        .build();
    let requests = provider
        .counter("requests_total")
        .help("Requests\nserved \\ total.")
        .labels(&["path"])
        .build();
    let in_flight = provider.gauge("in_flight").help("In flight.").build();
    latency.with(&["sum"]).observe(0.05);
    latency.with(&["sum"]).observe(2.5);
    requests.with(&["/a \"quoted\"\nline"]).add(7);
    in_flight.set(-1.5);
    assert_eq!(
        prometheus::render(&provider.snapshot()),
        "\
# HELP in_flight In flight.
# TYPE in_flight gauge
in_flight{svc=\"add\"} -1.5
# HELP request_duration_seconds Request latency.
# TYPE request_duration_seconds histogram
request_duration_seconds_bucket{svc=\"add\",method=\"sum\",le=\"0.1\"} 1
request_duration_seconds_bucket{svc=\"add\",method=\"sum\",le=\"1.0\"} 1
request_duration_seconds_bucket{svc=\"add\",method=\"sum\",le=\"+Inf\"} 2
request_duration_seconds_sum{svc=\"add\",method=\"sum\"} 2.55
request_duration_seconds_count{svc=\"add\",method=\"sum\"} 2
# HELP requests_total Requests\\nserved \\\\ total.
# TYPE requests_total counter
requests_total{svc=\"add\",path=\"/a \\\"quoted\\\"\\nline\"} 7
"
    );
}

#[test]
fn promtool_finds_nothing_wrong_with_conventionally_named_metrics() {
    let provider = Provider::builder().prefix("addsvc_").build();
    let c = provider
        .counter("requests_total")
        .help("Requests.")
        .labels(&["method", "outcome"])
        .build();
    c.with(&["sum", "success"]).add(3);
    c.with(&["concat", "business_error"]).inc();
    provider
        .gauge("in_flight_requests")
        .help("Requests in flight.")
        .build()
        .set(2.0);
    let h = provider
        .histogram("request_duration_seconds")
        .help("Latency.")
        .labels(&["method"])
        .build();
    h.with(&["sum"]).observe(0.0125);
    let (code, out) = promtool(&prometheus::render(&provider.snapshot()));
    assert_eq!(code, 0, "{out}");
}

#[test]
fn promtool_never_reports_a_parse_error_for_odd_names_and_values() {
    let odd = [
        "camelCaseTotal",
        "http.requests-total",
        "9lives",
        "café_latté",
        "",
        "__reserved",
        "a:b:c",
        "名前",
        "with space",
        "emoji_🙂",
    ];
    let provider = Provider::new();
    for (i, name) in odd.iter().enumerate() {
        // Distinct after sanitizing: the index keeps names apart.
        let metric = format!("{name}{i}");
        let c = provider
            .counter(&metric)
            .help("odd \\ help\nwith newline")
            .labels(&[name, "le ok", "__name__"])
            .build();
        c.with(&["va\"lue\n\\", "", "🙂"]).inc();
        provider
            .gauge(&format!("{metric}_g"))
            .labels(&[name])
            .build()
            .with(&[name])
            .set(f64::NAN);
        provider
            .histogram(&format!("{metric}_h"))
            .labels(&[name])
            .build()
            .with(&["x"])
            .observe(f64::INFINITY);
    }
    // Label names that collide once sanitized, and `le` on a histogram.
    let c = provider
        .counter("collide_total")
        .labels(&["a.b", "a-b", "a_b"])
        .build();
    c.with(&["1", "2", "3"]).inc();
    provider
        .histogram("le_h")
        .labels(&["le"])
        .build()
        .with(&["x"])
        .observe(1.0);
    let text = prometheus::render(&provider.snapshot());
    assert!(
        text.contains("collide_total{a_b=\"1\",a_b2=\"2\",a_b3=\"3\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("le_h_bucket{le2=\"x\",le=\"+Inf\"} 1"),
        "{text}"
    );
    let (code, out) = promtool(&text);
    assert!(
        code == 0 || code == 3,
        "promtool exit {code} (1 = parse error): {out}\n{text}"
    );
}
