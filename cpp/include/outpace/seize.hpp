// The agent pool: each agent's state is one atomic word (state + the call it is bound
// to), changed only by compare-and-swap, so an agent can never be given two calls even
// when several threads reserve, bridge and release at once. Slots are allocated in
// fixed chunks that never move, so a slot stays valid while the pool grows.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace outpace {

enum class AgentState : std::uint8_t {
  LoggedOut = 0,
  NotReady,
  Ready,
  Reserved,  // seized for a call being placed (or a record being previewed)
  Talking,
  WrapUp,
};

const char* to_string(AgentState s);

struct AgentSnapshot {
  AgentState state;
  std::int64_t call;  // the call it is reserved for or talking on; -1 if none
};

class AgentPool {
 public:
  static constexpr std::size_t kChunk = 1024;
  static constexpr std::size_t kMaxChunks = 4096;  // 4 million agents

  // single_thread: one thread makes every call, so a transition is a plain load and store
  // instead of a compare-and-swap (CampaignGroup's Threading::SingleThread).
  explicit AgentPool(bool single_thread = false);
  ~AgentPool();
  AgentPool(const AgentPool&) = delete;
  AgentPool& operator=(const AgentPool&) = delete;

  // A new slot, logged out. Throws std::length_error beyond kChunk * kMaxChunks.
  std::size_t add();
  std::size_t size() const { return size_.load(std::memory_order_acquire); }

  AgentSnapshot get(std::size_t slot) const {
    return unpack(word(slot).load(std::memory_order_acquire));
  }
  // Moves slot from (from, from_call) to (to, to_call) if it is there; false otherwise.
  bool transition(std::size_t slot, AgentState from, std::int64_t from_call, AgentState to,
                  std::int64_t to_call);
  // Unconditional state change (login, logout); returns what it replaced.
  AgentSnapshot set(std::size_t slot, AgentState to, std::int64_t call);

  // Ready -> Reserved(call).
  bool reserve(std::size_t slot, std::int64_t call) {
    return transition(slot, AgentState::Ready, -1, AgentState::Reserved, call);
  }
  // Reserved(call) -> Ready.
  bool release(std::size_t slot, std::int64_t call) {
    return transition(slot, AgentState::Reserved, call, AgentState::Ready, -1);
  }
  // Reserved(call) or Ready -> Talking(call).
  bool bind(std::size_t slot, std::int64_t call) {
    return transition(slot, AgentState::Reserved, call, AgentState::Talking, call) ||
           transition(slot, AgentState::Ready, -1, AgentState::Talking, call);
  }

 private:
  // Word layout: state in the low 8 bits, call id + 1 in the high 56 (0 = no call).
  static std::uint64_t pack(AgentState s, std::int64_t call) {
    return (static_cast<std::uint64_t>(call + 1) << 8) | static_cast<std::uint64_t>(s);
  }
  static AgentSnapshot unpack(std::uint64_t w) {
    return {static_cast<AgentState>(w & 0xff), static_cast<std::int64_t>(w >> 8) - 1};
  }
  std::atomic<std::uint64_t>& word(std::size_t slot) const {
    if (slot >= size()) throw std::out_of_range("agent slot out of range");
    // Acquire pairs with the release in add(): the chunk's words are initialised.
    return (*chunks_[slot / kChunk].load(std::memory_order_acquire))[slot % kChunk];
  }

  using Chunk = std::array<std::atomic<std::uint64_t>, kChunk>;
  std::unique_ptr<std::atomic<Chunk*>[]> chunks_;
  std::atomic<std::size_t> size_{0};
  std::mutex grow_;
  bool single_thread_;
};

}  // namespace outpace
