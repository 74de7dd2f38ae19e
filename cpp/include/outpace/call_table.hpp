// CallTable: the calls in flight of a group, keyed by call id. The group numbers its calls
// itself (1, 2, 3, ...), so the live ids form a window that slides forward: a power-of-two
// array indexed by id & mask finds a call with one load and no hashing or allocation.
//
// Two live ids share a slot only when they are at least the capacity apart. On such a
// collision the older call moves to an overflow map, looked at only when it is not empty.
// A call the host never ends (a leaked call) therefore costs one map entry, and the array
// never grows for it. The array doubles when calls that went to the overflow keep ending
// there: then calls genuinely live longer than the array spans, and a leaked call, which
// never ends, never counts toward that.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "outpace/hot_memory.hpp"

namespace outpace {

template <class V>
class CallTable {
 public:
  // The call with this id, or nullptr.
  V* find(std::int64_t id) {
    if (!slots_.empty()) {
      Slot& s = slots_[index(id)];
      if (s.id == id && id != kEmpty) return &s.value;
    }
    if (overflow_.empty()) return nullptr;
    const auto it = overflow_.find(id);
    return it == overflow_.end() ? nullptr : &it->second;
  }
  const V* find(std::int64_t id) const { return const_cast<CallTable*>(this)->find(id); }

  // Cache hint: the slot a call with this id would use (a look-ahead before insert).
  void prefetch(std::int64_t id) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[index(id)]);
  }

  // Adds the call unless the id is there already; false (and nothing changed) if it was.
  // id must not be kEmpty (the group's ids start at 1).
  bool insert(std::int64_t id, const V& value) {
    V* v = emplace(id);
    if (v == nullptr) return false;
    *v = value;
    return true;
  }

  // Adds id with a default value for the caller to fill in place (nullptr if id is there
  // already): filling fields in the table skips copying a value just built on the stack,
  // whose wide reloads of narrow stores stall store forwarding.
  V* emplace(std::int64_t id) {
    // An id newer than any before is nowhere yet: the usual case needs no overflow lookup.
    if (id > newest_) {
      newest_ = id;
    } else if (find(id) != nullptr) {
      return nullptr;
    }
    if (slots_.empty()) slots_.assign(kInitialCapacity, Slot{});
    Slot& s = slots_[index(id)];
    if (s.id != kEmpty) {
      // A live call at least the capacity away: the older of the two goes to the overflow.
      if (id < s.id) return &overflow_.emplace(id, V{}).first->second;
      overflow_.emplace(s.id, std::move(s.value));
      --in_slots_;
    }
    s.id = id;
    s.value = V{};
    ++in_slots_;
    return &s.value;
  }

  // Removes the call; false if there was none with this id.
  bool erase(std::int64_t id) {
    if (!slots_.empty()) {
      Slot& s = slots_[index(id)];
      if (s.id == id && id != kEmpty) {
        s.id = kEmpty;
        --in_slots_;
        return true;
      }
    }
    if (overflow_.empty() || overflow_.erase(id) == 0) return false;
    // A call that outlived the array's span ended: enough of them and the array doubles.
    if (++overflow_ended_ >= slots_.size() / 16) grow();
    return true;
  }

  std::size_t size() const { return in_slots_ + overflow_.size(); }
  bool empty() const { return size() == 0; }
  std::size_t capacity() const { return slots_.size(); }
  std::size_t overflow_size() const { return overflow_.size(); }

  // Calls f(id, value) for every call, in no particular order.
  template <class F>
  void for_each(F&& f) const {
    for (const Slot& s : slots_) {
      if (s.id != kEmpty) f(s.id, s.value);
    }
    for (const auto& [id, v] : overflow_) f(id, v);
  }

 private:
  static constexpr std::int64_t kEmpty = std::numeric_limits<std::int64_t>::min();
  static constexpr std::size_t kInitialCapacity = 16;
  struct Slot {
    std::int64_t id = kEmpty;
    V value{};
  };

  std::size_t index(std::int64_t id) const {
    return static_cast<std::size_t>(static_cast<std::uint64_t>(id) & (slots_.size() - 1));
  }

  void grow() {
    // Ids that had distinct slots keep distinct slots under the wider mask: no collisions.
    HotVector<Slot> old(2 * slots_.size());
    old.swap(slots_);
    for (Slot& s : old) {
      if (s.id != kEmpty) slots_[index(s.id)] = std::move(s);
    }
    // Calls in the overflow that now fit come back to the array.
    for (auto it = overflow_.begin(); it != overflow_.end();) {
      Slot& s = slots_[index(it->first)];
      if (s.id == kEmpty) {
        s.id = it->first;
        s.value = std::move(it->second);
        ++in_slots_;
        it = overflow_.erase(it);
      } else {
        ++it;
      }
    }
    overflow_ended_ = 0;
  }

  HotVector<Slot> slots_;  // power-of-two size, allocated at the first insert (hot memory)
  std::size_t in_slots_ = 0;
  std::unordered_map<std::int64_t, V> overflow_;
  std::size_t overflow_ended_ = 0;  // calls erased from the overflow since the last growth
  std::int64_t newest_ = kEmpty;    // the largest id ever inserted
};

}  // namespace outpace
