// lacos-eval: Spearman and Pearson (x100) of a model (with an optional adapter) on STS files,
// printed as one JSON object.
#pragma once

namespace lacos {

int run_eval_command(int argc, char** argv);

}  // namespace lacos
