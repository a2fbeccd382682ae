//! Getting a message to a shopper outside the mini-program: SMS through Tencent Cloud and e-mail
//! through SMTP. The calls block; callers run them off the async executor.

pub mod mail;
pub mod tencent_sms;

/// Why a message did not go out. The text goes to the outbox and the log, so it never holds the
/// code itself.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DeliveryError {
    /// The merchant's settings cannot work (bad sender address, bad URL...).
    #[error("{0}")]
    Config(String),
    /// The provider could not be reached.
    #[error("{0}")]
    Transport(String),
    /// The provider answered and said no.
    #[error("{0}")]
    Refused(String),
}
