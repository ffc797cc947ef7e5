// lacos-report: tables and plots from run.h5 files and sweep folders.
#pragma once

namespace lacos {

int run_report_command(int argc, char** argv);

}  // namespace lacos
