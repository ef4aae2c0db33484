//! A flaky JSON-RPC proxy for fault-injection tests: one HTTP request per connection, and for
//! each request, chosen by a seeded generator, one of: forward it, delay it, refuse it with a
//! 429, drop the connection without an answer, or forward it and truncate the answer.

use crate::{Error, Result};
use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    task::JoinHandle,
};

/// What the proxy did, by kind.
#[derive(Debug, Default)]
pub struct FaultCounts {
    /// Forwarded in full (delayed or not).
    pub forwarded: AtomicU64,
    /// Forwarded after a delay.
    pub delayed: AtomicU64,
    /// Answered 429 Too Many Requests.
    pub rate_limited: AtomicU64,
    /// Connection closed without an answer.
    pub dropped: AtomicU64,
    /// Answer cut short.
    pub truncated: AtomicU64,
}

impl FaultCounts {
    /// Requests that were not answered in full.
    pub fn faults(&self) -> u64 {
        self.rate_limited.load(Ordering::Relaxed)
            + self.dropped.load(Ordering::Relaxed)
            + self.truncated.load(Ordering::Relaxed)
    }
}

/// A running proxy; stops on drop.
#[derive(Debug)]
pub struct FlakyRpc {
    addr: SocketAddr,
    task: JoinHandle<()>,
    /// What it did.
    pub counts: Arc<FaultCounts>,
}

impl FlakyRpc {
    /// Proxies to `upstream` (`host:port`); `fault_percent` of requests fail in one of the four
    /// ways, a few more are delayed.
    pub async fn start(upstream: SocketAddr, fault_percent: u64, seed: u64) -> Result<Self> {
        let listener =
            TcpListener::bind("127.0.0.1:0").await.map_err(|e| Error::Spawn(format!("proxy: {e}")))?;
        let addr = listener.local_addr().map_err(|e| Error::Spawn(format!("proxy: {e}")))?;
        let counts = Arc::new(FaultCounts::default());
        let state = counts.clone();
        let task = tokio::spawn(async move {
            let mut rng = seed.max(1);
            loop {
                let Ok((client, _)) = listener.accept().await else { return };
                // xorshift64: reproducible choices for a seed
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                let roll = rng % 100;
                let counts = state.clone();
                tokio::spawn(async move {
                    let _ = serve(client, upstream, roll, fault_percent, &counts).await;
                });
            }
        });
        Ok(Self { addr, task, counts })
    }

    /// The proxy's URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for FlakyRpc {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one HTTP/1.1 request (headers and a `content-length` body).
async fn read_request(client: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    loop {
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                return Ok(buf);
            }
        }
    }
}

async fn serve(
    mut client: TcpStream,
    upstream: SocketAddr,
    roll: u64,
    fault_percent: u64,
    counts: &FaultCounts,
) -> std::io::Result<()> {
    let request = read_request(&mut client).await?;
    let quarter = fault_percent.div_ceil(4);
    match roll {
        r if r < quarter => {
            counts.dropped.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        r if r < 2 * quarter => {
            counts.rate_limited.fetch_add(1, Ordering::Relaxed);
            let body = r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32005,"message":"rate limited"}}"#;
            let answer = format!(
                "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            client.write_all(answer.as_bytes()).await?;
            return client.shutdown().await;
        }
        _ => {}
    }
    let truncate = roll >= 2 * quarter && roll < fault_percent;
    if roll >= fault_percent && roll < fault_percent + 10 {
        counts.delayed.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(50 + roll * 5)).await;
    }
    let mut server = TcpStream::connect(upstream).await?;
    // one request per upstream connection: ask the node to close it after answering
    let request = String::from_utf8_lossy(&request).replacen("\r\n", "\r\nconnection: close\r\n", 1);
    server.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    server.read_to_end(&mut answer).await?;
    if truncate {
        counts.truncated.fetch_add(1, Ordering::Relaxed);
        answer.truncate(answer.len() * 2 / 3);
    } else {
        counts.forwarded.fetch_add(1, Ordering::Relaxed);
    }
    client.write_all(&answer).await?;
    client.shutdown().await
}
