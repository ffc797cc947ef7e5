// lacos-train: LoRA + MNR fine-tuning of a BLOOM from the command line (the experiment runner
// drives the same Trainer from YAML). Writes <output>/adapter (PEFT) and <output>/metrics.json.
#pragma once

namespace lacos {

int run_train_command(int argc, char** argv);

}  // namespace lacos
