//! A small SMTP server for the tests: it speaks enough of RFC 5321 for the
//! app's client (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), keeps every
//! message it accepts, and can stall instead of greeting (to catch a
//! server in the middle of sending). Never on the network: 127.0.0.1 only.
#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One accepted message.
#[derive(Clone, Debug)]
pub struct Received {
    pub to: Vec<String>,
    /// The headers, as sent.
    pub headers: String,
    /// The body with quoted-printable undone.
    pub body: String,
    /// When the DATA terminator arrived (the mail accepted), for benches.
    pub at: Instant,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_lowercase());
        let mut lines = self.headers.lines().peekable();
        while let Some(line) = lines.next() {
            if line.to_lowercase().starts_with(&prefix) {
                let mut value = line[prefix.len()..].trim().to_owned();
                while let Some(next) = lines.next_if(|l| l.starts_with([' ', '\t'])) {
                    value.push(' ');
                    value.push_str(next.trim());
                }
                return Some(value);
            }
        }
        None
    }
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    stalling: AtomicBool,
    stalled: AtomicUsize,
}

pub struct SmtpSink {
    pub port: u16,
    shared: Arc<Shared>,
}

impl SmtpSink {
    /// A sink on a free port.
    pub async fn start() -> SmtpSink {
        SmtpSink::on(0).await
    }

    /// A sink on `port` (0: any free one).
    pub async fn on(port: u16) -> SmtpSink {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("the sink's port");
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared::default());
        let serving = shared.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let shared = serving.clone();
                tokio::spawn(async move {
                    if shared.stalling.load(Ordering::Acquire) {
                        shared.stalled.fetch_add(1, Ordering::AcqRel);
                        // Holds the connection open without a word.
                        let _keep = stream;
                        tokio::time::sleep(Duration::from_secs(600)).await;
                        return;
                    }
                    let _ = converse(stream, &shared).await;
                });
            }
        });
        SmtpSink { port, shared }
    }

    /// A port nothing listens on (yet): an SMTP server that is down.
    pub async fn free_port() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    }

    /// New connections get no greeting while set.
    pub fn stall(&self, stalling: bool) {
        self.shared.stalling.store(stalling, Ordering::Release);
    }

    /// Connections held without a greeting so far.
    pub fn stalled(&self) -> usize {
        self.shared.stalled.load(Ordering::Acquire)
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// How many messages arrived, without copying them.
    pub fn count(&self) -> usize {
        self.shared.received.lock().unwrap().len()
    }

    /// Waits until at least `count` messages arrived (panics after `within`).
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                started.elapsed() < within,
                "{} of {count} mails arrived in {within:?}",
                received.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits for `condition` on the sink (polled; panics after `within`).
    pub async fn wait_until(&self, within: Duration, condition: impl Fn(&SmtpSink) -> bool) {
        let started = Instant::now();
        while !condition(self) {
            assert!(started.elapsed() < within, "the sink never got there");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn converse(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let (reading, mut writing) = stream.into_split();
    let mut lines = BufReader::new(reading);
    writing.write_all(b"220 sink ESMTP\r\n").await?;
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
            b"250-sink\r\n250 8BITMIME\r\n"
        } else if command.starts_with("MAIL FROM") {
            to.clear();
            b"250 OK\r\n"
        } else if command.starts_with("RCPT TO") {
            let address = line.trim_end()[8..].trim().trim_matches(['<', '>']);
            to.push(address.to_owned());
            b"250 OK\r\n"
        } else if command == "DATA" {
            writing.write_all(b"354 Go ahead\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                data.push_str(
                    line.strip_prefix('.')
                        .filter(|_| line.starts_with(".."))
                        .unwrap_or(&line),
                );
            }
            let at = Instant::now();
            let (headers, body) = data
                .split_once("\r\n\r\n")
                .map(|(h, b)| (h.to_owned(), b.to_owned()))
                .unwrap_or((data.clone(), String::new()));
            shared.received.lock().unwrap().push(Received {
                to: std::mem::take(&mut to),
                headers,
                body: unquote(&body),
                at,
            });
            b"250 Queued\r\n"
        } else if command == "RSET" || command == "NOOP" {
            b"250 OK\r\n"
        } else if command == "QUIT" {
            writing.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            b"502 Not implemented\r\n"
        };
        writing.write_all(reply).await?;
    }
}

/// Quoted-printable undone (soft breaks and `=XX`), enough to read bodies.
fn unquote(body: &str) -> String {
    let joined = body.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(byte) = u8::from_str_radix(hex, 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
