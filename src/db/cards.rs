//! Cards the shop sells (次卡 / 储值卡), the cards shoppers hold, their logs and card passwords.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::Result;

/// What the merchant edits on a card.
#[derive(Debug, Clone, Default)]
pub struct CardFields {
    pub name: String,
    /// 0 count card (uses), 1 value card (fen).
    pub kind: i64,
    /// Uses, or fen, a new card holds.
    pub amount: i64,
    /// Fen; 0 = not sold, only given by a card password.
    pub price: i64,
    /// Valid this many days after it is taken; 0 = no end.
    pub days: i64,
    /// Comma list of the goods ids it pays for.
    pub refs: String,
    pub pic: String,
    pub content: String,
    pub paixu: i64,
    /// 0 on sale, 1 off sale.
    pub status: i64,
}

/// A card as stored.
#[derive(Debug, Clone)]
pub struct Card {
    pub id: i64,
    pub f: CardFields,
    pub date_add: i64,
    pub date_update: i64,
}

const CARD_COLUMNS: &str =
    "id, name, kind, amount, price, days, refs, pic, content, paixu, status, date_add, date_update";

fn card(r: &Row) -> rusqlite::Result<Card> {
    Ok(Card {
        id: r.get(0)?,
        f: CardFields {
            name: r.get(1)?,
            kind: r.get(2)?,
            amount: r.get(3)?,
            price: r.get(4)?,
            days: r.get(5)?,
            refs: r.get(6)?,
            pic: r.get(7)?,
            content: r.get(8)?,
            paixu: r.get(9)?,
            status: r.get(10)?,
        },
        date_add: r.get(11)?,
        date_update: r.get(12)?,
    })
}

pub fn card_by_id(c: &Connection, id: i64) -> Result<Option<Card>> {
    Ok(c.query_row(&format!("SELECT {CARD_COLUMNS} FROM cards WHERE id = ?1"), [id], card).optional()?)
}

/// Every card, on sale or not (`on_sale_only`), in display order.
pub fn cards(c: &Connection, on_sale_only: bool) -> Result<Vec<Card>> {
    let mut st = c.prepare(&format!(
        "SELECT {CARD_COLUMNS} FROM cards WHERE (?1 = 0 OR status = 0) ORDER BY paixu, id"
    ))?;
    let rows = st.query_map([i64::from(on_sale_only)], card)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn insert_card(c: &Connection, f: &CardFields, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO cards (name, kind, amount, price, days, refs, pic, content, paixu, status, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
        params![f.name, f.kind, f.amount, f.price, f.days, f.refs, f.pic, f.content, f.paixu, f.status, now],
    )?;
    Ok(c.last_insert_rowid())
}

/// Saves a card's fields; false when there is no such card.
pub fn update_card(c: &Connection, id: i64, f: &CardFields, now: i64) -> Result<bool> {
    Ok(c.execute(
        "UPDATE cards SET name = ?2, kind = ?3, amount = ?4, price = ?5, days = ?6, refs = ?7, pic = ?8,
                content = ?9, paixu = ?10, status = ?11, date_update = ?12 WHERE id = ?1",
        params![
            id, f.name, f.kind, f.amount, f.price, f.days, f.refs, f.pic, f.content, f.paixu, f.status, now
        ],
    )? == 1)
}

/// A card a shopper holds.
#[derive(Debug, Clone)]
pub struct Held {
    pub id: i64,
    pub card_id: i64,
    pub user_id: i64,
    pub amount: i64,
    /// 0 usable, 1 shared away.
    pub status: i64,
    pub date_add: i64,
    /// 0 = no end.
    pub date_end: i64,
    pub share_open: bool,
    pub share_remark: String,
}

const HELD_COLUMNS: &str =
    "id, card_id, user_id, amount, status, date_add, date_end, share_hash IS NOT NULL, share_remark";

fn held(r: &Row) -> rusqlite::Result<Held> {
    Ok(Held {
        id: r.get(0)?,
        card_id: r.get(1)?,
        user_id: r.get(2)?,
        amount: r.get(3)?,
        status: r.get(4)?,
        date_add: r.get(5)?,
        date_end: r.get(6)?,
        share_open: r.get(7)?,
        share_remark: r.get(8)?,
    })
}

pub fn held_by_id(c: &Connection, id: i64) -> Result<Option<Held>> {
    Ok(c.query_row(&format!("SELECT {HELD_COLUMNS} FROM card_users WHERE id = ?1"), [id], held).optional()?)
}

/// The held card whose open share has this token hash.
pub fn held_by_share(c: &Connection, share_hash: &str) -> Result<Option<Held>> {
    Ok(c.query_row(
        &format!("SELECT {HELD_COLUMNS} FROM card_users WHERE share_hash = ?1"),
        [share_hash],
        held,
    )
    .optional()?)
}

/// The shopper's cards, newest first.
pub fn held_by_user(c: &Connection, user_id: i64) -> Result<Vec<Held>> {
    let mut st =
        c.prepare(&format!("SELECT {HELD_COLUMNS} FROM card_users WHERE user_id = ?1 ORDER BY id DESC"))?;
    let rows = st.query_map([user_id], held)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Who holds a card, newest first, a page of them, and how many.
pub fn holders_of(c: &Connection, card_id: i64, offset: i64, limit: i64) -> Result<(Vec<Held>, i64)> {
    let mut st = c.prepare(&format!(
        "SELECT {HELD_COLUMNS} FROM card_users WHERE card_id = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = st.query_map(params![card_id, limit, offset], held)?.collect::<rusqlite::Result<Vec<_>>>()?;
    let total = c.query_row("SELECT count(*) FROM card_users WHERE card_id = ?1", [card_id], |r| r.get(0))?;
    Ok((rows, total))
}

/// A new held card, usable.
pub fn insert_held(
    c: &Connection,
    card_id: i64,
    user_id: i64,
    amount: i64,
    date_end: i64,
    now: i64,
) -> Result<i64> {
    c.execute(
        "INSERT INTO card_users (card_id, user_id, amount, date_add, date_end) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![card_id, user_id, amount, now, date_end],
    )?;
    Ok(c.last_insert_rowid())
}

/// Adds `delta` to a usable held card's amount unless that would go below zero; the new amount,
/// or None when the card is not usable or holds too little.
pub fn change_amount(c: &Connection, id: i64, delta: i64) -> Result<Option<i64>> {
    Ok(c.query_row(
        "UPDATE card_users SET amount = amount + ?2 WHERE id = ?1 AND status = 0 AND amount + ?2 >= 0
         RETURNING amount",
        params![id, delta],
        |r| r.get(0),
    )
    .optional()?)
}

/// Opens (or renews) a share of a usable held card; false when it is not usable.
pub fn open_share(c: &Connection, id: i64, share_hash: &str, remark: &str) -> Result<bool> {
    Ok(c.execute(
        "UPDATE card_users SET share_hash = ?2, share_remark = ?3 WHERE id = ?1 AND status = 0",
        params![id, share_hash, remark],
    )? == 1)
}

/// Closes a held card's share; false when none was open.
pub fn close_share(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute(
        "UPDATE card_users SET share_hash = NULL, share_remark = '' WHERE id = ?1 AND share_hash IS NOT NULL",
        [id],
    )? == 1)
}

/// Marks a held card shared away (it holds nothing more); false when it was not usable with this
/// share still open, so two fetches of one share cannot both win.
pub fn give_away(c: &Connection, id: i64, share_hash: &str) -> Result<bool> {
    Ok(c.execute(
        "UPDATE card_users SET status = 1, amount = 0, share_hash = NULL WHERE id = ?1 AND status = 0
         AND share_hash = ?2",
        params![id, share_hash],
    )? == 1)
}

/// What happened to a held card (`card_logs.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    Bought = 0,
    Redeemed = 1,
    SharedAway = 2,
    Received = 3,
    Used = 4,
    Adjusted = 5,
    /// Given back by an order that closed unpaid or was refunded in full.
    Returned = 6,
}

impl LogKind {
    pub fn from_code(code: i64) -> LogKind {
        match code {
            0 => LogKind::Bought,
            1 => LogKind::Redeemed,
            2 => LogKind::SharedAway,
            3 => LogKind::Received,
            4 => LogKind::Used,
            6 => LogKind::Returned,
            _ => LogKind::Adjusted,
        }
    }
}

/// One change of a held card.
#[derive(Debug, Clone)]
pub struct Log {
    pub id: i64,
    pub card_user_id: i64,
    pub user_id: i64,
    pub kind: LogKind,
    pub amount: i64,
    pub balance: i64,
    pub remark: String,
    pub date_add: i64,
}

/// A log row to write.
pub struct NewLog<'a> {
    pub card_user_id: i64,
    pub user_id: i64,
    pub kind: LogKind,
    pub amount: i64,
    pub balance: i64,
    pub remark: &'a str,
}

pub fn insert_log(c: &Connection, l: &NewLog<'_>, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO card_logs (card_user_id, user_id, kind, amount, balance, remark, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![l.card_user_id, l.user_id, l.kind as i64, l.amount, l.balance, l.remark, now],
    )?;
    Ok(c.last_insert_rowid())
}

/// The shopper's card logs (of one held card, or all), newest first, a page, and how many.
pub fn logs_of(
    c: &Connection,
    user_id: i64,
    card_user_id: Option<i64>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Log>, i64)> {
    let mut st = c.prepare(
        "SELECT id, card_user_id, user_id, kind, amount, balance, remark, date_add FROM card_logs
         WHERE user_id = ?1 AND (?2 IS NULL OR card_user_id = ?2) ORDER BY id DESC LIMIT ?3 OFFSET ?4",
    )?;
    let rows = st
        .query_map(params![user_id, card_user_id, limit, offset], |r| {
            Ok(Log {
                id: r.get(0)?,
                card_user_id: r.get(1)?,
                user_id: r.get(2)?,
                kind: LogKind::from_code(r.get(3)?),
                amount: r.get(4)?,
                balance: r.get(5)?,
                remark: r.get(6)?,
                date_add: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total = c.query_row(
        "SELECT count(*) FROM card_logs WHERE user_id = ?1 AND (?2 IS NULL OR card_user_id = ?2)",
        params![user_id, card_user_id],
        |r| r.get(0),
    )?;
    Ok((rows, total))
}

/// A card password as the merchant sees it: never the password, only its last characters.
#[derive(Debug, Clone)]
pub struct Password {
    pub id: i64,
    pub card_id: i64,
    pub hint: String,
    pub used_by: Option<i64>,
    pub date_used: Option<i64>,
    pub date_add: i64,
}

pub fn insert_password(c: &Connection, card_id: i64, pwd_hash: &str, hint: &str, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO card_passwords (card_id, pwd_hash, hint, date_add) VALUES (?1, ?2, ?3, ?4)",
        params![card_id, pwd_hash, hint, now],
    )?;
    Ok(c.last_insert_rowid())
}

/// The unused password with this hash: its id and card.
pub fn unused_password(c: &Connection, pwd_hash: &str) -> Result<Option<(i64, i64)>> {
    Ok(c.query_row(
        "SELECT id, card_id FROM card_passwords WHERE pwd_hash = ?1 AND used_by IS NULL",
        [pwd_hash],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?)
}

/// Marks a password used by a held card; false when it was used meanwhile.
pub fn use_password(c: &Connection, id: i64, card_user_id: i64, now: i64) -> Result<bool> {
    Ok(c.execute(
        "UPDATE card_passwords SET used_by = ?2, date_used = ?3 WHERE id = ?1 AND used_by IS NULL",
        params![id, card_user_id, now],
    )? == 1)
}

/// A card's passwords, newest first.
pub fn passwords_of(c: &Connection, card_id: i64) -> Result<Vec<Password>> {
    let mut st = c.prepare(
        "SELECT id, card_id, hint, used_by, date_used, date_add FROM card_passwords WHERE card_id = ?1
         ORDER BY id DESC",
    )?;
    let rows = st
        .query_map([card_id], |r| {
            Ok(Password {
                id: r.get(0)?,
                card_id: r.get(1)?,
                hint: r.get(2)?,
                used_by: r.get(3)?,
                date_used: r.get(4)?,
                date_add: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Whether goods `id` exists (a card's `refs` name only real goods).
pub fn goods_exists(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.query_row("SELECT EXISTS (SELECT 1 FROM goods WHERE id = ?1)", [id], |r| r.get(0))?)
}

/// Adds `delta` (> 0) back to a held card whatever its state (an order giving back what it took);
/// the new amount.
pub fn restore_amount(c: &Connection, id: i64, delta: i64) -> Result<i64> {
    Ok(c.query_row(
        "UPDATE card_users SET amount = amount + ?2 WHERE id = ?1 RETURNING amount",
        params![id, delta],
        |r| r.get(0),
    )?)
}

/// A held card paying part of an order.
#[derive(Debug, Clone)]
pub struct OrderCard {
    pub order_id: i64,
    pub card_user_id: i64,
    pub user_id: i64,
    /// Uses, or fen, taken off the card.
    pub used: i64,
    /// Fen taken off the order.
    pub amount: i64,
    pub returned: bool,
}

pub fn insert_order_card(c: &Connection, o: &OrderCard, now: i64) -> Result<()> {
    c.execute(
        "INSERT INTO order_cards (order_id, card_user_id, user_id, used, amount, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![o.order_id, o.card_user_id, o.user_id, o.used, o.amount, now],
    )?;
    Ok(())
}

pub fn order_card(c: &Connection, order_id: i64) -> Result<Option<OrderCard>> {
    Ok(c.query_row(
        "SELECT order_id, card_user_id, user_id, used, amount, returned FROM order_cards WHERE order_id = ?1",
        [order_id],
        |r| {
            Ok(OrderCard {
                order_id: r.get(0)?,
                card_user_id: r.get(1)?,
                user_id: r.get(2)?,
                used: r.get(3)?,
                amount: r.get(4)?,
                returned: r.get(5)?,
            })
        },
    )
    .optional()?)
}

/// Marks what an order took off a card as given back; false when it was already (so it goes
/// back once).
pub fn mark_order_card_returned(c: &Connection, order_id: i64) -> Result<bool> {
    Ok(c.execute("UPDATE order_cards SET returned = 1 WHERE order_id = ?1 AND returned = 0", [order_id])?
        == 1)
}

/// A held card against its logs: (id, amount, sum of logs, newest log's balance).
pub type LogSum = (i64, i64, i64, Option<i64>);

/// Held cards whose amount differs from the sum of their logs, or from their newest log's balance.
pub fn log_mismatches(c: &Connection) -> Result<Vec<LogSum>> {
    let mut st = c.prepare(
        "SELECT h.id, h.amount,
                (SELECT coalesce(sum(l.amount), 0) FROM card_logs l WHERE l.card_user_id = h.id),
                (SELECT l.balance FROM card_logs l WHERE l.card_user_id = h.id ORDER BY l.id DESC LIMIT 1)
         FROM card_users h",
    )?;
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<Vec<LogSum>>>()?;
    Ok(rows.into_iter().filter(|(_, amount, sum, last)| amount != sum || *last != Some(*amount)).collect())
}
