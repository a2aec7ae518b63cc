//! The one HTTP call the pushing backends make: a request with a body to
//! a plain-HTTP endpoint, on a fresh connection, answered in full within
//! a timeout. (HTTP/1.1 with `Connection: close`: one push per flush
//! needs no pooling.)

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// What came back.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    /// At most the first 64 KiB of the body.
    pub(crate) body: String,
}

/// The largest part of a response body kept (error messages).
const MAX_BODY: u64 = 64 * 1024;

/// Sends `method path` with `body` to `addr` (`host:port`), with the
/// extra `headers`, all within `timeout`.
pub(crate) fn request(
    method: &str,
    addr: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    timeout: Duration,
) -> io::Result<Response> {
    let deadline = Instant::now() + timeout;
    let left = || {
        deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| io::Error::new(io::ErrorKind::TimedOut, "push timed out"))
    };
    let target = addr
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address"))?;
    let mut conn = TcpStream::connect_timeout(&target, left()?)?;
    conn.set_write_timeout(Some(left()?))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    conn.write_all(head.as_bytes())?;
    conn.write_all(body)?;
    conn.set_read_timeout(Some(left()?))?;
    let mut response = Vec::new();
    (&mut conn).take(MAX_BODY).read_to_end(&mut response)?;
    let text = String::from_utf8_lossy(&response);
    let status = text
        .strip_prefix("HTTP/1.")
        .and_then(|rest| rest.get(2..5))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "not an HTTP response"))?;
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, body)| body)
        .to_owned();
    Ok(Response { status, body })
}

/// `text` percent-encoded for a path segment or a query value (everything
/// but RFC 3986's unreserved characters).
#[allow(dead_code)] // used by the push gateway and InfluxDB, each a cargo feature
pub(crate) fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `Ok` for a 2xx answer, else an error naming the status and the start
/// of the body (never the request, which may carry a secret).
pub(crate) fn expect_success(backend: &str, response: Response) -> io::Result<()> {
    if (200..300).contains(&response.status) {
        return Ok(());
    }
    let mut body: String = response.body.chars().take(200).collect();
    body.retain(|c| !c.is_control());
    Err(io::Error::other(format!(
        "{backend} answered {}: {body}",
        response.status
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn sends_the_body_and_reads_the_status() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut seen = vec![0u8; 4096];
            let n = conn.read(&mut seen).unwrap();
            conn.write_all(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops")
                .unwrap();
            String::from_utf8_lossy(&seen[..n]).into_owned()
        });
        let response = request(
            "POST",
            &addr,
            "/write?db=x",
            &[("Authorization", "Token secret")],
            b"m v=1",
            Duration::from_secs(5),
        )
        .unwrap();
        assert_eq!((response.status, response.body.as_str()), (500, "oops"));
        let seen = server.join().unwrap();
        assert!(seen.starts_with("POST /write?db=x HTTP/1.1\r\n"), "{seen}");
        assert!(seen.contains("Authorization: Token secret\r\n"));
        assert!(seen.ends_with("\r\n\r\nm v=1"));
        let err = expect_success("influxdb", response).unwrap_err();
        assert_eq!(err.to_string(), "influxdb answered 500: oops");
    }

    #[test]
    fn components_are_percent_encoded() {
        assert_eq!(encode_component("a b/c&d=é~"), "a%20b%2Fc%26d%3D%C3%A9~");
    }

    #[test]
    fn a_silent_server_times_out() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let started = Instant::now();
        let err = request("POST", &addr, "/", &[], b"", Duration::from_millis(300)).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(2), "{err}");
        drop(listener);
    }
}
