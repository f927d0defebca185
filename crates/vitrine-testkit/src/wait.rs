//! Bounded waits and output checks. Nothing here sleeps a fixed time and
//! asserts afterwards: a wait ends as soon as its condition holds, and its
//! bound only turns a hang into a failure that says what was awaited.

use std::fmt::Debug;
use std::process::Output;
use std::time::Duration;

use tokio::sync::watch;

/// Waits until `f` holds for the watched value, checking whenever it
/// changes and at least every 50 ms; returns that value. Panics with `what`
/// and the last value after `secs` seconds.
pub async fn wait_until<T: Clone + Debug>(
    rx: &mut watch::Receiver<T>,
    secs: u64,
    what: &str,
    mut f: impl FnMut(&T) -> bool,
) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let value = rx.borrow_and_update().clone();
        if f(&value) {
            return value;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting for {what}; last value {value:?}");
        }
        let _ = tokio::time::timeout(Duration::from_millis(50), rx.changed()).await;
    }
}

/// Waits until `f` holds, checking every 20 ms; panics with `what` after
/// `secs` seconds (for values no channel announces, such as a gauge).
pub async fn eventually(secs: u64, what: &str, mut f: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while !f() {
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A command's standard output, after checking that it succeeded (else the
/// failure shows its exit code and standard error).
pub fn stdout_ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn wait_until_returns_the_first_value_that_holds() {
        let (tx, mut rx) = watch::channel(0u32);
        let writer = tokio::spawn(async move {
            for i in 1..=5 {
                tx.send(i).unwrap();
                tokio::task::yield_now().await;
            }
            tx
        });
        let got = wait_until(&mut rx, 10, "five", |v| *v >= 5).await;
        assert_eq!(got, 5);
        drop(writer.await.unwrap());
    }

    #[tokio::test]
    #[should_panic(expected = "timed out waiting for never; last value 7")]
    async fn wait_until_names_what_it_waited_for() {
        let (_tx, mut rx) = watch::channel(7u32);
        wait_until(&mut rx, 0, "never", |_| false).await;
    }

    #[test]
    fn stdout_ok_returns_the_output_of_a_success_and_fails_on_an_error() {
        let ok = std::process::Command::new("sh")
            .args(["-c", "echo hi"])
            .output()
            .unwrap();
        assert_eq!(stdout_ok(&ok), "hi\n");
        let bad = std::process::Command::new("sh")
            .args(["-c", "echo oops >&2; exit 3"])
            .output()
            .unwrap();
        let e = std::panic::catch_unwind(|| stdout_ok(&bad)).unwrap_err();
        let msg = e.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(msg.contains("exit Some(3): oops"), "{msg}");
    }
}
