//! addcli: calls addsvc over HTTP through kit-tracing's client layer (the
//! trace continues into the service), exporting its own spans as
//! `KIT_TRACING` / the `OTEL_*` variables say.
//!
//! ```text
//! addcli sum 1 2
//! addcli concat x y
//! addcli --load 1000 --concurrency 8
//! ```

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use kit_examples::config::Settings;
use serde_json::{json, Value};
use tower::{Layer, ServiceExt};

const USAGE: &str = "usage: addcli [--config FILE] [--addr HOST:PORT] sum A B | concat A B | --load N [--concurrency C]

  sum A B, concat A B   one request; prints the answer (exit 1 on a business error)
  --load N              N requests (request i: `sum 0 0`, a business error, when i % 10 == 0,
                        else `sum i 1`), C at a time (default 4), with a progress bar;
                        then throughput, p50/p90/p99 latency and errors
  --addr                addsvc's address (default ADDSVC_HTTP_ADDR, else 127.0.0.1:8080)

Tracing: KIT_TRACING and the OTEL_* variables, as for addsvc (service name addcli).";

/// What one request came back with.
enum Outcome {
    Ok(Value),
    Business(String),
    Failed(String),
}

type Http = kit_tracing::http::ClientService<
    Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
    opentelemetry_sdk::trace::SdkTracer,
>;

async fn call(client: &Http, addr: &str, method: &str, body: Value) -> Outcome {
    let request = http::Request::post(format!("http://{addr}/{method}"))
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("a valid request");
    let response = match client.clone().oneshot(request).await {
        Ok(r) => r,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let status = response.status();
    let body = match response.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    match status.as_u16() {
        200 => Outcome::Ok(body["v"].clone()),
        422 => Outcome::Business(body["err"].as_str().unwrap_or("").to_owned()),
        _ => Outcome::Failed(format!("{status}: {body}")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() || args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let settings = match Settings::load(&args) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let config = match settings.tracing("addcli") {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let mut rest: Vec<&str> = Vec::new();
    let (mut addr, mut load, mut concurrency) = (settings.get("ADDSVC_HTTP_ADDR"), None, 4usize);
    let mut it = args.iter().map(String::as_str);
    while let Some(arg) = it.next() {
        match arg {
            "--config" => {
                it.next();
            }
            "--addr" => addr = it.next().map(str::to_owned),
            "--load" => load = it.next().and_then(|n| n.parse::<usize>().ok()).or(Some(0)),
            "--concurrency" => {
                concurrency = match it.next().and_then(|n| n.parse().ok()) {
                    Some(c) if c > 0 => c,
                    _ => return fail(&"--concurrency needs a number above 0"),
                }
            }
            a if a.starts_with("--config=") => {}
            a => rest.push(a),
        }
    }
    let addr = addr.unwrap_or_else(|| "127.0.0.1:8080".into());
    let tracing = match kit_tracing::Tracing::start(&config) {
        Ok(t) => t,
        Err(e) => return fail(&e),
    };
    let client = tracing
        .http_client_layer()
        .layer(Client::builder(TokioExecutor::new()).build_http());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    let code = runtime.block_on(async {
        match (load, rest.as_slice()) {
            (Some(0), _) => fail(&"--load needs a number above 0"),
            (Some(n), []) => drive(&client, &addr, n, concurrency).await,
            (None, ["sum", a, b]) => match (a.parse::<i64>(), b.parse::<i64>()) {
                (Ok(a), Ok(b)) => one(&client, &addr, "sum", json!({"a": a, "b": b})).await,
                _ => fail(&"sum needs two integers"),
            },
            (None, ["concat", a, b]) => {
                one(&client, &addr, "concat", json!({"a": a, "b": b})).await
            }
            _ => fail(&USAGE),
        }
    });
    drop(runtime);
    tracing.shutdown(Duration::from_secs(5));
    code
}

async fn one(client: &Http, addr: &str, method: &str, body: Value) -> ExitCode {
    match call(client, addr, method, body).await {
        Outcome::Ok(v) => {
            println!("{v}");
            ExitCode::SUCCESS
        }
        Outcome::Business(e) => {
            eprintln!("addcli: {e}");
            ExitCode::from(1)
        }
        Outcome::Failed(e) => fail(&e),
    }
}

/// `n` requests, `concurrency` at a time, then the summary.
async fn drive(client: &Http, addr: &str, n: usize, concurrency: usize) -> ExitCode {
    let bar = indicatif::ProgressBar::new(n as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} eta {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency.min(n) {
        let (client, addr, next, bar) =
            (client.clone(), addr.to_owned(), next.clone(), bar.clone());
        workers.push(tokio::spawn(async move {
            let mut seen = (Vec::new(), 0usize, Vec::new());
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= n {
                    return seen;
                }
                let body = if i % 10 == 0 {
                    json!({"a": 0, "b": 0})
                } else {
                    json!({"a": i, "b": 1})
                };
                let t = Instant::now();
                match call(&client, &addr, "sum", body).await {
                    Outcome::Ok(_) => seen.0.push(t.elapsed()),
                    Outcome::Business(_) => {
                        seen.0.push(t.elapsed());
                        seen.1 += 1;
                    }
                    Outcome::Failed(e) => seen.2.push(e),
                }
                bar.inc(1);
            }
        }));
    }
    let (mut latencies, mut business, mut failures) = (Vec::new(), 0, Vec::new());
    for w in workers {
        if let Ok((l, b, f)) = w.await {
            latencies.extend(l);
            business += b;
            failures.extend(f);
        }
    }
    bar.finish_and_clear();
    let took = started.elapsed();
    latencies.sort();
    let pct = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    println!(
        "{n} requests in {:.2?}: {:.0} req/s; latency p50 {:.2?} p90 {:.2?} p99 {:.2?}; {} ok, {business} business errors, {} failed",
        took,
        n as f64 / took.as_secs_f64(),
        pct(0.50),
        pct(0.90),
        pct(0.99),
        latencies.len() - business,
        failures.len()
    );
    if let Some(first) = failures.first() {
        eprintln!("addcli: first failure: {first}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn fail(e: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("addcli: {e}");
    ExitCode::from(2)
}
