//! The push-gateway client: the exporter thread `PUT`s the text format to
//! `/metrics/job/<job>` on each flush.

use std::io;
use std::time::Duration;

use crate::exporter::{Flush, PushFailure, Pusher, Sent};
use crate::prometheus::render;

pub(crate) struct Pushgateway {
    addr: String,
    path: String,
    prefix: Option<String>,
}

impl Pushgateway {
    pub(crate) fn new(addr: String, job: &str, prefix: Option<String>) -> Self {
        let job = crate::http::encode_component(job);
        Pushgateway {
            addr,
            path: format!("/metrics/job/{job}"),
            prefix,
        }
    }
}

impl Pusher for Pushgateway {
    fn name(&self) -> &'static str {
        "pushgateway"
    }

    fn push(&mut self, flush: &Flush<'_>, timeout: Duration) -> Result<Sent, PushFailure> {
        self.put(flush, timeout)?;
        Ok(Sent::default())
    }
}

impl Pushgateway {
    fn put(&mut self, flush: &Flush<'_>, timeout: Duration) -> io::Result<()> {
        let snapshot = flush.snapshot;
        let body = match &self.prefix {
            None => render(snapshot),
            Some(prefix) => {
                let mut prefixed = snapshot.clone();
                for m in &mut prefixed.metrics {
                    m.desc.name = format!("{prefix}{}", m.desc.name);
                }
                render(&prefixed)
            }
        };
        let response = crate::http::request(
            "PUT",
            &self.addr,
            &self.path,
            &[("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
            body.as_bytes(),
            timeout,
        )?;
        crate::http::expect_success("push gateway", response)
    }
}
