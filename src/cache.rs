//! Answers cached as serialised envelopes, dropped by topic when a write changes what they show.
//!
//! A reader takes the topic's generation before it queries and stores its answer only if no
//! write bumped the generation meanwhile, so a stale answer can never be stored after a write.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// What a cached answer was built from; writes invalidate a whole topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// Banners, ad positions, notices, friendly links.
    Site,
}

/// At most this many answers per topic; past it the topic starts over.
const MAX_PER_TOPIC: usize = 2048;

#[derive(Default)]
struct Slot {
    generation: u64,
    answers: HashMap<String, Arc<[u8]>>,
}

/// The shared answer cache.
#[derive(Clone, Default)]
pub struct Cache {
    slots: Arc<RwLock<HashMap<Topic, Slot>>>,
}

impl Cache {
    /// The cached answer for `key`, or the topic's generation to pass to [`Cache::put`].
    pub fn get(&self, topic: Topic, key: &str) -> Result<Arc<[u8]>, u64> {
        let slots = self.slots.read().unwrap_or_else(|p| p.into_inner());
        match slots.get(&topic) {
            Some(slot) => slot.answers.get(key).cloned().ok_or(slot.generation),
            None => Err(0),
        }
    }

    /// Stores an answer computed at `generation`; ignored when a write happened since.
    pub fn put(&self, topic: Topic, key: String, generation: u64, answer: Arc<[u8]>) {
        let mut slots = self.slots.write().unwrap_or_else(|p| p.into_inner());
        let slot = slots.entry(topic).or_default();
        if slot.generation != generation {
            return;
        }
        if slot.answers.len() >= MAX_PER_TOPIC {
            slot.answers.clear();
        }
        slot.answers.insert(key, answer);
    }

    /// Drops every answer of `topic`; call after the write commits.
    pub fn invalidate(&self, topic: Topic) {
        let mut slots = self.slots.write().unwrap_or_else(|p| p.into_inner());
        let slot = slots.entry(topic).or_default();
        slot.generation += 1;
        slot.answers.clear();
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
}
