//! InfluxDB: 1.x over HTTP (`/write?db=`) and UDP, 2.x over HTTP
//! (`/api/v2/write?org=&bucket=`, token from `KIT_INFLUXDB_TOKEN`).
//! Counters are sent cumulative, so a push that fails loses nothing the
//! next one does not carry.

pub(crate) mod line;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::config::Precision;
use crate::datagram::UdpSender;
use crate::exporter::{Flush, PushFailure, Pusher, Sent};
use crate::http::{encode_component, expect_success, request};
use line::LineProtocol;

enum Transport {
    Http {
        addr: String,
        path: String,
        /// `Token …`, for InfluxDB 2.
        authorization: Option<String>,
    },
    /// The socket, and the largest datagram.
    Udp(UdpSender, usize),
}

/// The InfluxDB pusher.
pub(crate) struct InfluxPusher {
    name: &'static str,
    transport: Transport,
    format: LineProtocol,
}

impl InfluxPusher {
    /// InfluxDB 1.x over HTTP, into database `db`.
    pub(crate) fn v1(addr: String, db: &str, precision: Precision, prefix: Option<String>) -> Self {
        let p = match precision {
            Precision::Ns => "ns",
            Precision::Us => "u",
            Precision::Ms => "ms",
            Precision::S => "s",
        };
        let path = format!("/write?db={}&precision={p}", encode_component(db));
        Self::http("influxdb", addr, path, None, precision, prefix)
    }

    /// InfluxDB 2.x over HTTP, into `org`'s `bucket`, with `token`.
    pub(crate) fn v2(
        addr: String,
        org: &str,
        bucket: &str,
        token: Option<String>,
        precision: Precision,
        prefix: Option<String>,
    ) -> Self {
        let p = match precision {
            Precision::Ns => "ns",
            Precision::Us => "us",
            Precision::Ms => "ms",
            Precision::S => "s",
        };
        let path = format!(
            "/api/v2/write?org={}&bucket={}&precision={p}",
            encode_component(org),
            encode_component(bucket)
        );
        let authorization = token.map(|t| format!("Token {t}"));
        Self::http("influxdb2", addr, path, authorization, precision, prefix)
    }

    fn http(
        name: &'static str,
        addr: String,
        path: String,
        authorization: Option<String>,
        precision: Precision,
        prefix: Option<String>,
    ) -> Self {
        InfluxPusher {
            name,
            transport: Transport::Http {
                addr,
                path,
                authorization,
            },
            format: LineProtocol {
                prefix: prefix.unwrap_or_default(),
                precision,
            },
        }
    }

    /// InfluxDB 1.x's UDP listener (its database is set in its config).
    pub(crate) fn udp(
        addr: String,
        max_packet: usize,
        precision: Precision,
        prefix: Option<String>,
    ) -> Self {
        InfluxPusher {
            name: "influxdb+udp",
            transport: Transport::Udp(UdpSender::new(addr), max_packet),
            format: LineProtocol {
                prefix: prefix.unwrap_or_default(),
                precision,
            },
        }
    }
}

impl Pusher for InfluxPusher {
    fn name(&self) -> &'static str {
        self.name
    }

    fn push(&mut self, flush: &Flush<'_>, timeout: Duration) -> Result<Sent, PushFailure> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let (lines, unsendable) = self.format.lines(flush.snapshot, nanos);
        let fail = |error| PushFailure {
            error,
            lost: unsendable,
        };
        if lines.is_empty() {
            return Ok(Sent { unsendable });
        }
        match &mut self.transport {
            Transport::Http {
                addr,
                path,
                authorization,
            } => {
                let mut headers = vec![("Content-Type", "text/plain; charset=utf-8")];
                if let Some(auth) = authorization {
                    headers.push(("Authorization", auth.as_str()));
                }
                let body = lines.concat();
                let response = request("POST", addr, path, &headers, body.as_bytes(), timeout)
                    .map_err(fail)?;
                expect_success(self.name, response).map_err(fail)?;
            }
            Transport::Udp(udp, max_packet) => {
                udp.send_lines(&lines, *max_packet, timeout).map_err(fail)?
            }
        }
        Ok(Sent { unsendable })
    }
}
