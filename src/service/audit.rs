//! `xiaodian check`: every consistency check the operator can run on a shop's data, in one list.

use rusqlite::Connection;

use crate::service::error::Result;
use crate::service::ledger;

/// One named check: what it verifies, and the function that lists what differs.
pub type Check = (&'static str, fn(&Connection) -> Result<Vec<String>>);

/// Every check, in the order they run. Add a new one here.
pub const CHECKS: &[Check] = &[
    ("accounts equal the sum of their ledger", ledger::check),
    ("every paid order and payment has its money", crate::service::payment::check),
    // bargain (kanjia)
    ("every bargain's cuts add up to its price", crate::service::kanjia::check),
    ("every commission has its order line and its money", crate::service::fx::check),
    // group buy (pingtuan)
    ("every group's member orders follow the group", crate::service::pingtuan::check),
    // cards paying at checkout
    ("every held card holds what its logs add up to", crate::service::card_pay::check),
];

/// Runs every check; each difference in words (prefixed with the check's name); empty when all agree.
pub fn run_checks(c: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for (name, check) in CHECKS {
        problems.extend(check(c)?.into_iter().map(|p| format!("[{name}] {p}")));
    }
    Ok(problems)
}
