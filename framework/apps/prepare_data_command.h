// lacos-prepare-data: builds <data>/derived/ from the raw datasets (launch/download-data.sh runs it).
#pragma once

namespace lacos {

int run_prepare_data_command(int argc, char** argv);

}  // namespace lacos
