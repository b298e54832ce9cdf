//! Free loopback TCP ports for test brokers.
//!
//! Rules: the kernel picks the port (bind `127.0.0.1:0`), and every port handed out is remembered
//! for the life of the process, so two tests running in parallel threads never get the same one,
//! even after the first test's broker has exited. Another process may still grab a port between
//! the probe and the broker's bind; the broker start-up retries with fresh ports in that case.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, TcpListener};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// How many probes before giving up; only reached if the machine is out of ports.
const MAX_PROBES: usize = 1000;

static HANDED_OUT: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());

/// A loopback TCP port that is free now and was never handed out before in this process.
///
/// Panics if no such port can be found (test code).
pub fn free_port() -> u16 {
    let mut handed_out = handed_out();
    for _ in 0..MAX_PROBES {
        let port = match probe() {
            Ok(port) => port,
            Err(error) => panic!("cannot bind a probe socket on 127.0.0.1: {error}"),
        };
        if handed_out.insert(port) {
            return port;
        }
    }
    panic!("no unused loopback port found after {MAX_PROBES} probes")
}

/// Ports that are free now and distinct from each other and from every earlier answer.
pub fn free_ports(count: usize) -> Vec<u16> {
    (0..count).map(|_| free_port()).collect()
}

fn probe() -> std::io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

/// A panic in another test while it held the lock leaves the set intact, so keep using it.
fn handed_out() -> MutexGuard<'static, BTreeSet<u16>> {
    HANDED_OUT.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_never_handed_out_twice() {
        let ports = free_ports(50);
        let distinct: BTreeSet<u16> = ports.iter().copied().collect();
        assert_eq!(distinct.len(), ports.len());
        assert!(ports.iter().all(|port| *port != 0));
    }

    #[test]
    fn parallel_callers_get_distinct_ports() {
        let threads: Vec<_> = (0..4)
            .map(|_| std::thread::spawn(|| free_ports(20)))
            .collect();
        let mut all = Vec::new();
        for thread in threads {
            all.extend(thread.join().unwrap_or_default());
        }
        let distinct: BTreeSet<u16> = all.iter().copied().collect();
        assert_eq!(all.len(), 80);
        assert_eq!(distinct.len(), all.len());
    }

    #[test]
    fn a_handed_out_port_can_be_bound() {
        let port = free_port();
        assert!(TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok());
    }
}
