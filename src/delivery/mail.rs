//! E-mail over SMTP (lettre, rustls): implicit TLS, STARTTLS, or plain for a relay on a trusted
//! network (and the tests' loopback server).

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SmtpTransport, Transport};

use super::DeliveryError;
use crate::settings::{keys, Snapshot};

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (usually port 465).
    Ssl,
    /// Plain, then STARTTLS, which must succeed (usually port 587 or 25).
    StartTls,
    /// No TLS at all.
    None,
}

impl Security {
    pub fn parse(v: &str) -> Option<Security> {
        match v {
            "ssl" => Some(Security::Ssl),
            "starttls" => Some(Security::StartTls),
            "none" => Some(Security::None),
            _ => None,
        }
    }
}

/// The merchant's SMTP account.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    pub password: Option<String>,
    pub from: Mailbox,
    pub security: Security,
}

impl SmtpConfig {
    /// The configured account; Ok(None) while the host or the sender is missing.
    pub fn from_settings(s: &Snapshot) -> Result<Option<SmtpConfig>, DeliveryError> {
        let (Some(host), Some(from)) = (s.get(keys::SMTP_HOST), s.get(keys::SMTP_FROM)) else {
            return Ok(None);
        };
        let from: Mailbox =
            from.parse().map_err(|e| DeliveryError::Config(format!("发件人地址 {from} 无效：{e}")))?;
        let security = s.get(keys::SMTP_SECURITY).and_then(Security::parse);
        let port = match s.get(keys::SMTP_PORT) {
            Some(p) => p.parse::<u16>().map_err(|_| DeliveryError::Config(format!("SMTP 端口 {p} 无效")))?,
            None if security == Some(Security::Ssl) => 465,
            None => 587,
        };
        let security = security.unwrap_or(if port == 465 { Security::Ssl } else { Security::StartTls });
        Ok(Some(SmtpConfig {
            host: host.to_string(),
            port,
            user: s.get(keys::SMTP_USER).map(str::to_string),
            password: s.get(keys::SMTP_PASSWORD).map(str::to_string),
            from,
            security,
        }))
    }
}

/// Sends a plain-text message; blocks (call it off the async executor).
pub fn send(cfg: &SmtpConfig, to: &str, subject: &str, body: &str) -> Result<(), DeliveryError> {
    let to: Mailbox = to.parse().map_err(|e| DeliveryError::Config(format!("收件人地址无效：{e}")))?;
    let message = Message::builder()
        .from(cfg.from.clone())
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_string())
        .map_err(|e| DeliveryError::Config(format!("邮件内容：{e}")))?;
    let tls_error = |e: lettre::transport::smtp::Error| DeliveryError::Config(format!("SMTP TLS 设置：{e}"));
    let mut builder = match cfg.security {
        Security::Ssl => SmtpTransport::relay(&cfg.host).map_err(tls_error)?,
        Security::StartTls => SmtpTransport::starttls_relay(&cfg.host).map_err(tls_error)?,
        Security::None => SmtpTransport::builder_dangerous(&cfg.host),
    }
    .port(cfg.port)
    .timeout(Some(Duration::from_secs(10)));
    if let Some(user) = &cfg.user {
        builder =
            builder.credentials(Credentials::new(user.clone(), cfg.password.clone().unwrap_or_default()));
    }
    builder.build().send(&message).map(|_| ()).map_err(|e| {
        if e.is_permanent() || e.is_transient() {
            DeliveryError::Refused(format!("邮件服务器拒绝：{e}"))
        } else {
            DeliveryError::Transport(format!("邮件服务器无法访问：{e}"))
        }
    })
}
