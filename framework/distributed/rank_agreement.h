// Start-of-job check that every rank resolved the same configuration: ranks that read other
// files, see another environment or got other arguments would train something else in silence.
#pragma once

#include "distributed/communicator.h"

#include <string>

namespace lacos {

// 64-bit FNV-1a of `text`.
std::uint64_t text_hash(const std::string& text);

// Compares the hash of `text` across ranks; on a difference every rank throws an error naming
// the first rank that differs from rank 0 and the first differing line (`what` names the text).
void require_same_on_all_ranks(Communicator& communicator, const std::string& text, const std::string& what);

}  // namespace lacos
