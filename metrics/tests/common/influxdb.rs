//! A real InfluxDB 1.6 (Debian's `influxdb`) on 127.0.0.1, with its HTTP
//! API and a UDP listener (database `udp`), and its InfluxQL answers.
//! Included by test files that also include `peer.rs` as `peer`.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use crate::peer::{free_port, get, Peer};

/// InfluxDB with its HTTP API on a free port and its UDP listener on `udp`.
pub(crate) fn start_influxdb(udp: u16) -> Peer {
    start_influxdb_on(free_port(), udp)
}

/// InfluxDB with its HTTP API on `port` (to restart it where kit expects it).
pub(crate) fn start_influxdb_on(port: u16, udp: u16) -> Peer {
    Peer::spawn_on(
        port,
        "influxdb",
        Duration::from_secs(30),
        |port| get(port, "/ping").map(|r| r.0) == Some(204),
        |port, dir| {
            let d = dir.display();
            // Not the HTTP port (chosen by the caller, maybe just now).
            let rpc = std::iter::repeat_with(free_port)
                .find(|p| *p != port)
                .unwrap();
            std::fs::write(
                dir.join("influxdb.conf"),
                format!(
                    "reporting-enabled = false\nbind-address = \"127.0.0.1:{rpc}\"\n\
                     [meta]\n  dir = \"{d}/meta\"\n\
                     [data]\n  dir = \"{d}/data\"\n  wal-dir = \"{d}/wal\"\n  query-log-enabled = false\n\
                     [monitor]\n  store-enabled = false\n\
                     [http]\n  bind-address = \"127.0.0.1:{port}\"\n  log-enabled = false\n\
                     [[udp]]\n  enabled = true\n  bind-address = \"127.0.0.1:{udp}\"\n  database = \"udp\"\n\
                     \x20 batch-timeout = \"10ms\"\n"
                ),
            )
            .unwrap();
            let mut command = Command::new("influxd");
            command.arg("-config").arg(dir.join("influxdb.conf"));
            command
        },
    )
}

/// `POST /write` of line-protocol `body` to `db` (nanosecond
/// timestamps); the whole HTTP answer.
#[allow(dead_code)] // only the fuzz corpus replay writes lines itself
pub(crate) fn write(port: u16, db: &str, body: &str) -> String {
    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        conn,
        "POST /write?db={db}&precision=ns HTTP/1.0\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    response
}

/// `POST /query` with an InfluxQL statement; the JSON answer.
pub(crate) fn influxql(port: u16, db: &str, q: &str) -> serde_json::Value {
    let body: String = format!("db={db}&q=")
        + &q.bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>();
    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        conn,
        "POST /query HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    let json = response.split_once("\r\n\r\n").unwrap().1;
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {response}"))
}

/// Every point of the measurements matching `regex`: (measurement, tags)
/// → field → value, from `SELECT * … GROUP BY *`.
pub(crate) type Points = BTreeMap<(String, Vec<(String, String)>), BTreeMap<String, f64>>;

pub(crate) fn points(port: u16, db: &str, regex: &str) -> Points {
    let answer = influxql(port, db, &format!("SELECT * FROM /{regex}/ GROUP BY *"));
    let mut out = Points::new();
    let Some(series) = answer["results"][0]["series"].as_array() else {
        return out;
    };
    for s in series {
        let tags: Vec<(String, String)> = s["tags"]
            .as_object()
            .map(|t| {
                // GROUP BY * lists every tag key of the query, empty where
                // a series has none.
                t.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                    .filter(|(_, v)| !v.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let columns = s["columns"].as_array().unwrap();
        let last = s["values"].as_array().unwrap().last().unwrap();
        let fields = out
            .entry((s["name"].as_str().unwrap().to_owned(), tags))
            .or_default();
        for (c, v) in columns.iter().zip(last.as_array().unwrap()) {
            if let (Some(c), Some(v)) = (c.as_str(), v.as_f64()) {
                fields.insert(c.to_owned(), v);
            }
        }
    }
    out
}
