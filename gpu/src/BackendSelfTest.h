#pragma once
// A start-up check of an accelerated matcher against the CPU one: a small synthetic
// pair with a known sub-pixel shift, matched by both at three pyramid levels, in both
// directions, with the template sizes, walks and borders tracking meets (the cases are
// listed in the .cpp), then, where the backend tracks whole pairs itself, one whole pair
// sent as 8-bit frames and one as 16-bit, against the host's run of the same plan. A GPU whose driver, kernel or memory
// misbehaves is found here, before a clip is tracked with it.
#include <string>

#include "MatcherBackend.h"

namespace ft::gpu {

// Empty when `candidate` agrees with the CPU matcher; otherwise what differed (or the
// error it raised), in words for the analysis notes.
std::string self_test_failure(MatcherBackend& candidate);

}  // namespace ft::gpu
