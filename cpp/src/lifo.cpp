// The default-width LIFO is compiled once here; other widths (the tiny-tag test build)
// instantiate the template from the header.
#include "outpace/lifo.hpp"

namespace outpace {

template class BasicLifo<kLifoTagBits>;

}  // namespace outpace
