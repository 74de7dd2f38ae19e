#include "outpace/dialer.hpp"

#include <stdexcept>

namespace outpace {

std::size_t Dialer::add(std::shared_ptr<CampaignGroup> group) {
  if (!group) throw std::invalid_argument("group must not be None");
  groups_.push_back(std::move(group));
  return groups_.size() - 1;
}

const std::shared_ptr<CampaignGroup>& Dialer::group(std::size_t index) const {
  if (index >= groups_.size()) throw std::out_of_range("no group with that index");
  return groups_[index];
}

void Dialer::tick(double now, std::vector<GroupAction>& out) {
  // A two-step look-ahead keeps memory busy while groups are decided: a group's arrays are
  // fetched kArrays groups ahead, the table rows they point to kRows groups ahead.
  constexpr std::size_t kObject = 6, kArrays = 4, kRows = 2;
  const std::size_t n = groups_.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i + kObject < n) __builtin_prefetch(groups_[i + kObject].get());  // its lock, for warm_arrays
    if (i + kArrays < n) groups_[i + kArrays]->warm_arrays();
    if (i + kRows < n) groups_[i + kRows]->warm_rows(now);
    scratch_.clear();
    groups_[i]->tick(now, scratch_);
    for (const Action& a : scratch_) out.push_back({static_cast<std::int64_t>(i), a});
  }
}

}  // namespace outpace
