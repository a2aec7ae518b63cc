//! Packing lines into datagrams of a bounded size (statsd, Graphite and
//! InfluxDB over UDP).

use std::io;
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::ops::Range;
use std::time::Duration;

/// A UDP socket connected to a backend, made again when its address
/// resolves differently.
#[derive(Debug)]
pub(crate) struct UdpSender {
    addr: String,
    socket: Option<(SocketAddr, UdpSocket)>,
}

impl UdpSender {
    pub(crate) fn new(addr: String) -> Self {
        UdpSender { addr, socket: None }
    }

    /// The socket, ready to send within `timeout`.
    pub(crate) fn socket(&mut self, timeout: Duration) -> io::Result<&UdpSocket> {
        let addr = self
            .addr
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address"))?;
        if self.socket.as_ref().is_none_or(|(a, _)| *a != addr) {
            let local: SocketAddr = if addr.is_ipv4() {
                "0.0.0.0:0".parse().expect("an address")
            } else {
                "[::]:0".parse().expect("an address")
            };
            let socket = UdpSocket::bind(local)?;
            // Connected: the kernel then reports a peer that is not there
            // (ICMP port unreachable) as the socket's error.
            socket.connect(addr)?;
            self.socket = Some((addr, socket));
        }
        let socket = &self.socket.as_ref().expect("just set").1;
        socket.set_write_timeout(Some(timeout.max(Duration::from_millis(1))))?;
        Ok(socket)
    }

    /// Sends `lines` (each ending in `\n`) packed into datagrams of at
    /// most `max_packet` bytes; every datagram is tried, the first error
    /// returned.
    #[allow(dead_code)] // used by Graphite and InfluxDB, each a cargo feature
    pub(crate) fn send_lines(
        &mut self,
        lines: &[String],
        max_packet: usize,
        timeout: Duration,
    ) -> io::Result<()> {
        let socket = self.socket(timeout)?;
        let lens: Vec<usize> = lines.iter().map(String::len).collect();
        let mut first_error = None;
        for packet in pack(&lens, 0, max_packet) {
            if let Err(e) = send(socket, lines[packet].concat().as_bytes()) {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// Sends one datagram. A peer that is not there answers with an ICMP
/// "port unreachable", which the kernel keeps as the socket's error: on
/// loopback (and often beyond) it is back before the next line of code,
/// so the datagram counts as not delivered. Loss the network does not
/// report cannot be seen by any UDP client.
pub(crate) fn send(socket: &UdpSocket, datagram: &[u8]) -> io::Result<()> {
    socket.send(datagram)?;
    socket.take_error()?.map_or(Ok(()), Err)
}

/// Groups items of byte lengths `lens`, joined by `sep` bytes, into
/// datagrams of at most `max` bytes (an item longer than that travels
/// alone), as index ranges.
///
/// A datagram over the path's MTU is fragmented or dropped on its way, so
/// `max` is 1432 bytes by default (`max_packet`): a 1500-byte Ethernet
/// frame less the IP and UDP headers, with room to spare.
pub(crate) fn pack(lens: &[usize], sep: usize, max: usize) -> Vec<Range<usize>> {
    let mut packets = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, &len) in lens.iter().enumerate() {
        let add = len + if i > start { sep } else { 0 };
        if i > start && size + add > max {
            packets.push(start..i);
            (start, size) = (i, len);
        } else {
            size += add;
        }
    }
    if start < lens.len() {
        packets.push(start..lens.len());
    }
    packets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_up_to_the_limit_counting_separators() {
        let lens = [4, 5, 3, 20, 1];
        // 4 + 1 + 5 = 10 fits; + 1 + 3 would be 14.
        assert_eq!(pack(&lens, 1, 10), vec![0..2, 2..3, 3..4, 4..5]);
        assert_eq!(pack(&lens, 1, 100), vec![0..5]);
        assert_eq!(pack(&lens, 0, 12), vec![0..3, 3..4, 4..5]);
        assert!(pack(&[], 1, 10).is_empty());
    }
}
