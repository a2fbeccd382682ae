//! Integration tests: the real app on a loopback port, a fresh SQLite file per test.

mod address;
mod admin;
mod contract;
mod files;
mod ledger;
mod levels;
mod levels_console;
mod login;
mod merchant;
mod site;
mod storage;
mod support;
mod tools;
