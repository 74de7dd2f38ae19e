// A bounded lock-free multi-producer multi-consumer LIFO of 64-bit record ids: the top of
// the dialing buffer, where records inserted through the API wait (most recent first).
//
// Design: a Treiber stack over a node pool allocated once, at construction. A stack head
// is ONE 64-bit atomic word: the top node's index in the low b bits and a modification
// tag in the 64 - b bits above it (at most TagBits), so a plain 64-bit CAS (no 16-byte
// CAS) guards against ABA. b is the fewest bits that hold the pool size, which as an index
// marks the empty stack and the end of a chain: 11 bits and a 53-bit tag for the default
// 1,024-id stack (1,152 nodes), 32 and 32 at worst. Free nodes sit on a second Treiber
// stack of the same kind. Nothing allocates after construction; a full buffer refuses a
// push (it never overwrites).
//
// Per-thread node caches (the fast path). Moving every node through the free stack costs
// a push+pop pair four locked CASes (take a free node, link it, unlink it, give it back),
// 7 to 11 ns each here. Instead, a thread keeps a few free nodes of its own: pop puts the
// node it unlinked into its cache, push takes one from there, and the free stack is
// touched only to refill an empty cache or empty half of a full one, a chunk of nodes per
// CAS (pop_chain / push_chain). A single-threaded push+pop pair is then two CASes, both on
// the used head.
//
// Capacity is enforced by the used stack alone: every node on it records the depth of the
// stack at and below it, and push (and push_many) refuses when the top it would link onto
// has depth == capacity. The decision is taken on the head word it CASes against: a push
// links with a CAS on that word, and a refusal confirms the word with a CAS that writes it
// back unchanged (release, like a push; so the depth read before it is the depth of that
// very top: a later owner of that node, who could rewrite its depth, took it with an
// acquire CAS after ours). So the stack never holds more than capacity ids, exactly.
// The pool has more nodes than that, capacity + threads * nodes (LifoCaching), so that
// nodes sitting in caches never make the buffer look full:
// - At most `threads` threads hold a cache of one stack at a time: a thread takes a permit
//   (an atomic count in the stack) before it caches anything and gives it back with its
//   nodes; threads beyond that use the free stack directly (the four-CAS path, as before).
// - A cache holds at most `nodes` nodes (it refills with nodes/2 when empty and gives
//   nodes/2 back before it would overflow).
// So cached nodes number at most threads * nodes, and when no push, pop or drain is in
// progress the free stack holds at least capacity - size() nodes, plus whatever the pusher
// itself caches: a push then succeeds exactly when size() < capacity(), however many
// threads keep caches. While other calls are in progress, a push may also be refused
// below capacity when every spare node is held, for the moment, by those calls (a node
// between leaving one stack or cache and reaching another: one per push or pop, up to
// kChunk per push_many/pop_many, up to capacity for drain): the same transient refusal as
// the design without caches, and never because of idle caches. push_many, pop_many and
// drain use the free stack, not the caches.
//
// Where the caches live, and their lifetimes. The caches of a thread are one
// thread_local table (detail::LifoThreadCache) of kLifoCacheSlots slots, each holding a
// stack's instance id, the node indices, and how to give them back. Several stacks can be
// used from one thread: each gets a slot while slots last, further ones use the free
// stack directly (a thread that cycles through many stacks does not thrash: a slot is
// never taken from a live stack). The hard cases:
// - Instance identity: a slot is keyed by a 64-bit id drawn from a global counter at
//   construction and never reused, not by the address: a stack built where a destroyed
//   one lived gets a new id, so no thread ever hands it nodes of the old one.
// - Thread exit: the first time a thread takes a slot it arms a thread_local hook whose
//   destructor, at thread exit, takes the global registry mutex and, for every slot whose
//   stack is still registered (alive), pushes the cached nodes back onto its free stack
//   and returns the permit; slots of destroyed stacks are dropped without being touched.
//   Then the table is closed: a stack used later in that thread's exit (by another
//   thread_local destructor) goes through the free stack and caches nothing.
// - A stack destroyed while threads still cache its nodes: the destructor takes the same
//   mutex and unregisters the id before any member is freed. An exiting thread therefore
//   either gives its nodes back before the destructor begins, or finds the id gone and
//   does not touch the stack. The nodes in caches of a destroyed stack simply disappear
//   with it (they were free). A living thread whose slots are all taken looks for slots of
//   destroyed stacks only when the global count of destroyed stacks has changed since it
//   last looked, and only with try_lock: push and pop never wait for the mutex.
// - A thread that never runs its thread_local destructors (killed, or still running when
//   the process exits) keeps its nodes and permit: the stack loses that cache's share of
//   spare nodes and one cached thread, never capacity.
// Construction and destruction take the registry mutex; push and pop take it never
// (try_lock only, on the slow path just described). With LifoCaching{0, 0} there are no
// caches, no registry entry and the pool is exactly capacity nodes.
//
// Remembered head words (the rest of the fast path). Two CASes were still 26 ns a pair
// here: each CAS waited for a load of the head (itself held up by the previous locked
// instruction, about 5 ns) and a dependent read of the top node (about 3 ns). So a cache
// slot also remembers the used-head word its thread installed or took with its last
// successful CAS there, with the depth of that word's top node and, after a push, its
// next: values the thread knows without reading them (it wrote them, or read them when it
// owned the node). The next push or pop CASes against that word directly. If the head has
// moved on, the CAS fails, returns the current word (acquire) and the loop goes on with
// fresh reads as before; an empty stack is decided on a freshly loaded word only, a full
// one by the confirming write-back. When the CAS succeeds the head holds exactly the
// remembered word, so (tags below) it has not changed since: its top node stayed on the
// stack, owned by nobody, and its depth and next (written only by an owner) are still the
// remembered ones. No acquire is missing: the values were written by this thread or read
// by it after an acquire, and the CAS orders as before (release to push, acquire to pop).
// The price is in the ABA argument, next paragraph, and is why the tag is made wide.
//
// ABA: a popper reads head (top n, tag t) and n.next = m, then CASes head to m. If,
// meanwhile, n was popped, m popped and n pushed back, the head index is n again and a
// bare-index CAS would succeed and install the stale m. Every successful CAS that changes
// a head adds one to the tag, so the CAS only succeeds if the head has not changed at
// all, unless the tag wrapped around (exactly a multiple of 2^T changes, T the tag width)
// between the moment the word was obtained and the CAS. With a loaded word that moment is
// a few instructions before the CAS: with T >= 32, four billion changes while one thread
// sits between two instructions. With a remembered word it is the thread's previous
// operation on that stack, and a thread may idle for long. So words are remembered only
// when T >= kLifoMemoTagBits (48): the pool needs at most 16 index bits, 65,535 nodes.
// A wrong success then needs 2^48 changes of that head between two operations of one
// thread (33 days of changes at 10^8 per second, two per push+pop pair), and then a
// count that is an exact multiple of 2^48. Larger stacks load the head every time (about
// 26 ns a pair here). (The refusal's unchanged write-back keeps the tag: it changes
// nothing a concurrent CAS relies on.) Caches do not change the rest of the argument: a
// node is still owned by exactly one thread between leaving one stack and joining another,
// whether it waits in a cache or not. TagBits is a parameter so that a test can build a
// stack with a deliberately tiny tag and show that the stress test catches the
// corruption; such a build remembers words too (T >= TagBits is all it asks), so the
// test covers that path as well.
//
// Memory orders (why each is enough):
// - A node's fields are written only by the thread that owns it (it took it off a stack
//   or out of its cache and has not yet linked it onto a stack), then published by a
//   release CAS on a head. A thread that takes the node (acquire CAS) or reads it through
//   a head it loaded (acquire load) happens-after those writes. Every change of a head is
//   an RMW, so later CASes continue the release sequence of the one that published the
//   node. A node in a cache is owned by that thread only; it reaches another thread only
//   through a head.
// - A popper reads n.next of a node it does not own yet; the node may be popped, reused
//   and relinked by another thread at the same moment. The read is validated by the CAS
//   (same index and tag means the stack did not change, so the value read was the right
//   one), but the read itself still happens. `next` and `depth` are therefore std::atomic
//   accessed with relaxed order: a stale value is harmless (the CAS fails), a data race
//   would be undefined behaviour (and ThreadSanitizer reports it: tried with a plain
//   `next`). `value` is only ever touched by the node's owner, so it stays a plain field
//   and ThreadSanitizer checks the acquire/release hand-over through the heads.
// - Permits count caches, they publish nothing: their RMWs only need to be atomic.
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

// Tag width asked for by the default stack: as wide as the head word allows. The index
// takes the bits the pool needs (11 for 1,152 nodes) and the tag gets
// min(TagBits, 64 - index bits), so at least 32.
inline constexpr unsigned kLifoTagBits = 63;
// Remembered head words (see the header comment) are used only with a tag at least this
// wide, or as wide as a test build asked for when it asked for less.
inline constexpr unsigned kLifoMemoTagBits = 48;

// Called by a popper between reading n.next and its CAS: the window in which ABA strikes.
// Empty (and compiled away) in the real stack; the stress tests substitute one that
// yields the CPU now and then, so that other threads run inside the window far more often
// than preemption alone would make them.
struct NoRaceWindow {
  static void between_read_and_cas() noexcept {}
};

// Stacks (of any type) a thread can keep a node cache for at once; further stacks used by
// the same thread go through their free stack.
inline constexpr std::size_t kLifoCacheSlots = 8;
// Largest LifoCaching::nodes.
inline constexpr std::uint32_t kLifoMaxCacheNodes = 32;

// Per-thread node caches of one stack (see the header comment). The pool gets
// threads * nodes spare nodes; {0, 0} (or either 0) turns caching off.
struct LifoCaching {
  std::uint32_t threads = 8;  // threads that may cache nodes of this stack at once
  std::uint32_t nodes = 16;   // nodes each of them may cache, 2 to kLifoMaxCacheNodes
};

namespace detail {

using LifoGiveBack = void (*)(void* owner, const std::uint32_t* nodes, std::uint32_t count) noexcept;

struct LifoCacheSlot {
  void* owner;             // the stack (type-erased: one table serves every BasicLifo type)
  LifoGiveBack give_back;  // returns nodes and the permit to owner
  std::uint32_t count;     // nodes[0, count) are free nodes of owner, owned by this thread
  // What this thread last saw of owner's used head (by its own successful CAS): the word,
  // and the depth and next of that word's top node. memo bit 1: word and top_depth are
  // known; bit 2: top_next too.
  std::uint32_t memo;
  std::uint64_t word;
  std::uint32_t top_depth;
  std::uint32_t top_next;
  std::uint32_t nodes[kLifoMaxCacheNodes];
};

// One per thread, zero-initialised (constant, trivially destructible: no TLS guard on the
// fast path). ids[k] == 0 means slot k is free.
struct LifoThreadCache {
  std::uint64_t ids[kLifoCacheSlots];
  LifoCacheSlot slots[kLifoCacheSlots];
  std::uint64_t seen_generation;  // registry generation when dead slots were last looked for
  std::uint8_t state;             // 0: exit hook not armed, 1: armed, 2: closed (thread exiting)
};

inline thread_local LifoThreadCache t_lifo_cache{};

// The registry of live stacks (lifo.cpp): a mutex, the set of live instance ids and a
// count of destroyed stacks. Only construction, destruction, thread exit and the rare
// dead-slot scan use it.
std::uint64_t lifo_register();                   // a new unique id, registered as live
void lifo_unregister(std::uint64_t id) noexcept;  // before the stack's memory goes
// Frees the slots of this thread whose stacks were destroyed; false (doing nothing) when
// no stack was destroyed since the last look or another thread holds the registry mutex.
bool lifo_reclaim_dead_slots(LifoThreadCache& cache) noexcept;
// Arms the calling thread's exit hook (gives every cache back at thread exit).
void lifo_arm_thread_exit() noexcept;

}  // namespace detail

template <unsigned TagBits = kLifoTagBits, class Window = NoRaceWindow>
class BasicLifo {
  static_assert(TagBits >= 1 && TagBits <= 63, "the tag shares a 64-bit word with an index of 1 bit or more");

 public:
  // Node indices are 32-bit; one value is the empty-stack marker. Spare nodes for caches
  // are cut down (fewer cached threads) where capacity + spares would not fit.
  static constexpr std::size_t kMaxCapacity = 0xFFFF'FFFEu;

  // Throws std::invalid_argument unless 1 <= capacity <= kMaxCapacity and caching.nodes
  // is 0 or 2 to kLifoMaxCacheNodes.
  explicit BasicLifo(std::size_t capacity, LifoCaching caching = {});
  BasicLifo(const BasicLifo&) = delete;
  BasicLifo& operator=(const BasicLifo&) = delete;
  ~BasicLifo();

  // Puts id on top. Returns false, leaving the stack unchanged, when it is full (see the
  // header comment for the one other, transient, case).
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
  friend struct LifoTestAccess;  // tests only: pool size, permits, cache contents

  static constexpr unsigned kMemoMinTagBits = TagBits < kLifoMemoTagBits ? TagBits : kLifoMemoTagBits;

  struct Node {
    std::atomic<std::uint32_t> next{0};
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

  // Head word: index in the low index_bits_ bits (null_ for an empty stack), tag above.
  std::uint32_t index_of(std::uint64_t word) const noexcept { return static_cast<std::uint32_t>(word & index_mask_); }
  std::uint64_t make_word(std::uint32_t index, std::uint64_t old_word) const noexcept {
    // The tag field plus one, wrapping within the field (an add and a mask: this is on
    // the path of every CAS).
    return ((old_word + tag_one_) & tag_field_) | index;
  }

  std::uint32_t pop_node(Head& head) noexcept;
  void push_node(Head& head, std::uint32_t n) noexcept;  // free stack (no depth)
  // Links n on the used stack; false (n still ours) when the stack holds capacity ids.
  bool link_used(std::uint32_t n, detail::LifoCacheSlot* cache) noexcept;
  std::uint32_t pop_used(detail::LifoCacheSlot* cache) noexcept;
  std::size_t pop_chain(Head& head, std::uint32_t* nodes, std::size_t max) noexcept;
  // Pushes a chain taken by pop_chain (nodes[i].next == nodes[i + 1]) with one CAS.
  void push_chain(Head& head, const std::uint32_t* nodes, std::size_t count, bool track_depth) noexcept;
  // Pushes the longest tail nodes[count - k, count) that fits under capacity (one CAS);
  // returns k. nodes[0, count - k) stay ours.
  std::size_t link_used_chain(const std::uint32_t* nodes, std::size_t count) noexcept;
  // Links owned nodes (any order) into a chain and pushes it onto the free stack.
  void free_nodes(const std::uint32_t* nodes, std::uint32_t count) noexcept;

  // This thread's cache of this stack, or nullptr (caching off, no slot or no permit).
  detail::LifoCacheSlot* my_cache() noexcept {
    if (id_ == 0) return nullptr;
    detail::LifoThreadCache& tc = detail::t_lifo_cache;
    for (std::size_t k = 0; k < kLifoCacheSlots; ++k) {
      if (tc.ids[k] == id_) return &tc.slots[k];
    }
    return claim_cache(tc);
  }
  detail::LifoCacheSlot* claim_cache(detail::LifoThreadCache& tc) noexcept;
  static void give_back(void* owner, const std::uint32_t* nodes, std::uint32_t count) noexcept;

  std::size_t capacity_;
  std::uint32_t pool_ = 0;         // nodes: capacity + cache_threads * cache_nodes
  std::uint32_t null_ = 0;         // the empty-stack / end-of-chain index: pool_
  unsigned index_bits_ = 0;        // bits of the head word holding the index
  std::uint64_t index_mask_ = 0;
  std::uint64_t tag_one_ = 0;      // 1 in the tag field: 1 << index_bits_
  std::uint64_t tag_field_ = 0;    // the tag's min(TagBits, 64 - index_bits_) bits, in place
  bool memo_ = false;              // remembered head words in use (tag wide enough)
  std::uint32_t cache_nodes_ = 0;  // most nodes one thread caches
  std::uint32_t cache_batch_ = 0;  // nodes moved per refill or give-back (cache_nodes / 2)
  std::uint64_t id_ = 0;           // registry id; 0: caching off
  std::unique_ptr<Node[]> nodes_;
  Head used_;
  Head free_;
  alignas(64) std::atomic<std::uint32_t> permits_{0};  // caches that may still be opened
};

using Lifo = BasicLifo<>;

// ---- implementation (a template, so that tests can instantiate other tag widths) ------

template <unsigned TagBits, class Window>
BasicLifo<TagBits, Window>::BasicLifo(std::size_t capacity, LifoCaching caching) : capacity_(capacity) {
  if (capacity < 1 || capacity > kMaxCapacity) {
    throw std::invalid_argument("capacity must be from 1 to " + std::to_string(kMaxCapacity) +
                                " (got " + std::to_string(capacity) + ")");
  }
  if (caching.nodes == 1 || caching.nodes > kLifoMaxCacheNodes) {
    throw std::invalid_argument("caching.nodes must be 0 or from 2 to " + std::to_string(kLifoMaxCacheNodes) +
                                " (got " + std::to_string(caching.nodes) + ")");
  }
  std::size_t threads = caching.nodes == 0 ? 0 : caching.threads;
  if (threads > (kMaxCapacity - capacity) / (caching.nodes == 0 ? 1 : caching.nodes)) {
    threads = (kMaxCapacity - capacity) / caching.nodes;  // indices must stay 32-bit
  }
  const std::size_t pool = capacity + threads * caching.nodes;
  pool_ = static_cast<std::uint32_t>(pool);
  null_ = pool_;  // indices 0 .. pool - 1 are nodes
  index_bits_ = 1;
  while ((std::uint64_t{1} << index_bits_) <= null_) ++index_bits_;
  index_mask_ = (std::uint64_t{1} << index_bits_) - 1;
  const unsigned tag_bits = TagBits < 64 - index_bits_ ? TagBits : 64 - index_bits_;
  tag_one_ = std::uint64_t{1} << index_bits_;
  tag_field_ = ((std::uint64_t{1} << tag_bits) - 1) << index_bits_;
  memo_ = tag_bits >= kMemoMinTagBits;
  nodes_ = std::make_unique<Node[]>(pool);
  for (std::size_t i = 0; i < pool; ++i) {
    nodes_[i].next.store(static_cast<std::uint32_t>(i + 1), std::memory_order_relaxed);  // the last: null_
  }
  used_.word.store(null_, std::memory_order_relaxed);
  free_.word.store(0, std::memory_order_relaxed);
  if (threads > 0) {
    cache_nodes_ = caching.nodes;
    cache_batch_ = caching.nodes / 2;
    permits_.store(static_cast<std::uint32_t>(threads), std::memory_order_relaxed);
    id_ = detail::lifo_register();  // last: nothing to undo if it throws
  }
  // Construction happens-before any use by another thread through whatever hands the
  // object over (thread start, a mutex, ...), so relaxed stores suffice here.
}

template <unsigned TagBits, class Window>
BasicLifo<TagBits, Window>::~BasicLifo() {
  if (id_ == 0) return;
  // Before any member goes: from here on no exiting thread touches this stack.
  detail::lifo_unregister(id_);
  // This thread's own slot, if any, can be freed right away (others are found later).
  detail::LifoThreadCache& tc = detail::t_lifo_cache;
  for (std::size_t k = 0; k < kLifoCacheSlots; ++k) {
    if (tc.ids[k] == id_) {
      tc.ids[k] = 0;
      tc.slots[k].count = 0;
    }
  }
}

template <unsigned TagBits, class Window>
detail::LifoCacheSlot* BasicLifo<TagBits, Window>::claim_cache(detail::LifoThreadCache& tc) noexcept {
  // Cheap refusals first: this runs on every call of a thread that has no cache here.
  if (tc.state == 2 || permits_.load(std::memory_order_relaxed) == 0) return nullptr;
  std::size_t k = 0;
  while (k < kLifoCacheSlots && tc.ids[k] != 0) ++k;
  if (k == kLifoCacheSlots) {
    if (!detail::lifo_reclaim_dead_slots(tc)) return nullptr;
    k = 0;
    while (k < kLifoCacheSlots && tc.ids[k] != 0) ++k;
    if (k == kLifoCacheSlots) return nullptr;
  }
  std::uint32_t permits = permits_.load(std::memory_order_relaxed);
  do {
    if (permits == 0) return nullptr;
  } while (!permits_.compare_exchange_weak(permits, permits - 1, std::memory_order_relaxed));
  if (tc.state == 0) {
    detail::lifo_arm_thread_exit();
    tc.state = 1;
  }
  detail::LifoCacheSlot& slot = tc.slots[k];
  slot.owner = this;
  slot.give_back = &BasicLifo::give_back;
  slot.count = 0;
  slot.memo = 0;
  tc.ids[k] = id_;
  return &slot;
}

template <unsigned TagBits, class Window>
void BasicLifo<TagBits, Window>::give_back(void* owner, const std::uint32_t* nodes, std::uint32_t count) noexcept {
  auto* self = static_cast<BasicLifo*>(owner);
  if (count > 0) self->free_nodes(nodes, count);
  self->permits_.fetch_add(1, std::memory_order_relaxed);  // after the nodes: see the header
}

template <unsigned TagBits, class Window>
void BasicLifo<TagBits, Window>::free_nodes(const std::uint32_t* nodes, std::uint32_t count) noexcept {
  for (std::uint32_t i = 0; i + 1 < count; ++i) {
    nodes_[nodes[i]].next.store(nodes[i + 1], std::memory_order_relaxed);  // ours: published below
  }
  push_chain(free_, nodes, count, false);
}

template <unsigned TagBits, class Window>
std::uint32_t BasicLifo<TagBits, Window>::pop_node(Head& head) noexcept {
  // Acquire: the node's next was written by whoever pushed it, before its release CAS.
  std::uint64_t old_word = head.word.load(std::memory_order_acquire);
  for (;;) {
    const std::uint32_t n = index_of(old_word);
    if (n == null_) return null_;
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
void BasicLifo<TagBits, Window>::push_node(Head& head, std::uint32_t n) noexcept {
  Node& node = nodes_[n];
  std::uint64_t old_word = head.word.load(std::memory_order_relaxed);
  for (;;) {
    node.next.store(index_of(old_word), std::memory_order_relaxed);
    // Release publishes next (and value) to whoever takes the node.
    if (head.word.compare_exchange_weak(old_word, make_word(n, old_word), std::memory_order_release,
                                        std::memory_order_relaxed)) {
      return;
    }
  }
}

template <unsigned TagBits, class Window>
bool BasicLifo<TagBits, Window>::link_used(std::uint32_t n, detail::LifoCacheSlot* cache) noexcept {
  Node& node = nodes_[n];
  std::uint64_t old_word = 0;
  std::uint32_t below = 0;
  if (cache != nullptr && cache->memo != 0) {  // memo_ is checked where memo is set
    old_word = cache->word;  // what this thread last saw; the CAS checks it is still so
    below = cache->top_depth;
  } else {
    // Acquire: the depth of the current top node is read below.
    old_word = used_.word.load(std::memory_order_acquire);
    const std::uint32_t top = index_of(old_word);
    below = top == null_ ? 0 : nodes_[top].depth.load(std::memory_order_relaxed);
  }
  for (;;) {
    const std::uint32_t top = index_of(old_word);
    if (below >= capacity_) {
      // Full, if top was still the top after the depth read: confirm by writing the same
      // word back (no tag change: nothing changed). Release, so that whoever takes top
      // later, and may rewrite its depth, does so after this read (see the header).
      if (used_.word.compare_exchange_weak(old_word, old_word, std::memory_order_release,
                                           std::memory_order_acquire)) {
        return false;
      }
    } else {
      node.next.store(top, std::memory_order_relaxed);
      node.depth.store(below + 1, std::memory_order_relaxed);
      // Release publishes next, depth and value to whoever takes or reads the node.
      const std::uint64_t new_word = make_word(n, old_word);
      if (used_.word.compare_exchange_weak(old_word, new_word, std::memory_order_release,
                                           std::memory_order_acquire)) {
        if (cache != nullptr && memo_) {
          cache->word = new_word;
          cache->top_depth = below + 1;
          cache->top_next = top;
          cache->memo = 3;
        }
        return true;
      }
    }
    const std::uint32_t now_top = index_of(old_word);
    below = now_top == null_ ? 0 : nodes_[now_top].depth.load(std::memory_order_relaxed);
  }
}

template <unsigned TagBits, class Window>
std::uint32_t BasicLifo<TagBits, Window>::pop_used(detail::LifoCacheSlot* cache) noexcept {
  std::uint64_t old_word = 0;
  std::uint32_t next = null_;
  std::uint32_t top_depth = 0;
  bool depth_known = false;
  if (cache != nullptr && cache->memo != 0 && index_of(cache->word) != null_) {
    old_word = cache->word;
    top_depth = cache->top_depth;
    depth_known = true;
    next = (cache->memo & 2) != 0 ? cache->top_next : nodes_[index_of(old_word)].next.load(std::memory_order_relaxed);
  } else {
    // Emptiness is decided on a fresh load only, never on a remembered word.
    old_word = used_.word.load(std::memory_order_acquire);
    if (index_of(old_word) == null_) return null_;
    next = nodes_[index_of(old_word)].next.load(std::memory_order_relaxed);
  }
  for (;;) {
    const std::uint32_t n = index_of(old_word);
    Window::between_read_and_cas();
    const std::uint64_t new_word = make_word(next, old_word);
    if (used_.word.compare_exchange_weak(old_word, new_word, std::memory_order_acquire,
                                         std::memory_order_acquire)) {
      if (cache != nullptr && memo_) {
        // n is ours now: its depth is the one it had on the stack.
        const std::uint32_t d = depth_known ? top_depth : nodes_[n].depth.load(std::memory_order_relaxed);
        cache->word = new_word;
        cache->top_depth = d - 1;
        cache->memo = 1;
      }
      return n;
    }
    depth_known = false;
    const std::uint32_t now_top = index_of(old_word);
    if (now_top == null_) return null_;
    next = nodes_[now_top].next.load(std::memory_order_relaxed);
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
    while (n != null_ && count < max) {
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
  // nodes[0] becomes the top. The chain's inner links are already in place (pop_chain's
  // successful CAS proved they were read right, or free_nodes wrote them).
  Node& tail = nodes_[nodes[count - 1]];
  std::uint64_t old_word = head.word.load(std::memory_order_acquire);
  for (;;) {
    const std::uint32_t top = index_of(old_word);
    tail.next.store(top, std::memory_order_relaxed);
    if (track_depth) {
      const std::uint32_t below = top == null_ ? 0 : nodes_[top].depth.load(std::memory_order_relaxed);
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
std::size_t BasicLifo<TagBits, Window>::link_used_chain(const std::uint32_t* nodes, std::size_t count) noexcept {
  Node& tail = nodes_[nodes[count - 1]];
  std::uint64_t old_word = used_.word.load(std::memory_order_acquire);
  for (;;) {
    const std::uint32_t top = index_of(old_word);
    const std::uint32_t below = top == null_ ? 0 : nodes_[top].depth.load(std::memory_order_relaxed);
    if (below >= capacity_) {  // full: confirmed as in link_used
      if (used_.word.compare_exchange_weak(old_word, old_word, std::memory_order_release,
                                           std::memory_order_acquire)) {
        return 0;
      }
      continue;
    }
    const std::size_t room = capacity_ - below;
    const std::size_t k = count < room ? count : room;
    const std::size_t first = count - k;  // the bottom k nodes: the earliest ids
    tail.next.store(top, std::memory_order_relaxed);
    for (std::size_t i = first; i < count; ++i) {
      nodes_[nodes[i]].depth.store(static_cast<std::uint32_t>(below + count - i), std::memory_order_relaxed);
    }
    if (used_.word.compare_exchange_weak(old_word, make_word(nodes[first], old_word), std::memory_order_release,
                                         std::memory_order_acquire)) {
      return k;
    }
  }
}

template <unsigned TagBits, class Window>
bool BasicLifo<TagBits, Window>::push(std::uint64_t id) noexcept {
  detail::LifoCacheSlot* cache = my_cache();
  std::uint32_t n = null_;
  if (cache != nullptr) {
    if (cache->count == 0) {
      cache->count = static_cast<std::uint32_t>(pop_chain(free_, cache->nodes, cache_batch_));
      // Empty free stack: the stack is full, or spare nodes are in calls in progress.
      if (cache->count == 0) return false;
    }
    n = cache->nodes[--cache->count];
  } else {
    n = pop_node(free_);
    if (n == null_) return false;
  }
  nodes_[n].value = id;  // published by link_used's release
  if (link_used(n, cache)) return true;
  // Full: the node goes back where it came from.
  if (cache != nullptr) {
    cache->nodes[cache->count++] = n;
  } else {
    push_node(free_, n);
  }
  return false;
}

template <unsigned TagBits, class Window>
bool BasicLifo<TagBits, Window>::pop(std::uint64_t& id) noexcept {
  detail::LifoCacheSlot* cache = my_cache();
  const std::uint32_t n = pop_used(cache);
  if (n == null_) return false;
  id = nodes_[n].value;  // ordered by pop_used's acquire
  if (cache != nullptr) {
    if (cache->count == cache_nodes_) {  // full: half of it goes back, one CAS
      cache->count -= cache_batch_;
      free_nodes(cache->nodes + cache->count, cache_batch_);
    }
    cache->nodes[cache->count++] = n;
  } else {
    push_node(free_, n);
  }
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
    const std::size_t linked = link_used_chain(chain, got);
    done += linked;
    if (linked < got) {
      // Full: the top part of the chain (the later ids) goes back, still linked in order.
      push_chain(free_, chain, got - linked, false);
      break;
    }
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
    if (index_of(old_word) == null_) return 0;
  } while (!used_.word.compare_exchange_weak(old_word, make_word(null_, old_word), std::memory_order_acquire,
                                             std::memory_order_relaxed));
  // The whole chain is now ours. A correct stack holds at most capacity nodes; the bound
  // also keeps a corrupted one (the tiny-tag test build) from looping forever.
  std::uint32_t n = index_of(old_word);
  std::uint32_t tail = n;
  std::size_t count = 0;
  const std::uint32_t head_node = n;
  while (n != null_ && count < capacity_) {
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
  if (top == null_) return 0;
  const std::size_t depth = nodes_[top].depth.load(std::memory_order_relaxed);
  return depth < capacity_ ? depth : capacity_;
}

// The default width is compiled once in lifo.cpp.
extern template class BasicLifo<kLifoTagBits>;

}  // namespace outpace
