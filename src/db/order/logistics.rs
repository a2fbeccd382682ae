//! Parcels (`order_logistics`): what the merchant shipped and its traces.

use crate::db::Result;
use rusqlite::{params, params_from_iter, Connection, Row};

/// A parcel as the merchant ships it.
#[derive(Debug, Clone, Default)]
pub struct NewParcel {
    pub shipper_code: String,
    pub shipper_name: String,
    pub tracking_number: String,
    /// JSON array of {AcceptStation, AcceptTime}.
    pub traces: String,
}

#[derive(Debug, Clone)]
pub struct ParcelRow {
    pub id: i64,
    pub order_id: i64,
    pub parcel: NewParcel,
    pub date_add: i64,
}

fn parcel_row(r: &Row) -> rusqlite::Result<ParcelRow> {
    Ok(ParcelRow {
        id: r.get(0)?,
        order_id: r.get(1)?,
        parcel: NewParcel {
            shipper_code: r.get(2)?,
            shipper_name: r.get(3)?,
            tracking_number: r.get(4)?,
            traces: r.get(5)?,
        },
        date_add: r.get(6)?,
    })
}

const PARCEL_COLUMNS: &str = "id, order_id, shipper_code, shipper_name, tracking_number, traces, date_add";

pub fn insert_parcel(c: &Connection, order_id: i64, p: &NewParcel, now: i64) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO order_logistics (order_id, shipper_code, shipper_name, tracking_number, traces, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![order_id, p.shipper_code, p.shipper_name, p.tracking_number, p.traces, now])?;
    Ok(c.last_insert_rowid())
}

/// Replaces a parcel's traces (JSON array).
pub fn set_traces(c: &Connection, parcel_id: i64, traces: &str) -> Result<bool> {
    Ok(c.prepare_cached("UPDATE order_logistics SET traces = ?2 WHERE id = ?1")?
        .execute(params![parcel_id, traces])?
        == 1)
}

/// The parcels of several orders, by order then parcel.
pub fn parcels_of(c: &Connection, order_ids: &[i64]) -> Result<Vec<ParcelRow>> {
    if order_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = (1..=order_ids.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    let mut st = c.prepare(&format!(
        "SELECT {PARCEL_COLUMNS} FROM order_logistics WHERE order_id IN ({marks}) ORDER BY order_id, id"
    ))?;
    let rows = st.query_map(params_from_iter(order_ids.iter()), parcel_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
