// Where a run's model comes from: its HF folder, or, where the experiment allows it and the
// folder is absent (the offline quickstart without LACOS_MODELS), a random-initialised BLOOM
// of the configured shape with a tokenizer learned from the run's own text, announced with a
// notice. A missing folder otherwise is an error saying where it was looked for and how to get it.
#pragma once

#include "embed/sentence_encoder.h"
#include "experiment/run_settings.h"

#include <string>
#include <vector>

namespace lacos {

// Fails unless the folder exists or the random stand-in is allowed; `origin` names the config.
void check_model_available(const ModelSource& source, const std::string& origin);

bool uses_random_stand_in(const ModelSource& source);

// `corpus` (texts of the run) is only read for the random stand-in's tokenizer.
SentenceEncoder open_model(const RunSettings& settings, const std::vector<std::string>& corpus);

}  // namespace lacos
