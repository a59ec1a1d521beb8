//! A list decoded a chunk at a time, when a run first uses one: a built-in table's endpoints,
//! which `packed.rs` decodes from the build's records. A table read from a file holds its list
//! whole in the same type.
//!
//! Why chunks: Microsoft Graph's table has about ten thousand endpoints, and decoding them all
//! (megabytes of fresh memory, most of a run's time in page faults) made an audit that uses a
//! handful of them several times slower than the rest of the run. A run decodes the chunks
//! holding the endpoints it looks at: a matched path's candidates, a named endpoint. Whatever
//! walks every endpoint (`table`, `scan`, a did-you-mean) decodes them all, as before.

use std::borrow::Cow;
use std::fmt;
use std::ops::{Index, Range};
use std::sync::OnceLock;

/// Items decoded together. Small: a path's candidates (each endpoint of a trie node, read for
/// its method) lie in different chunks, so a run decodes a chunk for nearly every one.
pub const CHUNK: usize = 16;

/// Decodes a range of items; what it returns is kept for the rest of the process.
pub type Decode<T> = Box<dyn Fn(Range<usize>) -> &'static [T] + Send + Sync>;

/// A list in order, indexed like a slice. Shared by the threads that audit in parallel: a
/// chunk is decoded once, by whichever thread needs it first.
pub struct ChunkedList<T: Clone + 'static>(Repr<T>);

enum Repr<T: Clone + 'static> {
    /// Whole from the start (a table read from a file).
    Whole(Cow<'static, [T]>),
    /// `len` items to be decoded by `decode`, and each chunk once decoded.
    Chunked {
        len: usize,
        decode: Decode<T>,
        chunks: Box<[OnceLock<&'static [T]>]>,
    },
}

impl<T: Clone + 'static> ChunkedList<T> {
    /// A list of `len` items, none decoded yet.
    pub fn chunked(len: usize, decode: Decode<T>) -> ChunkedList<T> {
        ChunkedList(Repr::Chunked {
            len,
            decode,
            chunks: (0..len.div_ceil(CHUNK)).map(|_| OnceLock::new()).collect(),
        })
    }

    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Whole(list) => list.len(),
            Repr::Chunked { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The item at `index`, its chunk decoded if no one has yet.
    pub fn get(&self, index: usize) -> Option<&T> {
        match &self.0 {
            Repr::Whole(list) => list.get(index),
            Repr::Chunked {
                len,
                decode,
                chunks,
            } => {
                let chunk = chunks.get(index / CHUNK)?;
                let start = index / CHUNK * CHUNK;
                let items = chunk.get_or_init(|| decode(start..(start + CHUNK).min(*len)));
                items.get(index - start)
            }
        }
    }

    /// Every item in order (chunks decoded as the walk reaches them).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator + Clone + '_ {
        (0..self.len()).map(|i| &self[i])
    }

    /// How many chunks are decoded so far (a whole list counts as one).
    #[cfg(test)]
    pub(crate) fn decoded_chunks(&self) -> usize {
        match &self.0 {
            Repr::Whole(_) => 1,
            Repr::Chunked { chunks, .. } => chunks.iter().filter(|c| c.get().is_some()).count(),
        }
    }

    /// How many chunks the list makes (a whole list counts as one).
    #[cfg(test)]
    pub(crate) fn chunks(&self) -> usize {
        match &self.0 {
            Repr::Whole(_) => 1,
            Repr::Chunked { chunks, .. } => chunks.len(),
        }
    }

    /// Every item decoded in one range, apart from the chunks, to compare with what the
    /// chunks give.
    #[cfg(test)]
    pub(crate) fn decode_whole(&self) -> &[T] {
        match &self.0 {
            Repr::Whole(list) => list,
            Repr::Chunked { len, decode, .. } => decode(0..*len),
        }
    }
}

impl<T: Clone + 'static> Index<usize> for ChunkedList<T> {
    type Output = T;

    fn index(&self, index: usize) -> &T {
        match self.get(index) {
            Some(item) => item,
            None => panic!("index {index} of a list of {}", self.len()),
        }
    }
}

impl<T: Clone + 'static> From<Vec<T>> for ChunkedList<T> {
    fn from(list: Vec<T>) -> ChunkedList<T> {
        ChunkedList(Repr::Whole(list.into()))
    }
}

impl<T: Clone + fmt::Debug + 'static> fmt::Debug for ChunkedList<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn chunks_are_decoded_once_on_first_use() {
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        let len = CHUNK * 2 + 3;
        let list: ChunkedList<usize> = ChunkedList::chunked(
            len,
            Box::new(|range| {
                CALLS.fetch_add(1, Ordering::Relaxed);
                Box::leak(range.collect::<Vec<_>>().into_boxed_slice())
            }),
        );
        assert_eq!(
            (list.len(), list.chunks(), list.decoded_chunks()),
            (len, 3, 0)
        );
        assert_eq!(list.get(len - 1), Some(&(len - 1)));
        assert_eq!(list[CHUNK * 2], CHUNK * 2);
        assert_eq!(
            (list.decoded_chunks(), CALLS.load(Ordering::Relaxed)),
            (1, 1)
        );
        assert_eq!(list.get(len), None);
        assert!(list.iter().copied().eq(0..len));
        assert_eq!(
            (list.decoded_chunks(), CALLS.load(Ordering::Relaxed)),
            (3, 3)
        );
    }
}
