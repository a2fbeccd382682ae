//! Merchant API tests.
