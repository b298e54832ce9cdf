//! The bytes waiting to be written to the broker.
//!
//! Small packets are encoded one after another into a staging buffer, so a burst of messages
//! goes out in one write call instead of one per message. Large payloads are queued as their own
//! `Bytes` segment and written from the caller's memory without a copy. Order is kept: staging is
//! sealed into a segment before a large payload is queued behind it.

use std::collections::VecDeque;
use std::io::IoSlice;

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::wire::COPY_THRESHOLD;

/// How many segments one vectored write offers the kernel.
const MAX_IOVECS: usize = 64;

#[derive(Default)]
pub struct OutBuf {
    segments: VecDeque<Bytes>,
    staging: BytesMut,
    queued: usize,
}

impl OutBuf {
    /// The buffer small packets are encoded into. Call `staged` after writing to it.
    pub fn staging(&mut self) -> &mut BytesMut {
        &mut self.staging
    }

    /// Adds a payload behind what is already queued, copying only small ones.
    pub fn push_payload(&mut self, payload: &Bytes) {
        if payload.len() <= COPY_THRESHOLD {
            self.staging.extend_from_slice(payload);
        } else {
            self.seal();
            self.queued += payload.len();
            self.segments.push_back(payload.clone());
        }
    }

    fn seal(&mut self) {
        if !self.staging.is_empty() {
            let sealed = self.staging.split().freeze();
            self.queued += sealed.len();
            self.segments.push_back(sealed);
        }
    }

    /// Bytes not yet handed to the socket.
    pub fn len(&self) -> usize {
        self.queued + self.staging.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes as much as the socket takes in one call. Cancel-safe: if the future is dropped
    /// before it completes, nothing was written and nothing is lost.
    pub async fn write_some<W: AsyncWrite + Unpin>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<usize> {
        let written = if self.segments.is_empty() {
            writer.write(&self.staging).await?
        } else {
            let mut slices: Vec<IoSlice<'_>> = self
                .segments
                .iter()
                .take(MAX_IOVECS)
                .map(|s| IoSlice::new(s))
                .collect();
            if slices.len() < MAX_IOVECS && !self.staging.is_empty() {
                slices.push(IoSlice::new(&self.staging));
            }
            writer.write_vectored(&slices).await?
        };
        if written == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        self.consume(written);
        Ok(written)
    }

    fn consume(&mut self, mut n: usize) {
        while n > 0 {
            match self.segments.front_mut() {
                Some(front) => {
                    let take = n.min(front.len());
                    front.advance(take);
                    self.queued -= take;
                    n -= take;
                    if front.is_empty() {
                        self.segments.pop_front();
                    }
                }
                None => {
                    self.staging.advance(n);
                    n = 0;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn keeps_order_across_small_and_large_payloads() {
        let mut out = OutBuf::default();
        out.staging().extend_from_slice(b"head");
        let big = Bytes::from(vec![7u8; COPY_THRESHOLD + 1]);
        out.push_payload(&big);
        out.staging().extend_from_slice(b"tail");
        assert_eq!(out.len(), 8 + big.len());
        let mut sink = Vec::new();
        while !out.is_empty() {
            out.write_some(&mut sink).await.unwrap();
        }
        assert_eq!(&sink[..4], b"head");
        assert_eq!(sink.len(), 8 + big.len());
        assert_eq!(&sink[sink.len() - 4..], b"tail");
    }
}
