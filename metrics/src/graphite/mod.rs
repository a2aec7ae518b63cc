//! Graphite plaintext over TCP (one connection kept open, made again
//! after a failure with exponential backoff) or UDP (lines packed into
//! datagrams). Counters are sent cumulative, so a push that fails loses
//! nothing the next one does not carry.

pub(crate) mod lines;

use std::io::{self, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::datagram::UdpSender;
use crate::exporter::{Flush, PushFailure, Pusher, Sent};
pub(crate) use lines::PathFormat;

/// The first wait after a failed connection; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// The longest wait between two connection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// When the next TCP connection may be tried.
#[derive(Debug, Default)]
struct Backoff {
    failures: u32,
    until: Option<Instant>,
}

impl Backoff {
    fn failed(&mut self, now: Instant) {
        let wait = FIRST_BACKOFF
            .saturating_mul(1 << self.failures.min(16))
            .min(MAX_BACKOFF);
        self.failures += 1;
        self.until = Some(now + wait);
    }

    fn waiting(&self, now: Instant) -> Option<Duration> {
        self.until.filter(|u| *u > now).map(|u| u - now)
    }

    fn succeeded(&mut self) {
        *self = Backoff::default();
    }
}

enum Transport {
    Tcp {
        addr: String,
        conn: Option<TcpStream>,
        backoff: Backoff,
    },
    /// The socket, and the largest datagram.
    Udp(UdpSender, usize),
}

/// The Graphite pusher.
pub(crate) struct GraphitePusher {
    transport: Transport,
    format: PathFormat,
}

impl GraphitePusher {
    pub(crate) fn new(
        addr: String,
        udp: Option<usize>,
        tags: bool,
        prefix: Option<String>,
    ) -> Self {
        GraphitePusher {
            transport: if let Some(max_packet) = udp {
                Transport::Udp(UdpSender::new(addr), max_packet)
            } else {
                Transport::Tcp {
                    addr,
                    conn: None,
                    backoff: Backoff::default(),
                }
            },
            format: PathFormat {
                prefix: prefix.unwrap_or_default(),
                tags,
            },
        }
    }
}

/// Whether the peer closed `conn` (carbon never writes, so anything but
/// "nothing to read yet" means the connection is gone).
fn closed(conn: &TcpStream) -> bool {
    if conn.set_nonblocking(true).is_err() {
        return true;
    }
    let gone = !matches!(conn.peek(&mut [0u8; 1]), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
    gone || conn.set_nonblocking(false).is_err()
}

fn connect(addr: &str, timeout: Duration) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
    for addr in addr.to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(conn) => {
                conn.set_write_timeout(Some(timeout))?;
                conn.set_nodelay(true)?;
                return Ok(conn);
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn send_tcp(
    addr: &str,
    conn: &mut Option<TcpStream>,
    backoff: &mut Backoff,
    body: &[u8],
    timeout: Duration,
) -> io::Result<()> {
    let now = Instant::now();
    if conn.as_ref().is_some_and(closed) {
        *conn = None;
    }
    if conn.is_none() {
        if let Some(wait) = backoff.waiting(now) {
            return Err(io::Error::new(
                io::ErrorKind::NotConnected,
                format!("reconnecting in {} ms", wait.as_millis()),
            ));
        }
        match connect(addr, timeout) {
            Ok(c) => *conn = Some(c),
            Err(e) => {
                backoff.failed(now);
                return Err(e);
            }
        }
    }
    let stream = conn.as_mut().expect("connected");
    match stream.write_all(body).and_then(|()| stream.flush()) {
        Ok(()) => {
            backoff.succeeded();
            Ok(())
        }
        Err(e) => {
            // A peer that stopped reading or went away: start over on a new
            // connection, after the backoff.
            *conn = None;
            backoff.failed(now);
            Err(e)
        }
    }
}

impl Pusher for GraphitePusher {
    fn name(&self) -> &'static str {
        match self.transport {
            Transport::Tcp { .. } => "graphite",
            Transport::Udp(..) => "graphite+udp",
        }
    }

    fn push(&mut self, flush: &Flush<'_>, timeout: Duration) -> Result<Sent, PushFailure> {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let (lines, unsendable) = self.format.lines(flush.snapshot, timestamp);
        let fail = |error| PushFailure {
            error,
            lost: unsendable,
        };
        match &mut self.transport {
            Transport::Tcp {
                addr,
                conn,
                backoff,
            } => send_tcp(addr, conn, backoff, lines.concat().as_bytes(), timeout).map_err(fail)?,
            Transport::Udp(udp, max_packet) => {
                udp.send_lines(&lines, *max_packet, timeout).map_err(fail)?
            }
        }
        Ok(Sent { unsendable })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_bound() {
        let mut b = Backoff::default();
        let t = Instant::now();
        b.failed(t);
        assert_eq!(b.waiting(t), Some(FIRST_BACKOFF));
        b.failed(t);
        assert_eq!(b.waiting(t), Some(FIRST_BACKOFF * 2));
        for _ in 0..40 {
            b.failed(t);
        }
        assert_eq!(b.waiting(t), Some(MAX_BACKOFF));
        assert_eq!(b.waiting(t + MAX_BACKOFF), None);
        b.succeeded();
        assert_eq!(b.waiting(t), None);
    }

    #[test]
    fn a_closed_connection_is_seen_before_writing() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let conn = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (peer, _) = listener.accept().unwrap();
        assert!(!closed(&conn));
        drop(peer);
        std::thread::sleep(Duration::from_millis(50));
        assert!(closed(&conn));
    }
}
