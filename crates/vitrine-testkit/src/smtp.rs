//! A real SMTP server on loopback for the confirmation emails.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::mpsc;

/// Starts aiosmtpd (Debian's python3-aiosmtpd, installed by
/// scripts/setup-debian.sh) through this crate's `smtp_sink.py`; returns its
/// port and a channel with each message it receives, as received. The
/// server stops with the test's runtime (the child is killed on drop, and
/// exits when its standard input closes).
pub async fn smtp_server() -> (u16, mpsc::UnboundedReceiver<String>) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/smtp_sink.py");
    let mut child = tokio::process::Command::new("/usr/bin/python3")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the SMTP server (apt-get install python3-aiosmtpd)");
    let stdout = child.stdout.take().expect("the SMTP server's output");
    let mut lines = BufReader::new(stdout).lines();
    let ready = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("the SMTP server did not start within 30 s")
        .expect("read the SMTP server's output")
        .expect("the SMTP server exited (is python3-aiosmtpd installed?)");
    let port: u16 = ready
        .strip_prefix("READY ")
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line from the SMTP server: {ready}"));
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        // Owns the child: it lives as long as this task.
        let _child = child;
        while let Ok(Some(line)) = lines.next_line().await {
            let v: serde_json::Value = serde_json::from_str(&line).expect("a JSON line from the SMTP server");
            if tx.send(v["mail"].as_str().unwrap_or_default().to_string()).is_err() {
                return;
            }
        }
    });
    (port, rx)
}

/// The next message as received (bounded wait).
pub async fn next_mail(rx: &mut mpsc::UnboundedReceiver<String>) -> String {
    tokio::time::timeout(Duration::from_secs(30), rx.recv())
        .await
        .expect("no email within 30 s")
        .expect("the SMTP server stopped")
}

/// The next message, quoted-printable decoded (see [`unqp`]).
pub async fn next_mail_text(rx: &mut mpsc::UnboundedReceiver<String>) -> String {
    unqp(&next_mail(rx).await)
}

/// Decodes a quoted-printable body well enough to search it.
pub fn unqp(s: &str) -> String {
    let joined = s.replace("=\r\n", "");
    let b = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'='
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unqp_joins_soft_breaks_and_decodes_bytes() {
        assert_eq!(unqp("Bonjour =C3=A9t=\r\n=C3=A9 a=3Db"), "Bonjour été a=b");
        // A lone `=` or one not followed by hex stays as it is.
        assert_eq!(unqp("1 =zz 2 ="), "1 =zz 2 =");
    }
}
