// A bounded lock-free multi-producer multi-consumer LIFO of 64-bit record ids: the top of
// the dialing buffer, where records inserted through the API wait (most recent first).
//
// Design: a Treiber stack over a node pool allocated once, at construction. A stack head
// is ONE 64-bit atomic word: the top node's index in the low 32 bits and a modification
// tag above it, so a plain 64-bit CAS (no 16-byte CAS) guards against ABA. Free nodes sit
// on a second Treiber stack of the same kind; push moves a node from the free stack to
// the used stack, pop moves it back. Nothing allocates after construction; a full buffer
// refuses a push (it never overwrites).
//
// ABA: a popper reads head (top n, tag t) and n.next = m, then CASes head to m. If,
// meanwhile, n was popped, m popped and n pushed back, the head index is n again and a
// bare-index CAS would succeed and install the stale m. Every successful CAS adds one to
// the tag, so the CAS only succeeds if the head has not changed at all, unless the tag
// wrapped around (exactly a multiple of 2^TagBits changes) between the popper's load and
// its CAS. With the default 32-bit tag that needs four billion operations while one thread
// sits between two instructions. TagBits is a parameter so that a test can build a stack
// with a deliberately tiny tag and show that the stress test catches the corruption.
//
// Memory orders (why each is enough):
// - A node's fields are written only by the thread that owns it (it popped it off one
//   stack and has not yet pushed it onto the other), then published by a release CAS on
//   a head. A thread that takes the node (acquire CAS) or reads it through a head it
//   loaded (acquire load) happens-after those writes. Every change of a head is an RMW, so
//   later CASes continue the release sequence of the one that published the node.
// - A popper reads n.next of a node it does not own yet; the node may be popped, reused
//   and relinked by another thread at the same moment. The read is validated by the CAS
//   (same index and tag means the stack did not change, so the value read was the right
//   one), but the read itself still happens. `next` and `depth` are therefore std::atomic
//   accessed with relaxed order: a stale value is harmless (the CAS fails), a data race
//   would be undefined behaviour (and ThreadSanitizer reports it: tried with a plain
//   `next`). `value` is only ever touched by the node's owner, so it stays a plain field
//   and ThreadSanitizer checks the acquire/release hand-over through the heads.
//
// size() is approximate under concurrency: the used stack's top node records the stack's
// depth when it was pushed, and size() reads head then that node, which may have been
// reused in between. It is exact when no other thread is pushing or popping, and never
// above capacity(). Keeping an exact shared counter would add a contended RMW to every
// push and pop.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace outpace {

// Tag width of the default stack: with a 32-bit index that fills the 64-bit head word.
inline constexpr unsigned kLifoTagBits = 32;

// Called by a popper between reading n.next and its CAS: the window in which ABA strikes.
// Empty (and compiled away) in the real stack; the stress tests substitute one that
// yields the CPU now and then, so that other threads run inside the window far more often
// than preemption alone would make them.
struct NoRaceWindow {
  static void between_read_and_cas() noexcept {}
};

template <unsigned TagBits = kLifoTagBits, class Window = NoRaceWindow>
class BasicLifo {
  static_assert(TagBits >= 1 && TagBits <= 32, "the tag shares a 64-bit word with a 32-bit index");

 public:
  // Node indices are 32-bit; one value is the empty-stack marker.
  static constexpr std::size_t kMaxCapacity = 0xFFFF'FFFEu;

  // Throws std::invalid_argument unless 1 <= capacity <= kMaxCapacity.
  explicit BasicLifo(std::size_t capacity);
  BasicLifo(const BasicLifo&) = delete;
  BasicLifo& operator=(const BasicLifo&) = delete;

  // Puts id on top. Returns false, leaving the stack unchanged, when it is full.
  bool push(std::uint64_t id) noexcept;

  // Takes the top id into `id`. Returns false when the stack is empty.
  bool pop(std::uint64_t& id) noexcept;

  // As push(ids[0]), push(ids[1]), ... (ids[count - 1] ends on top), stopping when the
  // stack is full; returns how many were pushed (a prefix of ids). Up to kChunk ids are
  // linked in with one CAS; chunks from concurrent callers may interleave.
  std::size_t push_many(const std::uint64_t* ids, std::size_t count) noexcept;

  // As repeated pop() into out[0], out[1], ... (out[0] was the top), up to max_count;
  // returns how many were popped.
  std::size_t pop_many(std::uint64_t* out, std::size_t max_count) noexcept;

  // Takes everything on the stack at one instant (one CAS) into out, top first; out must
  // have room for capacity() ids. Returns the count.
  std::size_t drain(std::uint64_t* out) noexcept;
  std::vector<std::uint64_t> drain();

  // Ids on the stack: exact when quiescent, approximate under concurrency (see above).
  std::size_t size() const noexcept;
  std::size_t capacity() const noexcept { return capacity_; }

  // Ids moved per CAS by push_many / pop_many: long enough to amortise the CAS, short
  // enough that walking the chain rarely races with another thread's CAS.
  static constexpr std::size_t kChunk = 32;

 private:
  static constexpr std::uint32_t kNull = 0xFFFF'FFFFu;
  static constexpr std::uint64_t kTagMask = (TagBits == 32) ? 0xFFFF'FFFFu : ((std::uint64_t{1} << TagBits) - 1);

  struct Node {
    std::atomic<std::uint32_t> next{kNull};
    std::atomic<std::uint32_t> depth{0};  // used stack only: nodes at and below this one
    // Plain on purpose: only the owner touches it, so ThreadSanitizer checks that the
    // head CASes really order the hand-over (an atomic would hide a missing acquire).
    std::uint64_t value = 0;
  };
  // Each head on its own cache line: producers and consumers hit both, but a head should
  // not also share a line with the other head or with nodes.
  struct alignas(64) Head {
    std::atomic<std::uint64_t> word{0};
  };

  static std::uint32_t index_of(std::uint64_t word) noexcept { return static_cast<std::uint32_t>(word); }
  static std::uint64_t make_word(std::uint32_t index, std::uint64_t old_word) noexcept {
    const std::uint64_t tag = ((old_word >> 32) + 1) & kTagMask;
    return (tag << 32) | index;
  }

  std::uint32_t pop_node(Head& head) noexcept;
  void push_node(Head& head, std::uint32_t n, bool track_depth) noexcept;
  std::size_t pop_chain(Head& head, std::uint32_t* nodes, std::size_t max) noexcept;
  // Pushes a chain taken by pop_chain (nodes[i].next == nodes[i + 1]) with one CAS.
  void push_chain(Head& head, const std::uint32_t* nodes, std::size_t count, bool track_depth) noexcept;

  std::size_t capacity_;
  std::unique_ptr<Node[]> nodes_;
  Head used_;
  Head free_;
};

using Lifo = BasicLifo<>;

// ---- implementation (a template, so that tests can instantiate other tag widths) ------

template <unsigned TagBits, class Window>
BasicLifo<TagBits, Window>::BasicLifo(std::size_t capacity) : capacity_(capacity) {
  if (capacity < 1 || capacity > kMaxCapacity) {
    throw std::invalid_argument("capacity must be from 1 to " + std::to_string(kMaxCapacity) +
                                " (got " + std::to_string(capacity) + ")");
  }
  nodes_ = std::make_unique<Node[]>(capacity);
  for (std::size_t i = 0; i + 1 < capacity; ++i) {
    nodes_[i].next.store(static_cast<std::uint32_t>(i + 1), std::memory_order_relaxed);
  }
  used_.word.store(kNull, std::memory_order_relaxed);
  free_.word.store(0, std::memory_order_relaxed);
  // Construction happens-before any use by another thread through whatever hands the
  // object over (thread start, a mutex, ...), so relaxed stores suffice here.
}

template <unsigned TagBits, class Window>
std::uint32_t BasicLifo<TagBits, Window>::pop_node(Head& head) noexcept {
  // Acquire: the node's next was written by whoever pushed it, before its release CAS.
  std::uint64_t old_word = head.word.load(std::memory_order_acquire);
  for (;;) {
    const std::uint32_t n = index_of(old_word);
    if (n == kNull) return kNull;
    // n may be concurrently popped and reused: the value read here is validated by the
    // CAS below (see the header comment), and the field is atomic so the read is no race.
    const std::uint32_t next = nodes_[n].next.load(std::memory_order_relaxed);
    Window::between_read_and_cas();
    // Success acquires the node (its value); failure re-reads the head and its node.
    if (head.word.compare_exchange_weak(old_word, make_word(next, old_word), std::memory_order_acquire,
                                        std::memory_order_acquire)) {
      return n;
    }
  }
}

template <unsigned TagBits, class Window>
void BasicLifo<TagBits, Window>::push_node(Head& head, std::uint32_t n, bool track_depth) noexcept {
  Node& node = nodes_[n];
  // Acquire: the depth of the current top node is read below.
  std::uint64_t old_word = head.word.load(std::memory_order_acquire);
  for (;;) {
    const std::uint32_t top = index_of(old_word);
    node.next.store(top, std::memory_order_relaxed);
    if (track_depth) {
      const std::uint32_t below = top == kNull ? 0 : nodes_[top].depth.load(std::memory_order_relaxed);
      node.depth.store(below + 1, std::memory_order_relaxed);
    }
    // Release publishes next, depth and value to whoever takes or reads the node.
    if (head.word.compare_exchange_weak(old_word, make_word(n, old_word), std::memory_order_release,
                                        std::memory_order_acquire)) {
      return;
    }
  }
}

template <unsigned TagBits, class Window>
std::size_t BasicLifo<TagBits, Window>::pop_chain(Head& head, std::uint32_t* nodes, std::size_t max) noexcept {
  std::uint64_t old_word = head.word.load(std::memory_order_acquire);
  for (;;) {
    std::uint32_t n = index_of(old_word);
    std::size_t count = 0;
    // Walk up to max nodes from the top. As in pop_node, every next read may be stale;
    // a successful CAS proves the stack did not change, so the walk saw the real chain.
    while (n != kNull && count < max) {
      nodes[count++] = n;
      n = nodes_[n].next.load(std::memory_order_relaxed);
    }
    if (count == 0) return 0;
    Window::between_read_and_cas();
    if (head.word.compare_exchange_weak(old_word, make_word(n, old_word), std::memory_order_acquire,
                                        std::memory_order_acquire)) {
      return count;
    }
  }
}

template <unsigned TagBits, class Window>
void BasicLifo<TagBits, Window>::push_chain(Head& head, const std::uint32_t* nodes, std::size_t count,
                                    bool track_depth) noexcept {
  // nodes[0] becomes the top. The chain came from pop_chain, so its inner links are
  // already in place (the successful CAS there proved they were read right).
  Node& tail = nodes_[nodes[count - 1]];
  std::uint64_t old_word = head.word.load(std::memory_order_acquire);
  for (;;) {
    const std::uint32_t top = index_of(old_word);
    tail.next.store(top, std::memory_order_relaxed);
    if (track_depth) {
      const std::uint32_t below = top == kNull ? 0 : nodes_[top].depth.load(std::memory_order_relaxed);
      for (std::size_t i = 0; i < count; ++i) {
        nodes_[nodes[i]].depth.store(static_cast<std::uint32_t>(below + count - i), std::memory_order_relaxed);
      }
    }
    if (head.word.compare_exchange_weak(old_word, make_word(nodes[0], old_word), std::memory_order_release,
                                        std::memory_order_acquire)) {
      return;
    }
  }
}

template <unsigned TagBits, class Window>
bool BasicLifo<TagBits, Window>::push(std::uint64_t id) noexcept {
  const std::uint32_t n = pop_node(free_);
  if (n == kNull) return false;
  nodes_[n].value = id;  // published by push_node's release
  push_node(used_, n, true);
  return true;
}

template <unsigned TagBits, class Window>
bool BasicLifo<TagBits, Window>::pop(std::uint64_t& id) noexcept {
  const std::uint32_t n = pop_node(used_);
  if (n == kNull) return false;
  id = nodes_[n].value;  // ordered by pop_node's acquire
  push_node(free_, n, false);
  return true;
}

template <unsigned TagBits, class Window>
std::size_t BasicLifo<TagBits, Window>::push_many(const std::uint64_t* ids, std::size_t count) noexcept {
  std::uint32_t chain[kChunk];
  std::size_t done = 0;
  while (done < count) {
    const std::size_t want = count - done < kChunk ? count - done : kChunk;
    const std::size_t got = pop_chain(free_, chain, want);
    if (got == 0) break;
    // chain[0] becomes the top, so it takes the last id of this chunk.
    for (std::size_t i = 0; i < got; ++i) {
      nodes_[chain[i]].value = ids[done + got - 1 - i];
    }
    push_chain(used_, chain, got, true);
    done += got;
  }
  return done;
}

template <unsigned TagBits, class Window>
std::size_t BasicLifo<TagBits, Window>::pop_many(std::uint64_t* out, std::size_t max_count) noexcept {
  std::uint32_t chain[kChunk];
  std::size_t done = 0;
  while (done < max_count) {
    const std::size_t want = max_count - done < kChunk ? max_count - done : kChunk;
    const std::size_t got = pop_chain(used_, chain, want);
    if (got == 0) break;
    for (std::size_t i = 0; i < got; ++i) {
      out[done + i] = nodes_[chain[i]].value;
    }
    // The popped chain is still linked in order; it goes back onto the free stack whole.
    push_chain(free_, chain, got, false);
    done += got;
  }
  return done;
}

template <unsigned TagBits, class Window>
std::size_t BasicLifo<TagBits, Window>::drain(std::uint64_t* out) noexcept {
  std::uint64_t old_word = used_.word.load(std::memory_order_relaxed);
  do {
    if (index_of(old_word) == kNull) return 0;
  } while (!used_.word.compare_exchange_weak(old_word, make_word(kNull, old_word), std::memory_order_acquire,
                                             std::memory_order_relaxed));
  // The whole chain is now ours. A correct stack holds at most capacity nodes; the bound
  // also keeps a corrupted one (the tiny-tag test build) from looping forever.
  std::uint32_t n = index_of(old_word);
  std::uint32_t tail = n;
  std::size_t count = 0;
  const std::uint32_t head_node = n;
  while (n != kNull && count < capacity_) {
    out[count++] = nodes_[n].value;
    tail = n;
    n = nodes_[n].next.load(std::memory_order_relaxed);
  }
  // Hand the chain back to the free stack with one CAS: its links are already in place.
  std::uint64_t free_word = free_.word.load(std::memory_order_relaxed);
  for (;;) {
    nodes_[tail].next.store(index_of(free_word), std::memory_order_relaxed);
    if (free_.word.compare_exchange_weak(free_word, make_word(head_node, free_word), std::memory_order_release,
                                         std::memory_order_relaxed)) {
      return count;
    }
  }
}

template <unsigned TagBits, class Window>
std::vector<std::uint64_t> BasicLifo<TagBits, Window>::drain() {
  std::vector<std::uint64_t> out(capacity_);
  out.resize(drain(out.data()));
  return out;
}

template <unsigned TagBits, class Window>
std::size_t BasicLifo<TagBits, Window>::size() const noexcept {
  const std::uint32_t top = index_of(used_.word.load(std::memory_order_acquire));
  if (top == kNull) return 0;
  const std::size_t depth = nodes_[top].depth.load(std::memory_order_relaxed);
  return depth < capacity_ ? depth : capacity_;
}

// The default width is compiled once in lifo.cpp.
extern template class BasicLifo<kLifoTagBits>;

}  // namespace outpace
