// Interpolation in configuration values, resolved after composition and overrides:
//   ${a.b}                the value at a.b (a whole-value reference keeps its type: a list stays a list)
//   ${env:VAR} / ${env:VAR,default}   the environment; unset without a default is an error
//   ${now:%Y-%m-%d_%H-%M-%S}          the time the sweep started (strftime format)
//   \${...}               a literal "${...}"
// References may chain; a cycle is an error naming the keys involved.
#pragma once

#include "config/config_node.h"

#include <ctime>

namespace lacos {

void resolve_interpolations(ConfigNode& root, std::time_t now);

}  // namespace lacos
