//! A TCP proxy on 127.0.0.1 in front of a real peer, which can kill one
//! push in the middle: once armed, the next connection it accepts is cut
//! after 512 bytes (the peer "dies" mid-stream); every other connection is
//! forwarded both ways, untouched. For protocols whose clients keep their
//! connection (gRPC), the cut connection is the one the next push opens.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The proxy; see the module docs.
pub(crate) struct CuttingProxy {
    /// Where it listens.
    pub(crate) port: u16,
    armed: Arc<AtomicBool>,
    cut: Arc<AtomicBool>,
}

impl CuttingProxy {
    /// A proxy forwarding to `upstream` on 127.0.0.1, armed.
    pub(crate) fn start(upstream: u16) -> CuttingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let armed = Arc::new(AtomicBool::new(true));
        let cut = Arc::new(AtomicBool::new(false));
        let (arm, was_cut) = (armed.clone(), cut.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if arm.swap(false, Ordering::SeqCst) {
                    let was_cut = was_cut.clone();
                    std::thread::spawn(move || cut_after_512_bytes(client, &was_cut));
                } else {
                    std::thread::spawn(move || forward(client, upstream));
                }
            }
        });
        CuttingProxy { port, armed, cut }
    }

    /// Whether a connection was cut with more of its push still coming.
    pub(crate) fn was_cut(&self) -> bool {
        self.cut.load(Ordering::SeqCst)
    }

    /// Cuts the next connection again (and forgets the last cut).
    #[allow(dead_code)] // not every including test cuts twice
    pub(crate) fn arm(&self) {
        self.cut.store(false, Ordering::SeqCst);
        self.armed.store(true, Ordering::SeqCst);
    }
}

fn cut_after_512_bytes(mut client: TcpStream, cut: &AtomicBool) {
    let mut buf = [0u8; 4096];
    let mut got = 0;
    while got < 512 {
        match client.read(&mut buf[..512 - got]) {
            Ok(0) | Err(_) => return,
            Ok(n) => got += n,
        }
    }
    let _ = client.set_read_timeout(Some(Duration::from_millis(200)));
    if matches!(client.read(&mut buf), Ok(n) if n > 0) {
        cut.store(true, Ordering::SeqCst);
    }
    // Dropped: the rest of the push has nowhere to go.
}

fn forward(client: TcpStream, upstream: u16) {
    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
        return;
    };
    let (mut c_read, mut s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
    let up = std::thread::spawn(move || {
        let _ = std::io::copy(&mut c_read, &mut s_write);
        let _ = s_write.shutdown(Shutdown::Write);
    });
    let (mut s_read, mut c_write) = (server, client);
    let _ = std::io::copy(&mut s_read, &mut c_write);
    let _ = c_write.flush();
    let _ = c_write.shutdown(Shutdown::Write);
    let _ = up.join();
}
