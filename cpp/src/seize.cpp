#include "outpace/seize.hpp"

#include <stdexcept>

namespace outpace {

const char* to_string(AgentState s) {
  switch (s) {
    case AgentState::LoggedOut: return "logged_out";
    case AgentState::NotReady: return "not_ready";
    case AgentState::Ready: return "ready";
    case AgentState::Reserved: return "reserved";
    case AgentState::Talking: return "talking";
    case AgentState::WrapUp: return "wrap_up";
  }
  return "unknown";
}

AgentPool::AgentPool(bool single_thread) : chunks_(new std::atomic<Chunk*>[kMaxChunks]), single_thread_(single_thread) {
  for (std::size_t i = 0; i < kMaxChunks; ++i) chunks_[i].store(nullptr, std::memory_order_relaxed);
}

AgentPool::~AgentPool() {
  for (std::size_t i = 0; i < kMaxChunks; ++i) delete chunks_[i].load(std::memory_order_relaxed);
}

std::size_t AgentPool::add() {
  std::lock_guard<std::mutex> lock(grow_);
  const std::size_t slot = size_.load(std::memory_order_relaxed);
  const std::size_t c = slot / kChunk;
  if (c >= kMaxChunks) throw std::length_error("too many agents in one group");
  if (chunks_[c].load(std::memory_order_relaxed) == nullptr) {
    auto* chunk = new Chunk;
    for (auto& w : *chunk) w.store(pack(AgentState::LoggedOut, -1), std::memory_order_relaxed);
    chunks_[c].store(chunk, std::memory_order_release);
  }
  size_.store(slot + 1, std::memory_order_release);
  return slot;
}

bool AgentPool::transition(std::size_t slot, AgentState from, std::int64_t from_call,
                           AgentState to, std::int64_t to_call) {
  std::uint64_t expected = pack(from, from_call);
  std::atomic<std::uint64_t>& w = word(slot);
  if (single_thread_) {
    if (w.load(std::memory_order_relaxed) != expected) return false;
    w.store(pack(to, to_call), std::memory_order_relaxed);
    return true;
  }
  // acq_rel: whoever wins the agent sees everything the previous owner wrote.
  return w.compare_exchange_strong(expected, pack(to, to_call), std::memory_order_acq_rel,
                                   std::memory_order_acquire);
}

AgentSnapshot AgentPool::set(std::size_t slot, AgentState to, std::int64_t call) {
  std::atomic<std::uint64_t>& w = word(slot);
  if (single_thread_) {
    const std::uint64_t old = w.load(std::memory_order_relaxed);
    w.store(pack(to, call), std::memory_order_relaxed);
    return unpack(old);
  }
  return unpack(w.exchange(pack(to, call), std::memory_order_acq_rel));
}

}  // namespace outpace
