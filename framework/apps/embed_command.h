// lacos-embed: sentences (one per line) -> HDF5 /embeddings float32 [N, hidden], input order.
#pragma once

namespace lacos {

int run_embed_command(int argc, char** argv);

}  // namespace lacos
