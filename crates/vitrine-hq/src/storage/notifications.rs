//! Messages to shoppers (email, SMS), queued in the transaction of what
//! they confirm and sent by HQ's notifier with retries.

use vitrine_core::product::UnixTime;

use super::Result;

/// A message to a shopper (email or SMS), sent by HQ's notifier with retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: i64,
    pub channel: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub attempts: u32,
}

/// A message to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    /// "email" or "sms".
    pub channel: String,
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// A message and when it is due (the survey loop's schedule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled {
    pub note: NewNotification,
    pub at: UnixTime,
    /// A coupon code: the message is cancelled (never sent) once this
    /// coupon's use is recorded (the reminder of an unused coupon).
    pub until_redeemed: Option<String>,
}

/// Storage of the messages' queue.
pub trait NotificationStore {
    /// Messages due at `now`, oldest first.
    fn due_notifications(&self, now: UnixTime, limit: usize) -> Result<Vec<Notification>>;
    fn notification_sent(&self, id: i64, now: UnixTime) -> Result<()>;
    /// A failed try: retried at `next_at`, or given up when `next_at` is None.
    fn notification_failed(&self, id: i64, error: &str, next_at: Option<UnixTime>) -> Result<()>;
    /// When the next message falls due (None: nothing waits).
    fn next_notification_at(&self) -> Result<Option<UnixTime>>;
}
