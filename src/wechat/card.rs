//! WeChat cards (卡券): the `wx_card` api_ticket and the signed `cardExt` that `wx.addCard` takes.

use serde::Deserialize;
use sha1::{Digest, Sha1};

use super::{WeChat, WxError, REFRESH_AHEAD_SECS};
use crate::db;

/// The `cardExt` signature: SHA1 over the values (api_ticket, timestamp, nonce_str, card_id and,
/// when given, code and openid) sorted as strings and joined with nothing, in lower-case hex.
pub fn signature(values: &[&str]) -> String {
    let mut sorted: Vec<&str> = values.iter().copied().filter(|v| !v.is_empty()).collect();
    sorted.sort_unstable();
    let digest = Sha1::digest(sorted.concat().as_bytes());
    digest.iter().fold(String::with_capacity(40), |mut out, b| {
        use std::fmt::Write as _;
        let _ = write!(out, "{b:02x}");
        out
    })
}

impl WeChat {
    /// A live `wx_card` api_ticket: from memory, else a new one from WeChat (valid 7200 s).
    pub fn card_ticket(&self) -> Result<String, WxError> {
        #[derive(Deserialize)]
        struct TicketBody {
            ticket: String,
            expires_in: i64,
        }
        let c = self.creds()?;
        let now = db::unix_now();
        let mut slot = self.inner.card_ticket.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((appid, ticket, expires)) = slot.as_ref() {
            if *appid == c.appid && *expires - REFRESH_AHEAD_SECS > now {
                return Ok(ticket.clone());
            }
        }
        let url = format!("{}/cgi-bin/ticket/getticket", c.base);
        let fetch = |token: &str| -> Result<TicketBody, WxError> {
            self.get_json(&url, &[("access_token", token), ("type", "wx_card")])
        };
        let token = self.access_token()?;
        let body = match fetch(&token) {
            Err(e) if e.is_token_error() => fetch(&self.token_after_reject(&token)?)?,
            other => other?,
        };
        *slot = Some((c.appid, body.ticket.clone(), now + body.expires_in));
        Ok(body.ticket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_sorts_the_values_and_skips_empty_ones() {
        // sha1("123abc"), computed independently.
        assert_eq!(signature(&["abc", "123", ""]), "4be30d9814c6d4e9800e0d2ea9ec9fb00efa887b");
    }
}
