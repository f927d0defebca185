//! A real HTTP endpoint standing in for the SMS provider's webhook: HQ
//! posts `{"to": …, "text": …}` to it, the test reads each message.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// Starts the stand-in on `127.0.0.1:0`; returns its URL (for
/// `HqConfig::sms_webhook`) and a channel with each message's JSON. It
/// answers 200 to every POST; it stops with the test's runtime.
pub async fn sms_server() -> (String, mpsc::UnboundedReceiver<serde_json::Value>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the SMS stand-in");
    let url = format!("http://{}/sms", listener.local_addr().expect("its address"));
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // Headers, then Content-Length bytes of body.
                let body = loop {
                    let Ok(n) = sock.read(&mut chunk).await else { return };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    if buf.len() >= end + 4 + len {
                        break buf[end + 4..end + 4 + len].to_vec();
                    }
                };
                if let Ok(v) = serde_json::from_slice(&body) {
                    let _ = tx.send(v);
                }
                let _ = sock
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
                    .await;
            });
        }
    });
    (url, rx)
}

/// The next message the stand-in received (bounded wait).
pub async fn next_sms(rx: &mut mpsc::UnboundedReceiver<serde_json::Value>) -> serde_json::Value {
    tokio::time::timeout(Duration::from_secs(30), rx.recv())
        .await
        .expect("no SMS within 30 s")
        .expect("the SMS stand-in stopped")
}

/// The one-time code (six digits) in a message's text.
pub fn code_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no six-digit code in {text}"))
        .to_string()
}
