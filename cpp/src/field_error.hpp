// Internal: the one way the core reports a setting out of range, so that every message
// reads "FIELD must be RULE (got VALUE)" (the Python layer shows it as is).
#pragma once

#include <cstdio>
#include <stdexcept>
#include <string>

namespace outpace::detail {

[[noreturn]] inline void bad_field(const std::string& field, const char* rule, double value) {
  char buf[320];
  std::snprintf(buf, sizeof buf, "%s must be %s (got %g)", field.c_str(), rule, value);
  throw std::invalid_argument(buf);
}

}  // namespace outpace::detail
