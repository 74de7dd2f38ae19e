// Many campaign groups paced from one process: one call ticks every group.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "outpace/group.hpp"

namespace outpace {

struct GroupAction {
  std::int64_t group;  // index in the dialer
  Action action;
};

class Dialer {
 public:
  // Adds a group and returns its index.
  std::size_t add(std::shared_ptr<CampaignGroup> group);
  std::size_t size() const { return groups_.size(); }
  const std::shared_ptr<CampaignGroup>& group(std::size_t index) const;
  // Ticks every group at `now`, appending their actions in group order.
  void tick(double now, std::vector<GroupAction>& out);

 private:
  std::vector<std::shared_ptr<CampaignGroup>> groups_;
  std::vector<Action> scratch_;
};

}  // namespace outpace
