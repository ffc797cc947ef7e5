#include "apps/app_main.h"
#include "apps/report_command.h"

int main(int argc, char** argv) {
  return lacos::run_main("lacos-report", [&] { return lacos::run_report_command(argc, argv); });
}
