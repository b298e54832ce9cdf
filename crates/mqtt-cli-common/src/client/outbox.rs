//! Our side of the session: every outgoing message from the moment it is accepted until the
//! broker has acknowledged it (PUBACK for QoS 1, PUBCOMP for QoS 2), kept in order.
//!
//! This is what makes "nothing lost" possible: a message leaves the outbox only on its final
//! acknowledgement, so after a reconnect everything still here is sent again. QoS 0 messages stay
//! only while there is no connection to write them to. Packet ids are handed out from a bitmap so
//! an id still in use is never reused, however acknowledgements are ordered.

use std::collections::VecDeque;
use std::sync::Arc;

use bytes::Bytes;

use crate::config::Qos;

/// A message to publish.
#[derive(Debug, Clone)]
pub struct OutMessage {
    pub topic: Arc<str>,
    pub payload: Bytes,
    pub qos: Qos,
    pub retain: bool,
}

/// Where an outgoing message stands in its protocol exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Accepted, not yet written on the current connection.
    Unsent,
    /// PUBLISH written; waiting for PUBACK (QoS 1) or PUBREC (QoS 2).
    Published,
    /// PUBREL written; waiting for PUBCOMP.
    Released,
}

#[derive(Debug)]
pub struct Entry {
    pub pkid: u16,
    pub message: OutMessage,
    pub stage: Stage,
}

pub struct Outbox {
    entries: VecDeque<Entry>,
    in_use: Vec<u64>,
    next_pkid: u16,
}

impl Default for Outbox {
    fn default() -> Self {
        Outbox {
            entries: VecDeque::new(),
            in_use: vec![0; 1024],
            next_pkid: 1,
        }
    }
}

impl Outbox {
    /// Messages held: waiting for an acknowledgement or for a connection.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn is_used(&self, pkid: u16) -> bool {
        self.in_use[usize::from(pkid) / 64] & (1 << (pkid % 64)) != 0
    }

    fn set_used(&mut self, pkid: u16, used: bool) {
        let word = &mut self.in_use[usize::from(pkid) / 64];
        if used {
            *word |= 1 << (pkid % 64);
        } else {
            *word &= !(1 << (pkid % 64));
        }
    }

    /// A free packet id; `None` only if all 65 535 are in use.
    fn allocate(&mut self) -> Option<u16> {
        for _ in 0..u16::MAX {
            let candidate = self.next_pkid;
            self.next_pkid = if candidate == u16::MAX {
                1
            } else {
                candidate + 1
            };
            if !self.is_used(candidate) {
                self.set_used(candidate, true);
                return Some(candidate);
            }
        }
        None
    }

    /// Takes a message in; returns its packet id (0 for QoS 0).
    pub fn push(&mut self, message: OutMessage, stage: Stage) -> Option<u16> {
        let pkid = if message.qos == Qos::AtMostOnce {
            0
        } else {
            self.allocate()?
        };
        self.entries.push_back(Entry {
            pkid,
            message,
            stage,
        });
        Some(pkid)
    }

    /// The entry for an acknowledgement's packet id.
    pub fn find_mut(&mut self, pkid: u16) -> Option<&mut Entry> {
        if pkid == 0 {
            return None;
        }
        self.entries.iter_mut().find(|e| e.pkid == pkid)
    }

    /// Removes a completed message.
    pub fn complete(&mut self, pkid: u16) -> Option<Entry> {
        if pkid == 0 {
            return None;
        }
        let index = self.entries.iter().position(|e| e.pkid == pkid)?;
        let entry = self.entries.remove(index)?;
        self.set_used(pkid, false);
        Some(entry)
    }

    /// Drops QoS 0 messages that have been written: they need no acknowledgement.
    pub fn forget_written_qos0(&mut self) {
        self.entries
            .retain(|e| !(e.message.qos == Qos::AtMostOnce && e.stage != Stage::Unsent));
    }

    /// Every held message, oldest first, for resending after a reconnect.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Entry> {
        self.entries.iter_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(qos: Qos) -> OutMessage {
        OutMessage {
            topic: Arc::from("t"),
            payload: Bytes::from_static(b"p"),
            qos,
            retain: false,
        }
    }

    #[test]
    fn packet_ids_are_not_reused_while_in_flight() {
        let mut outbox = Outbox::default();
        let first = outbox
            .push(message(Qos::AtLeastOnce), Stage::Published)
            .unwrap();
        for _ in 0..u16::MAX - 2 {
            let id = outbox
                .push(message(Qos::AtLeastOnce), Stage::Published)
                .unwrap();
            assert_ne!(id, first);
        }
        let last = outbox.push(message(Qos::AtLeastOnce), Stage::Published);
        assert!(last.is_some());
        assert!(outbox
            .push(message(Qos::AtLeastOnce), Stage::Published)
            .is_none());
        outbox.complete(first).unwrap();
        assert_eq!(
            outbox.push(message(Qos::AtLeastOnce), Stage::Published),
            Some(first)
        );
    }

    #[test]
    fn out_of_order_completion() {
        let mut outbox = Outbox::default();
        let a = outbox
            .push(message(Qos::ExactlyOnce), Stage::Published)
            .unwrap();
        let b = outbox
            .push(message(Qos::ExactlyOnce), Stage::Published)
            .unwrap();
        assert!(outbox.complete(b).is_some());
        assert!(outbox.complete(b).is_none());
        assert_eq!(outbox.len(), 1);
        assert!(outbox.complete(a).is_some());
        assert!(outbox.is_empty());
    }

    #[test]
    fn qos0_is_held_only_until_written() {
        let mut outbox = Outbox::default();
        outbox.push(message(Qos::AtMostOnce), Stage::Unsent);
        outbox.forget_written_qos0();
        assert_eq!(outbox.len(), 1);
        for entry in outbox.iter_mut() {
            entry.stage = Stage::Published;
        }
        outbox.forget_written_qos0();
        assert!(outbox.is_empty());
    }
}
