//! Sending POSIX signals to child processes (std only offers SIGKILL).

use std::io;

pub(crate) use libc::{SIGCONT, SIGKILL, SIGSTOP, SIGTERM};

/// Sends `signal` to the process `pid`.
pub(crate) fn to_process(pid: u32, signal: libc::c_int) -> io::Result<()> {
    send(to_pid(pid)?, signal)
}

/// Sends `signal` to every process in the process group `pgid`.
pub(crate) fn to_group(pgid: u32, signal: libc::c_int) -> io::Result<()> {
    send(-to_pid(pgid)?, signal)
}

fn to_pid(id: u32) -> io::Result<libc::pid_t> {
    // 0 and values past pid_t would address the caller's own group or nothing sensible.
    match libc::pid_t::try_from(id) {
        Ok(pid) if pid > 0 => Ok(pid),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("not a process id: {id}"),
        )),
    }
}

fn send(target: libc::pid_t, signal: libc::c_int) -> io::Result<()> {
    // SAFETY: kill(2) takes plain integers and touches no memory of ours.
    let result = unsafe { libc::kill(target, signal) };
    if result == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_would_address_other_processes_are_refused() {
        for id in [0_u32, u32::MAX, 1 << 31] {
            assert!(to_process(id, 0).is_err(), "id {id}");
            assert!(to_group(id, 0).is_err(), "id {id}");
        }
    }

    #[test]
    fn signal_zero_probes_an_existing_process() {
        assert!(to_process(std::process::id(), 0).is_ok());
    }
}
