//! The global allocator: a small allocator on a static heap for a run's first allocations,
//! mimalloc once a run proves big.
//!
//! Why two: a short run (`--version`, one manifest) makes 500 to 2,000 allocations, and what
//! it costs is mostly the pages they touch and the allocator's own start. mimalloc gives every
//! size class a page of its own (auditing one manifest took about 70 page faults more than with
//! a compact heap). The C library's allocator is compact with glibc, but musl's, which the
//! static Linux release links, hands freed memory back to the system and faults it in again.
//! A bulk run (thousands of manifests, a source tree) is about 20% faster with mimalloc's
//! per-thread heaps. So a run starts with talc (a dlmalloc-style allocator) on a static heap of
//! [`START_HEAP_BYTES`] in the program's zeroed data, whose pages cost nothing until touched,
//! and switches to mimalloc for good after [`SWITCH_AFTER`] allocations. Before that, a block
//! the start heap cannot hold, or larger than [`START_HEAP_LARGEST`], comes from mimalloc.
//!
//! Every block is freed or resized by the allocator that made it: the start heap's blocks are
//! the ones inside its address range, whichever thread frees them and whenever.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use mimalloc::MiMalloc;
use spinning_top::RawSpinlock;
use talc::TalcLock;
use talc::source::Claim;

/// Allocations made on the start heap before switching. Auditing one manifest makes 1,000 to
/// 2,000 (its table, parse, findings and output); a run past 10,000 is a batch, with enough work
/// ahead for mimalloc to pay for itself (and with threads, which contend for the start heap's
/// lock).
pub const SWITCH_AFTER: usize = 10_000;

/// The start heap's size. One manifest's run has a few hundred KiB live at most; what it never
/// touches is never faulted in, and what a big run touches stays resident, so it is small.
pub const START_HEAP_BYTES: usize = 2 << 20;

/// Blocks larger than this come from mimalloc from the start: file contents and output buffers
/// of a big run would fill the start heap with pages nothing reuses (scan's peak memory grew by
/// the whole heap).
pub const START_HEAP_LARGEST: usize = 64 << 10;

/// The process's start heap, in zeroed data. Only [`Hybrid::new`] hands it out.
static mut START_HEAP: [u8; START_HEAP_BYTES] = [0; START_HEAP_BYTES];

/// The process's allocator: install it with `#[global_allocator]`.
pub struct Hybrid {
    start: TalcLock<RawSpinlock, Claim>,
    /// The start heap's range, to tell its blocks from mimalloc's.
    heap: *mut u8,
    heap_bytes: usize,
    allocations: AtomicUsize,
    /// Set once, never cleared: new blocks come from mimalloc.
    switched: AtomicBool,
    switch_after: usize,
}

// SAFETY: `heap` is only compared with block addresses, never read through; the start heap's
// memory is reached only through `start`, whose lock serialises it.
unsafe impl Sync for Hybrid {}
// SAFETY: as for `Sync`.
unsafe impl Send for Hybrid {}

impl Hybrid {
    /// The process's allocator, on the static start heap.
    ///
    /// # Safety
    ///
    /// Call it once in a process (for the `#[global_allocator]` static): every allocator it
    /// makes allocates from the same start heap.
    pub const unsafe fn new() -> Self {
        // SAFETY: the caller makes one allocator with the start heap, so it is the heap's only
        // user.
        unsafe {
            Self::with_heap(
                (&raw mut START_HEAP).cast::<u8>(),
                START_HEAP_BYTES,
                SWITCH_AFTER,
            )
        }
    }

    /// An allocator on the `heap_bytes` at `heap` that switches after `allocations` (for tests).
    ///
    /// # Safety
    ///
    /// The memory is valid for reads and writes, used by nothing else, and outlives the
    /// allocator and every block it makes.
    pub const unsafe fn with_heap(heap: *mut u8, heap_bytes: usize, allocations: usize) -> Self {
        Hybrid {
            // SAFETY: the caller's guarantees about the memory.
            start: TalcLock::new(unsafe { Claim::new(heap, heap_bytes) }),
            heap,
            heap_bytes,
            allocations: AtomicUsize::new(0),
            switched: AtomicBool::new(false),
            switch_after: allocations,
        }
    }

    /// Whether new blocks come from mimalloc.
    pub fn switched(&self) -> bool {
        self.switched.load(Ordering::Relaxed)
    }

    /// Whether the next block, of `size` bytes, should come from mimalloc, counting it
    /// otherwise.
    #[inline]
    fn use_mimalloc(&self, size: usize) -> bool {
        if size > START_HEAP_LARGEST || self.switched.load(Ordering::Relaxed) {
            return true;
        }
        if self.allocations.fetch_add(1, Ordering::Relaxed) >= self.switch_after {
            self.switched.store(true, Ordering::Relaxed);
            return true;
        }
        false
    }

    /// Whether the block at `ptr` lies in the start heap (so talc made it).
    #[inline]
    fn in_start_heap(&self, ptr: *mut u8) -> bool {
        (ptr as usize).wrapping_sub(self.heap as usize) < self.heap_bytes
    }
}

// SAFETY: every method forwards to the allocator that owns the block: new blocks to the start
// heap until the switch (to mimalloc when the heap is full or the block large), existing ones
// to the start heap when they lie in it and to mimalloc otherwise. Both allocators uphold
// `GlobalAlloc`'s contract themselves; a block moved out of the start heap by `realloc` is
// copied first.
unsafe impl GlobalAlloc for Hybrid {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees about `layout`.
        unsafe {
            if !self.use_mimalloc(layout.size()) {
                let ptr = self.start.alloc(layout);
                if !ptr.is_null() {
                    return ptr;
                }
            }
            MiMalloc.alloc(layout)
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        unsafe {
            if !self.use_mimalloc(layout.size()) {
                let ptr = self.start.alloc_zeroed(layout);
                if !ptr.is_null() {
                    return ptr;
                }
            }
            MiMalloc.alloc_zeroed(layout)
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator, so by the one its address names.
        unsafe {
            if self.in_start_heap(ptr) {
                self.start.dealloc(ptr, layout);
            } else {
                MiMalloc.dealloc(ptr, layout);
            }
        }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as `dealloc`; a block is resized by the allocator that made it, and one the
        // start heap cannot (or should not) grow is copied to a new mimalloc block before it is
        // freed. The caller guarantees that `new_size`, rounded up to `layout.align()`, does
        // not overflow.
        unsafe {
            if !self.in_start_heap(ptr) {
                return MiMalloc.realloc(ptr, layout, new_size);
            }
            if new_size <= START_HEAP_LARGEST {
                let moved = self.start.realloc(ptr, layout, new_size);
                if !moved.is_null() {
                    return moved;
                }
            }
            let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
            let moved = MiMalloc.alloc(new_layout);
            if !moved.is_null() {
                moved.copy_from_nonoverlapping(ptr, layout.size().min(new_size));
                self.start.dealloc(ptr, layout);
            }
            moved
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An allocator on a start heap of its own, `bytes` long.
    fn hybrid(bytes: usize, switch_after: usize) -> Hybrid {
        let heap: &'static mut [u8] = Box::leak(vec![0u8; bytes].into_boxed_slice());
        // SAFETY: the leaked heap is this allocator's alone and lives for ever.
        unsafe { Hybrid::with_heap(heap.as_mut_ptr(), bytes, switch_after) }
    }

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Blocks of both allocators, freed, grown and shrunk in any order after the switch, keep
    /// their contents; the switch happens at the count given.
    #[test]
    fn blocks_go_back_to_their_allocator() {
        let hybrid = hybrid(1 << 20, 64);
        let mut blocks: Vec<(*mut u8, Layout, u8)> = Vec::new();
        for i in 0..256usize {
            let align = 1 << (i % 7);
            let size = 1 + (i * 37) % 5000;
            let layout = layout(size, align);
            let ptr = unsafe {
                if i % 3 == 0 {
                    hybrid.alloc_zeroed(layout)
                } else {
                    hybrid.alloc(layout)
                }
            };
            assert!(!ptr.is_null());
            assert_eq!(ptr as usize % align, 0);
            assert_eq!(hybrid.switched(), i >= 64, "allocation {i}");
            assert_eq!(hybrid.in_start_heap(ptr), i < 64, "allocation {i}");
            if i % 3 == 0 {
                let zeroed = unsafe { std::slice::from_raw_parts(ptr, size) };
                assert!(zeroed.iter().all(|&b| b == 0), "allocation {i} is zeroed");
            }
            let fill = (i % 251) as u8;
            unsafe { ptr.write_bytes(fill, size) };
            blocks.push((ptr, layout, fill));
        }
        // Grow every other block (start-heap blocks after the switch too), then free in reverse.
        for (i, (ptr, layout, fill)) in blocks.iter_mut().enumerate() {
            if i % 2 == 0 {
                let new_size = layout.size() * 3 + 17;
                let grown = unsafe { hybrid.realloc(*ptr, *layout, new_size) };
                assert!(!grown.is_null());
                let kept = unsafe { std::slice::from_raw_parts(grown, layout.size()) };
                assert!(kept.iter().all(|b| b == fill), "block {i} kept its bytes");
                *ptr = grown;
                *layout = Layout::from_size_align(new_size, layout.align())
                    .unwrap_or_else(|e| panic!("{e}"));
                unsafe { ptr.write_bytes(*fill, new_size) };
            }
        }
        for (ptr, layout, fill) in blocks.into_iter().rev() {
            let bytes = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            assert!(bytes.iter().all(|&b| b == fill));
            unsafe { hybrid.dealloc(ptr, layout) };
        }
    }

    #[test]
    fn blocks_of_each_allocator_are_told_apart() {
        let hybrid = hybrid(64 << 10, 1);
        let layout = layout(100, 8);
        let start = unsafe { hybrid.alloc(layout) };
        let mimalloc = unsafe { hybrid.alloc(layout) };
        assert!(hybrid.switched());
        assert!(hybrid.in_start_heap(start));
        assert!(!hybrid.in_start_heap(mimalloc));
        unsafe {
            hybrid.dealloc(start, layout);
            hybrid.dealloc(mimalloc, layout);
        }
    }

    /// A full start heap hands blocks to mimalloc before the switch, and a block it cannot grow
    /// moves there with its bytes; freed, its room is used again.
    #[test]
    fn a_full_start_heap_hands_over_to_mimalloc() {
        let hybrid = hybrid(16 << 10, usize::MAX);
        let one_k = layout(1024, 8);
        let blocks: Vec<*mut u8> = (0..64)
            .map(|i| {
                let ptr = unsafe { hybrid.alloc(one_k) };
                assert!(!ptr.is_null());
                unsafe { ptr.write_bytes(i as u8, 1024) };
                ptr
            })
            .collect();
        assert!(!hybrid.switched());
        let in_heap = blocks.iter().filter(|&&p| hybrid.in_start_heap(p)).count();
        assert!((4..16).contains(&in_heap), "{in_heap} of 64 fit in 16 KiB");
        assert!(hybrid.in_start_heap(blocks[0]));
        assert!(!hybrid.in_start_heap(blocks[63]));

        let grown = unsafe { hybrid.realloc(blocks[0], one_k, 64 << 10) };
        assert!(
            !hybrid.in_start_heap(grown),
            "64 KiB cannot fit in the start heap"
        );
        let kept = unsafe { std::slice::from_raw_parts(grown, 1024) };
        assert!(kept.iter().all(|&b| b == 0));
        let again = unsafe { hybrid.alloc(one_k) };
        assert!(
            hybrid.in_start_heap(again),
            "the moved block's room is free again"
        );

        unsafe {
            hybrid.dealloc(grown, layout(64 << 10, 8));
            hybrid.dealloc(again, one_k);
            for (i, &ptr) in blocks.iter().enumerate().skip(1) {
                let bytes = std::slice::from_raw_parts(ptr, 1024);
                assert!(bytes.iter().all(|&b| b == i as u8), "block {i}");
                hybrid.dealloc(ptr, one_k);
            }
        }
    }

    /// Large blocks come from mimalloc even while the start heap has room, and do not count
    /// towards the switch; a start-heap block grown past the limit moves there.
    #[test]
    fn large_blocks_skip_the_start_heap() {
        let hybrid = hybrid(1 << 20, 2);
        let large = layout(START_HEAP_LARGEST + 1, 8);
        let big = unsafe { hybrid.alloc(large) };
        assert!(!big.is_null());
        assert!(!hybrid.in_start_heap(big));
        let small = layout(64, 8);
        let block = unsafe { hybrid.alloc(small) };
        assert!(hybrid.in_start_heap(block));
        unsafe { block.write_bytes(7, 64) };
        let grown = unsafe { hybrid.realloc(block, small, START_HEAP_LARGEST + 1) };
        assert!(!hybrid.in_start_heap(grown));
        let kept = unsafe { std::slice::from_raw_parts(grown, 64) };
        assert!(kept.iter().all(|&b| b == 7));
        assert!(!hybrid.switched(), "one small block counted, of two");
        unsafe {
            hybrid.dealloc(big, large);
            hybrid.dealloc(grown, large);
        }
    }
}
