//! The push-gateway client: the exporter thread `PUT`s the text format to
//! `/metrics/job/<job>` on each flush.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
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
        let job: String = job
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
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
        let addr = self
            .addr
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address"))?;
        let mut conn = TcpStream::connect_timeout(&addr, timeout)?;
        conn.set_read_timeout(Some(timeout))?;
        conn.set_write_timeout(Some(timeout))?;
        write!(
            conn,
            "PUT {} HTTP/1.1\r\nHost: {}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.path,
            self.addr,
            body.len()
        )?;
        conn.write_all(body.as_bytes())?;
        let mut head = [0u8; 12];
        conn.read_exact(&mut head)?;
        // "HTTP/1.1 200"
        let status = std::str::from_utf8(&head[9..12])
            .ok()
            .and_then(|s| s.parse::<u16>().ok());
        match status {
            Some(200..=299) => Ok(()),
            _ => Err(io::Error::other(format!(
                "push gateway answered {}",
                String::from_utf8_lossy(&head)
            ))),
        }
    }
}
