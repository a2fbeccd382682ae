//! Password hashing (argon2id) for the console, shopper accounts and pay passwords, on one small
//! pool of named threads. One argon2 computation takes 19 MiB and tens of milliseconds, so it never
//! runs on Rocket's blocking threads: at most [`workers`] run at a time, each worker keeps one memory
//! buffer for its whole life (a flood costs no more memory than the pool holds, and nothing is freed
//! for the allocator to keep), and callers wait in a short queue. A full queue, or a wait past
//! [`MAX_WAIT`], is answered `Error::Busy` (503): callers count the attempt before they ask.

use std::num::NonZeroUsize;
use std::str::FromStr;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use argon2::password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rocket::tokio::sync::oneshot;

use crate::service::error::{Error, Result};

/// Longest a hash may wait in the queue; past it the caller is answered "busy".
pub const MAX_WAIT: Duration = Duration::from_secs(3);
/// Queued hashes per worker; past them a hash is answered "busy" at once.
const QUEUE_PER_WORKER: usize = 32;
/// The largest memory cost accepted from a stored hash (64 MiB in 1 KiB blocks), so a stored hash
/// cannot make a worker hold more.
const MAX_BLOCKS: usize = 64 * 1024;

/// How many hashes may run at once: half the cores (at least 1, at most 4), so ordinary requests
/// keep the other half during a flood of logins.
pub fn workers() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    cores.div_ceil(2).clamp(1, 4)
}

/// Hashes a new password with argon2id (default parameters) and a random salt: a PHC string.
pub async fn hash(password: String) -> Result<String> {
    match submit(Work::Hash(password))?.await {
        Ok(Ok(Done::Hashed(h))) => Ok(h),
        Ok(Ok(Done::Checked(_))) => Err(Error::Internal("password pool answered a check".into())),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(stopped()),
    }
}

/// Checks a password against a stored PHC hash. With no hash (no account, or no password set) a
/// dummy hash is checked, so the answer takes as long as for a real account, and is false.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool> {
    match submit(Work::Verify { password, stored })?.await {
        Ok(Ok(Done::Checked(right))) => Ok(right),
        Ok(Ok(Done::Hashed(_))) => Err(Error::Internal("password pool answered a hash".into())),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(stopped()),
    }
}

/// [`hash`] for a thread outside the async runtime (start-up, the CLI).
pub fn hash_blocking(password: &str) -> Result<String> {
    match submit(Work::Hash(password.to_string()))?.blocking_recv() {
        Ok(Ok(Done::Hashed(h))) => Ok(h),
        Ok(Ok(Done::Checked(_))) => Err(Error::Internal("password pool answered a check".into())),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(stopped()),
    }
}

fn stopped() -> Error {
    Error::Internal("password worker stopped".into())
}

enum Work {
    Hash(String),
    Verify { password: String, stored: Option<String> },
}

enum Done {
    Hashed(String),
    Checked(bool),
}

type Answer = oneshot::Receiver<Result<Done>>;

struct Job {
    work: Work,
    queued: Instant,
    reply: oneshot::Sender<Result<Done>>,
}

/// Queues work for the pool; a full queue is "busy" at once.
fn submit(work: Work) -> Result<Answer> {
    let queue = pool().as_ref().map_err(|e| Error::Internal(e.clone()))?;
    let (reply, answer) = oneshot::channel();
    match queue.try_send(Job { work, queued: Instant::now(), reply }) {
        Ok(()) => Ok(answer),
        Err(TrySendError::Full(_)) => Err(Error::Busy),
        Err(TrySendError::Disconnected(_)) => Err(stopped()),
    }
}

/// The process's one pool, started on first use.
fn pool() -> &'static Result<SyncSender<Job>, String> {
    static POOL: OnceLock<Result<SyncSender<Job>, String>> = OnceLock::new();
    POOL.get_or_init(start)
}

fn start() -> Result<SyncSender<Job>, String> {
    let n = workers();
    let (queue, jobs) = sync_channel::<Job>(n * QUEUE_PER_WORKER);
    let jobs = Arc::new(Mutex::new(jobs));
    let mut started = 0;
    for i in 0..n {
        let jobs = jobs.clone();
        match std::thread::Builder::new().name(format!("argon2-{i}")).spawn(move || serve(&jobs)) {
            Ok(_) => started += 1,
            Err(e) => log::error!("password worker {i}: {e}"),
        }
    }
    if started == 0 {
        return Err("no password worker could be started".into());
    }
    Ok(queue)
}

fn serve(jobs: &Mutex<Receiver<Job>>) {
    let mut memory = Vec::new();
    loop {
        // The lock is held only while waiting for the next job, never while hashing.
        let job = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = job else { return };
        if job.reply.is_closed() {
            continue; // the caller has gone (client disconnected): nothing to answer
        }
        if job.queued.elapsed() > MAX_WAIT {
            let _ = job.reply.send(Err(Error::Busy));
            continue;
        }
        let done = match job.work {
            Work::Hash(password) => hash_with(&mut memory, &password).map(Done::Hashed),
            Work::Verify { password, stored } => {
                verify_with(&mut memory, &password, stored.as_deref()).map(Done::Checked)
            }
        };
        let _ = job.reply.send(done);
    }
}

/// The worker's buffer, grown (once, in practice) to `n` blocks.
fn blocks(memory: &mut Vec<Block>, n: usize) -> &mut [Block] {
    if memory.len() < n {
        memory.resize(n, Block::default());
    }
    &mut memory[..n]
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("argon2: {e}"))
}

fn hash_with(memory: &mut Vec<Block>, password: &str) -> Result<String> {
    let params = Params::default();
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_buf).map_err(internal)?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    argon
        .hash_password_into_with_memory(
            password.as_bytes(),
            salt_bytes,
            &mut out,
            blocks(memory, params.block_count()),
        )
        .map_err(internal)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(internal)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(internal)?),
    };
    Ok(phc.to_string())
}

fn verify_with(memory: &mut Vec<Block>, password: &str, stored: Option<&str>) -> Result<bool> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let Some(stored) = stored else {
        let dummy = match DUMMY.get() {
            Some(d) => d,
            None => {
                DUMMY.get_or_init(|| hash_with(memory, "no account has this password").unwrap_or_default())
            }
        };
        let _ = is_right(memory, password, dummy);
        return Ok(false);
    };
    Ok(is_right(memory, password, stored))
}

/// True when `password` gives the stored hash; false for a hash that does not parse (logged).
fn is_right(memory: &mut Vec<Block>, password: &str, stored: &str) -> bool {
    let checked = (|| {
        let phc = PasswordHash::new(stored).map_err(internal)?;
        let expected = phc.hash.ok_or_else(|| internal("stored hash has no output"))?;
        let algorithm = Algorithm::from_str(phc.algorithm.as_str()).map_err(internal)?;
        let version = phc.version.map(Version::try_from).transpose().map_err(internal)?.unwrap_or_default();
        let params = Params::try_from(&phc).map_err(internal)?;
        if params.block_count() > MAX_BLOCKS {
            return Err(internal(format!("stored hash asks for {} KiB", params.block_count())));
        }
        let salt = phc.salt.ok_or_else(|| internal("stored hash has no salt"))?;
        let mut salt_buf = [0u8; 64];
        let salt_bytes = salt.decode_b64(&mut salt_buf).map_err(internal)?;
        let mut out = vec![0u8; expected.len()];
        Argon2::new(algorithm, version, params.clone())
            .hash_password_into_with_memory(
                password.as_bytes(),
                salt_bytes,
                &mut out,
                blocks(memory, params.block_count()),
            )
            .map_err(internal)?;
        // Output's equality is constant-time.
        Ok::<_, Error>(Output::new(&out).map_err(internal)? == expected)
    })();
    checked.unwrap_or_else(|e| {
        log::warn!("password check against an unusable stored hash: {e}");
        false
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    #[test]
    fn pool_hashes_are_standard_phc_strings_and_standard_ones_verify_here() {
        let mut memory = Vec::new();
        let ours = hash_with(&mut memory, "correct horse").unwrap();
        assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{ours}");
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default().verify_password(b"correct horse", &parsed).is_ok());
        assert!(Argon2::default().verify_password(b"wrong horse", &parsed).is_err());

        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default().hash_password(b"battery staple", &salt).unwrap().to_string();
        assert!(is_right(&mut memory, "battery staple", &theirs));
        assert!(!is_right(&mut memory, "battery stable", &theirs));
        // One buffer of the default size, reused by every hash.
        assert_eq!(memory.len(), Params::default().block_count());
    }

    #[test]
    fn unusable_or_missing_hashes_never_match() {
        let mut memory = Vec::new();
        assert!(!is_right(&mut memory, "x", "not a hash"));
        assert!(!is_right(
            &mut memory,
            "x",
            "$argon2id$v=19$m=1048576,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
        ));
        assert!(memory.is_empty(), "a huge stored cost is refused before any memory is taken");
        assert!(!verify_with(&mut memory, "no account has this password", None).unwrap());
    }

    #[test]
    fn the_pool_hashes_and_checks_and_a_full_queue_is_busy_at_once() {
        assert!((1..=4).contains(&workers()));
        let h = hash_blocking("pool-secret").unwrap();
        let rt = rocket::tokio::runtime::Builder::new_current_thread().build().unwrap();
        assert!(rt.block_on(verify("pool-secret".into(), Some(h.clone()))).unwrap());
        assert!(!rt.block_on(verify("pool-secreT".into(), Some(h))).unwrap());

        let asked: Vec<_> = (0..300).map(|_| submit(Work::Hash("flood".into()))).collect();
        let busy = asked.iter().filter(|a| matches!(a, Err(Error::Busy))).count();
        let room = workers() * (QUEUE_PER_WORKER + 2);
        assert!(busy >= 300 - room, "{busy} of 300 refused, room for {room}");
        // Dropped answers: the workers skip those jobs without hashing.
        drop(asked);
    }
}
