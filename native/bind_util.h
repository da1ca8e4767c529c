// Helpers shared by the kernel bindings (bind_<family>.cpp) on top of napi_util.h: overflow-checked element
// counts and the row grain of parallel loops.
#pragma once
#include <napi.h>

#include <cstdint>
#include <initializer_list>
#include <string>

#include "napi_util.h"

namespace llamats {

/** out = the product of the factors; a RangeError when it exceeds 2^53 (no typed array is that long). */
inline bool count(Napi::Env env, const char* what, std::initializer_list<int64_t> factors, int64_t& out) {
  const int64_t limit = (int64_t)1 << 53;
  out = 1;
  for (int64_t f : factors) {
    if (f == 0) {
      out = 0;
      return true;
    }
  }
  for (int64_t f : factors) {
    if (out > limit / f) return fail(env, std::string(what) + ": the dimensions multiply to more than 2^53 elements");
    out *= f;
  }
  return true;
}

/** Rows per parallel chunk so that a chunk holds about 16K elements (at least one row). */
inline int64_t row_grain(int64_t row_len) { return row_len >= 16384 ? 1 : 16384 / (row_len > 0 ? row_len : 1); }

}  // namespace llamats
