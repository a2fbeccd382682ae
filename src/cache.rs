//! Answers cached as serialised envelopes, dropped by topic when a write changes what they show.
//!
//! A reader takes the topic's generation before it queries and stores its answer only if no
//! write bumped the generation meanwhile, so a stale answer can never be stored after a write.
//!
//! Two kinds of topic: [`Topic::Site`] is invalidated by hand by the service functions that write
//! it; [`Topic::Catalogue`] follows the database's catalogue epoch ([`crate::db::Db::catalogue_epoch`]),
//! which the writer bumps itself after any commit that touched a catalogue table, so no catalogue
//! writer can forget it (use [`Cache::get_at`] for it, never [`Cache::invalidate`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

/// Without a configured base URL, answers carry the Host the client sent; only this many hosts'
/// answers are cached, so a client that varies Host cannot fill the cache with copies.
pub const MAX_HOSTS: usize = 4;

/// What a cached answer was built from; writes invalidate a whole topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// Banners, ad positions, notices, friendly links.
    Site,
    /// Goods lists and searches, goods pages, prices, and the list totals behind them.
    Catalogue,
}

impl Topic {
    /// The topic's share of the answer budget: the catalogue is what grows with the shop.
    fn share(self, answers: usize) -> usize {
        match self {
            Topic::Site => answers / 8,
            Topic::Catalogue => answers - answers / 8,
        }
    }
}

/// A cached answer and when it was last read (the cache's clock), for least-recently-used eviction.
struct Entry {
    answer: Arc<[u8]>,
    used: AtomicU64,
}

#[derive(Default)]
struct Slot {
    generation: u64,
    bytes: usize,
    answers: HashMap<String, Entry>,
}

impl Slot {
    fn clear(&mut self) {
        self.answers.clear();
        self.bytes = 0;
    }

    /// Drops the least recently read quarter of the answers: one sort per quarter of the budget
    /// written, and the answers shoppers keep asking for stay.
    fn shed(&mut self) {
        let mut used: Vec<u64> = self.answers.values().map(|e| e.used.load(Ordering::Relaxed)).collect();
        if used.is_empty() {
            return;
        }
        let nth = used.len() / 4;
        let (_, cut, _) = used.select_nth_unstable(nth);
        let cut = *cut;
        let mut freed = 0usize;
        self.answers.retain(|k, e| {
            let keep = e.used.load(Ordering::Relaxed) > cut;
            if !keep {
                freed += k.len() + e.answer.len();
            }
            keep
        });
        self.bytes -= freed;
    }
}

/// The shared answer cache.
#[derive(Clone)]
pub struct Cache {
    slots: Arc<RwLock<HashMap<Topic, Slot>>>,
    hosts: Arc<Mutex<Vec<String>>>,
    /// Bytes (keys and answers) all topics may hold together.
    budget: usize,
    clock: Arc<AtomicU64>,
}

impl Default for Cache {
    fn default() -> Cache {
        Cache::new(crate::config::DEFAULT_CACHE_MB << 20)
    }
}

impl Cache {
    /// A cache whose answers hold at most `budget` bytes.
    pub fn new(budget: usize) -> Cache {
        Cache { slots: Arc::default(), hosts: Arc::default(), budget, clock: Arc::default() }
    }

    /// The answer's entry, marked as read now.
    fn touch(&self, e: &Entry) -> Arc<[u8]> {
        e.used.store(self.clock.fetch_add(1, Ordering::Relaxed), Ordering::Relaxed);
        e.answer.clone()
    }

    /// Whether answers built for `host` may be cached: one of the first [`MAX_HOSTS`] hosts seen.
    pub fn admits_host(&self, host: &str) -> bool {
        let mut hosts = self.hosts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if hosts.iter().any(|h| h == host) {
            return true;
        }
        if hosts.len() < MAX_HOSTS {
            hosts.push(host.to_string());
            return true;
        }
        false
    }

    /// The most bytes all topics may hold together.
    pub fn budget(&self) -> usize {
        self.budget
    }

    /// Bytes (keys and answers) held now, over every topic.
    pub fn bytes(&self) -> usize {
        self.slots.read().unwrap_or_else(std::sync::PoisonError::into_inner).values().map(|s| s.bytes).sum()
    }

    /// The cached answer for `key`, or the topic's generation to pass to [`Cache::put`].
    pub fn get(&self, topic: Topic, key: &str) -> Result<Arc<[u8]>, u64> {
        let slots = self.slots.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        match slots.get(&topic) {
            Some(slot) => slot.answers.get(key).map(|e| self.touch(e)).ok_or(slot.generation),
            None => Err(0),
        }
    }

    /// The cached answer for `key` in a topic that follows an outside `epoch` (the database's
    /// catalogue epoch, read just before): a newer epoch drops the topic's answers first. On a
    /// miss, the epoch to pass to [`Cache::put`].
    pub fn get_at(&self, topic: Topic, key: &str, epoch: u64) -> Result<Arc<[u8]>, u64> {
        {
            let slots = self.slots.read().unwrap_or_else(std::sync::PoisonError::into_inner);
            match slots.get(&topic) {
                Some(slot) if slot.generation == epoch => {
                    return slot.answers.get(key).map(|e| self.touch(e)).ok_or(epoch)
                }
                // A reader that read the epoch before a newer one was adopted: its answer may be stale.
                Some(slot) if slot.generation > epoch => return Err(epoch),
                None if epoch == 0 => return Err(0),
                _ => {}
            }
        }
        let mut slots = self.slots.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        let slot = slots.entry(topic).or_default();
        if slot.generation < epoch {
            slot.generation = epoch;
            slot.clear();
        }
        Err(epoch)
    }

    /// Stores an answer computed at `generation`; ignored when a write happened since.
    pub fn put(&self, topic: Topic, key: String, generation: u64, answer: Arc<[u8]>) {
        let mut slots = self.slots.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        let slot = slots.entry(topic).or_default();
        if slot.generation != generation {
            return;
        }
        let size = key.len() + answer.len();
        let budget = topic.share(self.budget);
        if size > budget / 8 {
            return;
        }
        while slot.bytes + size > budget && !slot.answers.is_empty() {
            slot.shed();
        }
        let key_len = key.len();
        slot.bytes += size;
        let entry = Entry { answer, used: AtomicU64::new(self.clock.fetch_add(1, Ordering::Relaxed)) };
        if let Some(old) = slot.answers.insert(key, entry) {
            slot.bytes -= key_len + old.answer.len();
        }
    }

    /// Drops every answer of `topic`; call after the write commits.
    pub fn invalidate(&self, topic: Topic) {
        let mut slots = self.slots.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        let slot = slots.entry(topic).or_default();
        slot.generation += 1;
        slot.clear();
    }
}

/// Live tokens seen lately, so a guarded request costs no extra database read. An entry is trusted
/// for at most [`TOKEN_CACHE_SECS`], and not at all once any token was revoked after it was read
/// (logout, disabling, a password change: see `db::user::token_epoch`).
pub struct TokenCache {
    map: RwLock<HashMap<String, (i64, i64, u64, Instant)>>,
    /// Most lookups kept: the cache's byte budget over what one costs.
    max: usize,
}

/// How long a cached token is trusted before the database is asked again.
pub const TOKEN_CACHE_SECS: u64 = 30;
/// What one remembered lookup costs: the 64-character hash, its value and the map's own share.
const TOKEN_ENTRY_BYTES: usize = 160;

impl TokenCache {
    /// A cache of token lookups holding at most `budget` bytes.
    pub fn new(budget: usize) -> TokenCache {
        TokenCache { map: RwLock::default(), max: (budget / TOKEN_ENTRY_BYTES).max(1) }
    }

    /// The most bytes it may hold.
    pub fn budget(&self) -> usize {
        self.max * TOKEN_ENTRY_BYTES
    }

    /// Bytes held now (by the per-entry estimate).
    pub fn bytes(&self) -> usize {
        self.map.read().unwrap_or_else(std::sync::PoisonError::into_inner).len() * TOKEN_ENTRY_BYTES
    }

    pub(crate) fn get(&self, hash: &str, now: i64) -> Option<i64> {
        let map = self.map.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (uid, expires, epoch, seen) = map.get(hash)?;
        let fresh = *epoch == crate::db::user::token_epoch() && seen.elapsed().as_secs() < TOKEN_CACHE_SECS;
        (fresh && *expires > now).then_some(*uid)
    }

    /// Remembers a lookup made at revocation `epoch` (read before the database was asked).
    pub(crate) fn put(&self, hash: String, uid: i64, expires: i64, epoch: u64) {
        let mut map = self.map.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() >= self.max {
            // Lookups older than the trust window are useless; if none are, start over.
            map.retain(|_, (_, _, _, seen)| seen.elapsed().as_secs() < TOKEN_CACHE_SECS);
            if map.len() >= self.max {
                map.clear();
            }
        }
        map.insert(hash, (uid, expires, epoch, Instant::now()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_computed_before_a_write_is_not_stored() {
        let cache = Cache::default();
        let generation = cache.get(Topic::Site, "k").unwrap_err();
        cache.invalidate(Topic::Site);
        cache.put(Topic::Site, "k".into(), generation, Arc::from(&b"old"[..]));
        let generation = cache.get(Topic::Site, "k").unwrap_err();
        cache.put(Topic::Site, "k".into(), generation, Arc::from(&b"new"[..]));
        assert_eq!(&*cache.get(Topic::Site, "k").unwrap(), b"new");
        cache.invalidate(Topic::Site);
        assert!(cache.get(Topic::Site, "k").is_err());
    }

    #[test]
    fn a_catalogue_answer_lives_only_in_its_epoch() {
        let cache = Cache::default();
        let epoch = cache.get_at(Topic::Catalogue, "k", 0).unwrap_err();
        cache.put(Topic::Catalogue, "k".into(), epoch, Arc::from(&b"at 0"[..]));
        assert_eq!(&*cache.get_at(Topic::Catalogue, "k", 0).unwrap(), b"at 0");
        // A write committed: epoch 1 sees nothing, and a late answer from epoch 0 is not stored.
        assert_eq!(cache.get_at(Topic::Catalogue, "k", 1).unwrap_err(), 1);
        assert_eq!(cache.get_at(Topic::Catalogue, "k", 0).unwrap_err(), 0);
        cache.put(Topic::Catalogue, "k".into(), 0, Arc::from(&b"stale"[..]));
        assert!(cache.get_at(Topic::Catalogue, "k", 1).is_err());
        cache.put(Topic::Catalogue, "k".into(), 1, Arc::from(&b"at 1"[..]));
        assert_eq!(&*cache.get_at(Topic::Catalogue, "k", 1).unwrap(), b"at 1");
    }

    #[test]
    fn only_the_first_hosts_are_admitted() {
        let cache = Cache::default();
        for i in 0..MAX_HOSTS {
            assert!(cache.admits_host(&format!("h{i}")));
        }
        assert!(!cache.admits_host("one-more"));
        assert!(cache.admits_host("h0"), "a known host stays admitted");
    }

    #[test]
    fn a_full_topic_sheds_the_least_recently_read_answers_instead_of_growing() {
        let cache = Cache::new(8 << 20);
        let answer: Arc<[u8]> = vec![0u8; 64 << 10].into();
        cache.put(Topic::Catalogue, "hot".into(), 0, answer.clone());
        for i in 0..2_000 {
            cache.put(Topic::Catalogue, format!("k{i}"), 0, answer.clone());
            assert!(cache.get(Topic::Catalogue, "hot").is_ok(), "read all along, kept at {i}");
        }
        let slots = cache.slots.read().unwrap();
        let slot = &slots[&Topic::Catalogue];
        let counted: usize = slot.answers.iter().map(|(k, e)| k.len() + e.answer.len()).sum();
        assert_eq!(slot.bytes, counted);
        assert!(slot.bytes <= Topic::Catalogue.share(8 << 20));
        assert!(cache.bytes() <= 8 << 20);
        assert!(slot.answers.len() > 50, "most recent answers are kept");
        assert!(!slot.answers.contains_key("k0"), "the oldest unread answer went first");
    }
}
